package io.github.raftboot.leader;

import java.time.Instant;
import java.util.List;

import io.github.raftboot.core.Role;
import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of one replica's Raft state.
 *
 * @param nodeId this replica
 * @param state whether the replica takes part in elections
 * @param role its role in the current term
 * @param term the current term
 * @param leaderId the leader known in this term, or {@code null}
 * @param leader whether this replica was the active leader when the snapshot was taken
 * @param leaderSince when this replica's current active leadership began, or {@code null}
 * @param votedFor whom it voted for in this term, or {@code null}
 * @param commitIndex highest log index known to be committed
 * @param lastLogIndex index of the last log entry
 * @param lastLeaderContact when a leader was last known (heard from, or this replica leading);
 * {@code null} if never
 * @param peers the other members
 */
public record RaftStatus(String nodeId, State state, Role role, long term, @Nullable String leaderId, boolean leader,
		@Nullable Instant leaderSince, @Nullable String votedFor, long commitIndex, long lastLogIndex,
		@Nullable Instant lastLeaderContact, List<PeerStatus> peers) {

	public RaftStatus {
		peers = List.copyOf(peers);
	}

	/** Whether a replica takes part in elections. */
	public enum State {

		/** Not started yet. */
		STARTING,
		/** Taking part in elections. */
		RUNNING,
		/** Stopped, for example because the application shut down. */
		STOPPED,
		/** Stopped because its state could not be persisted; it neither votes nor leads. */
		FAILED

	}

}
