package io.github.raftboot.sample;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end: a cluster of sample-app processes (the repackaged jar) on loopback scaled from
 * three replicas to five and back, as a StatefulSet would be whose ConfigMap was edited to list
 * five replicas before the scale-up.
 * <ol>
 * <li>n1, n2 and n3, each listing the three of them in {@code raft.peers}, form a cluster.</li>
 * <li>n4 and n5 start listing all five, without {@code raft.membership.auto-join}: they wait to
 * be added, and form no cluster of their own.</li>
 * <li>The operator adds them one at a time ({@code POST /actuator/raft/members/{id}}); while
 * each change runs, the link between the leader and one member is cut for a second.</li>
 * <li>The operator removes them again ({@code DELETE /actuator/raft/members/{id}}), n5 while
 * it leads: it must hand over, and the leader-only job must move. Then both are stopped.</li>
 * </ol>
 * A second test follows docs/kubernetes.md: the new replicas ask to be added themselves
 * ({@code raft.membership.auto-join}). Every replica must show each configuration settled
 * (committed, not joint, no learners), and the leader-only job's logs of all five must show one
 * replica running it at a time.
 */
class ScalingClusterIT {

	private static final List<String> FIRST_THREE = List.of("n1", "n2", "n3");

	private static final List<String> ALL_FIVE = List.of("n1", "n2", "n3", "n4", "n5");

	/** How long a membership change may take to be accepted, and then to settle on every replica. */
	private static final Duration CHANGE_LIMIT = Duration.ofSeconds(30);

	/** How long a link stays cut while a member is added. */
	private static final Duration LINK_FAULT = Duration.ofSeconds(1);

	private LocalReplicas replicas;

	/** When each change was asked for and when every replica showed it settled, printed at the end. */
	private final List<String> timings = new ArrayList<>();

	@BeforeEach
	void createReplicas() throws IOException {
		this.replicas = new LocalReplicas("scaling-cluster-it", Duration.ofSeconds(2), List.of(),
				"--sample.demo.fault-injection=true");
	}

	@AfterEach
	void killAll() {
		this.replicas.close();
		this.timings.forEach(System.out::println);
	}

	@Test
	void scaledFromThreeToFiveAndBackWhileOneReplicaAtATimeRunsTheJob() throws Exception {
		this.replicas.assignPorts(ALL_FIVE);
		for (String id : FIRST_THREE) {
			this.replicas.start(id, FIRST_THREE);
		}
		awaitSettled(FIRST_THREE, Duration.ofSeconds(90));
		await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> jobRuns(awaitLeader()) > 5);

		// The StatefulSet scales up, its ConfigMap listing five replicas: the new ones wait to be
		// added. n1..n3 refuse to form a cluster with them, and they do not form one of two.
		this.replicas.start("n4", ALL_FIVE, "--raft.membership.auto-join=false");
		this.replicas.start("n5", ALL_FIVE, "--raft.membership.auto-join=false");
		await("n4 and n5 up").atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> raftOrEmpty("n4").isPresent() && raftOrEmpty("n5").isPresent());
		long runsBefore = jobRunsOf(FIRST_THREE);
		await("n4 and n5 waiting to be added").during(Duration.ofSeconds(3))
			.ignoreExceptions()
			.atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> isJoining("n4") && isJoining("n5"));
		for (String newcomer : List.of("n4", "n5")) {
			JsonNode formation = raft(newcomer).get("formation");
			assertThat(strings(formation.get("refused"))).as("members that refused to form a cluster with %s", newcomer)
				.isNotEmpty()
				.isSubsetOf(FIRST_THREE);
		}
		assertThat(jobRunsOf(FIRST_THREE)).as("job runs while n4 and n5 waited").isGreaterThan(runsBefore);
		awaitSettled(FIRST_THREE, Duration.ofSeconds(10));

		// Add them one at a time, each while a link of the leader is cut for a second.
		// For n4, the leader loses a follower of the first three; for n5, n4, the member added last.
		add("n4", List.of("n1", "n2", "n3", "n4"),
				(leader) -> FIRST_THREE.stream().filter((id) -> !id.equals(leader)).findFirst().orElseThrow());
		add("n5", ALL_FIVE, (leader) -> leader.equals("n4") ? "n1" : "n4");
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> jobRuns(awaitLeader()) > 5);

		// Scale down: n5 goes first, and it leads when it is removed.
		removeTheLeaderN5();
		awaitStanding("n5", "REMOVED");
		String successor = awaitLeader();
		long successorRuns = jobRuns(successor);
		await("the job to run on " + successor).atMost(Duration.ofSeconds(10))
			.ignoreExceptions()
			.until(() -> jobRuns(successor) > successorRuns + 3);
		remove("n4", FIRST_THREE);
		awaitStanding("n4", "REMOVED");
		assertThat(standing("n5")).isEqualTo("REMOVED");

		// The pods go away.
		for (String id : List.of("n4", "n5")) {
			Process process = this.replicas.process(id);
			process.destroy();
			assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s exited after SIGTERM", id).isTrue();
		}
		String last = awaitLeader();
		long lastRuns = jobRuns(last);
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> jobRuns(last) > lastRuns + 5);
		awaitSettled(FIRST_THREE, Duration.ofSeconds(10));

		List<JobLogs.Run> runs = auditJobLogs();
		// n5 ran the job while it led, and the job moved to another replica when n5 removed itself.
		long n5Term = runs.stream().filter((run) -> run.node().equals("n5")).mapToLong(JobLogs.Run::term).max().orElse(-1);
		assertThat(n5Term).as("a term in which n5 ran the job").isPositive();
		assertThat(runs).filteredOn((run) -> run.term() > n5Term)
			.extracting(JobLogs.Run::node)
			.isNotEmpty()
			.doesNotContain("n5");
	}

	/**
	 * The scale-up and scale-down of docs/kubernetes.md: the new replicas, started with the edited
	 * list and {@code raft.membership.auto-join} on (the default), ask the leader to add them; the
	 * operator removes them, highest ordinal first, before they are stopped.
	 */
	@Test
	void replicasOfAScaledUpStatefulSetJoinByThemselvesAndLeaveWhenRemoved() throws Exception {
		this.replicas.assignPorts(ALL_FIVE);
		for (String id : FIRST_THREE) {
			this.replicas.start(id, FIRST_THREE);
		}
		awaitSettled(FIRST_THREE, Duration.ofSeconds(90));
		await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> jobRuns(awaitLeader()) > 5);

		Instant startedAt = Instant.now();
		this.replicas.start("n4", ALL_FIVE);
		this.replicas.start("n5", ALL_FIVE);
		Instant joinedAt = awaitSettled(ALL_FIVE, Duration.ofSeconds(90));
		this.timings.add(String.format("n4 and n5 started at %s, both voting on every replica %d ms later (JVM start "
				+ "included)", startedAt, Duration.between(startedAt, joinedAt).toMillis()));
		String leader = awaitLeader();
		long runs = jobRuns(leader);
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> jobRuns(leader) > runs + 5);

		remove("n5", List.of("n1", "n2", "n3", "n4"));
		awaitStanding("n5", "REMOVED");
		remove("n4", FIRST_THREE);
		awaitStanding("n4", "REMOVED");
		// Removed, they have Raft state: they do not ask to join again.
		assertThat(standing("n5")).isEqualTo("REMOVED");
		for (String id : List.of("n4", "n5")) {
			Process process = this.replicas.process(id);
			process.destroy();
			assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s exited after SIGTERM", id).isTrue();
		}
		String last = awaitLeader();
		long lastRuns = jobRuns(last);
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> jobRuns(last) > lastRuns + 5);
		awaitSettled(FIRST_THREE, Duration.ofSeconds(10));
		auditJobLogs();
	}

	// Steps

	/**
	 * Adds {@code member} through the leader's actuator and waits until {@code voters} show it
	 * settled; cuts the link between the leader and the member {@code victim} chooses for
	 * {@link #LINK_FAULT} from just before the request.
	 */
	private void add(String member, Collection<String> voters, UnaryOperator<String> victim) throws Exception {
		String leader = awaitLeader();
		String other = victim.apply(leader);
		Instant cutAt = Instant.now();
		cut(leader, other);
		Change change;
		try {
			change = change(member, leader, () -> "{\"url\":\"" + this.replicas.url(member) + "\"}");
			// A fixed wait on purpose: the fault must last a while, whatever the change does meanwhile.
			Thread.sleep(Math.max(0, LINK_FAULT.toMillis() - Duration.between(cutAt, Instant.now()).toMillis()));
		}
		finally {
			heal(leader, other);
		}
		Instant healedAt = Instant.now();
		Instant settledAt = awaitSettled(voters, CHANGE_LIMIT);
		this.timings.add(String.format("add %s: asked of %s at %s (link %s-%s cut %s to %s), settled on every replica %d ms "
				+ "after the request", member, change.from(), change.at(), leader, other, cutAt, healedAt,
				Duration.between(change.at(), settledAt).toMillis()));
	}

	/**
	 * Makes n5 lead (a leadership transfer), lets it run the job a few times, then asks n5 itself
	 * to remove n5 and waits until n1..n4 show the change settled.
	 */
	private void removeTheLeaderN5() throws Exception {
		AtomicReference<Instant> requestedAt = new AtomicReference<>();
		List<String> answers = new CopyOnWriteArrayList<>();
		try {
			await().atMost(CHANGE_LIMIT)
				.ignoreExceptions()
				.pollInterval(Duration.ofMillis(300))
				.until(() -> {
					Optional<String> leader = leaderNow();
					if (leader.isEmpty()) {
						return false;
					}
					if (!leader.get().equals("n5")) {
						answers.add("transfer "
								+ this.replicas.request(leader.get(), "POST", "/actuator/raft", "{\"target\":\"n5\"}")
									.get("result")
									.asString()
								+ " from " + leader.get());
						return false;
					}
					if (jobRuns("n5") < 5) {
						return false;
					}
					Instant at = Instant.now();
					String result = this.replicas.request("n5", "DELETE", "/actuator/raft/members/n5")
						.get("result")
						.asString();
					answers.add("remove n5 " + result);
					if (!result.equals("STARTED")) {
						return false;
					}
					requestedAt.set(at);
					return true;
				});
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("n5 did not lead and take its own removal; answers: " + answers, ex);
		}
		Instant settledAt = awaitSettled(List.of("n1", "n2", "n3", "n4"), CHANGE_LIMIT);
		this.timings.add(String.format("remove n5: asked of n5, the leader, at %s, settled on every replica %d ms after the "
				+ "request; %s leads", requestedAt.get(), Duration.between(requestedAt.get(), settledAt).toMillis(),
				awaitLeader()));
	}

	/** Removes {@code member} through the leader's actuator and waits until {@code voters} show it settled. */
	private void remove(String member, Collection<String> voters) throws Exception {
		Change change = change(member, awaitLeader(), null);
		Instant settledAt = awaitSettled(voters, CHANGE_LIMIT);
		this.timings.add(String.format("remove %s: asked of %s at %s, settled on every replica %d ms after the request",
				member, change.from(), change.at(), Duration.between(change.at(), settledAt).toMillis()));
	}

	/**
	 * Asks for a change until a leader takes it: adds {@code member} if {@code body} is given,
	 * otherwise removes it. Follows a {@code NOT_LEADER} answer to the leader it names; asks again
	 * after an answer that says to wait ({@code NOT_READY}, {@code CHANGE_IN_PROGRESS},
	 * {@code TRANSFER_IN_PROGRESS}, or {@code WOULD_LOSE_QUORUM} while a link is cut).
	 * @return who took it, and when it was asked
	 */
	private Change change(String member, String firstAsk, @Nullable Supplier<String> body) {
		AtomicReference<String> ask = new AtomicReference<>(firstAsk);
		AtomicReference<Change> started = new AtomicReference<>();
		List<String> refusals = new CopyOnWriteArrayList<>();
		try {
			await().atMost(CHANGE_LIMIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100)).until(() -> {
				Instant at = Instant.now();
				JsonNode reply;
				try {
					String path = "/actuator/raft/members/" + member;
					reply = (body != null) ? this.replicas.request(ask.get(), "POST", path, body.get())
							: this.replicas.request(ask.get(), "DELETE", path);
				}
				catch (IOException ex) {
					refusals.add(ask.get() + ": " + ex.getMessage());
					leaderNow().ifPresent(ask::set);
					return false;
				}
				String result = reply.get("result").asString();
				refusals.add(result + " from " + reply.get("from").asString());
				switch (result) {
					case "STARTED" -> {
						started.set(new Change(reply.get("from").asString(), at));
						return true;
					}
					case "NOT_LEADER" -> {
						JsonNode leaderId = reply.get("leaderId");
						if (leaderId.isString()) {
							ask.set(leaderId.asString());
						}
						else {
							leaderNow().ifPresent(ask::set);
						}
						return false;
					}
					case "NOT_READY", "CHANGE_IN_PROGRESS", "TRANSFER_IN_PROGRESS", "WOULD_LOSE_QUORUM" -> {
						return false;
					}
					default -> throw new AssertionError("The change of " + member + " was refused: " + reply);
				}
			});
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("No leader took the change of " + member + "; answers: " + refusals, ex);
		}
		return started.get();
	}

	/** Cuts the link between two members, both directions. */
	private void cut(String one, String other) throws IOException, InterruptedException {
		assertThat(strings(this.replicas.request(one, "POST", "/demo/faults/cut/" + other).get("cut"))).contains(other);
		assertThat(strings(this.replicas.request(other, "POST", "/demo/faults/cut/" + one).get("cut"))).contains(one);
	}

	private void heal(String one, String other) throws IOException, InterruptedException {
		this.replicas.request(one, "POST", "/demo/faults/heal");
		this.replicas.request(other, "POST", "/demo/faults/heal");
	}

	// Checks

	/**
	 * Waits until every one of {@code voters} shows the configuration of exactly them, committed,
	 * not joint and without learners, itself a voter, and follows the one active leader among them.
	 * @return when that was seen
	 */
	private Instant awaitSettled(Collection<String> voters, Duration timeout) {
		await("a settled configuration of " + voters).atMost(timeout)
			.ignoreExceptions()
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(20))
			.untilAsserted(() -> assertSettledNow(voters));
		return Instant.now();
	}

	private void assertSettledNow(Collection<String> voters) throws IOException, InterruptedException {
		Set<String> leaders = new TreeSet<>();
		Set<String> followed = new TreeSet<>();
		for (String id : voters) {
			JsonNode status = raft(id);
			JsonNode membership = status.get("membership");
			assertThat(membership.isObject()).as("%s has a configuration: %s", id, status).isTrue();
			assertThat(strings(membership.get("voters"))).as("voters seen by %s", id).containsExactlyInAnyOrderElementsOf(voters);
			assertThat(membership.get("committed").asBoolean()).as("%s: committed %s", id, membership).isTrue();
			assertThat(membership.get("joint").asBoolean()).as("%s: joint %s", id, membership).isFalse();
			assertThat(strings(membership.get("learners"))).as("%s: learners", id).isEmpty();
			assertThat(status.get("standing").asString()).as("standing of %s", id).isEqualTo("VOTER");
			if (status.get("leader").asBoolean()) {
				leaders.add(id);
			}
			followed.add(status.get("leaderId").isString() ? status.get("leaderId").asString() : "none");
		}
		assertThat(leaders).as("active leaders").hasSize(1);
		assertThat(followed).as("leaders followed").isEqualTo(leaders);
	}

	private boolean isJoining(String id) throws IOException, InterruptedException {
		JsonNode status = raft(id);
		return status.get("standing").asString().equals("JOINING") && status.get("membership").isNull()
				&& !status.get("leader").asBoolean();
	}

	private void awaitStanding(String id, String standing) {
		await(id + " " + standing).atMost(Duration.ofSeconds(10))
			.ignoreExceptions()
			.pollInterval(Duration.ofMillis(50))
			.until(() -> standing(id).equals(standing));
	}

	private String standing(String id) throws IOException, InterruptedException {
		return raft(id).get("standing").asString();
	}

	/** Reads the job logs of all five replicas and checks that one replica at a time ran the job. */
	private List<JobLogs.Run> auditJobLogs() throws IOException {
		List<JobLogs.Run> runs = JobLogs.read(this.replicas.dir(), ALL_FIVE);
		assertThat(runs).as("job runs").isNotEmpty();
		JobLogs.assertOneLeaderAtATime(runs);
		System.out.println("Job log audit: " + runs.size() + " runs by " + runs.stream().map(JobLogs.Run::node).distinct().toList()
				+ " in terms " + runs.stream().map(JobLogs.Run::term).distinct().toList());
		return runs;
	}

	// HTTP

	/** The one running replica that says it is the active leader, once there is one. */
	private String awaitLeader() {
		AtomicReference<String> leader = new AtomicReference<>();
		await("an active leader").atMost(Duration.ofSeconds(20))
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> {
				leaderNow().ifPresent(leader::set);
				return leader.get() != null;
			});
		return leader.get();
	}

	private Optional<String> leaderNow() {
		for (String id : this.replicas.ids()) {
			if (this.replicas.isAlive(id)) {
				Optional<JsonNode> status = raftOrEmpty(id);
				if (status.isPresent() && status.get().get("leader").asBoolean()) {
					return Optional.of(id);
				}
			}
		}
		return Optional.empty();
	}

	private long jobRuns(String id) throws IOException, InterruptedException {
		return this.replicas.request(id, "GET", "/leader").get("jobRuns").asLong();
	}

	private long jobRunsOf(List<String> ids) throws IOException, InterruptedException {
		long runs = 0;
		for (String id : ids) {
			runs += jobRuns(id);
		}
		return runs;
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

	private static List<String> strings(JsonNode array) {
		List<String> values = new ArrayList<>();
		array.forEach((value) -> values.add(value.asString()));
		return values;
	}

	/**
	 * A membership change a leader took.
	 *
	 * @param from the leader
	 * @param at when it was asked
	 */
	private record Change(String from, Instant at) {
	}

}
