package io.github.raftboot.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.raftboot.event.LeadershipAcquiredEvent;
import io.github.raftboot.event.RaftEvent;
import io.github.raftboot.leader.MembershipChangeException;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.leader.RaftMembership;
import io.github.raftboot.leader.RaftStatus;
import io.github.raftboot.runtime.RaftServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Replicas with three election groups besides the default one ({@code raft.groups}), over real
 * HTTP: each group elects a leader of its own, the leaders spread across the replicas, a replica
 * that stops hands every group it leads over, and one that is cut off loses every group to the
 * others. A watcher samples every group of every replica all the time and fails the test if two
 * replicas are ever active leaders of the same group at once.
 */
class GroupsIntegrationTests {

	private static final List<String> GROUPS = List.of(RaftLeadership.DEFAULT_GROUP, "billing", "outbox", "warmer");

	private static final long CONCLUSIVE_PASS_NANOS = 2_000_000;

	@TempDir
	Path dataRoot;

	private @Nullable TestCluster cluster;

	private @Nullable TwoLeadersWatcher watcher;

	@RegisterExtension
	final TimelineOnFailure timeline = new TimelineOnFailure();

	private TestCluster start(int replicas) {
		TestCluster started = new TestCluster(replicas, this.dataRoot, "raft.groups=billing,outbox,warmer",
				"raft.balance.delay=1s").startAll();
		this.cluster = started;
		this.watcher = new TwoLeadersWatcher(() -> activeLeaders(started), CONCLUSIVE_PASS_NANOS, 50_000);
		return started;
	}

	@AfterEach
	void stopCluster() throws InterruptedException {
		if (this.watcher != null) {
			this.watcher.stop();
		}
		if (this.cluster != null) {
			this.timeline.keep(this.cluster.timeline());
			this.cluster.close();
		}
		assertThat(this.watcher).isNotNull();
		assertThat(this.watcher.twoLeaders()).as("lease safety of every group, as sampled by the watcher").isNull();
	}

	@Test
	void everyGroupElectsOneLeaderAndTheLeadersSpreadAcrossTheReplicas() {
		TestCluster replicas = start(3);
		Map<String, String> leaders = awaitSpreadLeaders(replicas);
		for (String group : GROUPS) {
			String leader = leaders.get(group);
			RaftLeadership view = replicas.server(leader).group(group);
			assertThat(view.groupName()).isEqualTo(group);
			assertThat(replicas.server(leader).isLeader(group)).isTrue();
			assertThat(replicas.server(leader).fencingToken(group)).hasValue(view.currentTerm());
		}
		assertThat(replicas.events())
			.filteredOn(LeadershipAcquiredEvent.class::isInstance)
			.extracting(RaftEvent::getGroup)
			.containsAll(GROUPS);
		assertThat(this.dataRoot.resolve("n1").resolve("groups").resolve("billing")).isDirectory();
		assertThatIllegalArgumentException().isThrownBy(() -> replicas.server("n1").isLeader("payroll"))
			.withMessageContaining("No election group 'payroll'");
	}

	@Test
	void aStoppingReplicaHandsEveryGroupItLeadsOver() {
		TestCluster replicas = start(3);
		Map<String, String> leaders = awaitSpreadLeaders(replicas);
		String stopping = mostLeading(leaders);
		List<String> handed = groupsLedBy(leaders, stopping);
		Map<String, Long> terms = new HashMap<>();
		for (String group : handed) {
			terms.put(group, replicas.server(stopping).group(group).currentTerm());
		}
		replicas.stop(stopping);
		// The first moment every group is led again comes before any balancing move (which waits a
		// second): the hand-overs spread the groups themselves.
		Map<String, String> after = new HashMap<>();
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).untilAsserted(() -> {
			for (String group : GROUPS) {
				assertThat(agreedLeader(replicas, group)).as("leader of " + group).isPresent().get().isNotEqualTo(stopping);
				after.put(group, agreedLeader(replicas, group).orElseThrow());
			}
		});
		int share = (GROUPS.size() + 1) / 2;
		for (String id : replicas.runningIds()) {
			assertThat(groupsLedBy(after, id)).as("groups led by " + id + " right after the hand-overs: " + after)
				.hasSizeLessThanOrEqualTo(share);
		}
		for (String group : handed) {
			String other = replicas.runningIds().get(0);
			// A hand-over starts one election, in the next term: no campaign from a timeout first.
			assertThat(replicas.server(other).group(group).currentTerm()).as("term of " + group)
				.isEqualTo(terms.get(group) + 1);
		}
	}

	@Test
	void aReplicaCutOffLosesEveryGroupItLeadsToTheOthers() {
		TestCluster replicas = start(3);
		Map<String, String> leaders = awaitSpreadLeaders(replicas);
		String isolated = mostLeading(leaders);
		replicas.isolate(isolated);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			for (String group : GROUPS) {
				Optional<String> leader = agreedLeader(replicas.runningIds().stream().filter((id) -> !id.equals(isolated)).toList(),
						replicas, group);
				assertThat(leader).as("leader of " + group).isPresent().get().isNotEqualTo(isolated);
			}
		});
		for (String group : GROUPS) {
			assertThat(replicas.server(isolated).isLeader(group)).as(isolated + " leads " + group).isFalse();
		}
		replicas.healAll();
		// Back in touch, it gets a share of the groups again, without two leaders of a group at once.
		awaitSpreadLeaders(replicas);
	}

	@Test
	void everyGroupKeepsItsStateInADirectoryOfItsOwn() throws Exception {
		TestCluster replicas = start(3);
		awaitSpreadLeaders(replicas);
		for (String group : GROUPS.subList(1, GROUPS.size())) {
			try (var files = Files.list(this.dataRoot.resolve("n1").resolve("groups").resolve(group))) {
				assertThat(files.count()).as("files of " + group).isPositive();
			}
		}
	}

	@Test
	void everyGroupFollowsTheMembersOfTheDefaultGroup() {
		TestCluster replicas = start(3);
		awaitSpreadLeaders(replicas);
		replicas.addReplica("n4").start("n4");
		awaitGroupVoters(replicas, List.of("n1", "n2", "n3", "n4"));
		for (String group : GROUPS) {
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(replicas.server("n4").group(group).status().standing())
					.as("standing of n4 in " + group)
					.isEqualTo(RaftStatus.Standing.VOTER));
		}
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
			Optional<String> leader = agreedLeader(replicas, RaftLeadership.DEFAULT_GROUP);
			if (leader.isEmpty() || leader.get().equals("n4")) {
				leader.ifPresent((id) -> replicas.server(id).transferLeadership());
				return false;
			}
			CompletableFuture<RaftMembership> removal = replicas.server(leader.get()).removeMember("n4");
			try {
				removal.get(10, TimeUnit.SECONDS);
				return true;
			}
			catch (ExecutionException ex) {
				assertThat(ex.getCause()).isInstanceOf(MembershipChangeException.class);
				return false;
			}
		});
		awaitGroupVoters(replicas, List.of("n1", "n2", "n3"));
	}

	/** Waits until every group's leader has these voters, and no change under way. */
	private static void awaitGroupVoters(TestCluster replicas, List<String> voters) {
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
			for (String group : GROUPS) {
				Optional<String> leader = agreedLeader(replicas.runningIds().stream().filter((id) -> voters.contains(id)).toList(),
						replicas, group);
				assertThat(leader).as("leader of " + group).isPresent();
				RaftMembership membership = replicas.server(leader.get()).group(group).status().membership();
				assertThat(membership).as("members of " + group).isNotNull();
				assertThat(membership.voters()).as("voters of " + group).containsExactlyInAnyOrderElementsOf(voters);
				assertThat(membership.settled()).as("members of " + group + " settled").isTrue();
			}
		});
	}

	/** Waits until every group has a leader every replica follows and none leads more than its share. */
	private Map<String, String> awaitSpreadLeaders(TestCluster replicas) {
		int share = (GROUPS.size() + replicas.runningIds().size() - 1) / replicas.runningIds().size();
		AtomicReference<Map<String, String>> result = new AtomicReference<>();
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
			Map<String, String> leaders = new HashMap<>();
			for (String group : GROUPS) {
				Optional<String> leader = agreedLeader(replicas, group);
				assertThat(leader).as("leader of " + group).isPresent();
				leaders.put(group, leader.get());
			}
			for (String id : replicas.runningIds()) {
				assertThat(groupsLedBy(leaders, id)).as("groups led by " + id + " (share " + share + ")")
					.hasSizeLessThanOrEqualTo(share);
			}
			result.set(leaders);
		});
		return result.get();
	}

	/** The active leader of a group that every running replica follows, if there is one. */
	static Optional<String> agreedLeader(TestCluster replicas, String group) {
		return agreedLeader(replicas.runningIds(), replicas, group);
	}

	/** The active leader of a group that every one of these replicas follows, if there is one. */
	private static Optional<String> agreedLeader(List<String> ids, TestCluster replicas, String group) {
		String leader = null;
		for (String id : ids) {
			if (replicas.server(id).isLeader(group)) {
				if (leader != null) {
					return Optional.empty();
				}
				leader = id;
			}
		}
		String active = leader;
		if (active == null || !ids.stream()
			.allMatch((id) -> replicas.server(id).group(group).leaderId().filter(active::equals).isPresent())) {
			return Optional.empty();
		}
		return Optional.of(active);
	}

	private static Map<String, List<String>> activeLeaders(TestCluster replicas) {
		Map<String, List<String>> leaders = new HashMap<>();
		for (String id : replicas.runningIds()) {
			try {
				RaftServer server = replicas.server(id);
				for (String group : GROUPS) {
					if (server.isLeader(group)) {
						leaders.computeIfAbsent(group, (key) -> new ArrayList<>()).add(id);
					}
				}
			}
			catch (IllegalStateException ex) {
				// stopped meanwhile
			}
		}
		return leaders;
	}

	private static List<String> groupsLedBy(Map<String, String> leaders, String id) {
		return leaders.entrySet().stream().filter((entry) -> entry.getValue().equals(id)).map(Map.Entry::getKey).sorted()
			.toList();
	}

	private static String mostLeading(Map<String, String> leaders) {
		return leaders.values().stream().max((a, b) -> Integer.compare(groupsLedBy(leaders, a).size(),
				groupsLedBy(leaders, b).size())).orElseThrow();
	}

}
