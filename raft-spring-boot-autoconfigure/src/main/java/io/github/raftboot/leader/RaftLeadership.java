package io.github.raftboot.leader;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

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

}
