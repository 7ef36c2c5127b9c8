package io.github.raftboot.sample;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import io.github.raftboot.leader.RaftLeadership;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end: sample-app processes (the repackaged jar) on loopback with three election groups
 * besides the default one ({@code raft.groups=billing,outbox,warmer}), on three replicas and on
 * five. Each group's job ({@link GroupJobs}, and {@link LeaderOnlyJob} for the default group)
 * runs on that group's leader only.
 * <ol>
 * <li>Every group gets a leader that every replica follows, and the leaders spread: once stable,
 * no replica leads more than its share, {@code ceil(4 / replicas)} groups.</li>
 * <li>A replica that leads two groups (on five replicas, where the share is one, it is made to
 * lead a second one with a leadership transfer of that group) is killed with SIGKILL: both
 * groups get a new leader among the survivors, in a newer term, their jobs run there, and the
 * leaders spread again over the survivors.</li>
 * <li>The job logs of every group show one replica at a time: one replica per term, never an
 * older term after a newer one, no two replicas' runs overlapping.</li>
 * </ol>
 */
class GroupsClusterIT {

	private static final List<String> GROUPS = List.of(RaftLeadership.DEFAULT_GROUP, "billing", "outbox", "warmer");

	/** How long a replica must lead more than its share before it hands a group on. */
	private static final Duration BALANCE_DELAY = Duration.ofSeconds(2);

	private LocalReplicas replicas;

	@BeforeEach
	void createReplicas() throws IOException {
		this.replicas = new LocalReplicas("groups-cluster-it", Duration.ofSeconds(2), List.of("-XX:+UseSerialGC"),
				"--raft.groups=" + String.join(",", GROUPS.subList(1, GROUPS.size())),
				"--raft.balance.delay=" + BALANCE_DELAY.toMillis() + "ms");
	}

	@AfterEach
	void killAll() {
		this.replicas.close();
	}

	@ParameterizedTest(name = "{0} replicas")
	@ValueSource(ints = { 3, 5 })
	void everyGroupHasOneLeaderAtATimeTheLeadersSpreadAndAKilledReplicaLosesEveryGroupItLed(int size)
			throws Exception {
		Instant startedAt = Instant.now();
		List<String> ids = new ArrayList<>();
		for (int i = 1; i <= size; i++) {
			ids.add("n" + i);
		}
		this.replicas.assignPorts(ids);
		for (String id : ids) {
			this.replicas.start(id, ids);
		}
		int share = (GROUPS.size() + size - 1) / size;
		Map<String, String> leaders = awaitSpread(ids, share, Duration.ofSeconds(90));
		System.out.println(size + " replicas: leaders spread " + leaders + " "
				+ Duration.between(startedAt, Instant.now()).toMillis() + " ms after the start (JVM start included)");
		for (String group : GROUPS) {
			String leader = leaders.get(group);
			await("the job of " + group + " on " + leader).atMost(Duration.ofSeconds(10))
				.ignoreExceptions()
				.until(() -> jobRuns(leader, group) > 5);
		}

		// A replica that leads two groups dies without a word.
		Map.Entry<String, List<String>> victim = aReplicaLeadingTwoGroups(ids);
		String killed = victim.getKey();
		List<String> lost = victim.getValue();
		Map<String, Long> lostTerms = new LinkedHashMap<>();
		JsonNode before = groups(killed);
		for (String group : lost) {
			lostTerms.put(group, before.get(group).get("term").asLong());
		}
		Instant killedAt = Instant.now();
		this.replicas.process(killed).destroyForcibly().waitFor();
		List<String> survivors = ids.stream().filter((id) -> !id.equals(killed)).toList();
		Map<String, String> successors = new LinkedHashMap<>();
		await("a new leader of " + lost + " among " + survivors).atMost(Duration.ofSeconds(15))
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(20))
			.ignoreExceptions()
			.untilAsserted(() -> {
				Map<String, String> now = agreedLeaders(survivors);
				for (String group : lost) {
					assertThat(now).as("leaders among the survivors").containsKey(group);
					String successor = now.get(group);
					assertThat(successor).isNotEqualTo(killed);
					assertThat(groups(successor).get(group).get("term").asLong()).as("term of " + group)
						.isGreaterThan(lostTerms.get(group));
					successors.put(group, successor);
				}
			});
		System.out.println(size + " replicas: killed " + killed + ", the leader of " + lost + "; every survivor follows "
				+ successors + " " + Duration.between(killedAt, Instant.now()).toMillis() + " ms later (as seen by polling)");
		for (String group : lost) {
			String successor = successors.get(group);
			long runs = jobRuns(successor, group);
			await("the job of " + group + " on " + successor).atMost(Duration.ofSeconds(10))
				.ignoreExceptions()
				.until(() -> jobRuns(successor, group) > runs + 5);
		}
		// The survivors share the groups again; the share counts the killed replica, still a voter.
		Map<String, String> spread = awaitSpread(survivors, share, Duration.ofSeconds(30));
		System.out.println(size + " replicas: leaders spread over the survivors " + spread);

		for (String group : GROUPS) {
			List<JobLogs.Run> runs = JobLogs.read(this.replicas.dir(), ids, group);
			assertThat(runs).as("runs of the job of %s", group).isNotEmpty();
			JobLogs.assertOneLeaderAtATime(runs);
			System.out.println("Job log audit of " + group + ": " + runs.size() + " runs by "
					+ runs.stream().map(JobLogs.Run::node).distinct().toList() + " in terms "
					+ runs.stream().map(JobLogs.Run::term).distinct().toList());
			if (lost.contains(group)) {
				long killedTerm = runs.stream()
					.filter((run) -> run.node().equals(killed))
					.mapToLong(JobLogs.Run::term)
					.max()
					.orElse(-1);
				assertThat(killedTerm).as("a term in which %s ran the job of %s", killed, group).isPositive();
				assertThat(runs).filteredOn((run) -> run.term() > killedTerm)
					.as("runs of %s after %s's term", group, killed)
					.extracting(JobLogs.Run::node)
					.isNotEmpty()
					.doesNotContain(killed);
			}
		}
		System.out.println(size + " replicas: test took " + Duration.between(startedAt, Instant.now()).toMillis() + " ms");
	}

	// Steps

	/**
	 * A replica that leads two groups and has run the job of both, with the two groups. With
	 * five replicas no replica leads two groups once they are spread, so the leader of the default
	 * group is handed a second one, and this answers as soon as it leads both: before the
	 * balancing hands one on again, {@link #BALANCE_DELAY} later.
	 */
	private Map.Entry<String, List<String>> aReplicaLeadingTwoGroups(List<String> ids) {
		AtomicReference<Map.Entry<String, List<String>>> found = new AtomicReference<>();
		List<String> answers = new CopyOnWriteArrayList<>();
		Map<String, Long> runsBefore = new LinkedHashMap<>();
		try {
			await().atMost(Duration.ofSeconds(30))
				.pollDelay(Duration.ZERO)
				.pollInterval(Duration.ofMillis(20))
				.ignoreExceptions()
				.until(() -> {
					Map<String, String> leaders = agreedLeaders(ids);
					if (leaders.size() < GROUPS.size()) {
						return false;
					}
					for (String id : ids) {
						List<String> led = ledBy(leaders, id);
						if (led.size() >= 2 && ranTheJobsSince(id, led.subList(0, 2), runsBefore)) {
							found.set(Map.entry(id, led.subList(0, 2)));
							return true;
						}
					}
					String target = leaders.get(RaftLeadership.DEFAULT_GROUP);
					if (ledBy(leaders, target).size() >= 2) {
						// Handed over already: wait for its job to run there.
						return false;
					}
					String group = GROUPS.get(GROUPS.size() - 1);
					String from = leaders.get(group);
					runsBefore.put(group, jobRuns(target, group));
					JsonNode answer = this.replicas.request(from, "POST",
							"/leader/groups/" + group + "/transfer?target=" + target);
					answers.add(group + " " + from + " -> " + target + ": " + answer.get("result").asString());
					return false;
				});
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("No replica came to lead two groups; transfers: " + answers, ex);
		}
		if (!answers.isEmpty()) {
			System.out.println("Transfers to make one replica lead two groups: " + answers);
		}
		return found.get();
	}

	/** Whether {@code id} ran the job of each group since the counts in {@code runsBefore} (none: ever). */
	private boolean ranTheJobsSince(String id, List<String> groups, Map<String, Long> runsBefore)
			throws IOException, InterruptedException {
		for (String group : groups) {
			if (jobRuns(id, group) <= runsBefore.getOrDefault(group, 0L)) {
				return false;
			}
		}
		return true;
	}

	// Checks

	/**
	 * Waits until every group has a leader that each of {@code ids} follows and none of them leads
	 * more than {@code share} groups.
	 * @return each group's leader
	 */
	private Map<String, String> awaitSpread(List<String> ids, int share, Duration timeout) {
		AtomicReference<Map<String, String>> result = new AtomicReference<>();
		await("every group led, no replica of " + ids + " leading more than " + share).atMost(timeout)
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(50))
			.ignoreExceptions()
			.untilAsserted(() -> {
				Map<String, String> leaders = agreedLeaders(ids);
				assertThat(leaders.keySet()).as("groups with an agreed leader").containsExactlyInAnyOrderElementsOf(GROUPS);
				for (String id : ids) {
					assertThat(ledBy(leaders, id)).as("groups led by %s", id).hasSizeLessThanOrEqualTo(share);
				}
				result.set(leaders);
			});
		return result.get();
	}

	/**
	 * The groups that have one active leader among {@code ids} which all of {@code ids} follow, with
	 * that leader. The replicas are asked one after the other, so two of them may say they lead a
	 * group that changed hands meanwhile: that group has none here. Whether two ever led a group
	 * at once is for the job logs to tell.
	 */
	private Map<String, String> agreedLeaders(List<String> ids) throws IOException, InterruptedException {
		Map<String, JsonNode> views = new LinkedHashMap<>();
		for (String id : ids) {
			views.put(id, groups(id));
		}
		Map<String, String> leaders = new LinkedHashMap<>();
		for (String group : GROUPS) {
			List<String> leading = ids.stream().filter((id) -> views.get(id).get(group).get("isLeader").asBoolean()).toList();
			if (leading.size() == 1 && ids.stream()
				.allMatch((id) -> leading.get(0).equals(views.get(id).get(group).get("leaderId").asString("")))) {
				leaders.put(group, leading.get(0));
			}
		}
		return leaders;
	}

	private static List<String> ledBy(Map<String, String> leaders, String id) {
		return leaders.entrySet().stream().filter((entry) -> entry.getValue().equals(id)).map(Map.Entry::getKey).toList();
	}

	// HTTP

	/** What {@code GET /leader} of a replica says of every group. */
	private JsonNode groups(String id) throws IOException, InterruptedException {
		return this.replicas.request(id, "GET", "/leader").get("groups");
	}

	private long jobRuns(String id, String group) throws IOException, InterruptedException {
		return groups(id).get(group).get("jobRuns").asLong();
	}

}
