package io.github.raftboot.leader;

import java.net.URI;
import java.time.Duration;
import java.util.List;
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

	/**
	 * The name of the election group every replica has: the one {@code @OnLeader} without a
	 * group, {@link #isLeader()} and the other methods without a group name are about.
	 */
	String DEFAULT_GROUP = "default";

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

	// Election groups

	/**
	 * The election group this view is about: {@link #DEFAULT_GROUP} for the one injected, or the
	 * name given to {@link #group(String)}.
	 */
	default String groupName() {
		return DEFAULT_GROUP;
	}

	/**
	 * The names of every election group of this replica: {@link #DEFAULT_GROUP} first, then those
	 * {@code raft.groups} names, in that order.
	 */
	default List<String> groups() {
		return List.of(DEFAULT_GROUP);
	}

	/**
	 * This replica's view of one election group: the same methods, answered for that group (its
	 * leader, term, fencing token, lease; transfers hand that group's leadership over). The
	 * members, and changes to them, are the cluster's, whichever group is asked.
	 * @param name {@link #DEFAULT_GROUP} or a name of {@code raft.groups}
	 * @return the group's view
	 * @throws IllegalArgumentException if no group has that name
	 */
	default RaftLeadership group(String name) {
		if (DEFAULT_GROUP.equals(name)) {
			return this;
		}
		throw new IllegalArgumentException("No election group '" + name + "': raft.groups names "
				+ groups().subList(1, groups().size()) + " (the default group is '" + DEFAULT_GROUP + "')");
	}

	/**
	 * Whether this replica is the active leader of a group right now; see {@link #isLeader()}.
	 * @param group {@link #DEFAULT_GROUP} or a name of {@code raft.groups}
	 * @return whether it leads that group
	 * @throws IllegalArgumentException if no group has that name
	 */
	default boolean isLeader(String group) {
		return group(group).isLeader();
	}

	/**
	 * The fencing token of this replica's leadership of a group; see {@link #fencingToken()}.
	 * Each group has terms of its own, so tokens of different groups are not comparable.
	 * @param group {@link #DEFAULT_GROUP} or a name of {@code raft.groups}
	 * @return the token, while this replica leads that group
	 * @throws IllegalArgumentException if no group has that name
	 */
	default OptionalLong fencingToken(String group) {
		return group(group).fencingToken();
	}

}
