package io.github.raftboot.runtime;

import java.time.Duration;

import io.github.raftboot.core.Incidents;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.Timing;
import org.jspecify.annotations.Nullable;

/**
 * Tells the operator, at most once a minute, when this member keeps losing its lease or being
 * paused although adaptive timing can widen no further: at {@code raft.timing.ceiling}. The
 * cluster has then done what it can; what is left is the replica's CPU or the ceiling, and
 * nothing else would say so above DEBUG. Silent with adaptive timing off: whoever turned it off
 * chose the timing (as the election warm-up's throwaway members do). Used on the core thread only.
 */
final class TimingAdvice {

	static final Duration INTERVAL = Duration.ofMinutes(1);

	private final RaftConfig config;

	private Incidents counted = Incidents.none();

	private @Nullable Timing timing;

	private long lapses;

	private long pauses;

	private boolean advised;

	private long advisedAt;

	TimingAdvice(RaftConfig config) {
		this.config = config;
	}

	/**
	 * Notes the incidents so far and returns the advice to log, if it is due.
	 * @param timing the timing in force, or {@code null} before the cluster has one
	 * @param incidents this member's incidents so far
	 * @param nowNanos the current time on the monotonic clock
	 * @return the advice, or {@code null}
	 */
	@Nullable String advise(@Nullable Timing timing, Incidents incidents, long nowNanos) {
		Incidents previous = this.counted;
		Timing previousTiming = this.timing;
		this.counted = incidents;
		this.timing = timing;
		// The incidents that brought the timing up to the ceiling come with it: not counted.
		if (timing == null || !atCeiling(timing) || !timing.equals(previousTiming)) {
			this.lapses = 0;
			this.pauses = 0;
			return null;
		}
		this.lapses += Math.max(0, incidents.leaseLapses() - previous.leaseLapses());
		this.pauses += Math.max(0, incidents.pauses() - previous.pauses());
		if ((this.lapses == 0 && this.pauses == 0)
				|| (this.advised && nowNanos - this.advisedAt < INTERVAL.toNanos())) {
			return null;
		}
		String advice = "Raft member '" + this.config.nodeId() + "' runs at its timing ceiling (election timeout "
				+ timing.electionTimeoutMinMillis() + "-" + timing.electionTimeoutMaxMillis() + " ms, heartbeat " + timing.heartbeatIntervalMillis() + " ms) and still "
				+ ((this.lapses > 0) ? "lost its lease " + this.lapses + " time(s)" : "")
				+ ((this.lapses > 0 && this.pauses > 0) ? " and " : "")
				+ ((this.pauses > 0) ? "was not run for a while " + this.pauses + " time(s) (the longest "
						+ incidents.longestPauseNanos() / 1_000_000 + " ms)" : "")
				+ (this.advised ? " in the last minute" : "")
				+ ": this replica does not get CPU in time. Give it more CPU (a higher CPU limit or request, fewer "
				+ "neighbours), or raise raft.timing.ceiling (now " + this.config.timingCeiling().toMillis()
				+ " ms); failover then takes longer.";
		this.advised = true;
		this.advisedAt = nowNanos;
		this.lapses = 0;
		this.pauses = 0;
		return advice;
	}

	private boolean atCeiling(Timing timing) {
		return this.config.adaptiveTiming()
				&& timing.electionTimeoutMaxMillis() >= this.config.timingCeiling().toMillis();
	}

}
