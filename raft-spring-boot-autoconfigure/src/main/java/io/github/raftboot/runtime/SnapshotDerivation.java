package io.github.raftboot.runtime;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.github.raftboot.core.Lease;
import io.github.raftboot.core.Membership;
import io.github.raftboot.core.Ready;
import io.github.raftboot.core.Role;
import io.github.raftboot.core.RoleChange;
import io.github.raftboot.core.Status;
import io.github.raftboot.event.LeaderChangedEvent;
import io.github.raftboot.event.LeadershipAcquiredEvent;
import io.github.raftboot.event.LeadershipRevokedEvent;
import io.github.raftboot.event.MembershipChangedEvent;
import io.github.raftboot.event.RaftEvent;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.leader.RaftMembership;
import io.github.raftboot.leader.RaftStatus;

/**
 * Derives, from the previous snapshot and what the node produced, the next snapshot and the
 * events of the change. A pure function of its arguments: it reads no clock and keeps no state.
 *
 * <ul>
 * <li>{@link LeadershipAcquiredEvent} when the member becomes the active leader (its lease holds
 * at the instant of the snapshot), {@link LeadershipRevokedEvent} when it stops being it, with
 * the term of that leadership and why it ended (a lease that ended during a pause of the node
 * only once its catch-up is over unrenewed: {@link Lease#hasLapsedAt(long)});</li>
 * <li>{@link LeaderChangedEvent} when the known leader changes, or the same leader is known in a
 * new term;</li>
 * <li>{@link MembershipChangedEvent} when the configuration in force changes, or becomes
 * known to be committed.</li>
 * </ul>
 * Events are in that order: whether this member leads comes before the news of who does, and
 * that before the news of who the members are.
 */
final class SnapshotDerivation {

	private final String nodeId;

	private final Object eventSource;

	private final String group;

	/**
	 * Creates a derivation for one member's default election group.
	 * @param nodeId the member's id, named in every event
	 * @param eventSource the source of every event
	 */
	SnapshotDerivation(String nodeId, Object eventSource) {
		this(nodeId, eventSource, RaftLeadership.DEFAULT_GROUP);
	}

	/**
	 * Creates a derivation for one of a member's election groups. The members of another group
	 * than the default one follow the default group's (see {@code GroupCoordinator}): their
	 * changes are no {@link MembershipChangedEvent} of their own.
	 * @param nodeId the member's id, named in every event
	 * @param eventSource the source of every event
	 * @param group the group, named in every event
	 */
	SnapshotDerivation(String nodeId, Object eventSource, String group) {
		this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
		this.eventSource = Objects.requireNonNull(eventSource, "eventSource");
		this.group = Objects.requireNonNull(group, "group");
	}

	/**
	 * The publication after an input of a running member.
	 * @param previous the snapshot published last
	 * @param ready what the node produced
	 * @param nowNanos the monotonic clock now, the clock that fed the node
	 * @param wallNow the wall clock now
	 * @return the next snapshot, {@link RaftStatus.State#RUNNING}, and its events
	 */
	Publication running(StatusSnapshot previous, Ready ready, long nowNanos, Instant wallNow) {
		Status status = ready.status();
		return next(previous, status, RaftStatus.State.RUNNING, status.isActiveLeaderAt(nowNanos),
				catchingUp(previous, status, nowNanos), revocationReason(ready, status), wallNow);
	}

	/**
	 * Whether a leadership that was active goes on unreported for now although its lease does
	 * not hold: the lease ended during a pause of the node, and the answers queued behind the
	 * pause may still renew it (see {@link Lease#lapseReportedFromNanos()}). Nothing may act on it
	 * meanwhile ({@link RaftLeadership#isLeader()} reads the lease itself); only the events wait.
	 */
	private static boolean catchingUp(StatusSnapshot previous, Status status, long nowNanos) {
		StatusSnapshot.Leadership leadership = previous.leadership();
		Lease lease = status.lease();
		return leadership != null && lease != null && status.role() == Role.LEADER
				&& leadership.term() == lease.term() && !lease.hasLapsedAt(nowNanos);
	}

	/**
	 * The publication when a member stops running: it is stopped, or has failed.
	 * @param previous the snapshot published last
	 * @param state the new state
	 * @param reason why a leadership that was active ends
	 * @param wallNow the wall clock now
	 * @return the next snapshot, a follower's of the same term that knows no leader, and its events
	 */
	Publication stopped(StatusSnapshot previous, RaftStatus.State state, LeadershipRevokedEvent.Reason reason,
			Instant wallNow) {
		return next(previous, withoutLeadership(previous.status()), state, false, false, reason, wallNow);
	}

	private Publication next(StatusSnapshot previous, Status status, RaftStatus.State state, boolean active,
			boolean catchingUp, LeadershipRevokedEvent.Reason revocationReason, Instant wallNow) {
		List<RaftEvent> events = new ArrayList<>();
		StatusSnapshot.Leadership leadership = previous.leadership();
		if (leadership != null && !active && !catchingUp) {
			events.add(new LeadershipRevokedEvent(this.eventSource, this.nodeId, leadership.term(), revocationReason,
					this.group));
			leadership = null;
		}
		else if (leadership == null && active) {
			leadership = new StatusSnapshot.Leadership(status.term(), wallNow);
			events.add(new LeadershipAcquiredEvent(this.eventSource, this.nodeId, status.term(), this.group));
		}
		String leaderId = status.leaderId();
		Instant lastLeaderContact = (leaderId != null) ? wallNow : previous.lastLeaderContact();
		Status before = previous.status();
		if (!Objects.equals(leaderId, before.leaderId()) || (leaderId != null && status.term() != before.term())) {
			events.add(new LeaderChangedEvent(this.eventSource, this.nodeId, status.term(), leaderId, this.group));
		}
		Membership membership = status.membership();
		if (membership != null && RaftLeadership.DEFAULT_GROUP.equals(this.group)
				&& (!membership.equals(before.membership())
				|| status.membershipIndex() != before.membershipIndex()
				|| status.isMembershipCommitted() != before.isMembershipCommitted())) {
			events.add(new MembershipChangedEvent(this.eventSource, this.nodeId, status.term(),
					RaftMembership.of(membership, status.membershipIndex(), status.isMembershipCommitted())));
		}
		return new Publication(new StatusSnapshot(status, state, leadership, lastLeaderContact), events);
	}

	private static Status withoutLeadership(Status status) {
		return new Status(status.nodeId(), Role.FOLLOWER, status.term(), null, status.votedFor(), status.commitIndex(),
				status.lastLogIndex(), status.lastLogTerm(), null, null, null, List.of(), status.membership(),
				status.membershipIndex(), status.formation(), status.removed());
	}

	private static LeadershipRevokedEvent.Reason revocationReason(Ready ready, Status status) {
		for (RoleChange change : ready.roleChanges()) {
			if (change.from() == Role.LEADER && change.reason() == RoleChange.Reason.HIGHER_TERM) {
				return LeadershipRevokedEvent.Reason.HIGHER_TERM;
			}
		}
		if (status.role() == Role.LEADER && status.transferTarget() != null) {
			return LeadershipRevokedEvent.Reason.TRANSFER;
		}
		return LeadershipRevokedEvent.Reason.LEASE_LOST;
	}

	/**
	 * What to publish after an input: the snapshot first, then the events.
	 *
	 * @param snapshot the next snapshot
	 * @param events the events of the change, in order; often none
	 */
	record Publication(StatusSnapshot snapshot, List<RaftEvent> events) {

		Publication {
			Objects.requireNonNull(snapshot, "snapshot");
			events = List.copyOf(events);
		}

		/** Whether the known leader changed. */
		boolean leaderChanged() {
			return this.events.stream().anyMatch(LeaderChangedEvent.class::isInstance);
		}

	}

}
