package io.github.raftboot.core;

import java.util.List;
import java.util.Objects;

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
 * @param peers what a leader knows of each follower and learner; empty unless it leads
 * @param membership the configuration in force on this node: the latest in its log, committed or
 * not; {@code null} while the node has never joined a cluster
 * @param membershipIndex the index of the log entry that brought {@code membership} in, 0 if it
 * is the configuration the log starts from
 * @param formation while the node has never joined a cluster and has tried to form one: how that
 * went; {@code null} otherwise
 * @param removed whether a configuration removed this node from the cluster: it is no member of
 * {@code membership} but was of an earlier one
 * @param timing the timing in force on this node: the latest in its log, committed or not, or its
 * configured one; {@code null} only in statuses made by hand
 * @param timingIndex the index of the log entry that brought {@code timing} in, 0 if it is the
 * configured one
 * @param incidents what the node counted since it started of the trouble adaptive timing reacts to
 */
public record Status(String nodeId, Role role, long term, @Nullable String leaderId, @Nullable String votedFor,
		long commitIndex, long lastLogIndex, long lastLogTerm, @Nullable Lease lease, @Nullable Long leaderSinceNanos,
		@Nullable String transferTarget, List<PeerProgress> peers, @Nullable Membership membership,
		long membershipIndex, @Nullable Formation formation, boolean removed, @Nullable Timing timing,
		long timingIndex, Incidents incidents) {

	public Status {
		peers = List.copyOf(peers);
		Objects.requireNonNull(incidents, "incidents");
	}

	/** A status without timing, for tests. */
	public Status(String nodeId, Role role, long term, @Nullable String leaderId, @Nullable String votedFor,
			long commitIndex, long lastLogIndex, long lastLogTerm, @Nullable Lease lease, @Nullable Long leaderSinceNanos,
			@Nullable String transferTarget, List<PeerProgress> peers, @Nullable Membership membership,
			long membershipIndex, @Nullable Formation formation, boolean removed) {
		this(nodeId, role, term, leaderId, votedFor, commitIndex, lastLogIndex, lastLogTerm, lease, leaderSinceNanos,
				transferTarget, peers, membership, membershipIndex, formation, removed, null, 0, Incidents.none());
	}

	/** A status without a configuration: of a node that has never joined a cluster, for tests. */
	public Status(String nodeId, Role role, long term, @Nullable String leaderId, @Nullable String votedFor,
			long commitIndex, long lastLogIndex, long lastLogTerm, @Nullable Lease lease, @Nullable Long leaderSinceNanos,
			@Nullable String transferTarget, List<PeerProgress> peers) {
		this(nodeId, role, term, leaderId, votedFor, commitIndex, lastLogIndex, lastLogTerm, lease, leaderSinceNanos,
				transferTarget, peers, null, 0, null, false, null, 0, Incidents.none());
	}

	/** Whether {@link #membership()} is known to be committed. */
	public boolean isMembershipCommitted() {
		return this.membership != null && this.membershipIndex <= this.commitIndex;
	}

	/** Whether this node votes in the configuration in force. */
	public boolean isVoter() {
		return this.membership != null && this.membership.isVoter(this.nodeId);
	}

	/** Whether the node may act as leader at {@code nowNanos}. */
	public boolean isActiveLeaderAt(long nowNanos) {
		Lease current = this.lease;
		return current != null && current.isValidAt(nowNanos);
	}

}
