package io.github.raftboot.leader;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by a method annotated {@code @OnLeader(skip = false)} when it is called on a replica
 * that is not the active leader.
 */
public class NotLeaderException extends RuntimeException {

	private final String nodeId;

	private final @Nullable String leaderId;

	public NotLeaderException(String nodeId, @Nullable String leaderId, String message) {
		super(message);
		this.nodeId = nodeId;
		this.leaderId = leaderId;
	}

	/** The replica that refused the call. */
	public String getNodeId() {
		return this.nodeId;
	}

	/** The leader known to that replica when it refused, or {@code null}. */
	public @Nullable String getLeaderId() {
		return this.leaderId;
	}

}
