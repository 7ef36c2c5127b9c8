import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What an idle follower's CPU goes into: plays the leader for one replica (member {@code n2} of
 * {@code n1..n3}, with {@code n1} and {@code n3} not running) and measures the replica's CPU
 * ({@code /proc/<pid>/stat}, JIT compiler threads apart) in windows with different traffic:
 * <ul>
 * <li>A: 20 AppendEntries per second, as from a real leader;</li>
 * <li>D: the same plus 20 {@code OPTIONS} per second half-way between them (the RPC filter answers
 * those with 204, without JSON and without the Raft thread): 20 more wake-ups of the container;</li>
 * <li>B: the same plus 20 {@code OPTIONS} per second sent with each AppendEntries: as many requests
 * as D, no more wake-ups.</li>
 * </ul>
 * Run with {@code java bench/experiments/FollowerWakeUps.java <port> <pid> [seconds per window]}
 * after starting the replica (see the README, "What changed, and why targets are still missed").
 */
public final class FollowerWakeUps {

	private static final long PERIOD_NANOS = 50_000_000L;

	private static long round = 1;

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		long pid = Long.parseLong(args[1]);
		long seconds = (args.length > 2) ? Long.parseLong(args[2]) : 90;
		Connection leader = new Connection(port);
		window("warm-up, 20 AppendEntries/s", seconds, pid, leader, null, false);
		window("A: 20 AppendEntries/s", seconds, pid, leader, null, false);
		window("D: A + 20 OPTIONS/s, 25 ms apart", seconds, pid, leader, new Connection(port), true);
		window("B: A + 20 OPTIONS/s, together", seconds, pid, leader, new Connection(port), false);
		window("A again", seconds, pid, leader, null, false);
	}

	private static void window(String name, long seconds, long pid, Connection leader, Connection other,
			boolean apart) throws Exception {
		long[] before = cpuTicks(pid);
		long start = System.nanoTime();
		long next = start;
		while (System.nanoTime() - start < seconds * 1_000_000_000L) {
			next += PERIOD_NANOS;
			leader.appendEntries();
			if (other != null && !apart) {
				other.options();
			}
			if (other != null && apart) {
				sleepUntil(next - PERIOD_NANOS / 2);
				other.options();
			}
			sleepUntil(next);
		}
		long[] after = cpuTicks(pid);
		double elapsed = (System.nanoTime() - start) / 1e9;
		long all = after[0] - before[0];
		long jit = after[1] - before[1];
		// One clock tick is 10 ms: ticks per second = % of one core.
		System.out.printf(Locale.ROOT, "%-36s %.2f %% of a core (JIT %.2f %%, without JIT %.2f %%)%n", name,
				all / elapsed, jit / elapsed, (all - jit) / elapsed);
	}

	private static void sleepUntil(long nanoTime) throws InterruptedException {
		long wait = nanoTime - System.nanoTime();
		if (wait > 0) {
			Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
		}
	}

	/** Clock ticks of user and system time: all threads, and the JIT compiler threads. */
	private static long[] cpuTicks(long pid) throws IOException {
		long jit = 0;
		try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
			for (Path task : tasks) {
				if (Files.readString(task.resolve("comm")).contains("CompilerThre")) {
					jit += ticks(task.resolve("stat"));
				}
			}
		}
		return new long[] { ticks(Path.of("/proc/" + pid + "/stat")), jit };
	}

	private static long ticks(Path stat) throws IOException {
		String line = Files.readString(stat);
		String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

	/** One keep-alive HTTP/1.1 connection to the replica. */
	private static final class Connection {

		private final OutputStream out;

		private final BufferedInputStream in;

		Connection(int port) throws IOException {
			Socket socket = new Socket("127.0.0.1", port);
			socket.setTcpNoDelay(true);
			this.out = socket.getOutputStream();
			this.in = new BufferedInputStream(socket.getInputStream());
		}

		void appendEntries() throws IOException {
			byte[] body = ("{\"from\":\"n1\",\"to\":\"n2\",\"term\":1,\"prevLogIndex\":0,\"prevLogTerm\":0,\"entries\":[],"
					+ "\"leaderCommit\":0,\"round\":" + (round++) + ",\"base\":null,\"stickinessMillis\":150}").getBytes(StandardCharsets.UTF_8);
			write("POST /raft/append-entries HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
					+ "Accept: application/json\r\nContent-Length: " + body.length + "\r\n\r\n", body);
			readResponse();
		}

		void options() throws IOException {
			write("OPTIONS /raft/append-entries HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", new byte[0]);
			readResponse();
		}

		private void write(String head, byte[] body) throws IOException {
			this.out.write(head.getBytes(StandardCharsets.US_ASCII));
			this.out.write(body);
			this.out.flush();
		}

		private void readResponse() throws IOException {
			String status = line();
			if (!status.contains(" 200 ") && !status.contains(" 204 ")) {
				throw new IOException("Unexpected answer: " + status);
			}
			int length = 0;
			for (String header = line(); !header.isEmpty(); header = line()) {
				if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
					length = Integer.parseInt(header.substring("content-length:".length()).trim());
				}
			}
			this.in.readNBytes(length);
		}

		private String line() throws IOException {
			StringBuilder line = new StringBuilder();
			for (int c = this.in.read(); c != '\n'; c = this.in.read()) {
				if (c < 0) {
					throw new EOFException("Connection closed by the replica");
				}
				if (c != '\r') {
					line.append((char) c);
				}
			}
			return line.toString();
		}

	}

}
