package io.github.raftboot.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.JsonNode;

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

	private static final List<String> IDS = List.of("n1", "n2", "n3");

	private LocalReplicas replicas;

	@BeforeEach
	void createReplicas() throws IOException {
		this.replicas = new LocalReplicas("sample-cluster-it", Duration.ofMillis(500), List.of());
	}

	@AfterEach
	void killAll() {
		this.replicas.close();
	}

	@Test
	void killedLeaderIsReplacedWithinASecondAndStoppedLeaderHandsOver() throws Exception {
		this.replicas.assignPorts(IDS);
		for (String id : IDS) {
			this.replicas.start(id, IDS);
		}
		String first = awaitLeader(null, Duration.ofSeconds(60));
		await().atMost(Duration.ofSeconds(10)).until(() -> jobRuns(first) > 5);

		// kill -9 the leader
		Instant killedAt = Instant.now();
		this.replicas.process(first).destroyForcibly().waitFor();
		String second = awaitLeader(first, Duration.ofSeconds(10));
		Instant secondSince = Instant.parse(raft(second).get("leaderSince").asString());
		Duration failover = Duration.between(killedAt, secondSince);
		System.out.println("Failover after kill -9 of " + first + ": " + second + " leads " + failover.toMillis() + " ms later");
		assertThat(failover).isLessThan(Duration.ofSeconds(1));

		// Bring the killed replica back; it rejoins as a follower of the current leader.
		this.replicas.start(first, IDS);
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(100))
			.untilAsserted(() -> assertThat(raftOrEmpty(first).map((node) -> node.get("leaderId").asString()))
				.contains(second));

		// SIGTERM the leader: it hands over before its web server stops. (Leadership may have
		// moved while the restarted JVM took both cores to start, so ask who leads now.)
		await().atMost(Duration.ofSeconds(10)).until(() -> jobRuns(awaitLeader(null, Duration.ofSeconds(10))) > 5);
		String stopping = awaitLeader(null, Duration.ofSeconds(10));
		Instant terminatedAt = Instant.now();
		this.replicas.process(stopping).destroy();
		String third = awaitLeader(stopping, Duration.ofSeconds(10));
		Instant thirdSince = Instant.parse(raft(third).get("leaderSince").asString());
		this.replicas.process(stopping).waitFor();
		System.out.println("Handover on SIGTERM of " + stopping + ": " + third + " leads "
				+ Duration.between(terminatedAt, thirdSince).toMillis() + " ms later");
		assertThat(Files.readString(this.replicas.dir().resolve(stopping + ".out")))
			.contains("handed leadership over before stopping to '" + third + "'");

		// Let the job run a little under the third leader, then audit the job logs.
		await().atMost(Duration.ofSeconds(10)).until(() -> jobRuns(third) > 5);
		auditJobLogs();
	}

	private void auditJobLogs() throws IOException {
		List<JobLogs.Run> runs = JobLogs.read(this.replicas.dir(), IDS);
		// Three leaderships (the killed one, the stopped one, the last one) by at least two replicas.
		assertThat(runs.stream().map(JobLogs.Run::term).distinct()).hasSizeGreaterThanOrEqualTo(3);
		assertThat(runs.stream().map(JobLogs.Run::node).distinct()).hasSizeGreaterThanOrEqualTo(2);
		JobLogs.assertOneLeaderAtATime(runs);
		System.out.println("Job log audit: " + runs.size() + " runs by " + runs.stream().map(JobLogs.Run::node).distinct().toList()
				+ " in terms " + runs.stream().map(JobLogs.Run::term).distinct().toList());
	}

	private String awaitLeader(@Nullable String not, Duration timeout) {
		AtomicReference<String> leader = new AtomicReference<>();
		await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> {
			for (String id : IDS) {
				if (id.equals(not) || !this.replicas.isAlive(id)) {
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
		return this.replicas.request(id, "GET", "/leader").get("jobRuns").asLong();
	}

	private JsonNode raft(String id) throws IOException, InterruptedException {
		return this.replicas.request(id, "GET", "/actuator/raft");
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

}
