package io.github.raftboot.runtime;

import java.time.Duration;

/** Lets tests of other packages record in {@link RaftStatistics} what only the driver records. */
public final class StatisticsAccess {

	private StatisticsAccess() {
	}

	/**
	 * Records a pause, as the pause monitor of a running member does.
	 * @param statistics where
	 * @param pause its length
	 */
	public static void recordPause(RaftStatistics statistics, Duration pause) {
		statistics.paused(pause.toNanos());
	}

}
