package io.github.raftboot.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The election timing a cluster runs with: the randomized election timeout, which is also how
 * long a member stays loyal to a leader it heard from (the basis of the lease), and the heartbeat
 * interval. It is cluster state, like the members: a {@link EntryType#TIMING} entry brings it in,
 * and every member uses the latest one in its log, committed or not; until a log has one, a
 * member uses its own {@link RaftConfig#baselineTiming() configured timing}.
 *
 * <p>A leader widens the timing when the configured one proves too tight for the machines and the
 * network (leases that lapse, rounds acknowledged late, members that campaign while it leads,
 * pauses), one {@link #level() level} at a time, each doubling the configured values up to a
 * ceiling; it narrows it again, one level at a time, after a quiet period. Whatever the timing
 * in the log says, a follower stays loyal for at least as long as the leader's AppendEntries
 * asks ({@link AppendEntries#stickinessMillis()}), so a change never shortens a lease that a
 * leader relies on.
 *
 * @param electionTimeoutMinMillis lower bound of the randomized election timeout, in milliseconds
 * @param electionTimeoutMaxMillis upper bound (exclusive) of the randomized election timeout
 * @param heartbeatIntervalMillis how often the leader sends AppendEntries to every member
 * @param level how many times the configured timing was doubled to get this one (0: the
 * configured timing; capped by the ceiling)
 * @param reason why the timing is what it is, for operators; at most {@value #MAX_REASON_LENGTH}
 * characters
 */
public record Timing(long electionTimeoutMinMillis, long electionTimeoutMaxMillis, long heartbeatIntervalMillis,
		int level, String reason) {

	/** The most characters of a {@link #reason()}. */
	public static final int MAX_REASON_LENGTH = 200;

	/** The highest {@link #level()}: 2<sup>16</sup> times the configured timing is more than any ceiling needs. */
	public static final int MAX_LEVEL = 16;

	/** The longest election timeout a timing may have, one hour: far above any sensible ceiling. */
	public static final long MAX_MILLIS = Duration.ofHours(1).toMillis();

	public Timing {
		if (electionTimeoutMinMillis < 1 || electionTimeoutMaxMillis <= electionTimeoutMinMillis
				|| electionTimeoutMaxMillis > MAX_MILLIS) {
			throw new IllegalArgumentException("Election timeout must be from 1 ms to " + MAX_MILLIS
					+ " ms with the minimum below the maximum, was " + electionTimeoutMinMillis + "-"
					+ electionTimeoutMaxMillis + " ms");
		}
		if (heartbeatIntervalMillis < 1 || heartbeatIntervalMillis >= electionTimeoutMinMillis) {
			throw new IllegalArgumentException("Heartbeat interval must be from 1 ms to below the minimum election timeout "
					+ electionTimeoutMinMillis + " ms, was " + heartbeatIntervalMillis + " ms");
		}
		if (level < 0 || level > MAX_LEVEL) {
			throw new IllegalArgumentException("Timing level must be from 0 to " + MAX_LEVEL + ", was " + level);
		}
		Objects.requireNonNull(reason, "reason");
		if (reason.length() > MAX_REASON_LENGTH) {
			throw new IllegalArgumentException("Timing reason must be at most " + MAX_REASON_LENGTH + " characters, was "
					+ reason.length());
		}
	}

	/**
	 * The configured timing, level 0.
	 * @param electionTimeoutMin lower bound of the election timeout
	 * @param electionTimeoutMax upper bound of the election timeout
	 * @param heartbeatInterval the heartbeat interval
	 * @param reason why, shortened to {@link #MAX_REASON_LENGTH} characters
	 * @return the timing, in whole milliseconds (each rounded up to at least 1 ms)
	 */
	public static Timing of(Duration electionTimeoutMin, Duration electionTimeoutMax, Duration heartbeatInterval,
			String reason) {
		return new Timing(millisUp(electionTimeoutMin), millisUp(electionTimeoutMax), millisUp(heartbeatInterval), 0,
				shorten(reason));
	}

	private static long millisUp(Duration duration) {
		long millis = duration.toMillis();
		return (Duration.ofMillis(millis).compareTo(duration) < 0) ? millis + 1 : Math.max(1, millis);
	}

	/**
	 * This timing, taken as the configured one, at {@code level}: each value doubled
	 * {@code level} times, but never beyond an election timeout of {@code ceilingMillis} (then
	 * every value is scaled by the same factor, so that the election timeout ends at the
	 * ceiling). The result keeps this timing's proportions.
	 * @param level the level, from 0 to {@link #MAX_LEVEL}
	 * @param ceilingMillis the largest {@link #electionTimeoutMaxMillis()} allowed; below this
	 * timing's own, this timing's is the ceiling
	 * @param reason why, shortened to {@link #MAX_REASON_LENGTH} characters
	 * @return the scaled timing
	 */
	public Timing scaled(int level, long ceilingMillis, String reason) {
		if (level < 0 || level > MAX_LEVEL) {
			throw new IllegalArgumentException("Timing level must be from 0 to " + MAX_LEVEL + ", was " + level);
		}
		long ceiling = Math.min(Math.max(ceilingMillis, this.electionTimeoutMaxMillis), MAX_MILLIS);
		double factor = Math.min(Math.pow(2, level), (double) ceiling / this.electionTimeoutMaxMillis);
		long max = Math.min(ceiling, Math.round(this.electionTimeoutMaxMillis * factor));
		long min = Math.min(max - 1, Math.round(this.electionTimeoutMinMillis * factor));
		long heartbeat = Math.min(min - 1, Math.max(1, Math.round(this.heartbeatIntervalMillis * factor)));
		return new Timing(min, max, heartbeat, level, shorten(reason));
	}

	/** The highest level below which a further doubling still widens this timing under {@code ceilingMillis}. */
	public int maxLevel(long ceilingMillis) {
		int level = 0;
		while (level < MAX_LEVEL && this.electionTimeoutMaxMillis * (1L << level) < ceilingMillis) {
			level++;
		}
		return level;
	}

	/** Whether this timing has the same values as {@code other}, whatever the reasons. */
	public boolean sameValues(Timing other) {
		return this.electionTimeoutMinMillis == other.electionTimeoutMinMillis
				&& this.electionTimeoutMaxMillis == other.electionTimeoutMaxMillis
				&& this.heartbeatIntervalMillis == other.heartbeatIntervalMillis && this.level == other.level;
	}

	public Duration electionTimeoutMin() {
		return Duration.ofMillis(this.electionTimeoutMinMillis);
	}

	public Duration electionTimeoutMax() {
		return Duration.ofMillis(this.electionTimeoutMaxMillis);
	}

	public Duration heartbeatInterval() {
		return Duration.ofMillis(this.heartbeatIntervalMillis);
	}

	static String shorten(String reason) {
		return (reason.length() <= MAX_REASON_LENGTH) ? reason : reason.substring(0, MAX_REASON_LENGTH - 3) + "...";
	}

	@Override
	public String toString() {
		return this.electionTimeoutMinMillis + "-" + this.electionTimeoutMaxMillis + " ms election timeout, "
				+ this.heartbeatIntervalMillis + " ms heartbeat (level " + this.level + ": " + this.reason + ")";
	}

}
