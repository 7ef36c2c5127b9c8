package io.github.raftboot.actuate;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import io.github.raftboot.core.Formation;
import io.github.raftboot.core.Role;
import io.github.raftboot.leader.PeerStatus;
import io.github.raftboot.leader.RaftStatus;
import io.github.raftboot.test.TestRaftLeadership;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RaftHealthIndicator}. The statuses of {@link Statuses#running} do not
 * tell when the replica started running unless {@link Statuses#runningSince} adds it;
 * the tests named {@code withoutRunningSince...} cover the indicator's approximation for those.
 */
class RaftHealthIndicatorTests {

	private static final Instant NOW = Instant.parse("2026-03-01T10:15:30Z");

	private static final Duration GRACE_PERIOD = Duration.ofMillis(300);

	private final MutableClock clock = new MutableClock(NOW);

	@Test
	void upWithDetailsWhileThisReplicaLeads() {
		Health health = health(Statuses.running("n1", Role.LEADER, 7, "n1", NOW));
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("nodeId", "n1")
			.containsEntry("role", Role.LEADER)
			.containsEntry("term", 7L)
			.containsEntry("leaderId", "n1")
			.containsEntry("leader", true)
			.containsEntry("state", RaftStatus.State.RUNNING);
	}

	@Test
	void namesAWidenedTimingAndWhyButNotTheConfiguredOne() {
		Health widened = health(
				Statuses.withTiming(Statuses.running("n1", Role.LEADER, 7, "n1", NOW), Statuses.timing(1, 2, 0)));
		assertThat(widened.getStatus()).isEqualTo(Status.UP);
		assertThat(widened.getDetails()).containsEntry("timing", "300-600 ms election timeout, 100 ms heartbeat, "
				+ "widened from the configured 150-300 ms: widened after 2 lease lapses within 30 s");
		Health configured = health(
				Statuses.withTiming(Statuses.running("n1", Role.LEADER, 7, "n1", NOW), Statuses.timing(0, 0, 0)));
		assertThat(configured.getDetails()).doesNotContainKey("timing");
	}

	@Test
	void upWhileAnotherReplicaLeads() {
		Health health = health(Statuses.running("n2", Role.FOLLOWER, 7, "n1", NOW));
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("role", Role.FOLLOWER)
			.containsEntry("leaderId", "n1")
			.containsEntry("leader", false);
	}

	@Test
	void neverDownMerelyBecauseThisReplicaFollows() {
		TestRaftLeadership leadership = Statuses.leadership(
				Statuses.running("n2", Role.FOLLOWER, 7, "n1", NOW));
		RaftHealthIndicator indicator = indicator(leadership, Status.DOWN);
		this.clock.advance(Duration.ofHours(1));
		leadership.setStatus(Statuses.running("n2", Role.FOLLOWER, 7, "n1", NOW.plus(Duration.ofHours(1))));
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void upWithoutKnownLeaderDuringGracePeriodSinceLeaderWasLastKnown() {
		Instant lastLeaderContact = NOW.minus(GRACE_PERIOD);
		Health health = health(Statuses.running("n2", Role.CANDIDATE, 8, null, lastLeaderContact));
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).doesNotContainKey("leaderId")
			.containsEntry("lastLeaderContact", lastLeaderContact)
			.containsEntry("leader", false);
	}

	@Test
	void leaderlessStatusAfterGracePeriodSinceLeaderWasLastKnown() {
		Instant lastLeaderContact = NOW.minus(GRACE_PERIOD).minusMillis(1);
		Health health = health(Statuses.running("n2", Role.PRE_CANDIDATE, 8, null, lastLeaderContact));
		assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		assertThat(health.getDetails()).containsEntry("role", Role.PRE_CANDIDATE);
	}

	@Test
	void withoutRunningSinceGracePeriodCountsFromTheIndicatorsCreationIfNoLeaderWasEverKnown() {
		RaftHealthIndicator indicator = indicator(
				Statuses.leadership(Statuses.running("n1", Role.FOLLOWER, 0, null, null)),
				Status.OUT_OF_SERVICE);
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		this.clock.advance(GRACE_PERIOD);
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		this.clock.advance(Duration.ofMillis(1));
		assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
	}

	@Test
	void withoutRunningSinceAReplicaLeaderlessSinceItsStartIsReportedSoOnTheVeryFirstHealthCheck() {
		// Created as the context starts, like the auto-configuration does, then never asked until
		// the replica has been running without a leader for longer than the grace period
		TestRaftLeadership leadership = Statuses.leadership(
				Statuses.status("n1", RaftStatus.State.STARTING, Role.FOLLOWER, 0, null, null));
		RaftHealthIndicator indicator = indicator(leadership, Status.OUT_OF_SERVICE);
		leadership.setStatus(Statuses.running("n1", Role.PRE_CANDIDATE, 0, null, null));
		this.clock.advance(GRACE_PERIOD.plusMillis(1));
		assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
	}

	@Test
	void withoutRunningSinceGracePeriodCountsFromTheLastHealthCheckThatSawTheReplicaStarting() {
		TestRaftLeadership leadership = Statuses.leadership(
				Statuses.status("n1", RaftStatus.State.STARTING, Role.FOLLOWER, 0, null, null));
		RaftHealthIndicator indicator = indicator(leadership, Status.OUT_OF_SERVICE);
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UNKNOWN);
		leadership.setStatus(Statuses.running("n1", Role.FOLLOWER, 0, null, null));
		this.clock.advance(GRACE_PERIOD);
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		this.clock.advance(Duration.ofMillis(1));
		assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
	}

	@Test
	void leaderlessStatusIsConfigurable() {
		Status degraded = new Status("DEGRADED");
		TestRaftLeadership leadership = Statuses.leadership(
				Statuses.running("n2", Role.FOLLOWER, 8, null, NOW.minusSeconds(10)));
		assertThat(indicator(leadership, degraded).health().getStatus()).isEqualTo(degraded);
		assertThat(indicator(leadership, Status.UP).health().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void upAgainOnceALeaderIsKnown() {
		TestRaftLeadership leadership = Statuses.leadership(
				Statuses.running("n2", Role.CANDIDATE, 8, null, NOW.minusSeconds(10)));
		RaftHealthIndicator indicator = indicator(leadership, Status.OUT_OF_SERVICE);
		assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		leadership.setStatus(Statuses.running("n2", Role.FOLLOWER, 9, "n3", NOW));
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void downWhenStateCouldNotBePersisted() {
		Health health = health(
				Statuses.status("n1", RaftStatus.State.FAILED, Role.FOLLOWER, 7, null, NOW.minusSeconds(1)));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("state", RaftStatus.State.FAILED);
	}

	@Test
	void unknownWhileStarting() {
		Health health = health(
				Statuses.status("n1", RaftStatus.State.STARTING, Role.FOLLOWER, 0, null, null));
		assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
	}

	@Test
	void unknownOnceStopped() {
		Instant lastLeaderContact = NOW.minusSeconds(60);
		Health health = health(
				Statuses.status("n1", RaftStatus.State.STOPPED, Role.FOLLOWER, 7, null, lastLeaderContact));
		assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
	}

	@Test
	void withoutRunningSinceGracePeriodCountsAgainFromTheLastHealthCheckThatSawTheReplicaStopped() {
		TestRaftLeadership leadership = Statuses.leadership(
				Statuses.running("n1", Role.FOLLOWER, 0, null, null));
		RaftHealthIndicator indicator = indicator(leadership, Status.OUT_OF_SERVICE);
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		leadership.setStatus(Statuses.status("n1", RaftStatus.State.STOPPED, Role.FOLLOWER, 0, null, null));
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UNKNOWN);
		leadership.setStatus(Statuses.running("n1", Role.FOLLOWER, 0, null, null));
		this.clock.advance(GRACE_PERIOD);
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		this.clock.advance(Duration.ofMillis(1));
		assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
	}

	@Test
	void detailsHoldTheStandingAndTheConfigurationInForce() {
		Health health = health(Statuses.leaderOfFourWithALearner(NOW));
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("standing", RaftStatus.Standing.VOTER)
			.doesNotContainKeys("formation", "reason");
		assertThat(health.getDetails().get("membership")).isEqualTo(Map.of("voters", Set.of("n1", "n2", "n3"),
				"outgoingVoters", Set.of(), "learners", Set.of("n4"), "joint", false, "committed", true, "index", 12L));
	}

	@Test
	void aLearnerThatKnowsTheLeaderIsUp() {
		RaftStatus learner = Statuses.withMembership(
				Statuses.running("n4", Role.FOLLOWER, 7, "n1", NOW), RaftStatus.Standing.LEARNER,
				Statuses.membership(Set.of("n1", "n2", "n3"), Set.of(), Set.of("n4"), 12, false), null);
		Health health = health(learner);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("standing", RaftStatus.Standing.LEARNER)
			.doesNotContainKey("reason");
	}

	@Test
	void aJoiningReplicaIsUpDuringTheGracePeriodThenLeaderlessAndSaysWhatItWaitsFor() {
		TestRaftLeadership leadership = Statuses.leadership(joining());
		Status degraded = new Status("DEGRADED");
		RaftHealthIndicator indicator = indicator(leadership, degraded);
		Health health = indicator.health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("standing", RaftStatus.Standing.JOINING)
			.containsEntry("formation", Map.of("refused", Set.of("n2"), "unanswered", Set.of("n3")))
			.doesNotContainKey("membership");
		assertThat(health.getDetails().get("reason")).asString()
			.contains("joined no cluster", "raft.peers", "POST /actuator/raft/members/n1");
		this.clock.advance(GRACE_PERIOD.plusMillis(1));
		assertThat(indicator.health().getStatus()).isEqualTo(degraded);
	}

	@Test
	void aJoiningReplicaCountsAsLeaderlessEvenIfItKnowsALeader() {
		// A voter that knows a leader is up whenever it last heard from it; a replica that is no
		// member yet is not
		RaftStatus joining = Statuses.withMembership(
				Statuses.running("n1", Role.FOLLOWER, 3, "n2", NOW.minusSeconds(10)),
				RaftStatus.Standing.JOINING, null, null);
		assertThat(health(joining).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
	}

	@Test
	void aRemovedReplicaIsOutOfServiceAndSaysWhatToDo() {
		RaftStatus removed = Statuses.withMembership(
				Statuses.running("n3", Role.FOLLOWER, 9, "n1", NOW), RaftStatus.Standing.REMOVED,
				Statuses.membership(Set.of("n1", "n2"), Set.of(), Set.of(), 20, true), null);
		// Out of service at once, whatever the leaderless status, although it knows the leader
		Health health = indicator(Statuses.leadership(removed), Status.UP).health();
		assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		assertThat(health.getDetails()).containsEntry("standing", RaftStatus.Standing.REMOVED);
		assertThat(health.getDetails().get("reason")).asString()
			.contains("removed from the cluster", "stop it", "add it again", "POST /actuator/raft/members/n3");
	}

	@Test
	void aStoppedReplicaHasNoReasonWhateverItsStanding() {
		RaftStatus stopped = Statuses.withMembership(
				Statuses.status("n3", RaftStatus.State.STOPPED, Role.FOLLOWER, 9, null, NOW),
				RaftStatus.Standing.REMOVED, null, null);
		Health health = health(stopped);
		assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
		assertThat(health.getDetails()).doesNotContainKey("reason");
	}

	@Test
	void aReplicaLeaderlessSinceItStartedIsReportedSoOnTheFirstHealthCheckAfterTheGracePeriod() {
		// The indicator is created (and asked) long after the replica started: the grace period
		// counts from the start the status tells, not from the indicator's creation
		RaftStatus status = Statuses.runningSince(
				Statuses.running("n1", Role.PRE_CANDIDATE, 0, null, null), NOW.minus(GRACE_PERIOD).minusMillis(1));
		assertThat(health(status).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
	}

	@Test
	void aReplicaJustStartedIsUpWhateverItKnewBeforeARestart() {
		// Its last leader contact dates from before it was stopped and started again
		TestRaftLeadership leadership = Statuses.leadership(Statuses
			.runningSince(Statuses.running("n1", Role.FOLLOWER, 4, null, NOW.minusSeconds(3600)), NOW));
		RaftHealthIndicator indicator = indicator(leadership, Status.OUT_OF_SERVICE);
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		this.clock.advance(GRACE_PERIOD);
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		this.clock.advance(Duration.ofMillis(1));
		assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
	}

	@Test
	void gracePeriodCountsFromTheLastLeaderContactWhenThatIsLaterThanTheStart() {
		Instant lastLeaderContact = NOW.minusMillis(100);
		TestRaftLeadership leadership = Statuses.leadership(Statuses.runningSince(
				Statuses.running("n2", Role.CANDIDATE, 8, null, lastLeaderContact), NOW.minusSeconds(60)));
		RaftHealthIndicator indicator = indicator(leadership, Status.OUT_OF_SERVICE);
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		this.clock.advance(GRACE_PERIOD.minusMillis(100));
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		this.clock.advance(Duration.ofMillis(1));
		assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
	}

	@Test
	void aReplicaWhoseIdAnotherProcessUsesIsDownAndQuotesTheConflict() {
		String conflict = "Member id 'n1' is used by two processes at once (instances a1 and b2); every replica "
				+ "needs its own raft.node-id";
		// Down although it runs and knows a leader, whatever the leaderless status
		RaftStatus status = Statuses.withConflict(Statuses.running("n1", Role.FOLLOWER, 7, "n2", NOW),
				conflict);
		Health health = indicator(Statuses.leadership(status), Status.UP).health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails().get("reason")).asString()
			.contains("Another process uses member id 'n1'", "\"" + conflict + "\"", "own raft.node-id");
	}

	@Test
	void aConflictOfIdsOutweighsTheReasonOfAJoiningReplica() {
		RaftStatus status = Statuses.withConflict(joining(), "Member id 'n1' is this replica's own");
		Health health = health(status);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails().get("reason")).asString()
			.contains("Another process uses member id 'n1'")
			.doesNotContain("joined no cluster");
	}

	@Test
	void detailsNameThePeersWhoseLastRequestFailedAfterTheLastThatSucceededAndWhy() {
		PeerStatus refusing = peer("n2", NOW.minusSeconds(60),
				"append-entries: HTTP 401 \"A valid 'Authorization: Bearer <token>' header is required\"",
				NOW.minusMillis(50));
		PeerStatus backAgain = peer("n3", NOW.minusMillis(10), "append-entries: no answer within 100 ms",
				NOW.minusSeconds(5));
		PeerStatus neverReached = peer("n4", null, "request-vote: ConnectException: Connection refused",
				NOW.minusSeconds(1));
		PeerStatus fine = peer("n5", NOW, null, null);
		Health health = health(
				Statuses.running("n1", Role.LEADER, 7, "n1", NOW, refusing, backAgain, neverReached, fine));
		// A majority is enough: failing peers do not change the status
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails().get("unreachablePeers")).isEqualTo(Map.of("n2",
				"append-entries: HTTP 401 \"A valid 'Authorization: Bearer <token>' header is required\" (at "
						+ NOW.minusMillis(50) + ")",
				"n4", "request-vote: ConnectException: Connection refused (at " + NOW.minusSeconds(1) + ")"));
	}

	@Test
	void detailsHaveNoUnreachablePeersWhenEveryPeerAnswers() {
		Health health = health(Statuses.running("n1", Role.LEADER, 7, "n1", NOW, peer("n2", NOW, null, null),
				peer("n3", NOW, "append-entries: HTTP 503", NOW.minusSeconds(1))));
		assertThat(health.getDetails()).doesNotContainKey("unreachablePeers");
	}

	private static PeerStatus peer(String id, @Nullable Instant lastContact, @Nullable String lastError,
			@Nullable Instant lastErrorAt) {
		return new PeerStatus(id, URI.create("http://" + id + ":8080"), lastContact, "CLOSED", null,
				RaftStatus.Standing.VOTER, true, lastError, lastErrorAt);
	}

	private static RaftStatus joining() {
		return Statuses.withMembership(Statuses.running("n1", Role.FOLLOWER, 0, null, null),
				RaftStatus.Standing.JOINING, null, new Formation(Set.of(), Set.of("n2"), Set.of("n3")));
	}

	private Health health(RaftStatus status) {
		return indicator(Statuses.leadership(status), Status.OUT_OF_SERVICE).health();
	}

	private RaftHealthIndicator indicator(TestRaftLeadership leadership, Status leaderlessStatus) {
		return new RaftHealthIndicator(leadership, GRACE_PERIOD, leaderlessStatus, this.clock);
	}

}
