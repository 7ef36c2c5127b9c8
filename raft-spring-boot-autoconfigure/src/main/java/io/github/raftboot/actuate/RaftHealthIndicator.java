package io.github.raftboot.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import io.github.raftboot.core.Formation;
import io.github.raftboot.leader.PeerStatus;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.leader.RaftMembership;
import io.github.raftboot.leader.RaftStatus;
import io.github.raftboot.leader.RaftTiming;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * {@link HealthIndicator} for Raft leader election.
 *
 * <p>The status follows {@link RaftStatus#state()}, this replica's
 * {@linkplain RaftStatus#standing() standing} and whether a leader is known:
 * <ul>
 * <li>Another process uses this replica's member id ({@link RaftStatus#conflict()} is set):
 * {@code DOWN}, whatever else holds, with a {@code reason} that quotes the conflict. Two
 * processes with one id break the election's safety; only the operator can mend it.</li>
 * <li>{@code RUNNING}, a member (voter or learner) and a leader known (this replica or
 * another): {@code UP}. Being a follower or a learner is healthy, so this indicator is never
 * {@code DOWN} merely because this replica does not lead.</li>
 * <li>{@code RUNNING} and no leader known, or not a member yet ({@code JOINING}: waiting to
 * form a cluster with every member of {@code raft.peers}, or to be added to one): {@code UP}
 * during a grace period (normally the maximum election timeout), then the configured leaderless
 * status ({@code OUT_OF_SERVICE} by default, see {@code raft.health.leaderless-status}). The
 * grace period counts from the later of when the replica started running
 * ({@link RaftStatus#runningSince()}) and when a leader was last known
 * ({@link RaftStatus#lastLeaderContact()}): a replica that has been leaderless since it started
 * is reported as such on the very first health check after the grace period, and one that
 * was just started is {@code UP}, whatever it knew before a restart.</li>
 * <li>{@code RUNNING} but removed from the cluster by a configuration ({@code REMOVED}): it
 * takes no part in elections any more, so {@code OUT_OF_SERVICE}.</li>
 * <li>{@code FAILED} (its state could not be persisted, so it neither votes nor leads):
 * {@code DOWN}.</li>
 * <li>{@code STARTING} or {@code STOPPED}: {@code UNKNOWN}, since the replica does not take part
 * in elections yet or any more.</li>
 * </ul>
 * The details hold {@code nodeId}, {@code state}, {@code role}, {@code term}, {@code leader}
 * (whether this replica is the active leader), {@code standing} and, when known,
 * {@code leaderId}, {@code lastLeaderContact} and {@code membership} (the configuration in
 * force: {@code voters}, {@code outgoingVoters}, {@code learners}, {@code joint},
 * {@code committed} and {@code index}); while joining, {@code formation} (the members of
 * {@code raft.peers} that {@code refused} to form the cluster or left it {@code unanswered});
 * {@code unreachablePeers}, the members whose last request failed after the last one that
 * succeeded, each with why and when (such as
 * {@code "append-entries: HTTP 401 \"...\" (at 2026-03-01T10:15:30Z)"}; a follower sends
 * requests only when it campaigns, so its view may date from then); while joining, once removed
 * or while another process uses its id, a {@code reason} that says what to do. Unreachable
 * peers do not change the status: a majority is enough.
 *
 * <p>When {@code raft.groups} names election groups besides the default one, the details also
 * hold {@code groups}: every group by name, the default one first, with this replica's
 * {@code role}, the group's {@code term}, {@code leader} (whether this replica leads it) and,
 * when known, {@code leaderId}. The status stays that of the default group: every group has the
 * same members, transport and thread, so what makes a replica unfit (a failed store, a
 * conflict of ids, removal, no contact with a majority) shows in the default group as in any;
 * a group between two leaders while the default group has one is an election under way, not a
 * sick replica, and a probe that took the replica out of service for it would move work for
 * nothing.
 *
 * <p>A {@link RaftLeadership} whose status does not tell {@code runningSince} (other than the
 * one auto-configured) gets an approximation: the latest instant at which this indicator knew
 * the replica was not running yet, its own creation (the auto-configuration creates it as the
 * application context starts, before the replica starts) or the last health check that saw the
 * replica starting or stopped; and the grace period then counts from the last leader contact
 * alone once a leader was known. The grace period may therefore end a little before one grace
 * period after the real start, never after it.
 */
public class RaftHealthIndicator extends AbstractHealthIndicator {

	private final RaftLeadership leadership;

	private final Duration gracePeriod;

	private final Status leaderlessStatus;

	private final Clock clock;

	/** The latest instant at which the replica is known not to have been running (yet, or again). */
	private final AtomicReference<Instant> notRunningAt;

	/**
	 * Creates an indicator. If the status does not tell when the replica started running,
	 * create it before the replica starts: the grace period then counts from the indicator's
	 * creation if it never sees the replica other than running.
	 * @param leadership this replica's view of leadership
	 * @param gracePeriod how long no known leader is still reported as {@code UP}
	 * @param leaderlessStatus the status reported when no leader has been known for longer
	 * than the grace period
	 * @param clock the wall clock, the same as the one of {@link RaftStatus#lastLeaderContact()}
	 */
	public RaftHealthIndicator(RaftLeadership leadership, Duration gracePeriod, Status leaderlessStatus, Clock clock) {
		super("Raft health check failed");
		this.leadership = Objects.requireNonNull(leadership, "leadership");
		this.gracePeriod = Objects.requireNonNull(gracePeriod, "gracePeriod");
		this.leaderlessStatus = Objects.requireNonNull(leaderlessStatus, "leaderlessStatus");
		this.clock = Objects.requireNonNull(clock, "clock");
		this.notRunningAt = new AtomicReference<>(clock.instant());
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		RaftStatus status = this.leadership.status();
		String conflict = status.conflict();
		Status current = status(status);
		builder.status((conflict != null) ? Status.DOWN : current)
			.withDetail("nodeId", status.nodeId())
			.withDetail("state", status.state())
			.withDetail("role", status.role())
			.withDetail("term", status.term())
			.withDetail("leader", status.leader())
			.withDetail("standing", status.standing());
		if (status.leaderId() != null) {
			builder.withDetail("leaderId", status.leaderId());
		}
		if (status.lastLeaderContact() != null) {
			builder.withDetail("lastLeaderContact", status.lastLeaderContact());
		}
		RaftMembership membership = status.membership();
		if (membership != null) {
			builder.withDetail("membership", membership(membership));
		}
		Formation formation = status.formation();
		if (status.standing() == RaftStatus.Standing.JOINING && formation != null) {
			builder.withDetail("formation", formation(formation));
		}
		RaftTiming timing = status.timing();
		if (timing != null && timing.widened()) {
			builder.withDetail("timing", timing.electionTimeoutMin().toMillis() + "-"
					+ timing.electionTimeoutMax().toMillis() + " ms election timeout, "
					+ timing.heartbeatInterval().toMillis() + " ms heartbeat, widened from the configured "
					+ timing.configuredElectionTimeoutMin().toMillis() + "-"
					+ timing.configuredElectionTimeoutMax().toMillis() + " ms: " + timing.reason());
		}
		if (this.leadership.groups().size() > 1) {
			builder.withDetail("groups", groups());
		}
		Map<String, String> unreachable = unreachablePeers(status);
		if (!unreachable.isEmpty()) {
			builder.withDetail("unreachablePeers", unreachable);
		}
		if (conflict != null) {
			builder.withDetail("reason", "Another process uses member id '" + status.nodeId()
					+ "' too, so the election is not safe (\"" + conflict + "\"): give every replica its own "
					+ "raft.node-id and raft.data-dir, then restart the one that had the wrong id");
		}
		else if (status.state() == RaftStatus.State.RUNNING) {
			switch (status.standing()) {
				case JOINING -> builder.withDetail("reason", "'" + status.nodeId()
						+ "' has joined no cluster yet: it waits until every member of raft.peers is up to form one, "
						+ "or until the leader of a running cluster adds it (POST /actuator/raft/members/"
						+ status.nodeId() + " on the leader, with its url)");
				case REMOVED -> builder.withDetail("reason", "'" + status.nodeId()
						+ "' was removed from the cluster and takes no part in it any more: stop it, or add it again "
						+ "(POST /actuator/raft/members/" + status.nodeId() + " on the leader, with its url)");
				default -> {
				}
			}
		}
	}

	private Status status(RaftStatus status) {
		Instant now = this.clock.instant();
		return switch (status.state()) {
			case RUNNING -> runningStatus(status, now);
			case FAILED -> {
				this.notRunningAt.set(now);
				yield Status.DOWN;
			}
			case STARTING, STOPPED -> {
				this.notRunningAt.set(now);
				yield Status.UNKNOWN;
			}
		};
	}

	private Status runningStatus(RaftStatus status, Instant now) {
		if (status.standing() == RaftStatus.Standing.REMOVED) {
			return Status.OUT_OF_SERVICE;
		}
		if (status.standing() != RaftStatus.Standing.JOINING && status.leaderId() != null) {
			return Status.UP;
		}
		return now.isAfter(leaderlessSince(status).plus(this.gracePeriod)) ? this.leaderlessStatus : Status.UP;
	}

	/** From when the grace period counts. */
	private Instant leaderlessSince(RaftStatus status) {
		Instant lastLeaderContact = status.lastLeaderContact();
		Instant runningSince = status.runningSince();
		if (runningSince == null) {
			return (lastLeaderContact != null) ? lastLeaderContact : this.notRunningAt.get();
		}
		return (lastLeaderContact != null && lastLeaderContact.isAfter(runningSince)) ? lastLeaderContact
				: runningSince;
	}

	/** Every election group by name, the default one first: its role, term and leader. */
	private Map<String, Object> groups() {
		Map<String, Object> groups = new LinkedHashMap<>();
		for (String name : this.leadership.groups()) {
			RaftStatus status = this.leadership.group(name).status();
			Map<String, Object> group = new LinkedHashMap<>();
			group.put("role", status.role());
			group.put("term", status.term());
			group.put("leader", status.leader());
			if (status.leaderId() != null) {
				group.put("leaderId", status.leaderId());
			}
			groups.put(name, group);
		}
		return groups;
	}

	/** The peers whose last request failed after the last one that succeeded: why, and when. */
	private static Map<String, String> unreachablePeers(RaftStatus status) {
		Map<String, String> unreachable = new LinkedHashMap<>();
		for (PeerStatus peer : status.peers()) {
			String lastError = peer.lastError();
			Instant lastErrorAt = peer.lastErrorAt();
			Instant lastContact = peer.lastContact();
			if (lastError != null && lastErrorAt != null
					&& (lastContact == null || lastErrorAt.isAfter(lastContact))) {
				unreachable.put(peer.id(), lastError + " (at " + lastErrorAt + ")");
			}
		}
		return unreachable;
	}

	private static Map<String, Object> membership(RaftMembership membership) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("voters", membership.voters());
		details.put("outgoingVoters", membership.outgoingVoters());
		details.put("learners", membership.learners());
		details.put("joint", membership.joint());
		details.put("committed", membership.committed());
		details.put("index", membership.index());
		return details;
	}

	private static Map<String, Object> formation(Formation formation) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("refused", formation.refused());
		details.put("unanswered", formation.unanswered());
		return details;
	}

}
