package io.github.raftboot.bench;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.raftboot.bench.GroupLeaderships.Failover;
import io.github.raftboot.bench.GroupLeaderships.Leadership;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link GroupLeaderships}: which election group each leadership line of a replica's
 * log belongs to, and what the leaderships of all groups tell (who leads what, whether the
 * leaders are spread, the failover of every group of a killed replica).
 */
class GroupLeadershipsTests {

	/** A line of the sample app's {@code LeadershipLogger}, at {@code 10:00:<seconds>} UTC. */
	private static String event(String seconds, String message) {
		return "2026-11-30T10:00:" + seconds + "Z  INFO 4242 --- [ raft-events-n1] i.g.raftboot.sample.LeadershipLogger     : "
				+ message;
	}

	/** A role change the Raft thread logs at DEBUG, for a group or ({@code null}) the default one. */
	private static String role(String seconds, String member, String group, String from, String to, long term,
			String reason) {
		return "2026-11-30T10:00:" + seconds + "Z DEBUG 4242 --- [        raft-n1] io.github.raftboot.runtime.RaftServer    : "
				+ "Raft member '" + member + "'" + ((group != null) ? " in group '" + group + "'" : "") + ": RoleChange[from="
				+ from + ", to=" + to + ", term=" + term + ", reason=" + reason + "]";
	}

	private static Instant at(String seconds) {
		return Instant.parse("2026-11-30T10:00:" + seconds + "Z");
	}

	@Nested
	class ReadingALog {

		@Test
		void linesOfSeveralGroupsOfOneTermBelongToTheGroupTheyName() {
			List<Leadership> read = GroupLeaderships.parse("n1", List.of(
					event("01.010", "This replica (n1) now leads group 'g2', fencing token 7"),
					event("01.011", "This replica (n1) now leads group 'g1', fencing token 7"),
					event("01.012", "This replica (n1) now leads, fencing token 7"),
					event("03.000", "This replica (n1) no longer leads group 'g1' term 7: TRANSFER"),
					event("04.000", "This replica (n1) no longer leads term 7: HIGHER_TERM")));
			assertThat(read).containsExactly(
					new Leadership("g2", "n1", 7, at("01.010"), null, null),
					new Leadership("g1", "n1", 7, at("01.011"), at("03.000"), "TRANSFER"),
					new Leadership("default", "n1", 7, at("01.012"), at("04.000"), "HIGHER_TERM"));
		}

		@Test
		void aLineThatNamesNoGroupBelongsToTheDefaultGroupAndRoleChangesAreNotNeeded() {
			List<Leadership> read = GroupLeaderships.parse("n1", List.of(
					// A role change of another group in the same term changes nothing: only the event lines count.
					role("01.000", "n1", "g3", "CANDIDATE", "LEADER", 3, "ELECTION_WON"),
					event("01.020", "This replica (n1) now leads, fencing token 3"),
					event("02.000", "This replica (n1) no longer leads term 3: TRANSFER")));
			assertThat(read).containsExactly(new Leadership("default", "n1", 3, at("01.020"), at("02.000"), "TRANSFER"));
		}

		@Test
		void aRevocationEndsItsGroupsLeadershipWithItsReasonAndALapsedLeaseThatComesBackIsANewOne() {
			List<Leadership> read = GroupLeaderships.parse("n1", List.of(
					event("01.010", "This replica (n1) now leads group 'g1', fencing token 2"),
					event("01.011", "This replica (n1) now leads group 'g2', fencing token 2"),
					event("03.000", "This replica (n1) no longer leads group 'g2' term 2: LEASE_LOST"),
					event("03.050", "This replica (n1) now leads group 'g2', fencing token 2"),
					event("04.000", "This replica (n1) no longer leads group 'g1' term 2: QUORUM_LOST")));
			assertThat(read).containsExactly(
					new Leadership("g1", "n1", 2, at("01.010"), at("04.000"), "QUORUM_LOST"),
					new Leadership("g2", "n1", 2, at("01.011"), at("03.000"), "LEASE_LOST"),
					new Leadership("g2", "n1", 2, at("03.050"), null, null));
			assertThat(GroupLeaderships.leadersAt(read, at("03.020"))).isEqualTo(Map.of("g1", "n1"));
		}

		@Test
		void aRevocationOfAGroupTheReplicaDoesNotLeadEndsNothing() {
			List<Leadership> read = GroupLeaderships.parse("n1", List.of(
					event("01.010", "This replica (n1) now leads group 'g1', fencing token 2"),
					event("01.011", "This replica (n1) now leads, fencing token 5"),
					event("02.000", "This replica (n1) no longer leads group 'g2' term 2: TRANSFER")));
			assertThat(read).extracting(Leadership::group, Leadership::revokedAt)
				.containsExactly(tuple("g1", null), tuple("default", null));
		}

		@Test
		void anAcquisitionOfAGroupStillLedEndsTheEarlierLeadership() {
			List<Leadership> read = GroupLeaderships.parse("n1", List.of(
					event("01.010", "This replica (n1) now leads group 'g1', fencing token 2"),
					event("02.000", "This replica (n1) now leads group 'g1', fencing token 4")));
			assertThat(read).containsExactly(new Leadership("g1", "n1", 2, at("01.010"), at("02.000"), "ACQUIRED_AGAIN"),
					new Leadership("g1", "n1", 4, at("02.000"), null, null));
		}

		@Test
		void aKillEndsTheLeadershipsOfEveryGroupTheReplicaLedAndLinesOfOtherReplicasAreIgnored() {
			List<Leadership> read = GroupLeaderships.parse("n1", List.of(
					"=== raft-bench: start #1 of n1 at 2026-11-30T09:59:50.000000001Z",
					event("00.900", "This replica (n2) now leads group 'g2', fencing token 1"),
					event("01.010", "This replica (n1) now leads group 'g1', fencing token 2"),
					event("01.011", "This replica (n1) now leads, fencing token 5"),
					event("01.012", "This replica (n1) now leads group 'g3', fencing token 9"),
					event("02.000", "This replica (n1) no longer leads group 'g3' term 9: TRANSFER"),
					"=== raft-bench: SIGKILL to n1 at 2026-11-30T10:00:03.123456789Z",
					"=== raft-bench: start #2 of n1 at 2026-11-30T10:00:03.500000000Z",
					event("07.000", "This replica (n2) now leads group 'g1', fencing token 6")));
			Instant kill = Instant.parse("2026-11-30T10:00:03.123456789Z");
			assertThat(read).containsExactly(new Leadership("g1", "n1", 2, at("01.010"), kill, "SIGKILL"),
					new Leadership("default", "n1", 5, at("01.011"), kill, "SIGKILL"),
					new Leadership("g3", "n1", 9, at("01.012"), at("02.000"), "TRANSFER"));
			assertThat(GroupLeaderships.leadersAt(read, at("05.000"))).isEmpty();
		}

		@Test
		void aProcessThatEndedWithoutAKillEndsItsLeadershipsAtItsSignalOrItsLastLine() {
			List<Leadership> terminated = GroupLeaderships.parse("n1", List.of(
					event("01.010", "This replica (n1) now leads group 'g1', fencing token 2"),
					"=== raft-bench: SIGTERM to n1 at 2026-11-30T10:00:02.000000000Z",
					event("02.500", "Shutting down")));
			assertThat(terminated).containsExactly(new Leadership("g1", "n1", 2, at("01.010"), at("02.000"), "SIGTERM"));
			List<Leadership> ended = GroupLeaderships.parse("n1", List.of(
					event("01.010", "This replica (n1) now leads group 'g1', fencing token 2"),
					event("02.500", "Something else"),
					"=== raft-bench: start #2 of n1 at 2026-11-30T10:00:09.000000000Z"));
			assertThat(ended).containsExactly(new Leadership("g1", "n1", 2, at("01.010"), at("02.500"), "PROCESS_ENDED"));
		}

	}

	@Nested
	class ACapturedRun {

		/**
		 * The leadership lines and role changes to and from {@code LEADER} of the smoke run's
		 * cluster of 3 replicas and 4 groups on a machine busy with other work (lease lapses, 3 s
		 * pauses, many elections), until n3 was killed and, half a second later, the others.
		 * Captured before the lines named their group: the group the role changes showed was added
		 * to each line of the groups other than the default one, the timestamps kept.
		 */
		private List<Leadership> read() {
			List<Leadership> all = new java.util.ArrayList<>();
			for (String replica : List.of("n1", "n2", "n3")) {
				all.addAll(GroupLeaderships.parse(replica, Samples.lines("groups/" + replica + ".log")));
			}
			return all;
		}

		@Test
		void everyGroupEndsWithOneLeaderThatIsNotTheKilledReplica() {
			List<Leadership> read = read();
			assertThat(read).extracting(Leadership::group).containsOnly("default", "g1", "g2", "g3");
			Map<String, String> leaders = GroupLeaderships.leadersAt(read, Instant.parse("2026-11-30T11:10:54.300Z"));
			assertThat(leaders).containsOnlyKeys("default", "g1", "g2", "g3").doesNotContainValue("n3");
		}

		@Test
		void theKilledReplicasTwoGroupsFailedOverAsTheSmokeRunReported() {
			List<Failover> failovers = GroupLeaderships.failovers(read(), "n3",
					Instant.parse("2026-11-30T11:10:53.083553054Z"));
			assertThat(failovers).extracting(Failover::group, Failover::oldTerm, (failover) -> failover.next().replica(),
					(failover) -> failover.next().term())
				.containsExactly(tuple("g1", 12L, "n1", 13L), tuple("g3", 36L, "n1", 37L));
			assertThat(failovers.get(0).millis()).isCloseTo(1088.447, within(0.001));
			assertThat(failovers.get(1).millis()).isCloseTo(268.447, within(0.001));
		}

	}

	@Nested
	class WhatTheLeadershipsTell {

		private final List<Leadership> leaderships = List.of(
				new Leadership("default", "n1", 2, at("01.000"), null, null),
				new Leadership("g1", "n1", 2, at("01.000"), at("05.000"), "SIGKILL"),
				new Leadership("g2", "n1", 3, at("01.100"), at("05.000"), "SIGKILL"),
				new Leadership("g3", "n2", 2, at("01.000"), null, null),
				new Leadership("g1", "n3", 3, at("05.210"), null, null),
				new Leadership("g2", "n2", 4, at("05.250"), null, null));

		@Test
		void theLeaderOfAGroupAtAnInstantIsWhoseLeadershipCoversIt() {
			assertThat(GroupLeaderships.leadersAt(this.leaderships, at("02.000")))
				.isEqualTo(Map.of("default", "n1", "g1", "n1", "g2", "n1", "g3", "n2"));
			assertThat(GroupLeaderships.leadersAt(this.leaderships, at("05.220")))
				.isEqualTo(Map.of("default", "n1", "g1", "n3", "g3", "n2"));
		}

		@Test
		void leadersAreSpreadWhenEveryGroupHasOneAndNobodyLeadsMoreThanItsShare() {
			Set<String> groups = Set.of("default", "g1", "g2", "g3");
			List<String> replicas = List.of("n1", "n2", "n3");
			// 4 groups on 3 replicas: a share of 2.
			Map<String, String> before = GroupLeaderships.leadersAt(this.leaderships, at("02.000"));
			assertThat(GroupLeaderships.ledPerReplica(before, replicas)).containsExactly(Map.entry("n1", 3),
					Map.entry("n2", 1), Map.entry("n3", 0));
			assertThat(GroupLeaderships.spread(before, groups, replicas)).isFalse();
			assertThat(GroupLeaderships.spread(GroupLeaderships.leadersAt(this.leaderships, at("05.220")), groups, replicas))
				.as("g2 without a leader").isFalse();
			assertThat(GroupLeaderships.spread(GroupLeaderships.leadersAt(this.leaderships, at("06.000")), groups, replicas))
				.isTrue();
		}

		@Test
		void everyGroupOfAKilledReplicaFailsOverToTheFirstOtherReplicaThatLeadsItAfterTheKill() {
			Instant kill = at("05.000");
			List<Failover> failovers = GroupLeaderships.failovers(this.leaderships, "n1", kill);
			// The default group's leadership of n1 has no end here: its log was read before the kill was noted.
			assertThat(failovers).extracting(Failover::group).containsExactly("default", "g1", "g2");
			assertThat(failovers.get(0).next()).isNull();
			assertThat(failovers.get(0).millis()).isNaN();
			assertThat(failovers.get(1).next().replica()).isEqualTo("n3");
			assertThat(failovers.get(1).millis()).isCloseTo(210, within(0.001));
			assertThat(failovers.get(2).next().replica()).isEqualTo("n2");
			assertThat(failovers.get(2).oldTerm()).isEqualTo(3);
			assertThat(failovers.get(2).millis()).isCloseTo(250, within(0.001));
			assertThat(GroupLeaderships.failovers(this.leaderships, "n2", kill)).extracting(Failover::group)
				.containsExactly("g3");
		}

	}

}
