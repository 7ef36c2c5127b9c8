package io.github.raftboot.core.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.github.raftboot.core.Membership;
import io.github.raftboot.core.MembershipChangeResult;
import io.github.raftboot.core.Role;
import io.github.raftboot.core.RoleChange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Membership changes on a simulated cluster, one scenario at a time: the classic traps of
 * changing the members of a Raft cluster (Raft thesis ch. 4; Ongaro, raft-dev 2015) and the
 * mistakes of a rolling update. The {@link SafetyChecker} watches every event: election and lease
 * safety, log matching, leader completeness, that only voters campaign, and that every commit is
 * durable on majorities of the old and the new voters while a configuration is joint.
 */
class MembershipScenarioTests {

	private static final List<String> THREE = List.of("n1", "n2", "n3");

	private static final List<String> FIVE = List.of("n1", "n2", "n3", "n4", "n5");

	@Test
	void freshMembersFormTheClusterTheyAllProposeAndElectALeader() {
		for (long seed = 0; seed < 50; seed++) {
			SimCluster cluster = SimCluster.create(seed, 3);
			String leader = awaitSettledLeader(cluster);
			for (String id : THREE) {
				Membership membership = cluster.membership(id);
				assertThat(membership).as("seed %d, %s", seed, id).isNotNull();
				assertThat(membership.voters()).containsExactlyElementsOf(THREE);
				assertThat(membership.clusterId()).isEqualTo(cluster.membership(leader).clusterId());
			}
		}
	}

	@Test
	void freshMemberDoesNotFormAClusterUntilEveryProposedMemberIsUpAndProposesTheSame() {
		SimCluster cluster = SimCluster.create(1, 3);
		cluster.crash("n3");
		// n3 crashed before it was ever part of a cluster: n1 and n2 are a majority of the three,
		// but a cluster is formed only by all of them.
		cluster.runFor(Duration.ofSeconds(3));
		assertThat(cluster.leaders()).isEmpty();
		assertThat(cluster.membership("n1")).isNull();
		assertThat(cluster.status("n1").formation().unanswered()).containsExactly("n3");
		assertThat(cluster.status("n1").term()).as("asking to form a cluster changes no term").isZero();
		cluster.restart("n3");
		assertThat(cluster.awaitActiveLeader(Duration.ofSeconds(2))).isNotNull();
	}

	@Test
	void freshMembersThatProposeDifferentMembersNeverFormACluster() {
		SimCluster cluster = SimCluster.create(2, 2);
		// n3 proposes {n1, n2, n3}; n1 and n2 propose {n1, n2}. (Asking to join is off here: n3
		// would otherwise ask the cluster of n1 and n2 to add it.)
		cluster.addNode("n3", THREE, false);
		cluster.runFor(Duration.ofSeconds(3));
		assertThat(cluster.membership("n3")).as("n3 never forms a cluster with members that list others").isNull();
		assertThat(cluster.status("n3").formation().refused()).containsExactly("n1", "n2");
		// n1 and n2 agree with each other, so they formed their two-member cluster; n3 waits.
		assertThat(cluster.activeLeader()).isIn("n1", "n2");
		assertThat(cluster.membership("n1").voters()).containsExactly("n1", "n2");
	}

	@Test
	void newReplicaStartedWithTheFullListBeforeItWasAddedNeitherFormsAClusterNorDisturbs() {
		// The rolling update of issue 11: {n1, n2, n3} lead; n4 and n5 start with the list of five;
		// n3 restarts with the list of five and then loses its links to n1 and n2 for a second.
		SimCluster cluster = SimCluster.create(3, 3);
		String leader = awaitSettledLeader(cluster);
		long term = cluster.status(leader).term();
		cluster.addNode("n4", FIVE, false);
		cluster.addNode("n5", FIVE, false);
		cluster.runFor(Duration.ofSeconds(1));
		cluster.crash("n3");
		cluster.restart("n3");
		cluster.runFor(Duration.ofMillis(500));
		cluster.cut("n3", "n1");
		cluster.cut("n3", "n2");
		cluster.runFor(Duration.ofSeconds(1));
		cluster.healNetwork();
		cluster.runFor(Duration.ofSeconds(1));
		// The checker saw no second leader; the new replicas never joined anything.
		assertThat(cluster.membership("n4")).isNull();
		assertThat(cluster.membership("n5")).isNull();
		assertThat(cluster.status("n4").formation().refused()).contains("n1", "n2", "n3");
		assertThat(cluster.membership("n3").voters()).containsExactlyElementsOf(THREE);
		assertThat(cluster.activeLeader()).isNotNull();
		assertThat(cluster.status(cluster.activeLeader()).term()).as("n3 cut off raised no term (pre-vote)")
			.isEqualTo(term);
		// Now the leader adds them, one at a time.
		addAndAwait(cluster, "n4");
		addAndAwait(cluster, "n5");
		assertThat(cluster.membership(cluster.activeLeader()).voters()).containsExactlyElementsOf(FIVE);
	}

	@Test
	void newReplicaThatFindsAnExistingClusterAsksItsLeaderToAddIt() {
		for (long seed = 0; seed < 20; seed++) {
			SimCluster cluster = SimCluster.create(seed, 3);
			awaitSettledLeader(cluster);
			cluster.addNode("n4", List.of("n1", "n2", "n3", "n4"));
			cluster.addNode("n5", FIVE);
			assertThat(cluster.runUntil(() -> {
				String active = cluster.activeLeader();
				return active != null && cluster.isMembershipSettled(active)
						&& cluster.membership(active).voters().containsAll(FIVE);
			}, Duration.ofSeconds(5))).as("seed %d: both added, one after the other", seed).isTrue();
			assertThat(cluster.membership("n5").voters()).containsExactlyElementsOf(FIVE);
		}
	}

	@Test
	void addedMemberCatchesUpAsLearnerThenBecomesVoterThroughAJointConfiguration() {
		SimCluster cluster = SimCluster.create(4, 3);
		String leader = awaitSettledLeader(cluster);
		cluster.addNode("n4", List.of("n1", "n2", "n3", "n4"), false);
		List<Membership> seenByLeader = new ArrayList<>();
		assertThat(cluster.addMember(leader, "n4")).isEqualTo(MembershipChangeResult.STARTED);
		seenByLeader.add(cluster.membership(leader));
		assertThat(cluster.membership(leader).learners()).containsExactly("n4");
		assertThat(cluster.membership(leader).voters()).containsExactlyElementsOf(THREE);
		assertThat(cluster.addMember(leader, "n5")).as("one change at a time")
			.isEqualTo(MembershipChangeResult.CHANGE_IN_PROGRESS);
		assertThat(cluster.runUntil(() -> {
			Membership now = cluster.membership(leader);
			if (!now.equals(seenByLeader.get(seenByLeader.size() - 1))) {
				seenByLeader.add(now);
			}
			return cluster.isMembershipSettled(leader) && now.voters().contains("n4");
		}, Duration.ofSeconds(2))).isTrue();
		assertThat(seenByLeader).extracting(Membership::voters, Membership::outgoingVoters, Membership::learners)
			.containsExactly(
					tuple(Set.of("n1", "n2", "n3"), Set.of(), Set.of("n4")),
					tuple(Set.of("n1", "n2", "n3", "n4"), Set.of("n1", "n2", "n3"),
							Set.of()),
					tuple(Set.of("n1", "n2", "n3", "n4"), Set.of(), Set.of()));
		assertThat(cluster.activeLeader()).isEqualTo(leader);
		assertThat(cluster.membership("n4").voters()).contains("n4");
	}

	@Test
	void addingAMemberNeverCostsTheLeaderItsLease() {
		for (long seed = 0; seed < 30; seed++) {
			SimCluster cluster = SimCluster.create(seed, 3);
			String leader = awaitSettledLeader(cluster);
			long term = cluster.status(leader).term();
			cluster.addNode("n4", List.of("n1", "n2", "n3", "n4"), false);
			assertThat(cluster.addMember(leader, "n4")).isEqualTo(MembershipChangeResult.STARTED);
			boolean[] lapsed = { false };
			assertThat(cluster.runUntil(() -> {
				lapsed[0] |= !cluster.isActiveLeader(leader);
				return cluster.isMembershipSettled(leader) && cluster.membership(leader).voters().contains("n4");
			}, Duration.ofSeconds(2))).as("seed %d", seed).isTrue();
			assertThat(lapsed[0]).as("seed %d: lease lapsed during the change", seed).isFalse();
			assertThat(cluster.status(leader).term()).isEqualTo(term);
		}
	}

	@Test
	void removedFollowerLearnsItWasRemovedAndNeverCampaignsAgain() {
		SimCluster cluster = SimCluster.create(5, 5);
		String leader = awaitSettledLeader(cluster);
		String removed = other(cluster, leader);
		removeAndAwait(cluster, removed);
		assertThat(cluster.runUntil(() -> !cluster.membership(removed).contains(removed), Duration.ofSeconds(1)))
			.as("the removed member received the configuration without it")
			.isTrue();
		long termOfRemoved = cluster.status(removed).term();
		List<RoleChange> changes = new ArrayList<>();
		cluster.onRoleChange((change) -> {
			if (change.nodeId().equals(removed)) {
				changes.add(change.change());
			}
		});
		cluster.isolate(removed);
		cluster.runFor(Duration.ofSeconds(5));
		cluster.healNetwork();
		cluster.runFor(Duration.ofSeconds(1));
		assertThat(changes).as("a removed member never campaigns").isEmpty();
		assertThat(cluster.status(removed).term()).isEqualTo(termOfRemoved);
		assertThat(cluster.activeLeader()).isEqualTo(leader);
	}

	@Test
	void removedLeaderHandsOverOnceTheJointConfigurationIsCommittedAndNeverCampaignsAgain() {
		for (long seed = 0; seed < 30; seed++) {
			SimCluster cluster = SimCluster.create(seed, 5);
			String leader = awaitSettledLeader(cluster);
			assertThat(cluster.removeMember(leader, leader)).as("seed %d", seed).isEqualTo(MembershipChangeResult.STARTED);
			assertThat(cluster.runUntil(() -> {
				String active = cluster.activeLeader();
				return active != null && !active.equals(leader) && cluster.isMembershipSettled(active);
			}, Duration.ofSeconds(2))).as("seed %d", seed).isTrue();
			String next = cluster.activeLeader();
			assertThat(cluster.membership(next).voters()).as("seed %d", seed).hasSize(4).doesNotContain(leader);
			assertThat(cluster.runUntil(() -> cluster.status(leader).role() == Role.FOLLOWER
					&& !cluster.membership(leader).contains(leader), Duration.ofMillis(500)))
				.as("seed %d: the old leader steps down and knows it was removed", seed)
				.isTrue();
			long term = cluster.status(leader).term();
			cluster.isolate(leader);
			cluster.runFor(Duration.ofSeconds(2));
			assertThat(cluster.status(leader).term()).as("seed %d: the removed leader raised no term", seed)
				.isEqualTo(term);
			assertThat(cluster.status(leader).role()).isEqualTo(Role.FOLLOWER);
		}
	}

	@Test
	void twoVotersShrinkToOneOnlyWhileBothAreReachable() {
		SimCluster cluster = SimCluster.create(6, 2);
		String leader = awaitSettledLeader(cluster);
		String other = other(cluster, leader);
		cluster.crash(other);
		cluster.runFor(Duration.ofMillis(200));
		// The joint configuration would need both: refused rather than stuck.
		String stillLeader = cluster.leaders().isEmpty() ? null : cluster.leaders().get(0);
		if (stillLeader != null) {
			assertThat(cluster.removeMember(stillLeader, other)).isEqualTo(MembershipChangeResult.WOULD_LOSE_QUORUM);
		}
		cluster.restart(other);
		String again = awaitSettledLeader(cluster);
		String second = other(cluster, again);
		removeAndAwait(cluster, second);
		Membership single = cluster.membership(again);
		assertThat(single.voters()).containsExactly(again);
		assertThat(cluster.isActiveLeader(again)).isTrue();
		assertThat(cluster.status(again).lease().unbounded()).as("the only voter needs nobody").isTrue();
		assertThat(cluster.removeMember(again, again)).as("the last voter stays")
			.isEqualTo(MembershipChangeResult.WOULD_LOSE_QUORUM);
	}

	@Test
	void oneMemberClusterGrowsToThreeAndShrinksBackWithoutEverLosingItsLeader() {
		SimCluster cluster = SimCluster.create(7, 1);
		assertThat(cluster.activeLeader()).isEqualTo("n1");
		// n2 and n3 propose all three: they cannot form a cluster while n1 belongs to one.
		cluster.addNode("n2", THREE, false);
		cluster.addNode("n3", THREE, false);
		addAndAwait(cluster, "n2");
		addAndAwait(cluster, "n3");
		assertThat(cluster.membership("n3").voters()).containsExactly("n1", "n2", "n3");
		String leader = cluster.activeLeader();
		for (String id : List.of("n2", "n3")) {
			if (!id.equals(leader)) {
				removeAndAwait(cluster, id);
			}
		}
		assertThat(cluster.membership(cluster.activeLeader()).voters()).hasSizeLessThanOrEqualTo(2);
	}

	@Test
	void newLeaderRefusesAChangeUntilAnEntryOfItsOwnTermIsCommitted() {
		// Ongaro's 2015 bug: a leader that changes members before it committed an entry of its term
		// may not know a configuration a previous leader committed, and two changes overlap.
		for (long seed = 0; seed < 30; seed++) {
			SimCluster cluster = SimCluster.create(seed, 3);
			cluster.addNode("n4", List.of("n1", "n2", "n3", "n4"), false);
			assertThat(cluster.runUntil(() -> !cluster.leaders().isEmpty(), Duration.ofSeconds(2))).isTrue();
			String leader = cluster.leaders().get(0);
			assertThat(cluster.status(leader).commitIndex()).isLessThan(cluster.status(leader).lastLogIndex());
			assertThat(cluster.addMember(leader, "n4")).as("seed %d", seed).isEqualTo(MembershipChangeResult.NOT_READY);
			assertThat(cluster.removeMember(leader, "n3")).isEqualTo(MembershipChangeResult.NOT_READY);
			assertThat(cluster.runUntil(() -> cluster.isActiveLeader(leader), Duration.ofSeconds(1))).isTrue();
			assertThat(cluster.addMember(leader, "n4")).isEqualTo(MembershipChangeResult.STARTED);
		}
	}

	@Test
	void changeInterruptedByTheLeadersCrashIsCompletedByTheNextLeader() {
		for (long seed = 0; seed < 40; seed++) {
			SimCluster cluster = SimCluster.create(seed, 3);
			String leader = awaitSettledLeader(cluster);
			cluster.addNode("n4", List.of("n1", "n2", "n3", "n4"), false);
			assertThat(cluster.addMember(leader, "n4")).isEqualTo(MembershipChangeResult.STARTED);
			// Crash the leader somewhere in the learner or joint phase.
			cluster.runFor(Duration.ofNanos(1_000_000L + cluster.seed() % 20 * 1_000_000L));
			cluster.crash(leader);
			assertThat(cluster.runUntil(() -> {
				String active = cluster.activeLeader();
				return active != null && cluster.isMembershipSettled(active);
			}, Duration.ofSeconds(3))).as("seed %d", seed).isTrue();
			Membership settled = cluster.membership(cluster.activeLeader());
			assertThat(settled.isJoint()).isFalse();
			assertThat(settled.learners()).isEmpty();
			cluster.restart(leader);
			cluster.runFor(Duration.ofSeconds(1));
			assertThat(cluster.activeLeader()).as("seed %d", seed).isNotNull();
		}
	}

	@Test
	void replacingAMemberKeepsALeaderAndEndsWithTheNewSet() {
		SimCluster cluster = SimCluster.create(8, 3);
		String leader = awaitSettledLeader(cluster);
		String old = other(cluster, leader);
		cluster.addNode("n4", List.of("n1", "n2", "n3", "n4"), false);
		addAndAwait(cluster, "n4");
		removeAndAwait(cluster, old);
		Membership now = cluster.membership(cluster.activeLeader());
		assertThat(now.voters()).hasSize(3).contains("n4").doesNotContain(old);
	}

	// Helpers

	/** Waits for an active leader with a settled configuration that every member follows and has answered. */
	private static String awaitSettledLeader(SimCluster cluster) {
		assertThat(cluster.runUntil(() -> {
			String active = cluster.activeLeader();
			return active != null && cluster.isMembershipSettled(active)
					&& cluster.status(active).peers().stream().allMatch((peer) -> peer.lastContactNanos() != null)
					&& cluster.membership(active).members().stream().allMatch((id) -> {
						Membership membership = cluster.isUp(id) ? cluster.membership(id) : null;
						return membership != null && active.equals(cluster.status(id).leaderId());
					});
		}, Duration.ofSeconds(3))).as("seed %d: a leader that every member follows", cluster.seed()).isTrue();
		return cluster.activeLeader();
	}

	private static void addAndAwait(SimCluster cluster, String member) {
		String leader = awaitSettledLeader(cluster);
		assertThat(cluster.addMember(leader, member)).as("add %s", member).isEqualTo(MembershipChangeResult.STARTED);
		assertThat(cluster.runUntil(() -> {
			String active = cluster.activeLeader();
			return active != null && cluster.isMembershipSettled(active)
					&& cluster.membership(active).voters().contains(member);
		}, Duration.ofSeconds(3))).as("seed %d: %s added", cluster.seed(), member).isTrue();
	}

	private static void removeAndAwait(SimCluster cluster, String member) {
		String leader = awaitSettledLeader(cluster);
		assertThat(cluster.removeMember(leader, member)).as("remove %s", member)
			.isEqualTo(MembershipChangeResult.STARTED);
		assertThat(cluster.runUntil(() -> {
			String active = cluster.activeLeader();
			return active != null && cluster.isMembershipSettled(active)
					&& !cluster.membership(active).contains(member);
		}, Duration.ofSeconds(3))).as("seed %d: %s removed", cluster.seed(), member).isTrue();
	}

	private static String other(SimCluster cluster, String not) {
		return cluster.ids().stream().filter((id) -> !id.equals(not)).findFirst().orElseThrow();
	}

}
