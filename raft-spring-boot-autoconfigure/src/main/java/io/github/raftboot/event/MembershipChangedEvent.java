package io.github.raftboot.event;

import java.util.Objects;

import io.github.raftboot.leader.RaftMembership;

/**
 * The configuration of the cluster in force on this replica changed: a member is being added or
 * removed, a change went a step further, or this replica joined a cluster. Published on every
 * replica, when the configuration reaches its log (committed or not, see
 * {@link RaftMembership#committed()}).
 */
public final class MembershipChangedEvent extends RaftEvent {

	private final RaftMembership membership;

	public MembershipChangedEvent(Object source, String nodeId, long term, RaftMembership membership) {
		super(source, nodeId, term);
		this.membership = Objects.requireNonNull(membership, "membership");
	}

	/** Creates the event of an election group; see {@link RaftEvent#getGroup()}. */
	public MembershipChangedEvent(Object source, String nodeId, long term, RaftMembership membership, String group) {
		super(source, nodeId, term, group);
		this.membership = Objects.requireNonNull(membership, "membership");
	}

	/** The configuration now in force. */
	public RaftMembership getMembership() {
		return this.membership;
	}

	@Override
	public String toString() {
		return "MembershipChangedEvent[node=" + getNodeId() + ", term=" + getTerm() + groupSuffix() + ", membership=" + this.membership
				+ "]";
	}

}
