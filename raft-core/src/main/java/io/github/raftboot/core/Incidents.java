package io.github.raftboot.core;

/**
 * What a node has counted since it started of the trouble that adaptive timing reacts to: each
 * count only grows.
 *
 * @param leaseLapses times this node, leading with an active lease, saw the lease run out
 * without handing over: no majority acknowledged a heartbeat round in time
 * @param lateRounds heartbeat rounds of this node that a majority acknowledged only after half
 * the lease had passed
 * @param campaignsWhileLeading requests for (pre-)votes this node received while it led from
 * voters that had answered it lately: members that stopped hearing from it although it was alive
 * (not members that campaign on their return from a restart)
 * @param pauses times this node was not run for longer than expected (a tick or message handled
 * much later than it was due: a garbage collection, CPU throttling, a stopped process)
 * @param longestPauseNanos the longest of those pauses
 * @param timingChanges timing entries this node appended as leader
 */
public record Incidents(long leaseLapses, long lateRounds, long campaignsWhileLeading, long pauses,
		long longestPauseNanos, long timingChanges) {

	private static final Incidents NONE = new Incidents(0, 0, 0, 0, 0, 0);

	/** No incidents. */
	public static Incidents none() {
		return NONE;
	}

}
