package io.github.raftboot.leader;

import java.time.Duration;

/**
 * The election timing a replica runs with, and the trouble it has seen that adaptive timing
 * reacts to.
 *
 * @param electionTimeoutMin the minimum election timeout in force: also how long a member stays
 * loyal to a leader, the basis of the lease
 * @param electionTimeoutMax the maximum election timeout in force
 * @param heartbeatInterval the heartbeat interval in force
 * @param level how many times the configured timing was doubled to get this one (0: the
 * configured timing)
 * @param reason why the timing is what it is, such as
 * {@code widened after 2 lease lapses within 30 s}
 * @param index the log entry that brought this timing in; 0 for the replica's configured timing,
 * which it runs with until a leader writes one into the log
 * @param committed whether that entry is known to be committed
 * @param configuredElectionTimeoutMin this replica's {@code raft.election-timeout-min}
 * @param configuredElectionTimeoutMax this replica's {@code raft.election-timeout-max}
 * @param configuredHeartbeatInterval this replica's {@code raft.heartbeat-interval}
 * @param incidents what this replica counted since it started
 */
public record RaftTiming(Duration electionTimeoutMin, Duration electionTimeoutMax, Duration heartbeatInterval, int level,
		String reason, long index, boolean committed, Duration configuredElectionTimeoutMin,
		Duration configuredElectionTimeoutMax, Duration configuredHeartbeatInterval, Incidents incidents) {

	/** Whether the timing in force is wider than this replica's configured one. */
	public boolean widened() {
		return this.level > 0;
	}

	/**
	 * What a replica counted since it started: each count only grows.
	 *
	 * @param leaseLapses times it led with an active lease and saw the lease run out without
	 * handing over (a flap of its leadership: no majority acknowledged a heartbeat in time)
	 * @param lateRounds heartbeat rounds that a majority acknowledged only after half the lease
	 * @param campaignsWhileLeading requests for votes it received from voters while it led
	 * @param pauses times it was not run for longer than expected (its core thread: a garbage
	 * collection, CPU throttling, a stopped process)
	 * @param longestPause the longest of those
	 * @param timingChanges timing entries it wrote into the log as leader
	 */
	public record Incidents(long leaseLapses, long lateRounds, long campaignsWhileLeading, long pauses,
			Duration longestPause, long timingChanges) {
	}

}
