package io.github.raftboot.sample;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sample-app replicas of an end-to-end test as real processes on loopback: the repackaged jar
 * (system property {@code sample.jar}, set by failsafe) started with {@code java -Xmx256m
 * -XX:TieredStopAtLevel=1}, each on a port of its own, and asked over HTTP.
 * <p>
 * Every replica's files are in {@link #dir()}, a new directory under {@code target/} that is kept
 * after the run: its data directory {@code data-<id>}, its job log {@code job-<id>.log} (see
 * {@link JobLogs}) and its output, standard and error, in {@code <id>.out}, appended to when the
 * replica is started again. {@link #close()} kills every replica started; call it after each test.
 */
final class LocalReplicas implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

	private final Path dir;

	private final Duration requestTimeout;

	private final List<String> jvmOptions;

	private final List<String> arguments;

	private final Map<String, Integer> ports = new LinkedHashMap<>();

	private final Map<String, Process> processes = new LinkedHashMap<>();

	/**
	 * Creates the run directory {@code target/<name>/<current millis>}; starts nothing yet.
	 * @param name the test's directory under {@code target/}
	 * @param requestTimeout how long {@link #request} waits for an answer
	 * @param jvmOptions JVM options of every replica besides {@code -Xmx256m -XX:TieredStopAtLevel=1}
	 * @param arguments application arguments of every replica besides its port, address, node id,
	 * data directory, job log, {@code --sample.job-interval=20ms}, DEBUG logging of
	 * {@code io.github.raftboot} and its peers
	 */
	LocalReplicas(String name, Duration requestTimeout, List<String> jvmOptions, String... arguments) throws IOException {
		this.dir = Files.createDirectories(Path.of("target", name, String.valueOf(System.currentTimeMillis())))
			.toAbsolutePath();
		this.requestTimeout = requestTimeout;
		this.jvmOptions = List.copyOf(jvmOptions);
		this.arguments = List.of(arguments);
	}

	/** The directory of the replicas' files, kept after the run. */
	Path dir() {
		return this.dir;
	}

	/**
	 * Picks a free loopback port for each of {@code ids}, at random between 20000 and 32000: below the
	 * kernel's ephemeral range (32768 and up), so that no outgoing connection takes the port of a
	 * replica that starts, or starts again, later.
	 * @param ids the replicas, none of which has a port yet
	 * @throws AssertionError if not enough free ports were found in 1000 tries
	 */
	void assignPorts(List<String> ids) {
		for (String id : ids) {
			if (this.ports.containsKey(id)) {
				throw new IllegalArgumentException(id + " has a port already: " + this.ports.get(id));
			}
		}
		Random random = new Random();
		List<String> left = new ArrayList<>(ids);
		for (int attempt = 0; attempt < 1000 && !left.isEmpty(); attempt++) {
			int port = 20000 + random.nextInt(12000);
			if (!this.ports.containsValue(port) && isFree(port)) {
				this.ports.put(left.remove(0), port);
			}
		}
		assertThat(left).as("replicas without a free port between 20000 and 32000").isEmpty();
	}

	/** The replicas that have a port, in the order they got it. */
	Set<String> ids() {
		return this.ports.keySet();
	}

	/**
	 * The URL of a replica, as its peers name it.
	 * @throws IllegalArgumentException if it has no port
	 */
	String url(String id) {
		Integer port = this.ports.get(id);
		if (port == null) {
			throw new IllegalArgumentException("No port for " + id + ", only for " + this.ports.keySet());
		}
		return "http://127.0.0.1:" + port;
	}

	/**
	 * Starts a replica (again, if it ran before) on its port with {@code --raft.peers.<peer>} set for
	 * each of {@code peers}; does not wait for it to be up.
	 * @param id the replica, which has a port
	 * @param peers the members it lists in {@code raft.peers}, itself included, which have ports
	 * @param arguments further application arguments of this replica only, after all others
	 */
	void start(String id, Collection<String> peers, String... arguments) throws IOException {
		String jar = System.getProperty("sample.jar");
		if (jar == null) {
			throw new IllegalStateException("System property sample.jar is not set: run the ITs with failsafe (mvn verify)");
		}
		List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx256m", "-XX:TieredStopAtLevel=1"));
		command.addAll(this.jvmOptions);
		command.addAll(List.of("-jar", jar, "--server.port=" + this.ports.get(id), "--server.address=127.0.0.1",
				"--raft.node-id=" + id, "--raft.data-dir=" + this.dir.resolve("data-" + id),
				"--sample.job-log=" + this.dir.resolve("job-" + id + ".log"), "--sample.job-interval=20ms",
				"--logging.level.io.github.raftboot=DEBUG"));
		command.addAll(this.arguments);
		for (String peer : peers) {
			command.add("--raft.peers." + peer + "=" + url(peer));
		}
		command.addAll(List.of(arguments));
		Path out = this.dir.resolve(id + ".out");
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
			.start();
		this.processes.put(id, process);
	}

	/**
	 * The process of a replica, as last started.
	 * @throws IllegalArgumentException if it was never started
	 */
	Process process(String id) {
		Process process = this.processes.get(id);
		if (process == null) {
			throw new IllegalArgumentException(id + " was never started; started: " + this.processes.keySet());
		}
		return process;
	}

	/** Whether a replica was started and its process still runs. */
	boolean isAlive(String id) {
		Process process = this.processes.get(id);
		return process != null && process.isAlive();
	}

	/**
	 * Sends a request without a body to a replica.
	 * @see #request(String, String, String, String)
	 */
	JsonNode request(String id, String method, String path) throws IOException, InterruptedException {
		return request(id, method, path, null);
	}

	/**
	 * Sends a request to a replica and reads its JSON answer.
	 * @param id the replica
	 * @param method the HTTP method
	 * @param path the path, with its query if any
	 * @param body a JSON body ({@code Content-Type: application/json}), or {@code null} for none
	 * @return the answer
	 * @throws IOException if the replica did not answer within the request timeout, or answered with
	 * a status other than 200 (the message has the status and the body)
	 */
	JsonNode request(String id, String method, String path, @Nullable String body)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(id) + path)).timeout(this.requestTimeout);
		if (body != null) {
			request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IOException(method + " " + path + " of " + id + " answered " + response.statusCode() + ": "
					+ response.body());
		}
		return json.readTree(response.body());
	}

	/** Kills every replica started (SIGKILL) without waiting; their files stay. */
	@Override
	public void close() {
		this.processes.values().forEach(Process::destroyForcibly);
	}

	private static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
