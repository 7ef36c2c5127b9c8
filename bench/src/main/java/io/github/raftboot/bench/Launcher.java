package io.github.raftboot.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * How a replica is started: the JDK's {@code java}, the JVM options and a private copy of the
 * sample jar (so that a rebuild during the run changes nothing).
 *
 * <p>With CDS, the copy is extracted with Spring Boot's {@code -Djarmode=tools extract} and a
 * dynamic class-data-sharing archive is recorded by one training run
 * ({@code -XX:ArchiveClassesAtExit} with {@code -Dspring.context.exit=onRefresh}), as Spring
 * Boot documents for production; replicas then start with {@code -XX:SharedArchiveFile}, which
 * halves their start-up. Both are cached by the jar's SHA-256.
 */
final class Launcher {

	private final String java;

	private final List<String> jvmOptions;

	private final Path jar;

	private final @Nullable Path cdsArchive;

	private Launcher(String java, List<String> jvmOptions, Path jar, @Nullable Path cdsArchive) {
		this.java = java;
		this.jvmOptions = List.copyOf(jvmOptions);
		this.jar = jar;
		this.cdsArchive = cdsArchive;
	}

	/**
	 * Prepares the jar (and the CDS archive) in {@code cacheDir}.
	 * @param options the settings
	 * @param cacheDir where prepared jars are kept between runs
	 * @param log where progress goes
	 * @return the launcher
	 * @throws IOException if the jar cannot be read or copied
	 */
	static Launcher prepare(BenchOptions options, Path cacheDir, PrintStream log) throws IOException, InterruptedException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Path source = options.jar.toAbsolutePath();
		if (!Files.isRegularFile(source)) {
			throw new IllegalArgumentException("No sample-app jar at " + source
					+ ": build it first (./mvnw -B -pl sample-app -am package -DskipTests) or pass --jar=PATH");
		}
		String hash = sha256(source).substring(0, 16);
		Path dir = cacheDir.toAbsolutePath().resolve(hash);
		Files.createDirectories(dir);
		// Another run (a build's smoke test) may prepare the same jar at the same time.
		try (FileChannel channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
			FileLock lock = channel.lock();
			try {
				return prepare(options, java, source, dir, log);
			}
			finally {
				lock.release();
			}
		}
	}

	private static Launcher prepare(BenchOptions options, String java, Path source, Path dir, PrintStream log)
			throws IOException, InterruptedException {
		Path copy = dir.resolve(source.getFileName());
		if (!Files.isRegularFile(copy)) {
			Path temp = Files.createTempFile(dir, "jar", ".tmp");
			Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
			move(temp, copy);
		}
		if (!options.cds) {
			return new Launcher(java, options.jvmOptions, copy, null);
		}
		Path extracted = dir.resolve("extracted");
		Path archive = dir.resolve("app.jsa");
		Path app = extracted.resolve(source.getFileName());
		if (Files.isRegularFile(archive) && Files.isRegularFile(app)) {
			return new Launcher(java, options.jvmOptions, app, archive);
		}
		log.println("Preparing the CDS archive of " + source.getFileName() + " (once per jar) …");
		deleteRecursively(extracted);
		Path work = Files.createTempDirectory(dir, "cds");
		try {
			run(List.of(java, "-Djarmode=tools", "-jar", copy.toString(), "extract", "--destination", extracted.toString()),
					work.resolve("extract.log"), 120);
			Path temp = dir.resolve("app.jsa.tmp");
			Files.deleteIfExists(temp);
			List<String> training = new ArrayList<>();
			training.add(java);
			training.addAll(options.jvmOptions);
			// Its own URL must name the port it listens on, or the replica refuses to start.
			int port = freePort();
			training.addAll(List.of("-XX:ArchiveClassesAtExit=" + temp, "-Dspring.context.exit=onRefresh", "-jar",
					app.toString(), "--server.port=" + port, "--server.address=127.0.0.1", "--raft.node-id=n1",
					"--raft.peers.n1=http://127.0.0.1:" + port, "--raft.peers.n2=http://127.0.0.1:2",
					"--raft.peers.n3=http://127.0.0.1:3", "--raft.data-dir=" + work.resolve("data")));
			run(training, work.resolve("training.log"), 180);
			if (!Files.isRegularFile(temp)) {
				log.println("No CDS archive was written (see " + work.resolve("training.log") + "): running without CDS");
				return new Launcher(java, options.jvmOptions, copy, null);
			}
			move(temp, archive);
			deleteRecursively(work);
			return new Launcher(java, options.jvmOptions, app, archive);
		}
		catch (IOException ex) {
			log.println("Could not prepare the CDS archive (" + ex.getMessage() + "): running without CDS");
			return new Launcher(java, options.jvmOptions, copy, null);
		}
	}

	/** The command that starts a replica with these application arguments. */
	List<String> command(List<String> appArguments) {
		List<String> command = new ArrayList<>();
		command.add(this.java);
		command.addAll(jvmOptions());
		command.add("-jar");
		command.add(this.jar.toString());
		command.addAll(appArguments);
		return command;
	}

	/** The JVM options of every replica, the CDS archive included. */
	List<String> jvmOptions() {
		List<String> options = new ArrayList<>(this.jvmOptions);
		if (this.cdsArchive != null) {
			options.add("-XX:SharedArchiveFile=" + this.cdsArchive);
		}
		return options;
	}

	/** The {@code java} executable. */
	String java() {
		return this.java;
	}

	/** Whether replicas start with a CDS archive. */
	boolean cds() {
		return this.cdsArchive != null;
	}

	private static void run(List<String> command, Path log, int timeoutSeconds) throws IOException, InterruptedException {
		Process process = Processes.start(new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.to(log.toFile())));
		if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
			Processes.kill(process, Duration.ofSeconds(5));
			throw new IOException("timed out: " + String.join(" ", command));
		}
		if (process.exitValue() != 0) {
			throw new IOException("exit code " + process.exitValue() + " of " + command.get(1) + ", see " + log);
		}
	}

	private static String sha256(Path file) throws IOException {
		try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
			MessageDigest digest = ((DigestInputStream) in).getMessageDigest();
			in.transferTo(OutputStream.nullOutputStream());
			return HexFormat.of().formatHex(digest.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void move(Path from, Path to) throws IOException {
		try {
			Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (AtomicMoveNotSupportedException ex) {
			Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
		}
	}

	static void deleteRecursively(Path dir) {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
