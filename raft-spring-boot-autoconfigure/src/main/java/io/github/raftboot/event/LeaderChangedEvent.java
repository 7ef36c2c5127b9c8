package io.github.raftboot.event;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The leader this replica knows of changed: a new leader made itself known, or the known
 * leader was lost. Published on every replica.
 */
public final class LeaderChangedEvent extends RaftEvent {

	private final @Nullable String leaderId;

	public LeaderChangedEvent(Object source, String nodeId, long term, @Nullable String leaderId) {
		super(source, nodeId, term);
		this.leaderId = leaderId;
	}

	/** Creates the event of an election group; see {@link RaftEvent#getGroup()}. */
	public LeaderChangedEvent(Object source, String nodeId, long term, @Nullable String leaderId, String group) {
		super(source, nodeId, term, group);
		this.leaderId = leaderId;
	}

	/** The new leader, or empty if no leader is known now. */
	public Optional<String> getLeaderId() {
		return Optional.ofNullable(this.leaderId);
	}

	@Override
	public String toString() {
		return "LeaderChangedEvent[node=" + getNodeId() + ", term=" + getTerm() + groupSuffix() + ", leader=" + this.leaderId + "]";
	}

}
