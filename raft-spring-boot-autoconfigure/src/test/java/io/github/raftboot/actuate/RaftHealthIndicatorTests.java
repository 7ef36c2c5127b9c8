package io.github.raftboot.actuate;

import java.time.Duration;
import java.time.Instant;

import io.github.raftboot.core.Role;
import io.github.raftboot.leader.RaftStatus;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RaftHealthIndicator}.
 */
class RaftHealthIndicatorTests {

	private static final Instant NOW = Instant.parse("2026-03-01T10:15:30Z");

	private static final Duration GRACE_PERIOD = Duration.ofMillis(300);

	private final MutableClock clock = new MutableClock(NOW);

	@Test
	void upWithDetailsWhileThisReplicaLeads() {
		Health health = health(FakeRaftLeadership.running("n1", Role.LEADER, 7, "n1", NOW));
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("nodeId", "n1")
			.containsEntry("role", Role.LEADER)
			.containsEntry("term", 7L)
			.containsEntry("leaderId", "n1")
			.containsEntry("leader", true)
			.containsEntry("state", RaftStatus.State.RUNNING);
	}

	@Test
	void upWhileAnotherReplicaLeads() {
		Health health = health(FakeRaftLeadership.running("n2", Role.FOLLOWER, 7, "n1", NOW));
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("role", Role.FOLLOWER)
			.containsEntry("leaderId", "n1")
			.containsEntry("leader", false);
	}

	@Test
	void neverDownMerelyBecauseThisReplicaFollows() {
		FakeRaftLeadership leadership = new FakeRaftLeadership(
				FakeRaftLeadership.running("n2", Role.FOLLOWER, 7, "n1", NOW));
		RaftHealthIndicator indicator = indicator(leadership, Status.DOWN);
		this.clock.advance(Duration.ofHours(1));
		leadership.setStatus(FakeRaftLeadership.running("n2", Role.FOLLOWER, 7, "n1", NOW.plus(Duration.ofHours(1))));
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void upWithoutKnownLeaderDuringGracePeriodSinceLeaderWasLastKnown() {
		Instant lastLeaderContact = NOW.minus(GRACE_PERIOD);
		Health health = health(FakeRaftLeadership.running("n2", Role.CANDIDATE, 8, null, lastLeaderContact));
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).doesNotContainKey("leaderId")
			.containsEntry("lastLeaderContact", lastLeaderContact)
			.containsEntry("leader", false);
	}

	@Test
	void leaderlessStatusAfterGracePeriodSinceLeaderWasLastKnown() {
		Instant lastLeaderContact = NOW.minus(GRACE_PERIOD).minusMillis(1);
		Health health = health(FakeRaftLeadership.running("n2", Role.PRE_CANDIDATE, 8, null, lastLeaderContact));
		assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		assertThat(health.getDetails()).containsEntry("role", Role.PRE_CANDIDATE);
	}

	@Test
	void gracePeriodStartsWhenFirstSeenRunningIfNoLeaderWasEverKnown() {
		RaftHealthIndicator indicator = indicator(
				new FakeRaftLeadership(FakeRaftLeadership.running("n1", Role.FOLLOWER, 0, null, null)),
				Status.OUT_OF_SERVICE);
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		this.clock.advance(GRACE_PERIOD);
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		this.clock.advance(Duration.ofMillis(1));
		assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
	}

	@Test
	void leaderlessStatusIsConfigurable() {
		Status degraded = new Status("DEGRADED");
		FakeRaftLeadership leadership = new FakeRaftLeadership(
				FakeRaftLeadership.running("n2", Role.FOLLOWER, 8, null, NOW.minusSeconds(10)));
		assertThat(indicator(leadership, degraded).health().getStatus()).isEqualTo(degraded);
		assertThat(indicator(leadership, Status.UP).health().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void upAgainOnceALeaderIsKnown() {
		FakeRaftLeadership leadership = new FakeRaftLeadership(
				FakeRaftLeadership.running("n2", Role.CANDIDATE, 8, null, NOW.minusSeconds(10)));
		RaftHealthIndicator indicator = indicator(leadership, Status.OUT_OF_SERVICE);
		assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		leadership.setStatus(FakeRaftLeadership.running("n2", Role.FOLLOWER, 9, "n3", NOW));
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void downWhenStateCouldNotBePersisted() {
		Health health = health(
				FakeRaftLeadership.status("n1", RaftStatus.State.FAILED, Role.FOLLOWER, 7, null, NOW.minusSeconds(1)));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("state", RaftStatus.State.FAILED);
	}

	@Test
	void unknownWhileStarting() {
		Health health = health(
				FakeRaftLeadership.status("n1", RaftStatus.State.STARTING, Role.FOLLOWER, 0, null, null));
		assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
	}

	@Test
	void unknownOnceStopped() {
		Instant lastLeaderContact = NOW.minusSeconds(60);
		Health health = health(
				FakeRaftLeadership.status("n1", RaftStatus.State.STOPPED, Role.FOLLOWER, 7, null, lastLeaderContact));
		assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
	}

	@Test
	void gracePeriodStartsAgainWhenRunningAgainAfterStop() {
		FakeRaftLeadership leadership = new FakeRaftLeadership(
				FakeRaftLeadership.running("n1", Role.FOLLOWER, 0, null, null));
		RaftHealthIndicator indicator = indicator(leadership, Status.OUT_OF_SERVICE);
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		leadership.setStatus(FakeRaftLeadership.status("n1", RaftStatus.State.STOPPED, Role.FOLLOWER, 0, null, null));
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UNKNOWN);
		leadership.setStatus(FakeRaftLeadership.running("n1", Role.FOLLOWER, 0, null, null));
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
	}

	private Health health(RaftStatus status) {
		return indicator(new FakeRaftLeadership(status), Status.OUT_OF_SERVICE).health();
	}

	private RaftHealthIndicator indicator(FakeRaftLeadership leadership, Status leaderlessStatus) {
		return new RaftHealthIndicator(leadership, GRACE_PERIOD, leaderlessStatus, this.clock);
	}

}
