package io.github.raftboot.leader;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

import io.github.raftboot.core.MembershipChangeResult;
import io.github.raftboot.core.TransferResult;

/**
 * This replica's view of leadership, for application code. Inject it anywhere.
 *
 * <p>Every read comes from an immutable snapshot and the lease, never from the election state
 * machine itself, so the methods are cheap and never block the election.
 */
public interface RaftLeadership {

	/** This replica's member id ({@code raft.node-id}). */
	String nodeId();

	/**
	 * Whether this replica is the active leader right now: it won the election of its term, its
	 * no-op entry is committed and its lease holds at this instant. While this returns
	 * {@code true} no other replica can be active leader.
	 */
	boolean isLeader();

	/**
	 * The fencing token of the current leadership: the term, while {@link #isLeader()} holds.
	 * Pass it along with every external write made as leader; a store that remembers the highest
	 * token it has seen can then reject writes from a deposed leader.
	 */
	OptionalLong fencingToken();

	/** The current term (leader or not). */
	long currentTerm();

	/** The leader this replica knows of in the current term, or empty while none is known. */
	Optional<String> leaderId();

	/** A snapshot of this replica's Raft state. */
	RaftStatus status();

	/**
	 * Waits until this replica is the active leader.
	 * @param timeout how long to wait at most
	 * @return whether it is the active leader
	 * @throws InterruptedException if the thread is interrupted while waiting
	 */
	boolean awaitLeadership(Duration timeout) throws InterruptedException;

	/**
	 * Hands leadership to the most up-to-date reachable replica. This replica stops acting as
	 * leader at once; the target normally takes over within a few round trips.
	 * @return whether the handover started, and if not, why
	 */
	TransferResult transferLeadership();

	/**
	 * Hands leadership to {@code nodeId}.
	 * @param nodeId the replica to hand over to
	 * @return whether the handover started, and if not, why
	 */
	TransferResult transferLeadership(String nodeId);

	/**
	 * The configuration of the cluster in force on this replica: the latest in its log, which
	 * rules over {@code raft.peers} once the cluster is formed.
	 * @return the configuration, or empty while this replica has not joined a cluster
	 */
	Optional<RaftMembership> membership();

	/**
	 * Adds a member to the cluster, on the leader: the new member first receives the log as a
	 * learner, and becomes a voter through a joint configuration once it has caught up, so that
	 * adding it never costs the cluster its majority. The new member must be running (started
	 * with this cluster's members in its {@code raft.peers}, or any list) and must not have
	 * formed a cluster of its own.
	 * @param nodeId the new member's id
	 * @param url its base URL, as other members reach it
	 * @return completes with the configuration once one in which it votes is committed and no
	 * change is under way; exceptionally, at once, with a {@link MembershipChangeException} if the
	 * change was refused ({@link MembershipChangeResult}: this replica is not the leader, another
	 * change is under way, the member is a member already, …), and nothing changed. It does not
	 * complete while the new member cannot catch up (it is down or unreachable): wait with a
	 * timeout, and {@link #removeMember(String)} it to give up.
	 */
	CompletableFuture<RaftMembership> addMember(String nodeId, URI url);

	/**
	 * Removes a member from the cluster, on the leader, through a joint configuration that needs
	 * majorities with and without it. A leader that removes itself hands leadership to a remaining
	 * voter first. A removed member stops campaigning for good.
	 * @param nodeId the member to remove
	 * @return completes with the configuration once one without it is committed and no change
	 * is under way; exceptionally, at once, with a {@link MembershipChangeException} if the change
	 * was refused (also when too few voters would remain reachable to make a majority), and
	 * nothing changed
	 */
	CompletableFuture<RaftMembership> removeMember(String nodeId);

}
