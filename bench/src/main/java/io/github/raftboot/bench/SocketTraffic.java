package io.github.raftboot.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Counts the TCP bytes each replica sends and receives over loopback during a window, from the
 * kernel's own per-socket counters ({@code tcp_info} {@code bytes_sent} and
 * {@code bytes_received}, as {@code ss -tinpeO} prints them).
 *
 * <p>Per-process I/O counters ({@code /proc/<pid>/io}) do not separate sockets from files, and
 * sockets come and go during a window (the servlet container closes a keep-alive connection after
 * 100 requests by default), so it takes three sources, each socket identified by its kernel
 * cookie ({@code sk:}):
 * <ul>
 * <li>a snapshot at the start and at the end of the window ({@code ss -tinpeO}: counters and
 * owning process);</li>
 * <li>{@code ss -tinEeO}, which prints every socket the kernel destroys during the window with
 * its final counters;</li>
 * <li>a snapshot every 250 ms, so that the owner of a socket that is destroyed later is known.</li>
 * </ul>
 * A socket's bytes in the window are its last counters (end snapshot, or destruction) minus its
 * counters at the start (zero for a socket opened during the window). Only sockets between two
 * replicas count: both ends on loopback, one end on a replica's server port, both owned by
 * replicas. Every byte appears twice, once sent by one replica and once received by another, so
 * the totals must match: {@link Result#balance()} checks it.
 */
final class SocketTraffic implements AutoCloseable {

	/** The owner in {@code users:(("java",pid=1234,fd=56))}; the name may contain spaces. */
	private static final Pattern OWNER = Pattern.compile("users:\\(\\(\".*?\",pid=(\\d+),");

	private static final Duration SAMPLE_INTERVAL = Duration.ofMillis(250);

	private final Map<Integer, Long> pidByPort;

	private final Set<Long> replicaPids;

	private final Map<String, Observed> start;

	private final Map<String, Observed> latest = new ConcurrentHashMap<>();

	private final Map<String, Observed> destroyed = new ConcurrentHashMap<>();

	private final Map<String, Long> owners = new ConcurrentHashMap<>();

	private final @Nullable Process events;

	private final @Nullable Thread eventReader;

	private final Thread sampler;

	private volatile boolean running = true;

	private SocketTraffic(Map<Integer, Long> pidByPort) throws IOException, InterruptedException {
		this.pidByPort = Map.copyOf(pidByPort);
		this.replicaPids = Set.copyOf(pidByPort.values());
		this.events = startEvents();
		this.eventReader = (this.events != null) ? readEvents(this.events) : null;
		this.start = snapshot();
		this.sampler = new Thread(this::sample, "raft-bench-ss-sampler");
		this.sampler.setDaemon(true);
		this.sampler.start();
	}

	/**
	 * Starts counting.
	 * @param pidByPort the process of each replica, by its server port
	 * @return the running count; {@link #stop()} ends it
	 */
	static SocketTraffic start(Map<Integer, Long> pidByPort) throws IOException, InterruptedException {
		return new SocketTraffic(pidByPort);
	}

	/**
	 * Ends the window and attributes the bytes.
	 * @return the bytes of each replica process
	 */
	Result stop() throws IOException, InterruptedException {
		Map<String, Observed> end = snapshot();
		this.running = false;
		this.sampler.join(2000);
		// Let the last destructions of the window arrive.
		Thread.sleep(200);
		close();
		Map<String, Observed> last = new LinkedHashMap<>(this.latest);
		last.putAll(this.destroyed);
		last.putAll(end);
		Map<String, Observed> all = new LinkedHashMap<>(this.start);
		all.putAll(last);
		Map<String, String> byEndpoints = new HashMap<>();
		all.forEach((cookie, socket) -> byEndpoints.put(socket.local() + ">" + socket.peer(), cookie));
		Map<Long, Traffic> traffic = new LinkedHashMap<>();
		long unattributed = 0;
		int sockets = 0;
		for (Map.Entry<String, Observed> entry : last.entrySet()) {
			String cookie = entry.getKey();
			Observed now = entry.getValue();
			if (!isBetweenReplicas(now)) {
				continue;
			}
			Long owner = owner(cookie, now);
			String peerCookie = byEndpoints.get(now.peer() + ">" + now.local());
			Long peerOwner = (peerCookie != null) ? owner(peerCookie, all.get(peerCookie)) : null;
			if ((owner != null && !this.replicaPids.contains(owner))
					|| (peerOwner != null && !this.replicaPids.contains(peerOwner))) {
				// One end belongs to something else, such as the benchmark itself.
				continue;
			}
			Observed before = this.start.get(cookie);
			long sent = now.sent() - ((before != null) ? before.sent() : 0);
			long received = now.received() - ((before != null) ? before.received() : 0);
			long segments = now.segments() - ((before != null) ? before.segments() : 0);
			if (sent < 0 || received < 0) {
				continue;
			}
			sockets++;
			if (owner == null) {
				unattributed += sent + received;
				continue;
			}
			Traffic current = traffic.getOrDefault(owner, Traffic.NONE);
			boolean opened = before == null && !this.pidByPort.containsKey(now.localPort());
			traffic.put(owner, new Traffic(current.sent() + sent, current.received() + received,
					current.segments() + segments, current.connectionsOpened() + (opened ? 1 : 0)));
		}
		return new Result(traffic, unattributed, sockets, this.events != null);
	}

	private @Nullable Long owner(String cookie, @Nullable Observed socket) {
		Long owner = this.owners.get(cookie);
		if (owner == null && socket != null && socket.pid() > 0) {
			owner = socket.pid();
		}
		if (owner == null && socket != null) {
			owner = this.pidByPort.get(socket.localPort());
		}
		return owner;
	}

	private boolean isBetweenReplicas(Observed socket) {
		return isLoopback(socket.local()) && isLoopback(socket.peer())
				&& (this.pidByPort.containsKey(socket.localPort()) || this.pidByPort.containsKey(socket.peerPort()));
	}

	static boolean isLoopback(String address) {
		return address.startsWith("127.") || address.startsWith("[::1]") || address.startsWith("[::ffff:127.");
	}

	private void sample() {
		while (this.running) {
			try {
				Thread.sleep(SAMPLE_INTERVAL.toMillis());
				snapshot();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (IOException ex) {
				// Try again at the next sample.
			}
		}
	}

	private Map<String, Observed> snapshot() throws IOException, InterruptedException {
		Process process = Processes.start(new ProcessBuilder("ss", "-tinpeHO").redirectErrorStream(true));
		Map<String, Observed> sockets = new LinkedHashMap<>();
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				Observed socket = Observed.parse(line);
				if (socket != null) {
					sockets.put(socket.cookie(), socket);
					this.latest.put(socket.cookie(), socket);
					if (socket.pid() > 0) {
						this.owners.putIfAbsent(socket.cookie(), socket.pid());
					}
				}
			}
		}
		if (!process.waitFor(10, TimeUnit.SECONDS)) {
			Processes.kill(process, Duration.ofSeconds(5));
		}
		return sockets;
	}

	private static @Nullable Process startEvents() {
		List<String> command = new ArrayList<>(List.of("stdbuf", "-oL", "ss", "-tinEeHO"));
		try {
			Process process = Processes.start(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD));
			// Give it a moment to subscribe before the start snapshot.
			Thread.sleep(100);
			return process.isAlive() ? process : null;
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	private Thread readEvents(Process process) {
		Thread thread = new Thread(() -> {
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					Observed socket = Observed.parse(line);
					if (socket != null) {
						this.destroyed.putIfAbsent(socket.cookie(), socket);
					}
				}
			}
			catch (IOException ex) {
				// The process was stopped.
			}
		}, "raft-bench-ss-events");
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	@Override
	public void close() {
		this.running = false;
		Process process = this.events;
		if (process != null && process.isAlive()) {
			process.destroy();
			try {
				if (!process.waitFor(2, TimeUnit.SECONDS)) {
					Processes.kill(process, Duration.ofSeconds(2));
				}
				Thread reader = this.eventReader;
				if (reader != null) {
					reader.join(2000);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * The bytes of one process during the window.
	 *
	 * @param sent TCP payload bytes sent
	 * @param received TCP payload bytes received
	 * @param segments TCP segments sent and received (each carries 52 bytes of IPv4 and TCP
	 * headers with timestamps on top of the payload)
	 * @param connectionsOpened connections this process opened during the window
	 */
	record Traffic(long sent, long received, long segments, int connectionsOpened) {

		static final Traffic NONE = new Traffic(0, 0, 0, 0);

		/** Payload plus IPv4 and TCP headers (20 + 32 bytes per segment). */
		long withHeaders() {
			return this.sent + this.received + 52 * this.segments;
		}

	}

	/**
	 * What a window counted.
	 *
	 * @param byPid the bytes of each replica process
	 * @param unattributedBytes bytes of sockets whose owner was never seen (opened and closed
	 * between two samples)
	 * @param sockets sockets counted
	 * @param destructionsSeen whether destroyed sockets were reported ({@code ss -E}); if not,
	 * bytes of sockets closed during the window after the last sample are missing
	 */
	record Result(Map<Long, Traffic> byPid, long unattributedBytes, int sockets, boolean destructionsSeen) {

		Traffic of(long pid) {
			return this.byPid.getOrDefault(pid, Traffic.NONE);
		}

		/** Received minus sent over all replicas, relative to sent: 0 when every byte was counted twice. */
		double balance() {
			long sent = this.byPid.values().stream().mapToLong(Traffic::sent).sum();
			long received = this.byPid.values().stream().mapToLong(Traffic::received).sum();
			return (sent == 0) ? 0 : (double) (received - sent) / sent;
		}

	}

	/**
	 * One socket as {@code ss -tinpeHO} or {@code ss -tinEeHO} printed it.
	 *
	 * @param cookie the kernel's cookie of the socket ({@code sk:})
	 * @param local the local address and port as printed, such as {@code [::ffff:127.0.0.1]:8081}
	 * @param localPort the local port
	 * @param peer the peer's address and port as printed
	 * @param peerPort the peer's port
	 * @param pid the owning process, or -1 if not printed (always so for a destroyed socket)
	 * @param sent {@code bytes_sent}
	 * @param received {@code bytes_received}
	 * @param segments {@code segs_out} plus {@code segs_in}
	 */
	record Observed(String cookie, String local, int localPort, String peer, int peerPort, long pid, long sent,
			long received, long segments) {

		/**
		 * Reads one line.
		 * @param line the line
		 * @return the socket, or {@code null} for a listening socket or a line that is not a
		 * socket with a cookie
		 */
		static @Nullable Observed parse(String line) {
			String[] tokens = line.trim().split("\\s+");
			if (tokens.length < 6 || tokens[4].endsWith(":*")) {
				return null;
			}
			String cookie = null;
			Matcher owner = OWNER.matcher(line);
			long pid = owner.find() ? Long.parseLong(owner.group(1)) : -1;
			long sent = 0;
			long received = 0;
			long segments = 0;
			for (int i = 5; i < tokens.length; i++) {
				String token = tokens[i];
				if (token.startsWith("sk:")) {
					cookie = token.substring(3);
				}
				else if (token.startsWith("bytes_sent:")) {
					sent = Long.parseLong(token.substring(11));
				}
				else if (token.startsWith("bytes_received:")) {
					received = Long.parseLong(token.substring(15));
				}
				else if (token.startsWith("segs_out:")) {
					segments += Long.parseLong(token.substring(9));
				}
				else if (token.startsWith("segs_in:")) {
					segments += Long.parseLong(token.substring(8));
				}
			}
			if (cookie == null) {
				return null;
			}
			try {
				return new Observed(cookie, tokens[3], port(tokens[3]), tokens[4], port(tokens[4]), pid, sent, received,
						segments);
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}

		private static int port(String address) {
			return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
		}

	}

}
