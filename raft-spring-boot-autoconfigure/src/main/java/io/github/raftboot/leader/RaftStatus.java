package io.github.raftboot.leader;

import java.time.Instant;
import java.util.List;

import io.github.raftboot.core.Formation;
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
 * @param peers the other members: of the configuration in force, and those {@code raft.peers}
 * lists besides
 * @param standing this replica's place in the cluster
 * @param membership the configuration in force on this replica, or {@code null} while it has
 * not joined a cluster
 * @param formation while it has not joined a cluster: how its last attempt to form one with the
 * members of {@code raft.peers} went; {@code null} otherwise
 * @param conflict set while other members refuse this replica's requests because another
 * process uses its member id: their words; {@code null} otherwise
 * @param runningSince while {@link State#RUNNING running}: when it last started to run, on the
 * same wall clock as {@code lastLeaderContact}; {@code null} otherwise, or if not known
 * @param timing the election timing it runs with and the trouble it has counted; {@code null}
 * before it ran, or if not known
 */
public record RaftStatus(String nodeId, State state, Role role, long term, @Nullable String leaderId, boolean leader,
		@Nullable Instant leaderSince, @Nullable String votedFor, long commitIndex, long lastLogIndex,
		@Nullable Instant lastLeaderContact, List<PeerStatus> peers, Standing standing,
		@Nullable RaftMembership membership, @Nullable Formation formation, @Nullable String conflict,
		@Nullable Instant runningSince, @Nullable RaftTiming timing) {

	public RaftStatus {
		peers = List.copyOf(peers);
	}

	/** A status that does not tell its timing, for tests. */
	public RaftStatus(String nodeId, State state, Role role, long term, @Nullable String leaderId, boolean leader,
			@Nullable Instant leaderSince, @Nullable String votedFor, long commitIndex, long lastLogIndex,
			@Nullable Instant lastLeaderContact, List<PeerStatus> peers, Standing standing,
			@Nullable RaftMembership membership, @Nullable Formation formation, @Nullable String conflict,
			@Nullable Instant runningSince) {
		this(nodeId, state, role, term, leaderId, leader, leaderSince, votedFor, commitIndex, lastLogIndex,
				lastLeaderContact, peers, standing, membership, formation, conflict, runningSince, null);
	}

	/** A status that does not tell since when the replica runs, for tests. */
	public RaftStatus(String nodeId, State state, Role role, long term, @Nullable String leaderId, boolean leader,
			@Nullable Instant leaderSince, @Nullable String votedFor, long commitIndex, long lastLogIndex,
			@Nullable Instant lastLeaderContact, List<PeerStatus> peers, Standing standing,
			@Nullable RaftMembership membership, @Nullable Formation formation, @Nullable String conflict) {
		this(nodeId, state, role, term, leaderId, leader, leaderSince, votedFor, commitIndex, lastLogIndex,
				lastLeaderContact, peers, standing, membership, formation, conflict, null, null);
	}

	/** A status without a conflict of member ids, for tests. */
	public RaftStatus(String nodeId, State state, Role role, long term, @Nullable String leaderId, boolean leader,
			@Nullable Instant leaderSince, @Nullable String votedFor, long commitIndex, long lastLogIndex,
			@Nullable Instant lastLeaderContact, List<PeerStatus> peers, Standing standing,
			@Nullable RaftMembership membership, @Nullable Formation formation) {
		this(nodeId, state, role, term, leaderId, leader, leaderSince, votedFor, commitIndex, lastLogIndex,
				lastLeaderContact, peers, standing, membership, formation, null, null, null);
	}

	/** A status of a voter whose configuration is not known, for tests. */
	public RaftStatus(String nodeId, State state, Role role, long term, @Nullable String leaderId, boolean leader,
			@Nullable Instant leaderSince, @Nullable String votedFor, long commitIndex, long lastLogIndex,
			@Nullable Instant lastLeaderContact, List<PeerStatus> peers) {
		this(nodeId, state, role, term, leaderId, leader, leaderSince, votedFor, commitIndex, lastLogIndex,
				lastLeaderContact, peers, Standing.VOTER, null, null, null, null, null);
	}

	/** A replica's place in the cluster, as it knows it. */
	public enum Standing {

		/** It votes: it may be elected and counts in every majority. */
		VOTER,
		/** It receives the log but does not vote yet: it was added and is catching up. */
		LEARNER,
		/**
		 * It is no member: it has not joined a cluster yet (it waits until every member of
		 * {@code raft.peers} is up to form one, or until a leader adds it to an existing one).
		 */
		JOINING,
		/** A configuration removed it from the cluster: it never campaigns again. */
		REMOVED

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
