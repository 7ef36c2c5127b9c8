package io.github.raftboot.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end: three sample-app processes (the repackaged jar) on loopback. Kills the leader with
 * SIGKILL and measures the failover from the kill to the new leader's {@code leaderSince}; then
 * stops the next leader with SIGTERM, which must hand over; then checks the leader-only job's
 * logs of all replicas: no two replicas ever ran it at overlapping instants, and no older term
 * ran after a newer one.
 */
class SampleClusterIT {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

	/** Kept after the run (under target/) so that the replicas' output can be read. */
	private Path dir;

	private final Map<String, Integer> ports = new LinkedHashMap<>();

	private final Map<String, Process> processes = new LinkedHashMap<>();

	@BeforeEach
	void createDirectory() throws IOException {
		this.dir = Files.createDirectories(Path.of("target", "sample-cluster-it", String.valueOf(System.currentTimeMillis())))
			.toAbsolutePath();
	}

	@AfterEach
	void killAll() {
		this.processes.values().forEach(Process::destroyForcibly);
	}

	@Test
	void killedLeaderIsReplacedWithinASecondAndStoppedLeaderHandsOver() throws Exception {
		for (String id : List.of("n1", "n2", "n3")) {
			this.ports.put(id, freePort());
		}
		for (String id : this.ports.keySet()) {
			start(id);
		}
		String first = awaitLeader(null, Duration.ofSeconds(60));
		await().atMost(Duration.ofSeconds(10)).until(() -> jobRuns(first) > 5);

		// kill -9 the leader
		Instant killedAt = Instant.now();
		this.processes.get(first).destroyForcibly().waitFor();
		String second = awaitLeader(first, Duration.ofSeconds(10));
		Instant secondSince = Instant.parse(raft(second).get("leaderSince").asString());
		Duration failover = Duration.between(killedAt, secondSince);
		System.out.println("Failover after kill -9 of " + first + ": " + second + " leads " + failover.toMillis() + " ms later");
		assertThat(failover).isLessThan(Duration.ofSeconds(1));

		// Bring the killed replica back; it rejoins as a follower of the current leader.
		start(first);
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(100))
			.untilAsserted(() -> assertThat(raftOrEmpty(first).map((node) -> node.get("leaderId").asString()))
				.contains(second));

		// SIGTERM the leader: it hands over before its web server stops. (Leadership may have
		// moved while the restarted JVM took both cores to start, so ask who leads now.)
		await().atMost(Duration.ofSeconds(10)).until(() -> jobRuns(awaitLeader(null, Duration.ofSeconds(10))) > 5);
		String stopping = awaitLeader(null, Duration.ofSeconds(10));
		Instant terminatedAt = Instant.now();
		this.processes.get(stopping).destroy();
		String third = awaitLeader(stopping, Duration.ofSeconds(10));
		Instant thirdSince = Instant.parse(raft(third).get("leaderSince").asString());
		this.processes.get(stopping).waitFor();
		System.out.println("Handover on SIGTERM of " + stopping + ": " + third + " leads "
				+ Duration.between(terminatedAt, thirdSince).toMillis() + " ms later");
		assertThat(Files.readString(this.dir.resolve(stopping + ".out")))
			.contains("handed leadership over before stopping to '" + third + "'");

		// Let the job run a little under the third leader, then audit the job logs.
		await().atMost(Duration.ofSeconds(10)).until(() -> jobRuns(third) > 5);
		auditJobLogs();
	}

	private void auditJobLogs() throws IOException {
		List<JobLogs.Run> runs = JobLogs.read(this.dir, this.ports.keySet());
		// Three leaderships (the killed one, the stopped one, the last one) by at least two replicas.
		assertThat(runs.stream().map(JobLogs.Run::term).distinct()).hasSizeGreaterThanOrEqualTo(3);
		assertThat(runs.stream().map(JobLogs.Run::node).distinct()).hasSizeGreaterThanOrEqualTo(2);
		JobLogs.assertOneLeaderAtATime(runs);
		System.out.println("Job log audit: " + runs.size() + " runs by " + runs.stream().map(JobLogs.Run::node).distinct().toList()
				+ " in terms " + runs.stream().map(JobLogs.Run::term).distinct().toList());
	}

	private void start(String id) throws IOException {
		List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar",
				System.getProperty("sample.jar"), "--server.port=" + this.ports.get(id), "--server.address=127.0.0.1",
				"--raft.node-id=" + id, "--raft.data-dir=" + this.dir.resolve("data-" + id),
				"--sample.job-log=" + this.dir.resolve("job-" + id + ".log"), "--sample.job-interval=20ms",
				"--logging.level.io.github.raftboot=DEBUG"));
		for (Map.Entry<String, Integer> peer : this.ports.entrySet()) {
			command.add("--raft.peers." + peer.getKey() + "=http://127.0.0.1:" + peer.getValue());
		}
		Path out = this.dir.resolve(id + ".out");
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
			.start();
		this.processes.put(id, process);
	}

	private String awaitLeader(@Nullable String not, Duration timeout) {
		AtomicReference<String> leader = new AtomicReference<>();
		await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> {
			for (String id : this.ports.keySet()) {
				if (id.equals(not) || !this.processes.get(id).isAlive()) {
					continue;
				}
				Optional<JsonNode> status = raftOrEmpty(id);
				if (status.isPresent() && status.get().get("leader").asBoolean()) {
					leader.set(id);
					return true;
				}
			}
			return false;
		});
		return leader.get();
	}

	private long jobRuns(String id) throws IOException, InterruptedException {
		return get(id, "/leader").get("jobRuns").asLong();
	}

	private JsonNode raft(String id) throws IOException, InterruptedException {
		return get(id, "/actuator/raft");
	}

	private Optional<JsonNode> raftOrEmpty(String id) {
		try {
			return Optional.of(raft(id));
		}
		catch (IOException | RuntimeException ex) {
			return Optional.empty();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
	}

	private JsonNode get(String id, String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.ports.get(id) + path))
			.timeout(Duration.ofMillis(500))
			.build();
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IOException(path + " answered " + response.statusCode());
		}
		return json.readTree(response.body());
	}

	private static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	/** A free port that none of the replicas has yet: the kernel may hand the same one out twice. */
	private int freePort() {
		for (int attempt = 0;; attempt++) {
			int port;
			try (ServerSocket socket = new ServerSocket(0)) {
				port = socket.getLocalPort();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			if (!this.ports.containsValue(port) || attempt >= 100) {
				return port;
			}
		}
	}

}
