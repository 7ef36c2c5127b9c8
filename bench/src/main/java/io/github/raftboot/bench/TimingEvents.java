package io.github.raftboot.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * What the replicas' Raft threads logged about their timing, read from their logs: lease lapses
 * and pauses (DEBUG, so only with {@link BenchOptions#debugLog}) and changes of the timing in
 * force (INFO).
 *
 * <p>The lines, as {@code CoreLoop} of {@code raft-spring-boot-autoconfigure} writes them on the
 * member's Raft thread:
 * <ul>
 * <li>{@code Raft member 'n1' lost its lease in term 5: no majority acknowledged a heartbeat in
 * time (lease lapse 3)};</li>
 * <li>{@code Raft member 'n1' was not run for a while (pause 2, the longest so far 340 ms): ...},
 * by a leader whose lease ended during the pause followed by {@code ; its lease ended meanwhile: it
 * reports the leadership lost unless the answers queued behind the pause renew it within 25 ms}
 * (its catch-up: see {@link #bridged(Event, List)});</li>
 * <li>{@code Raft member 'n1' runs with a 300-600 ms election timeout and a 100 ms heartbeat from
 * now on (level 1, configured 150-300 ms and 50 ms): <reason>}, by every member when the timing
 * in force changes, and by a member that starts with a timing other than its configured one in
 * its log.</li>
 * </ul>
 * A replica's counts start again with each start of its process; the events here do not: each
 * line is one event, whatever process wrote it.
 */
final class TimingEvents {

	private static final Pattern LEASE_LAPSE = Pattern
		.compile("^(\\S+)\\s.*: Raft member '([^']+)' lost its lease in term (\\d+): .*$");

	private static final Pattern PAUSE = Pattern
		.compile("^(\\S+)\\s.*: Raft member '([^']+)' was not run for a while \\(pause \\d+, the longest so far (\\d+) ms\\)(.*)$");

	private static final String LEASE_ENDED_MARKER = "; its lease ended meanwhile";

	private static final Pattern LEASE_ENDED = Pattern.compile(".*" + LEASE_ENDED_MARKER + ": it reports the leadership "
			+ "lost unless the answers queued behind the pause renew it within (\\d+) ms\\s*$");

	/**
	 * How much later than the catch-up its pause line names a revocation of the leadership may be
	 * logged and still report the lease that ended during the pause: the event thread logs it a few
	 * milliseconds after the change (2-12 ms in the smoke runs), and the Raft thread wakes for the
	 * end of the catch-up no sooner than its scheduler lets it.
	 */
	static final Duration REPORT_SLACK = Duration.ofMillis(50);

	private static final Pattern TIMING = Pattern.compile("^(\\S+)\\s.*: Raft member '([^']+)' runs with a (\\d+)-(\\d+) ms "
			+ "election timeout and a (\\d+) ms heartbeat from now on \\(level (\\d+), configured [^)]*\\): (.*)$");

	/** A timing line of any group: the member, the group unless it is the default one, the level. */
	private static final Pattern ANY_GROUP_TIMING = Pattern.compile("^\\S+\\s.*: Raft member '([^']+)'(?: in group "
			+ "'([^']+)')? runs with a \\d+-\\d+ ms election timeout and a \\d+ ms heartbeat from now on \\(level (\\d+),.*$");

	private TimingEvents() {
	}

	/**
	 * Reads the events of every replica from their logs.
	 * @param logs each replica's id and log file
	 * @return the events, ordered by their instants
	 */
	static List<Event> read(Map<String, Path> logs) {
		List<Event> all = ReplicaLogs.parseAll(logs, TimingEvents::parse);
		all.sort(Comparator.comparing(Event::at));
		return all;
	}

	/**
	 * The members of any group whose timing in force is wider than the configured one, by the
	 * last timing line of each member since its replica's process last started (a process that
	 * starts with the configured timing in its log says nothing of it).
	 * @param logs each replica's id and log file
	 * @return the members, as the log lines name them ({@code n1} or {@code n1' in group 'g4})
	 */
	static Set<String> widened(Map<String, Path> logs) {
		return new TreeSet<>(ReplicaLogs.parseAll(logs, (replica, lines) -> {
			Map<String, Integer> levels = new HashMap<>();
			for (String line : lines) {
				if (line.startsWith(Replica.START_MARKER)) {
					levels.clear();
					continue;
				}
				Matcher timing = ANY_GROUP_TIMING.matcher(line);
				if (timing.matches() && timing.group(1).equals(replica)) {
					levels.put((timing.group(2) != null) ? replica + "' in group '" + timing.group(2) : replica,
							Integer.parseInt(timing.group(3)));
				}
			}
			return levels.entrySet().stream().filter((level) -> level.getValue() > 0).map(Map.Entry::getKey).toList();
		}));
	}

	/**
	 * Reads the events of one replica from its log.
	 * @param replica the replica's id; lines about other members are ignored
	 * @param lines the log
	 * @return the events, in the order of the log
	 */
	static List<Event> parse(String replica, List<String> lines) {
		List<Event> events = new ArrayList<>();
		for (String line : lines) {
			if (!line.contains(": Raft member '")) {
				continue;
			}
			Event event = event(line);
			if (event != null && event.replica().equals(replica)) {
				events.add(event);
			}
		}
		return events;
	}

	private static @Nullable Event event(String line) {
		Matcher lapse = LEASE_LAPSE.matcher(line);
		if (lapse.matches()) {
			Instant at = Leaderships.timestamp(line);
			return (at != null)
					? new Event(Kind.LEASE_LAPSE, lapse.group(2), at, Long.parseLong(lapse.group(3)), -1, null, -1) : null;
		}
		Matcher pause = PAUSE.matcher(line);
		if (pause.matches()) {
			Instant at = Leaderships.timestamp(line);
			long catchUp = catchUpMillis(line, pause.group(4));
			return (at != null) ? new Event(Kind.PAUSE, pause.group(2), at, Long.parseLong(pause.group(3)), -1, null, catchUp)
					: null;
		}
		Matcher timing = TIMING.matcher(line);
		if (timing.matches()) {
			Instant at = Leaderships.timestamp(line);
			return (at != null)
					? new Event(Kind.TIMING, timing.group(2), at, Long.parseLong(timing.group(3)),
							Integer.parseInt(timing.group(6)), new Timing(Long.parseLong(timing.group(3)),
									Long.parseLong(timing.group(4)), Long.parseLong(timing.group(5)), timing.group(7).trim()),
							-1)
					: null;
		}
		return null;
	}

	/**
	 * The catch-up a pause line names after its lease ended, -1 if it does not say the lease ended.
	 * @throws IllegalArgumentException if it says so in words this class does not know, so that a
	 * changed line of {@code CoreLoop} is not silently counted as a pause that ended no lease
	 */
	private static long catchUpMillis(String line, String afterPause) {
		if (!afterPause.contains(LEASE_ENDED_MARKER)) {
			return -1;
		}
		Matcher leaseEnded = LEASE_ENDED.matcher(afterPause);
		if (!leaseEnded.matches()) {
			throw new IllegalArgumentException("A pause line says the lease ended, but not within how many ms it "
					+ "reports the leadership lost (has CoreLoop's line changed?): " + line);
		}
		return Long.parseLong(leaseEnded.group(1));
	}

	/**
	 * The changes of the timing in force, cluster-wide: the timing lines of the leader. A leader
	 * brings a new timing into force by writing it into its log and logs the line at once; every
	 * other member logs the same change when it learns of it, and a restarted member logs the
	 * timing its log holds when it starts, and again for each change it catches up with, so
	 * their lines are no changes. The leader of a line is the replica whose active leadership
	 * was acquired last before it (the leader's role outlasts a lapse of its lease, which is
	 * when a timing is most often widened).
	 * @param events the events of all replicas, in order
	 * @param leaderships the leaderships of all replicas, in the order they began
	 * @return the timing lines that changed the timing in force
	 */
	static List<Event> changes(List<Event> events, List<Leaderships.Leadership> leaderships) {
		List<Event> changes = new ArrayList<>();
		for (Event event : events) {
			if (event.kind() != Kind.TIMING) {
				continue;
			}
			String leader = null;
			for (Leaderships.Leadership leadership : leaderships) {
				if (leadership.acquiredAt().isAfter(event.at())) {
					break;
				}
				leader = leadership.replica();
			}
			if (event.replica().equals(leader)) {
				changes.add(event);
			}
		}
		return changes;
	}

	/**
	 * Whether the queued answers bridged the lease that ended during a pause: its replica logged
	 * no revocation of its leadership ({@code no longer leads term …}) from the pause line until
	 * the catch-up the line names plus {@link #REPORT_SLACK} after it. The leadership then went on
	 * without a {@code LeadershipRevokedEvent} or {@code LeadershipAcquiredEvent}: no flap.
	 * Otherwise the lease was reported lost, whatever the revocation's reason. An end of the
	 * leadership that was not logged but inferred (a kill) is no report.
	 * @param pause a pause line that says the lease ended meanwhile
	 * @param leaderships the leaderships of the replicas, at least of the pause's replica
	 * @return {@code true} if bridged, {@code false} if reported
	 * @throws IllegalArgumentException if the event is no such pause line
	 */
	static boolean bridged(Event pause, List<Leaderships.Leadership> leaderships) {
		if (!pause.leaseEnded()) {
			throw new IllegalArgumentException("Not a pause during which a lease ended: " + pause);
		}
		Instant until = pause.at().plusMillis(pause.catchUpMillis()).plus(REPORT_SLACK);
		return leaderships.stream().noneMatch((leadership) -> {
			Instant revokedAt = leadership.revokedAt();
			return leadership.replica().equals(pause.replica()) && !leadership.endInferred() && revokedAt != null
					&& !revokedAt.isBefore(pause.at()) && !revokedAt.isAfter(until);
		});
	}

	/**
	 * The events of one kind within {@code [from, to)}.
	 * @param events the events
	 * @param kind the kind
	 * @param from the start
	 * @param to the end
	 * @return those events
	 */
	static List<Event> within(List<Event> events, Kind kind, Instant from, Instant to) {
		return events.stream()
			.filter((event) -> event.kind() == kind && !event.at().isBefore(from) && event.at().isBefore(to))
			.toList();
	}

	/** What a line tells. */
	enum Kind {

		/** A leader's lease lapsed: no majority acknowledged a heartbeat in time. */
		LEASE_LAPSE,

		/**
		 * A member noticed it had not been run for longer than expected; a leader may say that its
		 * lease ended meanwhile ({@link Event#leaseEnded()}).
		 */
		PAUSE,

		/** A member runs with a new timing. */
		TIMING

	}

	/**
	 * One line.
	 *
	 * @param kind what it tells
	 * @param replica the member that wrote it
	 * @param at its timestamp (the replica's wall clock, to the millisecond)
	 * @param value the term of a lease lapse; the longest pause so far (ms) of that process; the
	 * minimum election timeout (ms) of a timing
	 * @param level the level of a timing, -1 for the others
	 * @param timing the timing, for a timing line
	 * @param catchUpMillis for a pause line that says the member's lease ended during the pause,
	 * how long (ms) it waits for the queued answers before it reports the leadership lost; -1 for
	 * the other lines
	 */
	record Event(Kind kind, String replica, Instant at, long value, int level, @Nullable Timing timing,
			long catchUpMillis) {

		/** Whether this is a pause line that says the member's lease ended during the pause. */
		boolean leaseEnded() {
			return this.kind == Kind.PAUSE && this.catchUpMillis >= 0;
		}

	}

	/**
	 * A timing, as a line names it.
	 *
	 * @param electionTimeoutMin milliseconds
	 * @param electionTimeoutMax milliseconds
	 * @param heartbeatInterval milliseconds
	 * @param reason why
	 */
	record Timing(long electionTimeoutMin, long electionTimeoutMax, long heartbeatInterval, String reason) {
	}

}
