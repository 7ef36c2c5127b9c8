package io.github.raftboot.event;

/**
 * This replica stopped being the active leader. {@code RaftLeadership.isLeader()} already returns
 * {@code false} when listeners run.
 */
public final class LeadershipRevokedEvent extends RaftEvent {

	private final Reason reason;

	public LeadershipRevokedEvent(Object source, String nodeId, long term, Reason reason) {
		super(source, nodeId, term);
		this.reason = reason;
	}

	/** Creates the event of an election group; see {@link RaftEvent#getGroup()}. */
	public LeadershipRevokedEvent(Object source, String nodeId, long term, Reason reason, String group) {
		super(source, nodeId, term, group);
		this.reason = reason;
	}

	/** Why leadership ended. */
	public Reason getReason() {
		return this.reason;
	}

	@Override
	public String toString() {
		return "LeadershipRevokedEvent[node=" + getNodeId() + ", term=" + getTerm() + groupSuffix() + ", reason=" + this.reason + "]";
	}

	/** Why a replica stopped being the active leader. */
	public enum Reason {

		/** No majority acknowledged a heartbeat in time, so the lease ran out. */
		LEASE_LOST,
		/** Another replica started a newer term. */
		HIGHER_TERM,
		/** This replica is handing leadership to another. */
		TRANSFER,
		/** The application is shutting down. */
		SHUTDOWN,
		/** This replica could not persist its state and stopped taking part. */
		FAILURE

	}

}
