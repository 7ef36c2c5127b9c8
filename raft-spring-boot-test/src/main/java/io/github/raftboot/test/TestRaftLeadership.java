package io.github.raftboot.test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.github.raftboot.core.Role;
import io.github.raftboot.core.TransferResult;
import io.github.raftboot.event.LeaderChangedEvent;
import io.github.raftboot.event.LeadershipAcquiredEvent;
import io.github.raftboot.event.LeadershipRevokedEvent;
import io.github.raftboot.event.MembershipChangedEvent;
import io.github.raftboot.event.RaftEvent;
import io.github.raftboot.leader.MembershipChangeException;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.leader.RaftMembership;
import io.github.raftboot.leader.RaftStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;

/**
 * A {@link RaftLeadership} whose leadership the test decides: {@link #grant()} makes this replica
 * the active leader, {@link #revoke(LeadershipRevokedEvent.Reason)}, {@link #follow(String)} and
 * {@link #noLeader()} end it, and {@link #setStatus(RaftStatus)} and
 * {@link #setMembership(RaftMembership)} set the rest of what the application reads.
 *
 * <p>Every change publishes the events a real replica publishes for it, in the same order and only
 * on a real change ({@link LeadershipRevokedEvent} or {@link LeadershipAcquiredEvent}, then
 * {@link LeaderChangedEvent}, then {@link MembershipChangedEvent}), through the
 * {@link ApplicationEventPublisher} it was given: in an application context, {@code @OnLeader}
 * methods, {@code @OnLeader} {@link org.springframework.context.SmartLifecycle} beans and the
 * application's listeners behave as they do in production. Unlike a real replica, it publishes on
 * the thread that makes the change, before the method returns, so a test needs not wait for
 * them. Terms never decrease, as in Raft.
 *
 * <p>What the application asks of it is recorded: {@link #transfers()}, and
 * {@link #membershipChanges()}, which start unless the test makes them fail, and complete once
 * the test sets a configuration that settles them, as a real leader's do. Thread-safe.
 *
 * @see AutoConfigureTestRaftLeadership
 */
public final class TestRaftLeadership implements RaftLeadership {

	/** Stands for a transfer to the most up-to-date reachable member in {@link #transfers()}. */
	public static final String BEST_PEER = "<best peer>";

	private final String nodeId;

	private final ApplicationEventPublisher publisher;

	private final Clock clock = Clock.systemUTC();

	/** Serializes the changes and their events; {@link #awaitLeadership(Duration)} waits on it. */
	private final Object monitor = new Object();

	private volatile RaftStatus status;

	private volatile TransferResult transferResult = TransferResult.STARTED;

	private final List<String> transfers = new CopyOnWriteArrayList<>();

	private volatile @Nullable RuntimeException membershipFailure;

	private final List<String> membershipChanges = new CopyOnWriteArrayList<>();

	private final List<PendingChange> pendingChanges = new CopyOnWriteArrayList<>();

	private volatile boolean resetAfterEachTest;

	/** The election group this instance stands for. */
	private final String group;

	/** The default group's instance: this one, or the one whose {@link #withGroups} made this one. */
	private final TestRaftLeadership root;

	/** The other groups' instances, in order: on the default group's instance only. */
	private final Map<String, TestRaftLeadership> others = new LinkedHashMap<>();

	/**
	 * Creates a running follower that knows no leader, in term 0, that publishes its events to no
	 * one.
	 * @param nodeId this replica's member id
	 */
	public TestRaftLeadership(String nodeId) {
		this(nodeId, (event) -> {
		});
	}

	/**
	 * Creates a running follower that knows no leader, in term 0.
	 * @param nodeId this replica's member id
	 * @param publisher publishes the events of every change, such as the application context
	 */
	public TestRaftLeadership(String nodeId, ApplicationEventPublisher publisher) {
		Objects.requireNonNull(nodeId, "nodeId");
		if (nodeId.isBlank()) {
			throw new IllegalArgumentException("nodeId must not be blank");
		}
		this.nodeId = nodeId;
		this.publisher = Objects.requireNonNull(publisher, "publisher");
		this.status = follower(nodeId, 0, this.clock.instant());
		this.group = DEFAULT_GROUP;
		this.root = this;
	}

	private TestRaftLeadership(TestRaftLeadership root, String group) {
		this.nodeId = root.nodeId;
		this.publisher = root.publisher;
		this.status = follower(this.nodeId, 0, this.clock.instant());
		this.group = group;
		this.root = root;
	}

	/**
	 * Adds election groups besides the default one, as {@code raft.groups} does: each is a
	 * {@code TestRaftLeadership} of its own ({@link #group(String)}), a follower that knows no
	 * leader, whose events carry its name, so that {@code @OnLeader("billing")} beans and
	 * listeners of that group's events can be tested. The auto-configuration adds those of
	 * {@code raft.groups}.
	 * @param names the groups' names
	 * @return this
	 * @throws IllegalArgumentException if a name is blank or {@link #DEFAULT_GROUP}
	 * @throws IllegalStateException if this is not the default group's instance
	 */
	public TestRaftLeadership withGroups(String... names) {
		if (this.root != this) {
			throw new IllegalStateException("Groups are added to the default group's TestRaftLeadership");
		}
		synchronized (this.monitor) {
			for (String name : names) {
				if (name == null || name.isBlank() || DEFAULT_GROUP.equals(name)) {
					throw new IllegalArgumentException("Invalid election group name '" + name + "'");
				}
				this.others.computeIfAbsent(name, (key) -> new TestRaftLeadership(this, key));
			}
			return this;
		}
	}

	@Override
	public String groupName() {
		return this.group;
	}

	@Override
	public List<String> groups() {
		List<String> names = new ArrayList<>();
		names.add(DEFAULT_GROUP);
		synchronized (this.root.monitor) {
			names.addAll(this.root.others.keySet());
		}
		return names;
	}

	/**
	 * {@inheritDoc}
	 * @return that group's instance, to {@link #grant()} or {@link #follow(String)} on its own
	 */
	@Override
	public TestRaftLeadership group(String name) {
		if (DEFAULT_GROUP.equals(name)) {
			return this.root;
		}
		TestRaftLeadership other;
		synchronized (this.root.monitor) {
			other = this.root.others.get(name);
		}
		if (other == null) {
			throw new IllegalArgumentException("No election group '" + name + "': the groups are " + groups()
					+ " (add them with withGroups(...) or raft.groups)");
		}
		return other;
	}

	private static RaftStatus follower(String nodeId, long term, Instant runningSince) {
		return new RaftStatus(nodeId, RaftStatus.State.RUNNING, Role.FOLLOWER, term, null, false, null, null, 0, 0,
				null, List.of(), RaftStatus.Standing.VOTER, null, null, null, runningSince);
	}

	// What the test decides

	/**
	 * Makes this replica the active leader of the next term.
	 * @return this
	 */
	public TestRaftLeadership grant() {
		synchronized (this.monitor) {
			return grant(this.status.term() + 1);
		}
	}

	/**
	 * Makes this replica the active leader of {@code term}, its fencing token. A replica that led
	 * an earlier term loses that leadership first ({@code HIGHER_TERM}).
	 * @param term the term, greater than the current one
	 * @return this
	 * @throws IllegalArgumentException if the term is not greater than the current one
	 */
	public TestRaftLeadership grant(long term) {
		synchronized (this.monitor) {
			RaftStatus current = this.status;
			if (term <= current.term()) {
				throw new IllegalArgumentException("Replica '" + this.nodeId + "' is in term " + current.term()
						+ ", so it can win the election of a later term only, not of term " + term);
			}
			Instant now = this.clock.instant();
			change(next(RaftStatus.State.RUNNING, Role.LEADER, term, this.nodeId, true, now, this.nodeId, now),
					LeadershipRevokedEvent.Reason.HIGHER_TERM);
			return this;
		}
	}

	/**
	 * Ends this replica's leadership, for that reason, and leaves it knowing no leader: in a new
	 * term for {@code HIGHER_TERM}, {@link RaftStatus.State#STOPPED stopped} for
	 * {@code SHUTDOWN}, {@link RaftStatus.State#FAILED failed} for {@code FAILURE}.
	 * @param reason why leadership ends, as the {@link LeadershipRevokedEvent} tells
	 * @return this
	 * @throws IllegalStateException if this replica is not the leader
	 */
	public TestRaftLeadership revoke(LeadershipRevokedEvent.Reason reason) {
		Objects.requireNonNull(reason, "reason");
		synchronized (this.monitor) {
			RaftStatus current = this.status;
			if (!current.leader()) {
				throw new IllegalStateException(
						"Replica '" + this.nodeId + "' is not the leader, so it has no leadership to lose; grant() it first");
			}
			RaftStatus.State state = switch (reason) {
				case SHUTDOWN -> RaftStatus.State.STOPPED;
				case FAILURE -> RaftStatus.State.FAILED;
				default -> RaftStatus.State.RUNNING;
			};
			long term = (reason == LeadershipRevokedEvent.Reason.HIGHER_TERM) ? current.term() + 1 : current.term();
			change(next(state, Role.FOLLOWER, term, null, false, null, current.votedFor(), current.lastLeaderContact()),
					reason);
			return this;
		}
	}

	/**
	 * Makes another replica the leader of the next term: this replica follows it, and loses its
	 * own leadership if it had one ({@code HIGHER_TERM}).
	 * @param leaderId the leader
	 * @return this
	 */
	public TestRaftLeadership follow(String leaderId) {
		Objects.requireNonNull(leaderId, "leaderId");
		if (leaderId.equals(this.nodeId)) {
			throw new IllegalArgumentException(
					"Replica '" + this.nodeId + "' cannot follow itself; grant() it leadership instead");
		}
		synchronized (this.monitor) {
			RaftStatus current = this.status;
			change(next(RaftStatus.State.RUNNING, Role.FOLLOWER, current.term() + 1, leaderId, false, null, null,
					this.clock.instant()), LeadershipRevokedEvent.Reason.HIGHER_TERM);
			return this;
		}
	}

	/**
	 * Makes this replica know no leader, in the same term, as while an election goes on; it loses
	 * its own leadership if it had one ({@code LEASE_LOST}).
	 * @return this
	 */
	public TestRaftLeadership noLeader() {
		synchronized (this.monitor) {
			RaftStatus current = this.status;
			change(next(RaftStatus.State.RUNNING, Role.FOLLOWER, current.term(), null, false, null,
					current.votedFor(), current.lastLeaderContact()), LeadershipRevokedEvent.Reason.LEASE_LOST);
			return this;
		}
	}

	/**
	 * Replaces the whole status, with its peers, log indexes and configuration, and publishes the
	 * events of the difference. Leadership that ends, ends for the reason a real replica would
	 * give: {@code SHUTDOWN} when stopped, {@code FAILURE} when failed, {@code HIGHER_TERM} in a
	 * later term, {@code LEASE_LOST} otherwise.
	 * @param status the status, of this replica
	 * @return this
	 * @throws IllegalArgumentException if the status is another replica's
	 */
	public TestRaftLeadership setStatus(RaftStatus status) {
		Objects.requireNonNull(status, "status");
		if (!status.nodeId().equals(this.nodeId)) {
			throw new IllegalArgumentException(
					"The status is that of '" + status.nodeId() + "', not of this replica, '" + this.nodeId + "'");
		}
		synchronized (this.monitor) {
			RaftStatus current = this.status;
			LeadershipRevokedEvent.Reason reason = switch (status.state()) {
				case STOPPED -> LeadershipRevokedEvent.Reason.SHUTDOWN;
				case FAILED -> LeadershipRevokedEvent.Reason.FAILURE;
				default -> (status.term() > current.term()) ? LeadershipRevokedEvent.Reason.HIGHER_TERM
						: LeadershipRevokedEvent.Reason.LEASE_LOST;
			};
			change(status, reason);
			return this;
		}
	}

	/**
	 * Sets the configuration of the cluster in force on this replica, as if it reached its log.
	 * Changes asked of {@link #addMember(String, URI)} and {@link #removeMember(String)} that it
	 * settles complete.
	 * @param membership the configuration
	 * @return this
	 */
	public TestRaftLeadership setMembership(RaftMembership membership) {
		Objects.requireNonNull(membership, "membership");
		synchronized (this.monitor) {
			RaftStatus s = this.status;
			change(new RaftStatus(s.nodeId(), s.state(), s.role(), s.term(), s.leaderId(), s.leader(), s.leaderSince(),
					s.votedFor(), s.commitIndex(), s.lastLogIndex(), s.lastLeaderContact(), s.peers(), s.standing(),
					membership, null, s.conflict(), s.runningSince()), LeadershipRevokedEvent.Reason.LEASE_LOST);
			return this;
		}
	}

	/**
	 * Sets what {@link #transferLeadership()} and {@link #transferLeadership(String)} answer;
	 * {@link TransferResult#STARTED} by default.
	 * @param result the answer
	 * @return this
	 */
	public TestRaftLeadership setTransferResult(TransferResult result) {
		this.transferResult = Objects.requireNonNull(result, "result");
		return this;
	}

	/**
	 * Makes {@link #addMember(String, URI)} and {@link #removeMember(String)} refuse at once, as a
	 * replica that is not the leader, or a leader that cannot make the change, does.
	 * @param refusal the exception the changes fail with
	 * @return this
	 */
	public TestRaftLeadership refuseMembershipChanges(MembershipChangeException refusal) {
		this.membershipFailure = Objects.requireNonNull(refusal, "refusal");
		return this;
	}

	/**
	 * Makes {@link #addMember(String, URI)} and {@link #removeMember(String)} fail at once with
	 * an exception that is no refusal, an error.
	 * @param failure the exception the changes fail with
	 * @return this
	 */
	public TestRaftLeadership failMembershipChanges(RuntimeException failure) {
		this.membershipFailure = Objects.requireNonNull(failure, "failure");
		return this;
	}

	/**
	 * Makes {@link #addMember(String, URI)} and {@link #removeMember(String)} start the changes
	 * again (the default), after {@link #refuseMembershipChanges} or {@link #failMembershipChanges}.
	 * @return this
	 */
	public TestRaftLeadership acceptMembershipChanges() {
		this.membershipFailure = null;
		return this;
	}

	/**
	 * Brings this replica back to how it was created, keeping the term: a running follower that
	 * knows no leader (its leadership ends, {@code LEASE_LOST}), with no peers and no
	 * configuration; forgets what was asked of it, and cancels the changes still under way.
	 * @return this
	 */
	public TestRaftLeadership reset() {
		synchronized (this.monitor) {
			change(follower(this.nodeId, this.status.term(), this.clock.instant()),
					LeadershipRevokedEvent.Reason.LEASE_LOST);
			this.transferResult = TransferResult.STARTED;
			this.transfers.clear();
			this.membershipFailure = null;
			this.membershipChanges.clear();
			for (PendingChange pending : this.pendingChanges) {
				pending.future().cancel(false);
			}
			this.pendingChanges.clear();
			for (TestRaftLeadership other : this.others.values()) {
				other.reset();
			}
			return this;
		}
	}

	// What the application asked

	/**
	 * The transfers asked for, in order: the target of each, {@link #BEST_PEER} when none was
	 * named.
	 * @return the targets
	 */
	public List<String> transfers() {
		return List.copyOf(this.transfers);
	}

	/**
	 * The membership changes asked for, in order, as {@code "add n4 http://n4:8080"} or
	 * {@code "remove n3"}.
	 * @return the changes
	 */
	public List<String> membershipChanges() {
		return List.copyOf(this.membershipChanges);
	}

	// RaftLeadership

	@Override
	public String nodeId() {
		return this.nodeId;
	}

	@Override
	public boolean isLeader() {
		return this.status.leader();
	}

	@Override
	public OptionalLong fencingToken() {
		RaftStatus current = this.status;
		return current.leader() ? OptionalLong.of(current.term()) : OptionalLong.empty();
	}

	@Override
	public long currentTerm() {
		return this.status.term();
	}

	@Override
	public Optional<String> leaderId() {
		return Optional.ofNullable(this.status.leaderId());
	}

	@Override
	public RaftStatus status() {
		return this.status;
	}

	@Override
	public boolean awaitLeadership(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.monitor) {
			while (!isLeader()) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return false;
				}
				TimeUnit.NANOSECONDS.timedWait(this.monitor, remaining);
			}
			return true;
		}
	}

	/**
	 * Records the transfer and answers as {@link #setTransferResult set}; a transfer that starts
	 * ends this replica's leadership at once ({@code TRANSFER}), as a real leader's does, and no
	 * other leader is known until the test says which.
	 */
	@Override
	public TransferResult transferLeadership() {
		return transfer(BEST_PEER);
	}

	/**
	 * Records the transfer and answers as {@link #setTransferResult set}; a transfer that starts
	 * ends this replica's leadership at once ({@code TRANSFER}), as a real leader's does, and no
	 * other leader is known until the test says which.
	 */
	@Override
	public TransferResult transferLeadership(String nodeId) {
		return transfer(Objects.requireNonNull(nodeId, "nodeId"));
	}

	private TransferResult transfer(String target) {
		synchronized (this.monitor) {
			this.transfers.add(target);
			TransferResult result = this.transferResult;
			if (result == TransferResult.STARTED && isLeader()) {
				revoke(LeadershipRevokedEvent.Reason.TRANSFER);
			}
			return result;
		}
	}

	@Override
	public Optional<RaftMembership> membership() {
		if (this.root != this) {
			return this.root.membership();
		}
		return Optional.ofNullable(this.status.membership());
	}

	/**
	 * Records the change; it fails at once if the test made changes {@link #refuseMembershipChanges
	 * refused} or {@link #failMembershipChanges fail}, and otherwise completes once the test
	 * {@linkplain #setMembership sets} a settled configuration in which the member votes.
	 */
	@Override
	public CompletableFuture<RaftMembership> addMember(String nodeId, URI url) {
		if (this.root != this) {
			return this.root.addMember(nodeId, url);
		}
		Objects.requireNonNull(nodeId, "nodeId");
		Objects.requireNonNull(url, "url");
		this.membershipChanges.add("add " + nodeId + " " + url);
		return change((membership) -> membership.voters().contains(nodeId));
	}

	/**
	 * Records the change; it fails at once if the test made changes {@link #refuseMembershipChanges
	 * refused} or {@link #failMembershipChanges fail}, and otherwise completes once the test
	 * {@linkplain #setMembership sets} a settled configuration without the member.
	 */
	@Override
	public CompletableFuture<RaftMembership> removeMember(String nodeId) {
		if (this.root != this) {
			return this.root.removeMember(nodeId);
		}
		Objects.requireNonNull(nodeId, "nodeId");
		this.membershipChanges.add("remove " + nodeId);
		return change((membership) -> !membership.members().contains(nodeId));
	}

	private CompletableFuture<RaftMembership> change(Predicate<RaftMembership> done) {
		RuntimeException failure = this.membershipFailure;
		if (failure != null) {
			return CompletableFuture.failedFuture(failure);
		}
		CompletableFuture<RaftMembership> future = new CompletableFuture<>();
		this.pendingChanges.add(new PendingChange(done, future));
		return future;
	}

	// The change and its events

	/** The current status with these, and its peers, log and configuration unchanged. */
	private RaftStatus next(RaftStatus.State state, Role role, long term, @Nullable String leaderId, boolean leader,
			@Nullable Instant leaderSince, @Nullable String votedFor, @Nullable Instant lastLeaderContact) {
		RaftStatus s = this.status;
		Instant runningSince = (state != RaftStatus.State.RUNNING) ? null
				: (s.runningSince() != null) ? s.runningSince() : this.clock.instant();
		return new RaftStatus(s.nodeId(), state, role, term, leaderId, leader, leaderSince, votedFor, s.commitIndex(),
				s.lastLogIndex(), lastLeaderContact, s.peers(), s.standing(), s.membership(), s.formation(),
				s.conflict(), runningSince);
	}

	/**
	 * Moves to the next status, then publishes the events of the change, as the real replica
	 * derives them, and completes the membership changes the next configuration settles.
	 */
	private void change(RaftStatus next, LeadershipRevokedEvent.Reason revocationReason) {
		synchronized (this.monitor) {
			RaftStatus previous = this.status;
			this.status = next;
			this.monitor.notifyAll();
			for (RaftEvent event : events(previous, next, revocationReason)) {
				this.publisher.publishEvent(event);
			}
			RaftMembership membership = next.membership();
			if (membership != null && membership.settled()) {
				for (PendingChange pending : this.pendingChanges) {
					if (pending.done().test(membership)) {
						this.pendingChanges.remove(pending);
						pending.future().complete(membership);
					}
				}
			}
		}
	}

	private List<RaftEvent> events(RaftStatus previous, RaftStatus next, LeadershipRevokedEvent.Reason reason) {
		List<RaftEvent> events = new ArrayList<>();
		boolean newTerm = next.term() != previous.term();
		if (previous.leader() && (!next.leader() || newTerm)) {
			events.add(new LeadershipRevokedEvent(this, this.nodeId, previous.term(),
					next.leader() ? LeadershipRevokedEvent.Reason.HIGHER_TERM : reason, this.group));
		}
		if (next.leader() && (!previous.leader() || newTerm)) {
			events.add(new LeadershipAcquiredEvent(this, this.nodeId, next.term(), this.group));
		}
		String leaderId = next.leaderId();
		if (!Objects.equals(leaderId, previous.leaderId()) || (leaderId != null && newTerm)) {
			events.add(new LeaderChangedEvent(this, this.nodeId, next.term(), leaderId, this.group));
		}
		RaftMembership membership = next.membership();
		if (membership != null && !membership.equals(previous.membership())) {
			events.add(new MembershipChangedEvent(this, this.nodeId, next.term(), membership, this.group));
		}
		return events;
	}

	// Set up by the test auto-configuration

	void resetAfterEachTest() {
		this.resetAfterEachTest = true;
	}

	boolean resetsAfterEachTest() {
		return this.resetAfterEachTest;
	}

	@Override
	public String toString() {
		RaftStatus current = this.status;
		return "TestRaftLeadership[" + this.nodeId + (DEFAULT_GROUP.equals(this.group) ? "" : ", group " + this.group)
				+ ", term " + current.term() + ", "
				+ (current.leader() ? "leader" : "leader " + current.leaderId()) + "]";
	}

	private record PendingChange(Predicate<RaftMembership> done, CompletableFuture<RaftMembership> future) {
	}

}
