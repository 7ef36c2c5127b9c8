package io.github.raftboot.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of a node, safe to publish to other threads.
 *
 * @param nodeId the node
 * @param role its role
 * @param term its current term
 * @param leaderId the leader it knows of in this term, itself if it leads, or {@code null}
 * @param votedFor whom it voted for in this term, or {@code null}
 * @param commitIndex highest log index known to be committed
 * @param lastLogIndex index of its last log entry
 * @param lastLogTerm term of its last log entry
 * @param lease the leader lease while it leads with its no-op committed and no transfer under way;
 * {@code null} otherwise. Whether it is active at a given instant is {@link #isActiveLeaderAt(long)}
 * @param leaderSinceNanos when it became leader of this term, or {@code null} if it does not lead
 * @param transferTarget the member leadership is being handed to, or {@code null}
 * @param peers what a leader knows of each follower; empty unless it leads
 */
public record Status(String nodeId, Role role, long term, @Nullable String leaderId, @Nullable String votedFor,
		long commitIndex, long lastLogIndex, long lastLogTerm, @Nullable Lease lease, @Nullable Long leaderSinceNanos,
		@Nullable String transferTarget, List<PeerProgress> peers) {

	public Status {
		peers = List.copyOf(peers);
	}

	/** Whether the node may act as leader at {@code nowNanos}. */
	public boolean isActiveLeaderAt(long nowNanos) {
		Lease current = this.lease;
		return current != null && current.isValidAt(nowNanos);
	}

}
