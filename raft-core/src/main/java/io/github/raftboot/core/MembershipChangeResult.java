package io.github.raftboot.core;

/** The outcome of asking a leader to change the members of the cluster. */
public enum MembershipChangeResult {

	/** The change started: its first configuration is in the leader's log. */
	STARTED,
	/** This node is not the leader. */
	NOT_LEADER,
	/**
	 * The leader has not committed an entry of its own term yet, so it may not know every
	 * configuration of the log (Ongaro, raft-dev 2015): try again in a moment.
	 */
	NOT_READY,
	/** Another change is under way: its configuration is not committed, or is joint, or learners are still catching up. */
	CHANGE_IN_PROGRESS,
	/** The leader is handing leadership over. */
	TRANSFER_IN_PROGRESS,
	/** The member to add is a member already. */
	ALREADY_MEMBER,
	/** The member to remove is not a member. */
	UNKNOWN_MEMBER,
	/**
	 * After the change, or while it is joint, too few of the voters would be reachable to make a
	 * majority (the leader heard from too few within the minimum election timeout), so the cluster
	 * would stop; or the change would remove the last voter.
	 */
	WOULD_LOSE_QUORUM,
	/** The id or address is not usable. */
	INVALID

}
