package io.github.raftboot.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.github.raftboot.bench.TimingEvents.Event;
import io.github.raftboot.bench.TimingEvents.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link TimingEvents}, on log lines in the form the sample app writes them (the
 * messages as {@code CoreLoop} of raft-spring-boot-autoconfigure builds them).
 */
class TimingEventsTests {

	static String line(String seconds, String level, String message) {
		return "2026-11-30T10:00:" + seconds + "Z " + level + " 4242 --- [        raft-n1] io.github.raftboot.runtime.RaftServer    : "
				+ message;
	}

	static Instant at(String seconds) {
		return Instant.parse("2026-11-30T10:00:" + seconds + "Z");
	}

	/** A pause line, with the lease-ended suffix if {@code catchUp} is not negative. */
	static String pause(String seconds, String member, int pause, long longest, long catchUp) {
		return line(seconds, "DEBUG", "Raft member '" + member + "' was not run for a while (pause " + pause
				+ ", the longest so far " + longest + " ms): it waits to hear from the others before it acts on its timers"
				+ ((catchUp >= 0) ? "; its lease ended meanwhile: it reports the leadership lost unless the answers queued "
						+ "behind the pause renew it within " + catchUp + " ms" : ""));
	}

	private static String timing(String seconds, String member, int level, String timeout, int heartbeat, String reason) {
		return line(seconds, " INFO", "Raft member '" + member + "' runs with a " + timeout + " ms election timeout and a "
				+ heartbeat + " ms heartbeat from now on (level " + level + ", configured 150-300 ms and 50 ms): " + reason);
	}

	@Test
	void namesTheMembersOfEveryGroupWhoseLastTimingSinceTheirProcessStartedIsWidened(@TempDir Path dir)
			throws IOException {
		Path n1 = dir.resolve("n1.log");
		Files.write(n1, List.of("=== raft-bench: start #1 of n1 at 2026-11-30T09:59:50.000000001Z",
				timing("01.000", "n1' in group 'g1", 1, "300-600", 100, "widened"),
				timing("01.100", "n1' in group 'g2", 1, "300-600", 100, "widened"),
				timing("01.200", "n1", 1, "300-600", 100, "widened"),
				timing("31.000", "n1' in group 'g1", 0, "150-300", 50, "narrowed"),
				timing("31.500", "n2' in group 'g3", 1, "300-600", 100, "another replica's member, in this log")));
		Path n2 = dir.resolve("n2.log");
		Files.write(n2, List.of("=== raft-bench: start #1 of n2 at 2026-11-30T09:59:50.000000001Z",
				timing("01.000", "n2' in group 'g3", 1, "300-600", 100, "widened"),
				"=== raft-bench: start #2 of n2 at 2026-11-30T10:00:20.000000001Z"));
		assertThat(TimingEvents.widened(Map.of("n1", n1, "n2", n2, "n3", dir.resolve("n3.log"))))
			.containsExactly("n1", "n1' in group 'g2");
	}

	@Test
	void readsLeaseLapsesPausesAndTimingsOfTheReplica() {
		List<Event> events = TimingEvents.parse("n1", List.of(
				"=== raft-bench: start #1 of n1 at 2026-11-30T09:59:50.000000001Z",
				line("01.001", "DEBUG", "Raft member 'n1': RoleChange[from=CANDIDATE, to=LEADER, term=4, reason=ELECTED]"),
				line("02.500", "DEBUG", "Raft member 'n1' lost its lease in term 4: no majority acknowledged a heartbeat in "
						+ "time (lease lapse 1)"),
				line("03.250", "DEBUG", "Raft member 'n1' was not run for a while (pause 2, the longest so far 340 ms): it "
						+ "waits to hear from the others before it acts on its timers"),
				timing("04.000", "n1", 1, "300-600", 100, "2 incidents in 30 s (lease lapses)")));
		assertThat(events).containsExactly(new Event(Kind.LEASE_LAPSE, "n1", at("02.500"), 4, -1, null, -1),
				new Event(Kind.PAUSE, "n1", at("03.250"), 340, -1, null, -1),
				new Event(Kind.TIMING, "n1", at("04.000"), 300, 1,
						new TimingEvents.Timing(300, 600, 100, "2 incidents in 30 s (lease lapses)"), -1));
		assertThat(events).noneMatch(Event::leaseEnded);
	}

	@Test
	void aPauseLineSaysWhetherTheLeaseEndedDuringThePauseAndHowLongTheCatchUpLasts() {
		List<Event> events = TimingEvents.parse("n1", List.of(pause("03.250", "n1", 2, 340, 25),
				pause("05.000", "n1", 3, 340, -1)));
		assertThat(events).containsExactly(new Event(Kind.PAUSE, "n1", at("03.250"), 340, -1, null, 25),
				new Event(Kind.PAUSE, "n1", at("05.000"), 340, -1, null, -1));
		assertThat(events).extracting(Event::leaseEnded).containsExactly(true, false);
	}

	@Test
	void aPauseLineThatSaysTheLeaseEndedInOtherWordsIsAnError() {
		String changed = line("03.250", "DEBUG", "Raft member 'n1' was not run for a while (pause 2, the longest so far "
				+ "340 ms): it waits to hear from the others before it acts on its timers; its lease ended meanwhile: it "
				+ "waits 25 ms");
		assertThatIllegalArgumentException().isThrownBy(() -> TimingEvents.parse("n1", List.of(changed)))
			.withMessageContaining("has CoreLoop's line changed?")
			.withMessageContaining(changed);
	}

	@Test
	void aLeaseThatEndedInAPauseIsReportedIfItsReplicaLoggedARevocationWithinTheCatchUpAndTheSlack() {
		// Catch-up 25 ms + 50 ms slack: a revocation logged up to 75 ms after the pause line reports the lease lost.
		List<String> log = List.of(line("00.000", " INFO", "This replica (n1) now leads, fencing token 4"),
				pause("01.000", "n1", 1, 200, 25),
				line("01.075", " INFO", "This replica (n1) no longer leads term 4: LEASE_LOST"),
				line("01.080", " INFO", "This replica (n1) now leads, fencing token 4"),
				// Bridged: the leadership goes on; the revocation 76 ms after the line is another matter.
				pause("02.000", "n1", 2, 200, 25),
				line("02.076", " INFO", "This replica (n1) no longer leads term 4: LEASE_LOST"),
				line("02.200", " INFO", "This replica (n1) now leads, fencing token 4"),
				// Bridged although another replica's leadership was revoked meanwhile.
				pause("03.000", "n1", 3, 200, 25),
				// Reported, whatever the reason: the leadership did not go on unreported.
				pause("04.000", "n1", 4, 200, 10),
				line("04.030", " INFO", "This replica (n1) no longer leads term 4: TRANSFER"));
		List<String> otherLog = List.of(line("02.950", " INFO", "This replica (n2) now leads, fencing token 9"),
				line("03.010", " INFO", "This replica (n2) no longer leads term 9: LEASE_LOST"));
		List<Leaderships.Leadership> leaderships = new ArrayList<>(Leaderships.parse("n1", log));
		leaderships.addAll(Leaderships.parse("n2", otherLog));
		List<Event> pauses = TimingEvents.parse("n1", log);

		assertThat(pauses).extracting(Event::at, (pause) -> TimingEvents.bridged(pause, leaderships))
			.containsExactly(tuple(at("01.000"), false), tuple(at("02.000"), true), tuple(at("03.000"), true),
					tuple(at("04.000"), false));
	}

	@Test
	void aKillDuringTheCatchUpIsNoReport() {
		List<String> log = List.of(line("00.000", " INFO", "This replica (n1) now leads, fencing token 4"),
				pause("01.000", "n1", 1, 200, 25), "=== raft-bench: SIGKILL to n1 at 2026-11-30T10:00:01.010Z");
		Event pause = TimingEvents.parse("n1", log).get(0);
		assertThat(Leaderships.parse("n1", log)).singleElement()
			.satisfies((leadership) -> assertThat(leadership.endInferred()).isTrue());
		assertThat(TimingEvents.bridged(pause, Leaderships.parse("n1", log))).isTrue();
	}

	@Test
	void onlyAPauseDuringWhichTheLeaseEndedIsBridgedOrReported() {
		Event pause = TimingEvents.parse("n1", List.of(pause("01.000", "n1", 1, 200, -1))).get(0);
		assertThatIllegalArgumentException().isThrownBy(() -> TimingEvents.bridged(pause, List.of()))
			.withMessageContaining("Not a pause during which a lease ended");
	}

	@Test
	void ignoresOtherMembersAndOtherLines() {
		List<Event> events = TimingEvents.parse("n1", List.of(
				line("01.000", "DEBUG", "Raft member 'n2' lost its lease in term 4: no majority acknowledged a heartbeat in "
						+ "time (lease lapse 1)"),
				line("01.500", " INFO", "This replica (n1) now leads, fencing token 5"),
				"Raft member 'n1' lost its lease in term 4: a line without a timestamp",
				line("02.000", "DEBUG", "Raft member 'n1': its own URL raft.peers.n1=http://127.0.0.1:8081 matches")));
		assertThat(events).isEmpty();
	}

	@Test
	void aTimingChangeIsTheLeadersLineThoughEveryMemberAndEveryRestartLogsOne() {
		List<Event> events = new ArrayList<>();
		events.addAll(TimingEvents.parse("n1", List.of(timing("01.000", "n1", 1, "300-600", 100, "widened"),
				timing("09.000", "n1", 0, "150-300", 50, "narrowed after a quiet period"))));
		events.addAll(TimingEvents.parse("n2", List.of(timing("01.010", "n2", 1, "300-600", 100, "widened"),
				timing("09.020", "n2", 0, "150-300", 50, "narrowed after a quiet period"))));
		// n3 restarted with a stale log: the timing its log holds, then the one it catches up with.
		events.addAll(TimingEvents.parse("n3", List.of(timing("05.000", "n3", 1, "300-600", 100, "widened"),
				timing("05.100", "n3", 0, "150-300", 50, "narrowed earlier"))));
		events.sort(Comparator.comparing(Event::at));
		List<Leaderships.Leadership> leaderships = List.of(
				new Leaderships.Leadership("n2", 3, at("00.000"), at("00.500"), "TRANSFER", false),
				new Leaderships.Leadership("n1", 4, at("00.600"), at("10.000"), "SIGKILL", true));

		assertThat(TimingEvents.changes(events, leaderships)).extracting(Event::replica, Event::at, Event::level)
			.containsExactly(tuple("n1", at("01.000"), 1), tuple("n1", at("09.000"), 0));
		assertThat(TimingEvents.within(events, Kind.TIMING, at("01.005"), at("09.000"))).hasSize(3);
	}

	@Test
	void aLeaderWhoseLeaseLapsedStillChangesTheTiming() {
		List<Event> events = TimingEvents.parse("n1", List.of(timing("02.000", "n1", 1, "300-600", 100, "widened")));
		// n1's leadership was revoked for a lapse at 01.900 and comes back after the widening.
		List<Leaderships.Leadership> leaderships = List.of(
				new Leaderships.Leadership("n1", 4, at("00.600"), at("01.900"), "LEASE_LOST", false),
				new Leaderships.Leadership("n1", 4, at("02.100"), at("10.000"), "SIGKILL", true));
		assertThat(TimingEvents.changes(events, leaderships)).hasSize(1);
	}

	@Test
	void aTimingLineBeforeAnyLeadershipIsNoChange() {
		List<Event> events = TimingEvents.parse("n1", List.of(timing("01.000", "n1", 1, "300-600", 100, "from the log")));
		assertThat(events).hasSize(1);
		assertThat(TimingEvents.changes(events, List.of())).isEmpty();
	}

}
