package io.github.raftboot.core.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.github.raftboot.core.Role;
import io.github.raftboot.core.RoleChange;
import io.github.raftboot.core.TransferResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The well-known cases, one by one, on a simulated cluster with default timings (150–300 ms
 * election timeout, 50 ms heartbeat), 0.2–5 ms message delay and clock rates within ±4 %. The
 * {@link SafetyChecker} watches every event of every scenario.
 */
class ScenarioTests {

	private static final Duration ELECTION_BOUND = Duration.ofMillis(300 + 50);

	@ParameterizedTest
	@ValueSource(ints = { 3, 5, 7 })
	void initialElectionMakesExactlyOneActiveLeaderWithinTheMaximumElectionTimeout(int size) {
		List<Long> took = new ArrayList<>();
		for (long seed = 0; seed < 100; seed++) {
			SimCluster cluster = SimCluster.create(seed, size);
			Duration election = cluster.awaitActiveLeader(ELECTION_BOUND);
			assertThat(election).as("seed %d", seed).isNotNull();
			assertThat(cluster.leaders()).hasSize(1);
			took.add(election.toNanos());
		}
		took.sort(null);
		System.out.printf("Initial election, %d members, 100 seeds: median %.0f ms, max %.0f ms%n", size,
				took.get(50) / 1e6, took.get(99) / 1e6);
	}

	@Test
	void leaderCutOffIsReplacedAndStopsBeingActiveBeforeTheNewLeaderStarts() {
		for (long seed = 0; seed < 50; seed++) {
			SimCluster cluster = SimCluster.create(seed, 5);
			String old = awaitLeader(cluster);
			long oldTerm = cluster.status(old).term();
			cluster.isolate(old);
			long cutAt = cluster.nowNanos();
			assertThat(cluster.runUntil(() -> otherActiveLeader(cluster, old), ELECTION_BOUND.plusMillis(200)))
				.as("seed %d", seed)
				.isTrue();
			assertThat(cluster.isActiveLeader(old)).as("old leader still active when the new one is").isFalse();
			assertThat(cluster.status(cluster.activeLeader()).term()).isGreaterThan(oldTerm);
			assertThat(cluster.nowNanos() - cutAt).isLessThan(ELECTION_BOUND.plusMillis(200).toNanos());
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 3, 5 })
	void crashedLeaderIsReplacedWithinTwoMaximumElectionTimeouts(int size) {
		List<Long> failovers = new ArrayList<>();
		int splitVotes = 0;
		for (long seed = 0; seed < 500; seed++) {
			SimCluster cluster = SimCluster.create(seed, size);
			String leader = awaitLeader(cluster);
			// Crash at a random point of the heartbeat interval.
			cluster.runFor(Duration.ofMillis(200 + new SplittableRandom(seed).nextInt(50)));
			long termBefore = cluster.status(leader).term();
			cluster.crash(leader);
			long crashedAt = cluster.nowNanos();
			assertThat(cluster.runUntil(() -> cluster.activeLeader() != null, Duration.ofMillis(600)))
				.as("seed %d", seed)
				.isTrue();
			failovers.add(cluster.nowNanos() - crashedAt);
			if (cluster.status(cluster.activeLeader()).term() > termBefore + 1) {
				splitVotes++;
			}
		}
		failovers.sort(null);
		System.out.printf(
				"Failover after a leader crash, %d members, 500 seeds: median %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms; %d needed more than one term%n",
				size, failovers.get(250) / 1e6, failovers.get(450) / 1e6, failovers.get(495) / 1e6,
				failovers.get(499) / 1e6, splitVotes);
	}

	@Test
	void oldLeaderRejoiningStepsDownWithoutUnseatingTheNewLeader() {
		SimCluster cluster = SimCluster.create(7, 5);
		String old = awaitLeader(cluster);
		cluster.isolate(old);
		cluster.runUntil(() -> otherActiveLeader(cluster, old), Duration.ofSeconds(1));
		String current = cluster.activeLeader();
		long term = cluster.status(current).term();
		cluster.runFor(Duration.ofSeconds(2));
		cluster.healNetwork();
		cluster.runFor(Duration.ofSeconds(2));
		assertThat(cluster.status(old).role()).isEqualTo(Role.FOLLOWER);
		assertThat(cluster.status(old).term()).isEqualTo(term);
		assertThat(cluster.status(old).leaderId()).isEqualTo(current);
		assertThat(cluster.activeLeader()).isEqualTo(current);
		assertThat(cluster.status(current).term()).isEqualTo(term);
	}

	@Test
	void noQuorumMeansNoLeader() {
		SimCluster cluster = SimCluster.create(3, 5);
		String leader = awaitLeader(cluster);
		List<String> others = cluster.ids().stream().filter((id) -> !id.equals(leader)).toList();
		cluster.crash(others.get(0));
		cluster.crash(others.get(1));
		cluster.crash(others.get(2));
		cluster.runFor(Duration.ofMillis(300));
		long term = cluster.status(leader).term();
		assertThat(cluster.runUntil(() -> cluster.activeLeader() != null || !cluster.leaders().isEmpty(),
				Duration.ofSeconds(5)))
			.as("an active leader or any leader with 2 of 5 members up")
			.isFalse();
		// With pre-vote, the lonely members do not raise their terms either.
		assertThat(cluster.status(leader).term()).isEqualTo(term);
		cluster.restart(others.get(0));
		assertThat(cluster.awaitActiveLeader(Duration.ofSeconds(1))).isNotNull();
	}

	@Test
	void manyElectionsWithRandomMinoritiesCutOffEachElectALeaderInTime() {
		SimCluster cluster = SimCluster.create(11, 5);
		SplittableRandom random = new SplittableRandom(11);
		awaitLeader(cluster);
		long longest = 0;
		for (int round = 0; round < 200; round++) {
			List<String> ids = new ArrayList<>(cluster.ids());
			String leader = cluster.activeLeader();
			// Cut off up to two members, the leader among them half of the time.
			List<String> minority = new ArrayList<>();
			if (leader != null && random.nextBoolean()) {
				minority.add(leader);
			}
			while (minority.size() < 1 + random.nextInt(2)) {
				String id = ids.get(random.nextInt(ids.size()));
				if (!minority.contains(id)) {
					minority.add(id);
				}
			}
			minority.forEach(cluster::isolate);
			long start = cluster.nowNanos();
			boolean elected = cluster.runUntil(() -> {
				String active = cluster.activeLeader();
				return active != null && !minority.contains(active);
			}, Duration.ofSeconds(1));
			assertThat(elected).as("round %d, minority %s", round, minority).isTrue();
			longest = Math.max(longest, cluster.nowNanos() - start);
			cluster.runFor(Duration.ofMillis(random.nextInt(300)));
			cluster.healNetwork();
			cluster.runFor(Duration.ofMillis(300));
		}
		System.out.printf("200 rounds of minorities cut off: longest wait for an active leader %.0f ms, %d terms%n",
				longest / 1e6, cluster.checker().termsWithLeader());
	}

	@Test
	void nodeRejoiningAfterALongIsolationDoesNotRaiseItsTermOrUnseatTheLeader() {
		SimCluster cluster = SimCluster.create(5, 3);
		String leader = awaitLeaderFollowedByAll(cluster);
		long term = cluster.status(leader).term();
		String loner = follower(cluster, leader);
		cluster.isolate(loner);
		cluster.runFor(Duration.ofSeconds(5));
		assertThat(cluster.status(loner).term()).as("pre-vote keeps an isolated member's term").isEqualTo(term);
		cluster.healNetwork();
		cluster.runFor(Duration.ofSeconds(2));
		assertThat(cluster.activeLeader()).isEqualTo(leader);
		assertThat(cluster.status(leader).term()).isEqualTo(term);
		assertThat(cluster.status(loner).leaderId()).isEqualTo(leader);
	}

	@Test
	void withoutPreVoteARejoiningNodeWithAHigherTermUnseatsTheLeader() {
		SimCluster cluster = SimCluster.create(5, 3, 0.04, (builder) -> builder.preVote(false));
		String leader = awaitLeaderFollowedByAll(cluster);
		long term = cluster.status(leader).term();
		String loner = follower(cluster, leader);
		cluster.isolate(loner);
		cluster.runFor(Duration.ofSeconds(5));
		assertThat(cluster.status(loner).term()).isGreaterThan(term + 5);
		cluster.healNetwork();
		cluster.runFor(Duration.ofSeconds(2));
		assertThat(cluster.status(leader).term()).as("the leader was forced into the loner's higher term")
			.isGreaterThan(term + 5);
	}

	@Test
	void leaderThatLosesQuorumStepsDown() {
		SimCluster cluster = SimCluster.create(9, 3);
		String leader = awaitLeader(cluster);
		List<RoleChange> changes = new ArrayList<>();
		cluster.onRoleChange((change) -> {
			if (change.nodeId().equals(leader)) {
				changes.add(change.change());
			}
		});
		cluster.isolate(leader);
		// Check-quorum acts at the first heartbeat after a minimum election timeout without a majority.
		cluster.runFor(Duration.ofMillis(150 + 50 + 10));
		assertThat(cluster.status(leader).role()).isEqualTo(Role.FOLLOWER);
		assertThat(changes).extracting(RoleChange::reason).containsExactly(RoleChange.Reason.QUORUM_LOST);
	}

	@Test
	void withoutCheckQuorumAnIsolatedLeaderKeepsItsRoleButItsLeaseLapses() {
		SimCluster cluster = SimCluster.create(9, 3, 0.04, (builder) -> builder.checkQuorum(false));
		String leader = awaitLeader(cluster);
		cluster.isolate(leader);
		cluster.runFor(Duration.ofMillis(150));
		assertThat(cluster.status(leader).role()).isEqualTo(Role.LEADER);
		assertThat(cluster.isActiveLeader(leader)).isFalse();
	}

	@Test
	void transferToAnUpToDateFollowerHandsOverWithoutWaitingForAnElectionTimeout() {
		List<Long> handovers = new ArrayList<>();
		for (long seed = 0; seed < 50; seed++) {
			SimCluster cluster = SimCluster.create(seed, 5);
			String leader = awaitLeader(cluster);
			cluster.runFor(Duration.ofMillis(200));
			String target = follower(cluster, leader);
			long start = cluster.nowNanos();
			assertThat(cluster.transfer(leader, target)).isEqualTo(TransferResult.STARTED);
			assertThat(cluster.isActiveLeader(leader)).as("inactive from the moment the transfer starts").isFalse();
			assertThat(cluster.runUntil(() -> cluster.isActiveLeader(target), Duration.ofMillis(150))).isTrue();
			handovers.add(cluster.nowNanos() - start);
			assertThat(cluster.status(leader).role()).isEqualTo(Role.FOLLOWER);
		}
		handovers.sort(null);
		System.out.printf("Transfer to an up-to-date follower, 50 seeds: median %.1f ms, max %.1f ms%n",
				handovers.get(25) / 1e6, handovers.get(49) / 1e6);
		assertThat(handovers.get(49)).isLessThan(Duration.ofMillis(50).toNanos());
	}

	@Test
	void transferToALaggingFollowerCatchesItUpFirst() {
		SimCluster cluster = SimCluster.create(21, 3);
		String leader = awaitLeader(cluster);
		String lagging = follower(cluster, leader);
		cluster.crash(lagging);
		// Two more terms, each with its no-op entry, that the crashed member misses.
		for (int i = 0; i < 2; i++) {
			String current = cluster.activeLeader();
			String other = cluster.ids()
				.stream()
				.filter((id) -> !id.equals(current) && !id.equals(lagging))
				.findFirst()
				.orElseThrow();
			cluster.transfer(current, other);
			assertThat(cluster.runUntil(() -> cluster.isActiveLeader(other), Duration.ofMillis(300))).isTrue();
		}
		String current = cluster.activeLeader();
		long leaderLastIndex = cluster.status(current).lastLogIndex();
		cluster.restart(lagging);
		assertThat(cluster.status(lagging).lastLogIndex()).isLessThan(leaderLastIndex);
		assertThat(cluster.transfer(current, lagging)).isEqualTo(TransferResult.STARTED);
		assertThat(cluster.runUntil(() -> cluster.isActiveLeader(lagging), Duration.ofMillis(150))).isTrue();
		assertThat(cluster.status(lagging).lastLogIndex()).isGreaterThan(leaderLastIndex);
	}

	@Test
	void transferToADeadNodeAbortsAndTheClusterElectsAnotherLeader() {
		SimCluster cluster = SimCluster.create(4, 3);
		String leader = awaitLeader(cluster);
		cluster.runFor(Duration.ofMillis(200));
		String dead = follower(cluster, leader);
		cluster.crash(dead);
		List<RoleChange.Reason> reasons = new ArrayList<>();
		cluster.onRoleChange((change) -> {
			if (change.nodeId().equals(leader)) {
				reasons.add(change.change().reason());
			}
		});
		assertThat(cluster.transfer(leader, dead)).isEqualTo(TransferResult.STARTED);
		assertThat(cluster.runUntil(() -> cluster.activeLeader() != null, Duration.ofMillis(140)))
			.as("nobody acts as leader while the transfer is pending")
			.isFalse();
		assertThat(cluster.awaitActiveLeader(Duration.ofMillis(150 + 300 + 50))).isNotNull();
		assertThat(reasons).first().isEqualTo(RoleChange.Reason.TRANSFER_ABORTED);
		assertThat(cluster.activeLeader()).isNotEqualTo(dead);
	}

	@Test
	void transferToALaggingDeadNodeAbortsAndTheLeaderResumes() {
		SimCluster cluster = SimCluster.create(4, 3);
		String leader = awaitLeader(cluster);
		String dead = follower(cluster, leader);
		cluster.crash(dead);
		String other = cluster.ids().stream().filter((id) -> !id.equals(leader) && !id.equals(dead)).findFirst().orElseThrow();
		cluster.transfer(leader, other);
		assertThat(cluster.runUntil(() -> cluster.isActiveLeader(other), Duration.ofMillis(300))).isTrue();
		// 'dead' missed the new term's no-op entry, so the leader never sends it TimeoutNow.
		assertThat(cluster.transfer(other, dead)).isEqualTo(TransferResult.STARTED);
		assertThat(cluster.isActiveLeader(other)).isFalse();
		assertThat(cluster.runUntil(() -> cluster.isActiveLeader(other), Duration.ofMillis(300))).isTrue();
		assertThat(cluster.status(other).transferTarget()).isNull();
	}

	@Test
	void restartedMembersKeepTheirTermsAndElectALeaderOfAHigherTerm() {
		SimCluster cluster = SimCluster.create(13, 3);
		String leader = awaitLeader(cluster);
		long term = cluster.status(leader).term();
		for (String id : cluster.ids()) {
			cluster.crash(id);
		}
		for (String id : cluster.ids()) {
			assertThat(cluster.persistedTerm(id)).isEqualTo(term);
		}
		cluster.runFor(Duration.ofMillis(500));
		for (String id : cluster.ids()) {
			cluster.restart(id);
			assertThat(cluster.status(id).term()).isEqualTo(term);
		}
		assertThat(cluster.awaitActiveLeader(Duration.ofMillis(150 + 300 + 50))).isNotNull();
		assertThat(cluster.status(cluster.activeLeader()).term()).isGreaterThan(term);
	}

	@Test
	void leaseSafetyIsViolatedWhenClocksDriftBeyondTheConfiguredBound() {
		// The lease assumes clock rates differ by at most clockDriftBound (0.1). With the leader's
		// clock 30 % slow and the followers' 30 % fast, the isolated leader still acts while the
		// followers have elected another: the checker must catch that, which shows that it can fail.
		int violations = 0;
		for (long seed = 0; seed < 20; seed++) {
			SimCluster cluster = SimCluster.create(seed, 3);
			try {
				String leader = awaitLeader(cluster);
				for (String id : cluster.ids()) {
					cluster.clockRate(id, id.equals(leader) ? 0.7 : 1.3);
				}
				cluster.runFor(Duration.ofMillis(100));
				cluster.isolate(leader);
				cluster.runFor(Duration.ofSeconds(1));
			}
			catch (AssertionError expected) {
				assertThat(expected).hasMessageContaining("Lease safety");
				violations++;
			}
		}
		assertThat(violations).isPositive();
	}

	@Test
	void leaseHoldsWhenClocksDriftWithinTheBound() {
		for (long seed = 0; seed < 20; seed++) {
			SimCluster cluster = SimCluster.create(seed, 3);
			String leader = awaitLeader(cluster);
			for (String id : cluster.ids()) {
				// 1.05 / 0.95 = 1.105 < 1 / (1 - 0.1) = 1.111
				cluster.clockRate(id, id.equals(leader) ? 0.95 : 1.05);
			}
			cluster.runFor(Duration.ofMillis(100));
			cluster.isolate(leader);
			assertThat(cluster.runUntil(() -> otherActiveLeader(cluster, leader), Duration.ofSeconds(1))).isTrue();
		}
	}

	private static String awaitLeader(SimCluster cluster) {
		assertThat(cluster.awaitActiveLeader(Duration.ofSeconds(2))).as("seed %d", cluster.seed()).isNotNull();
		return cluster.activeLeader();
	}

	/** Waits for an active leader that every member follows, so every member has joined the cluster. */
	private static String awaitLeaderFollowedByAll(SimCluster cluster) {
		String leader = awaitLeader(cluster);
		assertThat(cluster.runUntil(() -> cluster.ids()
			.stream()
			.allMatch((id) -> leader.equals(cluster.status(id).leaderId())), Duration.ofSeconds(1))).isTrue();
		return leader;
	}

	private static boolean otherActiveLeader(SimCluster cluster, String not) {
		String active = cluster.activeLeader();
		return active != null && !active.equals(not);
	}

	private static String follower(SimCluster cluster, String leader) {
		return cluster.ids().stream().filter((id) -> !id.equals(leader)).findFirst().orElseThrow();
	}

}
