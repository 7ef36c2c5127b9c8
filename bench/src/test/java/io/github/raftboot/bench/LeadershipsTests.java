package io.github.raftboot.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.github.raftboot.bench.Leaderships.Flap;
import io.github.raftboot.bench.Leaderships.Gap;
import io.github.raftboot.bench.Leaderships.Gaps;
import io.github.raftboot.bench.Leaderships.Leadership;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link Leaderships}: reading the active leaderships from a replica's log, the time
 * without an active leader, and flaps, on hand-made input.
 */
class LeadershipsTests {

	private static final Duration ELECTION_TIMEOUT = Duration.ofMillis(300);

	/** A log line as the sample app writes it, at {@code 10:00:<seconds>} UTC. */
	private static String line(String seconds, String message) {
		return "2026-11-30T10:00:" + seconds + "Z  INFO 4242 --- [ raft-events-n1] i.g.raftboot.sample.LeadershipLogger     : "
				+ message;
	}

	private static Instant at(String seconds) {
		return Instant.parse("2026-11-30T10:00:" + seconds + "Z");
	}

	private static Leadership leadership(String replica, long term, String from, String to) {
		return new Leadership(replica, term, at(from), at(to), "LEASE_LOST", false);
	}

	@Nested
	class ReadingALog {

		@Test
		void aLeadershipRunsFromTheAcquiredLineToTheRevokedLineWithTheirReason() {
			List<Leadership> leaderships = Leaderships.parse("n1", List.of(
					"=== raft-bench: start #1 of n1 at 2026-11-30T09:59:50.000000001Z",
					line("01.000", "Leader in term 4 is now n1"),
					"2026-11-30T10:00:01.001Z DEBUG 4242 --- [        raft-n1] io.github.raftboot.runtime.RaftServer    : "
							+ "Raft member 'n1': RoleChange[from=CANDIDATE, to=LEADER, term=4, reason=ELECTION_WON]",
					line("01.020", "This replica (n1) now leads, fencing token 4"),
					line("05.500", "This replica (n1) no longer leads term 4: TRANSFER")));
			assertThat(leaderships).containsExactly(new Leadership("n1", 4, at("01.020"), at("05.500"), "TRANSFER", false));
		}

		@Test
		void linesOfOtherElectionGroupsAreIgnored() {
			List<Leadership> leaderships = Leaderships.parse("n1", List.of(
					line("01.000", "This replica (n1) now leads group 'g1', fencing token 7"),
					line("01.010", "This replica (n1) now leads, fencing token 4"),
					line("02.000", "This replica (n1) no longer leads group 'g1' term 7: TRANSFER"),
					line("03.000", "This replica (n1) now leads group 'g2', fencing token 2"),
					line("04.000", "This replica (n1) no longer leads group 'g2' term 2: LEASE_LOST")));
			assertThat(leaderships).containsExactly(new Leadership("n1", 4, at("01.010"), null, null, false));
		}

		@Test
		void aLeaseThatLapsesAndComesBackGivesTwoLeaderships() {
			List<Leadership> leaderships = Leaderships.parse("n1", List.of(
					line("01.000", "This replica (n1) now leads, fencing token 4"),
					line("01.200", "This replica (n1) no longer leads term 4: LEASE_LOST"),
					line("01.230", "This replica (n1) now leads, fencing token 4")));
			assertThat(leaderships).containsExactly(
					new Leadership("n1", 4, at("01.000"), at("01.200"), "LEASE_LOST", false),
					new Leadership("n1", 4, at("01.230"), null, null, false));
		}

		@Test
		void aLeaderKilledEndsAtTheKillTheToolNoted() {
			List<Leadership> leaderships = Leaderships.parse("n1", List.of(
					line("01.000", "This replica (n1) now leads, fencing token 4"),
					"=== raft-bench: SIGKILL to n1 at 2026-11-30T10:00:03.123456789Z",
					"=== raft-bench: start #2 of n1 at 2026-11-30T10:00:03.500000000Z",
					line("07.000", "This replica (n1) now leads, fencing token 6")));
			assertThat(leaderships).containsExactly(
					new Leadership("n1", 4, at("01.000"), Instant.parse("2026-11-30T10:00:03.123456789Z"), "SIGKILL", true),
					new Leadership("n1", 6, at("07.000"), null, null, false));
		}

		@Test
		void aLeaderStoppedWithoutARevocationLineEndsAtItsSigterm() {
			List<Leadership> leaderships = Leaderships.parse("n1", List.of(
					line("01.000", "This replica (n1) now leads, fencing token 4"),
					"=== raft-bench: SIGTERM to n1 at 2026-11-30T10:00:02.000000000Z",
					line("02.100", "Leader in term 5 is now unknown"),
					"=== raft-bench: start #2 of n1 at 2026-11-30T10:00:03.000000000Z"));
			assertThat(leaderships)
				.containsExactly(new Leadership("n1", 4, at("01.000"), at("02.000"), "SIGTERM", true));
		}

		@Test
		void aLeaderStoppedThatLoggedItsHandOverEndsAtTheLoggedLineEvenAfterTheSignalLine() {
			List<Leadership> leaderships = Leaderships.parse("n1", List.of(
					line("01.000", "This replica (n1) now leads, fencing token 4"),
					"=== raft-bench: SIGTERM to n1 at 2026-11-30T10:00:02.000000000Z",
					line("02.030", "This replica (n1) no longer leads term 4: TRANSFER")));
			assertThat(leaderships).containsExactly(new Leadership("n1", 4, at("01.000"), at("02.030"), "TRANSFER", false));
		}

		@Test
		void aProcessThatEndedUnnoticedWhileItLedEndsAtItsLastLine() {
			List<Leadership> leaderships = Leaderships.parse("n1", List.of(
					line("01.000", "This replica (n1) now leads, fencing token 4"),
					line("01.500", "Leader in term 4 is now n1"),
					"=== raft-bench: start #2 of n1 at 2026-11-30T10:00:09.000000000Z"));
			assertThat(leaderships)
				.containsExactly(new Leadership("n1", 4, at("01.000"), at("01.500"), "PROCESS_ENDED", true));
		}

		@Test
		void linesAboutOtherReplicasAndTimestampsWithAnOffsetAreReadRight() {
			List<Leadership> leaderships = Leaderships.parse("n1", List.of(
					"2026-11-30T11:00:01.000+01:00  INFO 1 --- [ev] x.LeadershipLogger : This replica (n1) now leads, fencing token 4",
					line("02.000", "This replica (n2) no longer leads term 4: LEASE_LOST"),
					"=== raft-bench: SIGKILL to n2 at 2026-11-30T10:00:02.000000000Z"));
			assertThat(leaderships).containsExactly(new Leadership("n1", 4, at("01.000"), null, null, false));
		}

	}

	@Nested
	class TimeWithoutAnActiveLeader {

		@Test
		void aHandOverLeavesTheGapBetweenTheOldLeadersEndAndTheNewOnesStart() {
			Gaps gaps = Leaderships.gaps(List.of(leadership("n1", 4, "01.000", "05.000"),
					leadership("n2", 5, "05.040", "09.000")), at("04.000"), at("08.000"));
			assertThat(gaps.gaps()).containsExactly(new Gap(at("05.000"), at("05.040")));
			assertThat(gaps.totalMillis()).isCloseTo(40, within(1e-9));
			assertThat(gaps.worstMillis()).isCloseTo(40, within(1e-9));
		}

		@Test
		void gapsAddUpAndTheWorstIsTheLongest() {
			Gaps gaps = Leaderships.gaps(List.of(leadership("n1", 4, "01.000", "02.000"),
					leadership("n2", 5, "02.100", "03.000"), leadership("n3", 6, "03.250", "04.000")), at("01.500"),
					at("04.000"));
			assertThat(gaps.count()).isEqualTo(2);
			assertThat(gaps.totalMillis()).isCloseTo(350, within(1e-9));
			assertThat(gaps.worstMillis()).isCloseTo(250, within(1e-9));
		}

		@Test
		void aPeriodWithoutAnyLeaderIsOneGap() {
			Gaps gaps = Leaderships.gaps(List.of(leadership("n1", 4, "01.000", "02.000")), at("03.000"), at("04.500"));
			assertThat(gaps.gaps()).containsExactly(new Gap(at("03.000"), at("04.500")));
		}

		@Test
		void gapsAtTheEdgesOfThePeriodCountOnlyWithinIt() {
			Gaps gaps = Leaderships.gaps(List.of(leadership("n1", 4, "02.000", "03.000")), at("01.000"), at("04.000"));
			assertThat(gaps.gaps()).containsExactly(new Gap(at("01.000"), at("02.000")), new Gap(at("03.000"), at("04.000")));
		}

		@Test
		void overlappingLeadershipsLeaveNoGapAndAnOpenOneCoversTheRest() {
			Leadership open = new Leadership("n2", 5, at("01.900"), null, null, false);
			Gaps gaps = Leaderships.gaps(List.of(leadership("n1", 4, "01.000", "02.000"), open), at("01.000"), at("09.000"));
			assertThat(gaps.gaps()).isEmpty();
			assertThat(gaps.totalMillis()).isZero();
			assertThat(gaps.worstMillis()).isZero();
		}

		@Test
		void aLeadershipThatEndsWhereTheNextBeginsLeavesNoGap() {
			Gaps gaps = Leaderships.gaps(List.of(leadership("n1", 4, "01.000", "02.000"),
					leadership("n2", 5, "02.000", "03.000")), at("01.000"), at("03.000"));
			assertThat(gaps.gaps()).isEmpty();
		}

	}

	@Nested
	class Flaps {

		@Test
		void aLeaseThatLapsesAndComesBackWithinAnElectionTimeoutIsAFlap() {
			Leadership before = leadership("n1", 4, "01.000", "01.200");
			Leadership after = leadership("n1", 4, "01.230", "05.000");
			List<Flap> flaps = Leaderships.flaps(List.of(before, after), ELECTION_TIMEOUT);
			assertThat(flaps).containsExactly(new Flap(before, after));
			assertThat(flaps.get(0).lapseMillis()).isCloseTo(30, within(1e-9));
		}

		@Test
		void aLapseLongerThanTheElectionTimeoutIsNoFlap() {
			List<Flap> flaps = Leaderships.flaps(List.of(leadership("n1", 4, "01.000", "01.200"),
					leadership("n1", 6, "01.501", "05.000")), ELECTION_TIMEOUT);
			assertThat(flaps).isEmpty();
		}

		@Test
		void aLapseOfExactlyTheElectionTimeoutIsStillAFlap() {
			List<Flap> flaps = Leaderships.flaps(List.of(leadership("n1", 4, "01.000", "01.200"),
					leadership("n1", 4, "01.500", "05.000")), ELECTION_TIMEOUT);
			assertThat(flaps).hasSize(1);
		}

		@Test
		void anotherLeaderInBetweenMakesItNoFlap() {
			List<Flap> flaps = Leaderships.flaps(List.of(leadership("n1", 4, "01.000", "01.200"),
					leadership("n2", 5, "01.210", "01.220"), leadership("n1", 6, "01.300", "05.000")), ELECTION_TIMEOUT);
			assertThat(flaps).isEmpty();
		}

		@Test
		void anotherLeaderStillActiveWhenTheLapseBeganMakesItNoFlap() {
			List<Flap> flaps = Leaderships.flaps(List.of(leadership("n2", 3, "00.500", "01.250"),
					leadership("n1", 4, "01.000", "01.200"), leadership("n1", 4, "01.260", "05.000")), ELECTION_TIMEOUT);
			assertThat(flaps).isEmpty();
		}

		@Test
		void anotherLeaderBeforeOrAfterTheLapseDoesNotMatter() {
			List<Flap> flaps = Leaderships.flaps(List.of(leadership("n2", 3, "00.000", "00.900"),
					leadership("n1", 4, "01.000", "01.200"), leadership("n1", 4, "01.260", "02.000"),
					leadership("n2", 5, "02.100", "03.000")), ELECTION_TIMEOUT);
			assertThat(flaps).extracting(Flap::replica).containsExactly("n1");
		}

		@Test
		void aLeadershipThatEndedWithItsProcessIsNoFlap() {
			Leadership killed = new Leadership("n1", 4, at("01.000"), at("01.200"), "SIGKILL", true);
			List<Flap> flaps = Leaderships.flaps(List.of(killed, leadership("n1", 6, "01.300", "05.000")),
					ELECTION_TIMEOUT);
			assertThat(flaps).isEmpty();
		}

		@Test
		void aLeadershipWithItsFlapsIsOneSpanThatAUserSeesAsOneLeadership() {
			List<Leadership> leaderships = List.of(leadership("n1", 4, "01.000", "01.200"),
					leadership("n1", 4, "01.230", "02.000"), leadership("n2", 5, "02.050", "03.000"),
					leadership("n2", 5, "03.100", "04.000"), leadership("n2", 5, "04.010", "05.000"),
					leadership("n1", 7, "06.000", "07.000"));
			List<Leaderships.Span> spans = Leaderships.spans(leaderships, ELECTION_TIMEOUT);
			assertThat(spans).extracting(Leaderships.Span::replica).containsExactly("n1", "n2", "n1");
			assertThat(spans).extracting(Leaderships.Span::flaps).containsExactly(1, 2, 0);
			assertThat(spans.get(1).from()).isEqualTo(at("02.050"));
			assertThat(spans.get(1).to()).isEqualTo(at("05.000"));
		}

		@Test
		void aSpanOverlapsThePartsOfTheRunItWentOnIn() {
			Leaderships.Span span = new Leaderships.Span(List.of(leadership("n1", 4, "02.000", "03.000")));
			assertThat(span.overlaps(at("01.000"), at("02.500"))).isTrue();
			assertThat(span.overlaps(at("02.500"), at("04.000"))).isTrue();
			assertThat(span.overlaps(at("01.000"), at("02.000"))).isFalse();
			assertThat(span.overlaps(at("03.000"), at("04.000"))).isFalse();
			Leaderships.Span instant = new Leaderships.Span(List.of(leadership("n1", 4, "02.000", "02.000")));
			assertThat(instant.overlaps(at("02.000"), at("03.000"))).isTrue();
			assertThat(instant.overlaps(at("01.000"), at("02.000"))).isFalse();
			Leaderships.Span open = new Leaderships.Span(List.of(new Leadership("n1", 4, at("02.000"), null, null, false)));
			assertThat(open.overlaps(at("08.000"), at("09.000"))).isTrue();
		}

		@Test
		void aLeaderThatFlapsSeveralTimesCountsEachFlapInOrder() {
			List<Leadership> leaderships = List.of(leadership("n3", 7, "01.000", "01.010"),
					leadership("n3", 7, "01.015", "01.400"), leadership("n3", 7, "01.402", "01.900"),
					leadership("n3", 7, "01.950", "09.000"));
			List<Flap> flaps = Leaderships.flaps(leaderships, ELECTION_TIMEOUT);
			assertThat(flaps).extracting((flap) -> flap.after().acquiredAt())
				.containsExactly(at("01.015"), at("01.402"), at("01.950"));
		}

	}

}
