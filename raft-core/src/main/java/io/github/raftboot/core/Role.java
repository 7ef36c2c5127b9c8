package io.github.raftboot.core;

/** The role a Raft node plays in its current term. */
public enum Role {
	/** Follows a leader, or waits for one to appear. */
	FOLLOWER,
	/** Asks whether it could win an election without raising its term (pre-vote). */
	PRE_CANDIDATE,
	/** Raised its term and asks for votes. */
	CANDIDATE,
	/** Won the election of its term. Acts as leader only while its lease is valid. */
	LEADER
}
