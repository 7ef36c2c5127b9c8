package io.github.raftboot.core;

/** The outcome of asking a node to hand over leadership. */
public enum TransferResult {

	/** The transfer started; the node stopped acting as leader. */
	STARTED,
	/** A transfer to the same member is already under way. */
	IN_PROGRESS,
	/** A transfer to another member is already under way. */
	OTHER_TRANSFER_IN_PROGRESS,
	/** The node is not the leader, so it has nothing to hand over. */
	NOT_LEADER,
	/** The target is this node itself. */
	TARGET_IS_SELF,
	/** The target is not a member of the cluster. */
	UNKNOWN_MEMBER,
	/** The target is a member that does not vote (a learner, or a voter on its way out), so it cannot lead. */
	NOT_A_VOTER,
	/** No other member answered within the minimum election timeout. */
	NO_REACHABLE_MEMBER

}
