package io.github.raftboot.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The active leaderships of a cluster's replicas, read from their logs, and what they tell: the
 * time during which no replica was the active leader, and flaps.
 *
 * <p>Each leadership runs from the line the sample app's {@code LeadershipLogger} writes for a
 * {@code LeadershipAcquiredEvent} ({@code This replica (n2) now leads, fencing token 45}) to the
 * one it writes for the {@code LeadershipRevokedEvent} of the same replica
 * ({@code This replica (n2) no longer leads term 45: LEASE_LOST}), with the timestamps of those
 * lines: the replica's own wall clock, to the millisecond, taken on its event thread shortly
 * after the change (a few milliseconds after {@code leaderSince}). A leadership whose
 * replica was killed ends at the kill, which the benchmark notes in the same log
 * ({@code === raft-bench: SIGKILL to n2 at <instant>}). These are the default group's: the lines
 * of the other election groups name their group ({@code now leads group 'billing', fencing token 45})
 * and are left to {@link GroupLeaderships}.
 */
final class Leaderships {

	private static final Pattern ACQUIRED = Pattern
		.compile("^(\\S+)\\s.*: This replica \\((.+)\\) now leads, fencing token (\\d+)\\s*$");

	private static final Pattern REVOKED = Pattern
		.compile("^(\\S+)\\s.*: This replica \\((.+)\\) no longer leads term (\\d+): (\\S+)\\s*$");

	private Leaderships() {
	}

	/**
	 * Reads the leaderships of every replica from their logs.
	 * @param logs each replica's id and log file
	 * @return the leaderships, ordered by the instant they began
	 */
	static List<Leadership> read(Map<String, Path> logs) {
		List<Leadership> all = ReplicaLogs.parseAll(logs, Leaderships::parse);
		all.sort(Comparator.comparing(Leadership::acquiredAt));
		return all;
	}

	/**
	 * Reads the leaderships of one replica from its log.
	 * @param replica the replica's id; lines about others are ignored
	 * @param lines the log, possibly of several starts of the replica
	 * @return the leaderships in the order of the log; the last one has no end if the replica
	 * still led when the log ended
	 */
	static List<Leadership> parse(String replica, List<String> lines) {
		List<Leadership> leaderships = new ArrayList<>();
		Instant acquiredAt = null;
		long term = 0;
		Instant lastSeen = null;
		String signal = null;
		Instant signalledAt = null;
		for (String line : lines) {
			Matcher start = Replica.START_LINE.matcher(line);
			if (start.matches()) {
				if (start.group(1).equals(replica)) {
					if (acquiredAt != null) {
						// The previous process ended while it led.
						Instant end = (signalledAt != null) ? signalledAt : Objects.requireNonNullElse(lastSeen, acquiredAt);
						leaderships.add(new Leadership(replica, term, acquiredAt, end, (signal != null) ? signal : "PROCESS_ENDED",
								true));
						acquiredAt = null;
					}
					signal = null;
					signalledAt = null;
					lastSeen = Instant.parse(start.group(2));
				}
				continue;
			}
			Matcher signalled = Replica.SIGNAL_LINE.matcher(line);
			if (signalled.matches()) {
				if (signalled.group(2).equals(replica)) {
					Instant at = Instant.parse(signalled.group(3));
					if ("SIGKILL".equals(signalled.group(1)) && acquiredAt != null) {
						leaderships.add(new Leadership(replica, term, acquiredAt, at, "SIGKILL", true));
						acquiredAt = null;
					}
					if (signalledAt == null || "SIGKILL".equals(signalled.group(1))) {
						signal = signalled.group(1);
						signalledAt = at;
					}
				}
				continue;
			}
			Instant at = timestamp(line);
			if (at == null) {
				continue;
			}
			lastSeen = at;
			Matcher acquired = ACQUIRED.matcher(line);
			if (acquired.matches() && acquired.group(2).equals(replica)) {
				if (acquiredAt != null) {
					leaderships.add(new Leadership(replica, term, acquiredAt, at, "ACQUIRED_AGAIN", true));
				}
				acquiredAt = at;
				term = Long.parseLong(acquired.group(3));
				continue;
			}
			Matcher revoked = REVOKED.matcher(line);
			if (revoked.matches() && revoked.group(2).equals(replica) && acquiredAt != null) {
				leaderships.add(new Leadership(replica, term, acquiredAt, at, revoked.group(4), false));
				acquiredAt = null;
			}
		}
		if (acquiredAt != null) {
			leaderships.add((signalledAt != null) ? new Leadership(replica, term, acquiredAt, signalledAt, signal, true)
					: new Leadership(replica, term, acquiredAt, null, null, false));
		}
		return leaderships;
	}

	/** The timestamp a log line starts with ({@code 2026-11-30T06:59:46.541Z} or with an offset), if any. */
	static @Nullable Instant timestamp(String line) {
		int end = line.indexOf(' ');
		if (end < 20 || !Character.isDigit(line.charAt(0))) {
			return null;
		}
		try {
			return OffsetDateTime.parse(line.substring(0, end)).toInstant();
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	/**
	 * The stretches of time within {@code [from, to]} during which no replica was the active
	 * leader.
	 * @param leaderships the leaderships of all replicas
	 * @param from the start of the period
	 * @param to its end
	 * @return the gaps, in order
	 */
	static Gaps gaps(List<Leadership> leaderships, Instant from, Instant to) {
		List<Leadership> sorted = leaderships.stream().sorted(Comparator.comparing(Leadership::acquiredAt)).toList();
		List<Gap> gaps = new ArrayList<>();
		Instant covered = from;
		for (Leadership leadership : sorted) {
			Instant end = leadership.endOr(to);
			if (!end.isAfter(from) || !leadership.acquiredAt().isBefore(to)) {
				continue;
			}
			if (leadership.acquiredAt().isAfter(covered)) {
				gaps.add(new Gap(covered, leadership.acquiredAt()));
			}
			if (end.isAfter(covered)) {
				covered = end;
			}
		}
		if (covered.isBefore(to)) {
			gaps.add(new Gap(covered, to));
		}
		return new Gaps(gaps);
	}

	/**
	 * Flaps: a replica's leadership that ended (its revocation logged) and began again within
	 * {@code window}, while no other replica was the active leader.
	 * @param leaderships the leaderships of all replicas
	 * @param window the longest lapse that counts, one election timeout
	 * @return the flaps, ordered by the instant the leadership began again
	 */
	static List<Flap> flaps(List<Leadership> leaderships, Duration window) {
		Map<String, List<Leadership>> byReplica = new TreeMap<>();
		leaderships.forEach((leadership) -> byReplica.computeIfAbsent(leadership.replica(), (id) -> new ArrayList<>())
			.add(leadership));
		List<Flap> flaps = new ArrayList<>();
		for (List<Leadership> own : byReplica.values()) {
			own.sort(Comparator.comparing(Leadership::acquiredAt));
			for (int i = 1; i < own.size(); i++) {
				Leadership before = own.get(i - 1);
				Leadership after = own.get(i);
				Instant lapsed = before.revokedAt();
				if (lapsed == null || before.endInferred() || after.acquiredAt().isBefore(lapsed)
						|| Duration.between(lapsed, after.acquiredAt()).compareTo(window) > 0) {
					continue;
				}
				boolean otherLeader = leaderships.stream()
					.anyMatch((other) -> !other.replica().equals(before.replica())
							&& other.acquiredAt().isBefore(after.acquiredAt()) && other.endOr(Instant.MAX).isAfter(lapsed));
				if (!otherLeader) {
					flaps.add(new Flap(before, after));
				}
			}
		}
		flaps.sort(Comparator.comparing((flap) -> flap.after().acquiredAt()));
		return flaps;
	}

	/**
	 * Leaderships as a user of the replica sees them: runs of one replica's active leaderships
	 * joined by flaps.
	 * @param leaderships the leaderships of all replicas
	 * @param window the longest lapse that counts as a flap
	 * @return the spans, ordered by the instant they began
	 */
	static List<Span> spans(List<Leadership> leaderships, Duration window) {
		List<Flap> flaps = flaps(leaderships, window);
		List<Leadership> sorted = leaderships.stream().sorted(Comparator.comparing(Leadership::acquiredAt)).toList();
		Map<Leadership, List<Leadership>> spanOf = new IdentityHashMap<>();
		List<List<Leadership>> spans = new ArrayList<>();
		for (Leadership leadership : sorted) {
			Flap joined = flaps.stream().filter((flap) -> flap.after() == leadership).findFirst().orElse(null);
			List<Leadership> span = (joined != null) ? spanOf.get(joined.before()) : null;
			if (span == null) {
				span = new ArrayList<>();
				spans.add(span);
			}
			span.add(leadership);
			spanOf.put(leadership, span);
		}
		return spans.stream().map(Span::new).toList();
	}

	/**
	 * One active leadership of one replica.
	 *
	 * @param replica the replica
	 * @param term the term it led
	 * @param acquiredAt when it became the active leader
	 * @param revokedAt when it stopped being it, or {@code null} if it still was when its log was read
	 * @param reason the revocation's reason ({@code LEASE_LOST}, {@code TRANSFER}, ...), or for an
	 * end that was not logged how the end was found: {@code SIGKILL}, {@code SIGTERM} (the signal's
	 * instant), {@code PROCESS_ENDED} (the last line of the process), {@code ACQUIRED_AGAIN}
	 * @param endInferred whether the end was not logged but inferred
	 */
	record Leadership(String replica, long term, Instant acquiredAt, @Nullable Instant revokedAt, @Nullable String reason,
			boolean endInferred) {

		Instant endOr(Instant ifNone) {
			return (this.revokedAt != null) ? this.revokedAt : ifNone;
		}

	}

	/**
	 * A replica's leadership with the flaps in it.
	 *
	 * @param leaderships its active leaderships, the first and those that came back after a flap
	 */
	record Span(List<Leadership> leaderships) {

		Span {
			leaderships = List.copyOf(leaderships);
			if (leaderships.isEmpty()) {
				throw new IllegalArgumentException("A span has at least one leadership");
			}
		}

		String replica() {
			return this.leaderships.get(0).replica();
		}

		Instant from() {
			return this.leaderships.get(0).acquiredAt();
		}

		/** When it ended, or {@code null} if it had not when the logs were read. */
		@Nullable Instant to() {
			return this.leaderships.get(this.leaderships.size() - 1).revokedAt();
		}

		/** How often it lapsed and came back. */
		int flaps() {
			return this.leaderships.size() - 1;
		}

		/** Whether it was going on at some instant in {@code [from, to)}. */
		boolean overlaps(Instant from, Instant to) {
			Instant end = to();
			return from().isBefore(to) && (end == null || end.isAfter(from) || end.equals(from()) && !from().isBefore(from));
		}

	}

	/**
	 * A stretch of time without an active leader.
	 *
	 * @param from when the last leadership ended (or the period began)
	 * @param to when the next one began (or the period ended)
	 */
	record Gap(Instant from, Instant to) {

		double millis() {
			return Duration.between(this.from, this.to).toNanos() / 1e6;
		}

	}

	/**
	 * The gaps of a period.
	 *
	 * @param gaps the gaps, in order
	 */
	record Gaps(List<Gap> gaps) {

		Gaps {
			gaps = List.copyOf(gaps);
		}

		/** Their total length, ms. */
		double totalMillis() {
			return this.gaps.stream().mapToDouble(Gap::millis).sum();
		}

		/** The longest, ms; 0 without any. */
		double worstMillis() {
			return this.gaps.stream().mapToDouble(Gap::millis).max().orElse(0);
		}

		int count() {
			return this.gaps.size();
		}

	}

	/**
	 * A leadership that lapsed and came back on the same replica, nobody else leading meanwhile.
	 *
	 * @param before the leadership that lapsed
	 * @param after the one that followed it
	 */
	record Flap(Leadership before, Leadership after) {

		String replica() {
			return this.before.replica();
		}

		/** How long the replica was not the active leader, ms. */
		double lapseMillis() {
			return Duration.between(Objects.requireNonNull(this.before.revokedAt()), this.after.acquiredAt()).toNanos() / 1e6;
		}

	}

}
