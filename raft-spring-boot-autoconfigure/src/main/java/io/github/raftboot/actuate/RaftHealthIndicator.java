package io.github.raftboot.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.leader.RaftStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * {@link HealthIndicator} for Raft leader election.
 *
 * <p>The status follows {@link RaftStatus#state()} and whether a leader is known:
 * <ul>
 * <li>{@code RUNNING} and a leader known (this replica or another): {@code UP}. Being a
 * follower is healthy, so this indicator is never {@code DOWN} merely because this replica
 * does not lead.</li>
 * <li>{@code RUNNING} and no leader known: {@code UP} during a grace period (normally the
 * maximum election timeout) that starts when a leader was last known
 * ({@link RaftStatus#lastLeaderContact()}) or, if none ever was, when this indicator first saw
 * the replica running; after it, the configured leaderless status ({@code OUT_OF_SERVICE} by
 * default, see {@code raft.health.leaderless-status}).</li>
 * <li>{@code FAILED} (its state could not be persisted, so it neither votes nor leads):
 * {@code DOWN}.</li>
 * <li>{@code STARTING} or {@code STOPPED}: {@code UNKNOWN}, since the replica does not take part
 * in elections yet or any more.</li>
 * </ul>
 * The details hold {@code nodeId}, {@code state}, {@code role}, {@code term}, {@code leader}
 * (whether this replica is the active leader) and, when known, {@code leaderId} and
 * {@code lastLeaderContact}.
 */
public class RaftHealthIndicator extends AbstractHealthIndicator {

	private final RaftLeadership leadership;

	private final Duration gracePeriod;

	private final Status leaderlessStatus;

	private final Clock clock;

	/** When this indicator first saw the replica running, since it last was not. */
	private final AtomicReference<@Nullable Instant> runningSince = new AtomicReference<>();

	/**
	 * Creates an indicator.
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
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		RaftStatus status = this.leadership.status();
		builder.status(status(status))
			.withDetail("nodeId", status.nodeId())
			.withDetail("state", status.state())
			.withDetail("role", status.role())
			.withDetail("term", status.term())
			.withDetail("leader", status.leader());
		if (status.leaderId() != null) {
			builder.withDetail("leaderId", status.leaderId());
		}
		if (status.lastLeaderContact() != null) {
			builder.withDetail("lastLeaderContact", status.lastLeaderContact());
		}
	}

	private Status status(RaftStatus status) {
		return switch (status.state()) {
			case RUNNING -> runningStatus(status);
			case FAILED -> {
				this.runningSince.set(null);
				yield Status.DOWN;
			}
			case STARTING, STOPPED -> {
				this.runningSince.set(null);
				yield Status.UNKNOWN;
			}
		};
	}

	private Status runningStatus(RaftStatus status) {
		Instant now = this.clock.instant();
		this.runningSince.compareAndSet(null, now);
		if (status.leaderId() != null) {
			return Status.UP;
		}
		Instant lastLeaderContact = status.lastLeaderContact();
		Instant since = (lastLeaderContact != null) ? lastLeaderContact : this.runningSince.get();
		boolean withinGracePeriod = since == null || !now.isAfter(since.plus(this.gracePeriod));
		return withinGracePeriod ? Status.UP : this.leaderlessStatus;
	}

}
