package io.github.raftboot.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.random.RandomGenerator;

import org.jspecify.annotations.Nullable;

/**
 * When a leader widens or narrows the cluster's {@link Timing}: the adaptive part of it, on the
 * leader's own observations, with no clock of its own (every call brings the time).
 *
 * <p>It widens by one level once {@value #WIDEN_AFTER} incidents (a lease that lapsed, a round a
 * majority acknowledged only after half the lease, a member that campaigned while this leader
 * led, a pause of this leader) fall within {@link #WINDOW}; the incidents are then forgotten, so
 * a further level needs as many new ones. It narrows by one level once the timing has gone
 * without an incident for the quiet period and every majority acknowledged its rounds within the
 * heartbeat interval of the narrower timing. A widening soon after a narrowing (within the quiet
 * period) doubles the quiet period before the next narrowing, up to {@value #MAX_QUIET_DOUBLINGS}
 * doublings, so that a timing that is only just too tight does not swing back and forth.
 *
 * <p>Incidents in the first {@link #SETTLE} of a leadership, or of a timing, do not count
 * towards widening (they still keep the timing from narrowing): a new leader, and the replicas
 * that have just started with it, run cold code and compete for the CPU with each other's starts,
 * which says nothing about the environment the cluster will run in; and the trouble that just
 * widened the timing goes on while the new timing reaches the members, which says nothing about
 * the new timing. Widened on such transients, every cluster would fail over at twice its
 * configured timing for the first quiet period after each start or failover, and one episode
 * would widen by two levels within milliseconds (seen in the busy bench).
 *
 * <p>With one exception: a lease that lapses while a leadership settles, at the configured
 * timing (level 0), widens to level 1 as soon as a majority acknowledges a round again (a leader
 * cut off from the majority changes nothing: it steps down). A lapse is the very trouble the timing exists to
 * prevent, and one at the configured timing, right after an election, says the machines are
 * busier than that timing allows: on the busy bench the cluster that started with a lapse stayed
 * at level 0, since the lapse did not count, until the first follower restart minutes later,
 * where its lease lapsed again (each lapse a flap of the application's leader-only work). On a
 * quiet machine a new leadership's lease does not lapse (the quiet bench: none in its starts,
 * failovers and hand-overs of one group), so its failovers keep the configured timing. Such a
 * widening is tentative, though: the cold start of many groups lapses leases on a quiet machine
 * too, and that storm passes within seconds. Until an incident counts after it (past the
 * settling of the new timing), it narrows after {@link #TENTATIVE_QUIET} without an incident
 * and without a majority acknowledgement as slow as the narrower heartbeat interval, instead of
 * the quiet period (whose narrowing asks that no acknowledgement since the change was that slow:
 * the tail of a start storm would keep it wide); on a busy machine some round is that slow every
 * few seconds. Only where such a storm can be: on a replica that runs several election groups
 * ({@link #startStormsPass(boolean)}). A replica of one group widens on such a lapse for the quiet
 * period, as on any other widening: a single group seldom lapses at its start on a quiet
 * machine (in none of the quiet bench runs on a calm host), so its lapse says the machine is
 * busy, and a busy machine can be calm for the tentative period and then stall two members for
 * 100 ms (the busy bench: narrowed after 39 s, an election 2.5 minutes later at the configured
 * timing).
 */
final class TimingPolicy {

	/** How many incidents within {@link #WINDOW} widen the timing. */
	static final int WIDEN_AFTER = 2;

	/** The window in which incidents count towards widening. */
	static final Duration WINDOW = Duration.ofSeconds(30);

	static final int MAX_QUIET_DOUBLINGS = 3;

	/** How long after a leadership began, or a timing came into force, incidents do not count towards widening. */
	static final Duration SETTLE = Duration.ofSeconds(5);

	/**
	 * The shortest quiet period of a widening on a lapse while a leadership settled, until an
	 * incident confirms it: a start storm on a quiet machine passes within seconds. Each such
	 * widening draws its own, up to half as long again: the groups of a cluster widen in the same
	 * storm, and narrowing all of them within one second (a timing entry each, persisted by every
	 * member on the one thread all groups share) stalled the members long enough to lapse six
	 * leases of a quiet 50-group cluster.
	 */
	static final Duration TENTATIVE_QUIET = Duration.ofSeconds(30);

	/**
	 * How the reason of a tentative widening ends: the log keeps it, so that a leader that takes
	 * over such a timing (the groups' balancing moves a third of them within seconds of a start)
	 * narrows it as early as the one that widened it would have.
	 */
	static final String SETTLING_LAPSE_REASON = " in the first " + SETTLE.toSeconds()
			+ " s of a leadership at the configured timing";

	/** Draws 0 whatever the bound: no spread of the tentative quiet periods. */
	private static final RandomGenerator NO_SPREAD = () -> 0L;

	/** The kinds of incident. */
	enum Kind {

		LEASE_LAPSE("lease lapse", "lease lapses"), LATE_ROUND("late round", "late rounds"),
		CAMPAIGN_WHILE_LEADING("campaign while it led", "campaigns while it led"), PAUSE("pause", "pauses");

		private final String one;

		private final String many;

		Kind(String one, String many) {
			this.one = one;
			this.many = many;
		}

	}

	private final long windowNanos = WINDOW.toNanos();

	private final long quietNanos;

	private final long settleNanos;

	private final RandomGenerator random;

	private final ArrayDeque<Incident> recent = new ArrayDeque<>();

	private boolean started;

	/** When the timing last changed, or leadership began. */
	private long changedAt;

	private long lastIncidentAt;

	private boolean anyIncident;

	/** The slowest majority acknowledgement of a round since the timing last changed. */
	private long slowestRoundTrip;

	private int quietDoublings;

	/** Whether the leadership is in its first {@link #SETTLE} with the timing it began with. */
	private boolean leadershipSettling;

	/** Leases that lapsed while the leadership settled: see the class description. */
	private int settlingLapses;

	/** Whether a majority acknowledged a round after the first of {@link #settlingLapses}. */
	private boolean settlingLapseRenewed;

	/**
	 * Whether the timing in force was widened on a lapse while a leadership settled and no
	 * incident counted since: it narrows after {@link #TENTATIVE_QUIET} rather than the quiet period.
	 */
	private boolean tentative;

	/** Whether a widening on a lapse while a leadership settled is tentative: see {@link #startStormsPass(boolean)}. */
	private boolean startStorms = true;

	/** The quiet period of the tentative widening in force: see {@link #TENTATIVE_QUIET}. */
	private long tentativeQuietNanos = TENTATIVE_QUIET.toNanos();

	/** The heartbeat interval of the level below the one in force, as {@link #decide} last heard. */
	private long narrowerHeartbeatNanos = Long.MAX_VALUE;

	/** Whether a majority acknowledged a round no faster than {@link #narrowerHeartbeatNanos} since the timing changed. */
	private boolean slowSeen;

	private long lastSlowAt;

	private long narrowedAt;

	private boolean narrowedOnce;

	/**
	 * A policy with no spread of the tentative quiet periods: each is {@link #TENTATIVE_QUIET}.
	 * @param quietPeriod the quiet period before a narrowing
	 */
	TimingPolicy(Duration quietPeriod) {
		this(quietPeriod, SETTLE, NO_SPREAD);
	}

	TimingPolicy(Duration quietPeriod, Duration settle) {
		this(quietPeriod, settle, NO_SPREAD);
	}

	/**
	 * A policy.
	 * @param quietPeriod the quiet period before a narrowing
	 * @param random draws each tentative quiet period, from {@link #TENTATIVE_QUIET} to half as long again
	 */
	TimingPolicy(Duration quietPeriod, RandomGenerator random) {
		this(quietPeriod, SETTLE, random);
	}

	TimingPolicy(Duration quietPeriod, Duration settle, RandomGenerator random) {
		this.quietNanos = quietPeriod.toNanos();
		this.settleNanos = settle.toNanos();
		this.random = random;
	}

	/**
	 * Sets whether a lapse while a leadership settled may be a start storm that passes within
	 * seconds, as on a replica of several election groups (the default): then the widening on it
	 * is tentative. Otherwise it widens for the quiet period, and a tentative widening that a
	 * leader takes over is not narrowed early either.
	 * @param startStorms whether widenings on lapses while a leadership settled are tentative
	 */
	void startStormsPass(boolean startStorms) {
		this.startStorms = startStorms;
		if (!startStorms) {
			this.tentative = false;
		}
	}

	/**
	 * Starts over, as when this node becomes leader.
	 * @param now the current time
	 * @param inForce the timing in force: if it is a tentative widening by an earlier leader (see
	 * {@link #isTentative(Timing)}), it stays tentative under this one
	 */
	void start(long now, Timing inForce) {
		this.started = true;
		this.tentative = this.startStorms && isTentative(inForce);
		if (this.tentative) {
			this.tentativeQuietNanos = drawTentativeQuiet();
		}
		this.slowSeen = false;
		this.recent.clear();
		this.leadershipSettling = true;
		this.settlingLapses = 0;
		this.settlingLapseRenewed = false;
		this.changedAt = now;
		this.anyIncident = false;
		this.slowestRoundTrip = 0;
	}

	void incident(Kind kind, long now) {
		if (!this.started) {
			return;
		}
		// changedAt is also when leadership began: see start
		if (now - this.changedAt >= this.settleNanos) {
			this.recent.addLast(new Incident(kind, now));
			this.tentative = false;
		}
		else if (kind == Kind.LEASE_LAPSE && this.leadershipSettling) {
			this.settlingLapses++;
		}
		this.lastIncidentAt = now;
		this.anyIncident = true;
	}

	/**
	 * Whether a lease lapsed while the leadership settled since the timing last changed: the
	 * lapse that {@link #decide} widens on as soon as a majority acknowledges a round again.
	 */
	boolean lapsedWhileSettling() {
		return this.settlingLapses > 0;
	}

	/** A round was acknowledged by a majority {@code nanos} after it was sent, at {@code now}. */
	void majorityRoundTrip(long nanos, long now) {
		this.slowestRoundTrip = Math.max(this.slowestRoundTrip, nanos);
		if (nanos >= this.narrowerHeartbeatNanos) {
			this.slowSeen = true;
			this.lastSlowAt = now;
		}
		if (this.settlingLapses > 0) {
			this.settlingLapseRenewed = true;
		}
	}

	/**
	 * The level to move to now, if any.
	 * @param level the level in force
	 * @param maxLevel the highest level the ceiling allows
	 * @param narrowerHeartbeatNanos the heartbeat interval of the level below
	 * @param now the current time
	 * @return the change, or {@code null} to stay
	 */
	@Nullable Decision decide(int level, int maxLevel, long narrowerHeartbeatNanos, long now) {
		this.narrowerHeartbeatNanos = narrowerHeartbeatNanos;
		while (!this.recent.isEmpty() && now - this.recent.peekFirst().at() > this.windowNanos) {
			this.recent.removeFirst();
		}
		if (this.recent.size() >= WIDEN_AFTER && level < maxLevel) {
			return new Decision(level + 1, "widened after " + describeRecent() + " within "
					+ WINDOW.toSeconds() + " s");
		}
		if (this.settlingLapseRenewed && level == 0 && maxLevel > 0) {
			return new Decision(1, "widened after " + this.settlingLapses + " "
					+ ((this.settlingLapses > 1) ? Kind.LEASE_LAPSE.many : Kind.LEASE_LAPSE.one) + SETTLING_LAPSE_REASON,
					true);
		}
		long quiet = this.quietNanos << this.quietDoublings;
		long tentativeQuiet = Math.min(quiet, this.tentativeQuietNanos);
		if (this.tentative && level > 0 && now - this.changedAt >= tentativeQuiet
				&& (!this.anyIncident || now - this.lastIncidentAt >= tentativeQuiet)
				&& (!this.slowSeen || now - this.lastSlowAt >= tentativeQuiet)) {
			// The storm that widened it passed: its last slow round trip, like its last incident,
			// is as long ago as the tentative quiet period
			return new Decision(level - 1, "narrowed after " + Duration.ofNanos(tentativeQuiet).toSeconds()
					+ " s without trouble since a widening on a lapse while a leadership settled");
		}
		if (level > 0 && now - this.changedAt >= quiet && (!this.anyIncident || now - this.lastIncidentAt >= quiet)
				&& this.slowestRoundTrip < narrowerHeartbeatNanos) {
			return new Decision(level - 1, "narrowed after " + Duration.ofNanos(quiet).toSeconds()
					+ " s without trouble (slowest majority round trip " + (this.slowestRoundTrip / 1_000_000) + " ms)");
		}
		return null;
	}

	/** The timing changed as {@code decision} said (or for another reason, then {@code null}). */
	void changed(@Nullable Decision decision, int fromLevel, long now) {
		if (decision != null && decision.level() > fromLevel) {
			if (this.narrowedOnce && now - this.narrowedAt < (this.quietNanos << this.quietDoublings)) {
				this.quietDoublings = Math.min(MAX_QUIET_DOUBLINGS, this.quietDoublings + 1);
			}
		}
		else if (decision != null && decision.level() < fromLevel) {
			this.narrowedAt = now;
			this.narrowedOnce = true;
		}
		this.recent.clear();
		this.leadershipSettling = false;
		this.settlingLapses = 0;
		this.settlingLapseRenewed = false;
		this.tentative = this.startStorms && decision != null && decision.tentative();
		if (this.tentative) {
			this.tentativeQuietNanos = drawTentativeQuiet();
		}
		this.slowSeen = false;
		this.changedAt = now;
		this.anyIncident = false;
		this.slowestRoundTrip = 0;
	}

	private long drawTentativeQuiet() {
		long least = TENTATIVE_QUIET.toNanos();
		return least + this.random.nextLong(least / 2 + 1);
	}

	/** Whether {@code timing} is a tentative widening: see {@link #SETTLING_LAPSE_REASON}. */
	static boolean isTentative(Timing timing) {
		return timing.level() == 1 && timing.reason().endsWith(SETTLING_LAPSE_REASON);
	}

	private String describeRecent() {
		Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
		for (Incident incident : this.recent) {
			counts.merge(incident.kind(), 1, Integer::sum);
		}
		StringJoiner text = new StringJoiner(", ");
		counts.forEach((kind, count) -> text.add(count + " " + ((count > 1) ? kind.many : kind.one)));
		return text.toString();
	}

	/**
	 * A change of level.
	 *
	 * @param level the level to move to
	 * @param reason why, for operators
	 * @param tentative whether it is a widening on a lapse while a leadership settled, which
	 * narrows again after {@link #TENTATIVE_QUIET} unless an incident confirms it
	 */
	record Decision(int level, String reason, boolean tentative) {

		Decision(int level, String reason) {
			this(level, reason, false);
		}

	}

	private record Incident(Kind kind, long at) {
	}

}
