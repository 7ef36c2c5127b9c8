package io.github.raftboot.core;

/**
 * A change of a node's role, in the order it happened.
 *
 * @param from the role before
 * @param to the role after
 * @param term the node's term after the change
 * @param reason why the role changed
 */
public record RoleChange(Role from, Role to, long term, Reason reason) {

	/** Why a role changed. */
	public enum Reason {

		/** The election timeout passed without word from a leader. */
		ELECTION_TIMEOUT,
		/** A majority granted the pre-vote, so the node raises its term and campaigns. */
		PRE_VOTE_WON,
		/** A majority refused the pre-vote or the vote. */
		ELECTION_LOST,
		/** A majority granted the vote. */
		ELECTION_WON,
		/** A message carried a higher term. */
		HIGHER_TERM,
		/** A leader of the node's own term made itself known. */
		LEADER_DISCOVERED,
		/** The leader did not hear from a majority within the minimum election timeout. */
		QUORUM_LOST,
		/** The leader handed over with TimeoutNow and the target did not take over in time. */
		TRANSFER_ABORTED,
		/** The leader asked this node to take over (TimeoutNow). */
		TRANSFER_REQUESTED,
		/** The leader is no voter of the configuration it committed, and handed over or stepped down. */
		REMOVED

	}

}
