package io.github.raftboot.event;

/**
 * This replica became the active leader. {@link #getTerm()} is the fencing token of this
 * leadership. {@code RaftLeadership.isLeader()} already returns {@code true} when listeners run
 * (unless the leadership ended again in between).
 */
public final class LeadershipAcquiredEvent extends RaftEvent {

	public LeadershipAcquiredEvent(Object source, String nodeId, long term) {
		super(source, nodeId, term);
	}

	/** Creates the event of an election group; see {@link RaftEvent#getGroup()}. */
	public LeadershipAcquiredEvent(Object source, String nodeId, long term, String group) {
		super(source, nodeId, term, group);
	}

	@Override
	public String toString() {
		return "LeadershipAcquiredEvent[node=" + getNodeId() + ", term=" + getTerm() + groupSuffix() + "]";
	}

}
