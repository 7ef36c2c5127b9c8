package io.github.raftboot.actuate;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.raftboot.core.InMemoryStorage;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.Role;
import io.github.raftboot.event.MembershipChangedEvent;
import io.github.raftboot.leader.PeerStatus;
import io.github.raftboot.leader.RaftMembership;
import io.github.raftboot.leader.RaftStatus;
import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.runtime.RaftStatistics;
import io.github.raftboot.runtime.StatisticsAccess;
import io.github.raftboot.test.TestRaftLeadership;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RaftMetrics}.
 */
class RaftMetricsTests {

	private static final Instant NOW = Instant.parse("2026-03-01T10:15:30Z");

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final MutableClock clock = new MutableClock(NOW);

	/** Never started: its counters stay at zero. */
	private final RaftServer idleServer = singleMemberServer();

	@Test
	void termLeaderAndRoleGaugesFollowTheStatus() {
		TestRaftLeadership leadership = Statuses.leadership(
				Statuses.running("n1", Role.FOLLOWER, 3, "n2", NOW));
		bind(leadership);
		assertThat(gauge("raft.term")).isEqualTo(3);
		assertThat(gauge("raft.leader")).isZero();
		assertThat(roles()).containsExactly(1.0, 0.0, 0.0, 0.0);
		leadership.setStatus(Statuses.running("n1", Role.CANDIDATE, 4, null, NOW));
		assertThat(gauge("raft.term")).isEqualTo(4);
		assertThat(roles()).containsExactly(0.0, 0.0, 1.0, 0.0);
		leadership.setStatus(Statuses.running("n1", Role.LEADER, 4, "n1", NOW));
		assertThat(gauge("raft.leader")).isOne();
		assertThat(roles()).containsExactly(0.0, 0.0, 0.0, 1.0);
	}

	@Test
	void peerLastContactAgeIsInSecondsAndNaNWhenNeverReached() {
		TestRaftLeadership leadership = Statuses.leadership(Statuses.running("n1", Role.LEADER, 3, "n1",
				NOW, new PeerStatus("n2", null, NOW.minusMillis(1500), "CLOSED", 5L),
				new PeerStatus("n3", null, null, "OPEN", 0L)));
		bind(leadership);
		assertThat(this.registry.get("raft.peer.last.contact.age").tag("peer", "n2").gauge().value()).isEqualTo(1.5);
		assertThat(this.registry.get("raft.peer.last.contact.age").tag("peer", "n3").gauge().value()).isNaN();
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(this.registry.get("raft.peer.last.contact.age").tag("peer", "n2").gauge().value()).isEqualTo(3.5);
		leadership.setStatus(Statuses.running("n1", Role.LEADER, 3, "n1", NOW,
				new PeerStatus("n2", null, NOW.minusMillis(1500), "CLOSED", 5L),
				new PeerStatus("n3", null, NOW.plusSeconds(1), "CLOSED", 5L)));
		assertThat(this.registry.get("raft.peer.last.contact.age").tag("peer", "n3").gauge().value()).isEqualTo(1.0);
		assertThat(this.registry.get("raft.peer.last.contact.age").gauges()).hasSize(2);
	}

	@Test
	void timingGaugesAndIncidentCountersFollowTheStatus() {
		TestRaftLeadership leadership = Statuses
			.leadership(Statuses.withTiming(Statuses.running("n1", Role.LEADER, 3, "n1", NOW,
					new PeerStatus("n2", null, NOW, "CLOSED", 5L, RaftStatus.Standing.VOTER, true, null, null,
							Duration.ofMillis(3))),
					Statuses.timing(0, 0, 0)));
		bind(leadership);
		assertThat(gauge("raft.timing.level")).isZero();
		assertThat(gauge("raft.timing.election.timeout.min")).isEqualTo(0.15);
		assertThat(this.registry.get("raft.incidents").tag("kind", "lease-lapse").functionCounter().count()).isZero();
		assertThat(this.registry.get("raft.peer.round.trip").tag("peer", "n2").gauge().value()).isEqualTo(0.003);
		leadership.setStatus(Statuses.withTiming(leadership.status(), Statuses.timing(1, 2, 3)));
		assertThat(gauge("raft.timing.level")).isOne();
		assertThat(gauge("raft.timing.election.timeout.min")).isEqualTo(0.3);
		assertThat(this.registry.get("raft.incidents").tag("kind", "lease-lapse").functionCounter().count()).isEqualTo(2);
		assertThat(this.registry.get("raft.incidents").tag("kind", "pause").functionCounter().count()).isEqualTo(3);
		assertThat(this.registry.get("raft.incidents").tag("kind", "late-round").functionCounter().count()).isOne();
		assertThat(this.registry.get("raft.timing.changes").functionCounter().count()).isOne();
	}

	@Test
	void everyMeterIsTaggedWithTheNodeId() {
		bind(Statuses.leadership(Statuses.running("n1", Role.FOLLOWER, 3, "n2", NOW,
				new PeerStatus("n2", null, null, null, null))));
		assertThat(this.registry.getMeters()).extracting((meter) -> meter.getId().getName())
			.contains("raft.term", "raft.leader", "raft.role", "raft.elections.started", "raft.elections.won",
					"raft.elections.lost", "raft.prevotes.started", "raft.leader.changes",
					"raft.membership.voters", "raft.membership.learners", "raft.membership.joint",
					"raft.peer.last.contact.age", "raft.peer.round.trip", "raft.timing.level",
					"raft.timing.election.timeout.min", "raft.incidents", "raft.timing.changes", "raft.pauses",
					"raft.pause.duration");
		assertThat(this.registry.getMeters()).hasSize(25)
			.allSatisfy((meter) -> assertThat(meter.getId().getTag("node")).isEqualTo("n1"));
	}

	@Test
	void pausesAreCountedAndTimed() {
		RaftStatistics statistics = new RaftStatistics();
		new RaftMetrics(Statuses.leadership(Statuses.running("n1", Role.FOLLOWER, 3, "n2", NOW)), statistics,
				this.clock)
			.bindTo(this.registry);
		assertThat(counter("raft.pauses")).isZero();
		StatisticsAccess.recordPause(statistics, Duration.ofMillis(120));
		StatisticsAccess.recordPause(statistics, Duration.ofMillis(480));
		assertThat(counter("raft.pauses")).isEqualTo(2);
		Timer duration = this.registry.get("raft.pause.duration").tag("node", "n1").timer();
		assertThat(duration.count()).isEqualTo(2);
		assertThat(duration.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(600);
		assertThat(duration.max(TimeUnit.MILLISECONDS)).isEqualTo(480);
	}

	@Test
	void membershipGaugesCountTheMembersOfTheConfigurationInForce() {
		TestRaftLeadership leadership = Statuses.leadership(Statuses.leaderOfFourWithALearner(NOW));
		bind(leadership);
		assertThat(gauge("raft.membership.voters")).isEqualTo(3);
		assertThat(gauge("raft.membership.learners")).isOne();
		assertThat(gauge("raft.membership.joint")).isZero();
		leadership.setStatus(withMembership(leadership.status(),
				Statuses.membership(Set.of("n1", "n2", "n4"), Set.of("n1", "n2", "n3"), Set.of(), 14, false)));
		assertThat(gauge("raft.membership.voters")).isEqualTo(3);
		assertThat(gauge("raft.membership.learners")).isZero();
		assertThat(gauge("raft.membership.joint")).isOne();
	}

	@Test
	void membershipGaugesAreNaNWhileThisReplicaHasJoinedNoCluster() {
		bind(Statuses.leadership(Statuses.withMembership(
				Statuses.running("n1", Role.FOLLOWER, 0, null, null), RaftStatus.Standing.JOINING, null,
				null)));
		assertThat(gauge("raft.membership.voters")).isNaN();
		assertThat(gauge("raft.membership.learners")).isNaN();
		assertThat(gauge("raft.membership.joint")).isNaN();
	}

	@Test
	void learnerLagIsTheCommittedEntriesTheLearnerStillLacksWhileThisReplicaLeads() {
		TestRaftLeadership leadership = Statuses.leadership(Statuses.leaderOfFourWithALearner(NOW));
		bind(leadership);
		// Commit index 41, n4 matched up to 25
		assertThat(learnerLag("n4")).isEqualTo(16);
		assertThat(this.registry.find("raft.learner.lag").gauges()).singleElement()
			.satisfies((gauge) -> assertThat(gauge.getId().getTag("node")).isEqualTo("n1"));
		leadership.setStatus(withPeers(leadership.status(), peer("n2", 41L, RaftStatus.Standing.VOTER),
				peer("n3", 41L, RaftStatus.Standing.VOTER), peer("n4", 45L, RaftStatus.Standing.LEARNER)));
		assertThat(learnerLag("n4")).as("a learner ahead of the commit index").isZero();
	}

	@Test
	void learnerLagFollowsTheLearnersAndLeadership() {
		TestRaftLeadership leadership = Statuses.leadership(Statuses.leaderOfFourWithALearner(NOW));
		RaftMetrics metrics = bind(leadership);
		// n5 added as a learner
		leadership.setStatus(withMembership(
				withPeers(leadership.status(), peer("n2", 41L, RaftStatus.Standing.VOTER),
						peer("n3", 40L, RaftStatus.Standing.VOTER), peer("n4", 25L, RaftStatus.Standing.LEARNER),
						peer("n5", 0L, RaftStatus.Standing.LEARNER)),
				Statuses.membership(Set.of("n1", "n2", "n3"), Set.of(), Set.of("n4", "n5"), 13, false)));
		metrics.onApplicationEvent(membershipChanged(leadership));
		assertThat(learnerLag("n5")).isEqualTo(41);
		// n4 promoted: no learner lag for a voter
		leadership.setStatus(withMembership(leadership.status(),
				Statuses.membership(Set.of("n1", "n2", "n3", "n4"), Set.of("n1", "n2", "n3"), Set.of("n5"),
						14, false)));
		metrics.onApplicationEvent(membershipChanged(leadership));
		assertThat(this.registry.find("raft.learner.lag").tag("peer", "n4").gauge()).isNull();
		// Leadership lost: the lag is no longer known, and its meter goes
		RaftStatus follower = withPeers(leadership.status(), peer("n2", null, RaftStatus.Standing.VOTER),
				peer("n3", null, RaftStatus.Standing.VOTER), peer("n4", null, RaftStatus.Standing.VOTER),
				peer("n5", null, RaftStatus.Standing.LEARNER));
		leadership.setStatus(new RaftStatus("n1", RaftStatus.State.RUNNING, Role.FOLLOWER, 8, "n2", false, null, "n2",
				41, 42, NOW, follower.peers(), RaftStatus.Standing.VOTER, follower.membership(), null));
		assertThat(learnerLag("n5")).as("read before the event").isNaN();
		metrics.onApplicationEvent(membershipChanged(leadership));
		assertThat(this.registry.find("raft.learner.lag").gauges()).isEmpty();
	}

	@Test
	void peerMetersFollowThePeersAsMembersComeAndGo() {
		TestRaftLeadership leadership = Statuses.leadership(Statuses.leaderOfFourWithALearner(NOW));
		RaftMetrics metrics = bind(leadership);
		assertThat(peersWithMeter("raft.peer.last.contact.age")).containsExactlyInAnyOrder("n2", "n3", "n4");
		for (int i = 5; i < 25; i++) {
			// n<i> comes as a learner, and the previous newcomer leaves
			leadership.setStatus(withPeers(leadership.status(), peer("n2", 41L, RaftStatus.Standing.VOTER),
					peer("n3", 41L, RaftStatus.Standing.VOTER), peer("n" + i, 0L, RaftStatus.Standing.LEARNER)));
			leadership.setStatus(withMembership(leadership.status(),
					Statuses.membership(Set.of("n1", "n2", "n3"), Set.of(), Set.of("n" + i), 20 + i, true)));
			metrics.onApplicationEvent(membershipChanged(leadership));
			assertThat(peersWithMeter("raft.peer.last.contact.age")).containsExactlyInAnyOrder("n2", "n3", "n" + i);
			assertThat(peersWithMeter("raft.learner.lag")).containsExactly("n" + i);
		}
		assertThat(peersWithMeter("raft.peer.round.trip")).containsExactlyInAnyOrder("n2", "n3", "n24");
		// 23 meters of the replica, the age of contact with and round trip of 3 peers, the lag of 1 learner
		assertThat(this.registry.getMeters()).hasSize(23 + 3 * 2 + 1);
	}

	@Test
	void peerMetersFollowThePeersInEveryRegistryTheyAreBoundTo() {
		TestRaftLeadership leadership = Statuses.leadership(Statuses.leaderOfFourWithALearner(NOW));
		MeterRegistry other = new SimpleMeterRegistry();
		RaftMetrics metrics = bind(leadership);
		metrics.bindTo(other);
		leadership.setStatus(withPeers(leadership.status(), peer("n2", 41L, RaftStatus.Standing.VOTER)));
		metrics.onApplicationEvent(membershipChanged(leadership));
		assertThat(other.find("raft.peer.last.contact.age").gauges()).singleElement()
			.satisfies((gauge) -> assertThat(gauge.getId().getTag("peer")).isEqualTo("n2"));
		assertThat(peersWithMeter("raft.peer.last.contact.age")).containsExactly("n2");
	}

	@Test
	void countersFollowTheStatisticsOfTheServer() throws InterruptedException {
		RaftServer server = singleMemberServer();
		new RaftMetrics(server).bindTo(this.registry);
		assertThat(counter("raft.elections.won")).isZero();
		assertThat(counter("raft.leader.changes")).isZero();
		server.start();
		try {
			assertThat(server.awaitLeadership(Duration.ofSeconds(10))).isTrue();
			RaftStatistics statistics = server.statistics();
			assertThat(counter("raft.elections.won")).isOne();
			assertThat(counter("raft.elections.started")).isEqualTo(statistics.electionsStarted()).isPositive();
			assertThat(counter("raft.elections.lost")).isEqualTo(statistics.electionsLost());
			assertThat(counter("raft.prevotes.started")).isEqualTo(statistics.preVotesStarted());
			assertThat(counter("raft.leader.changes")).isOne();
			assertThat(gauge("raft.leader")).isOne();
			assertThat(gauge("raft.term")).isEqualTo(server.currentTerm()).isPositive();
			assertThat(this.registry.get("raft.role").tag("role", "LEADER").gauge().value()).isOne();
		}
		finally {
			server.stop();
		}
	}

	private RaftMetrics bind(TestRaftLeadership leadership) {
		RaftMetrics metrics = new RaftMetrics(leadership, this.idleServer.statistics(), this.clock);
		metrics.bindTo(this.registry);
		return metrics;
	}

	private double learnerLag(String peer) {
		return this.registry.get("raft.learner.lag").tag("node", "n1").tag("peer", peer).gauge().value();
	}

	private List<String> peersWithMeter(String name) {
		return this.registry.find(name).gauges().stream().map((gauge) -> gauge.getId().getTag("peer")).toList();
	}

	private static PeerStatus peer(String id, @Nullable Long matchIndex, RaftStatus.Standing standing) {
		return new PeerStatus(id, URI.create("http://" + id + ":8080"), NOW, "CLOSED", matchIndex, standing, true);
	}

	private static RaftStatus withPeers(RaftStatus status, PeerStatus... peers) {
		return new RaftStatus(status.nodeId(), status.state(), status.role(), status.term(), status.leaderId(),
				status.leader(), status.leaderSince(), status.votedFor(), status.commitIndex(), status.lastLogIndex(),
				status.lastLeaderContact(), List.of(peers), status.standing(), status.membership(), status.formation());
	}

	private static RaftStatus withMembership(RaftStatus status, RaftMembership membership) {
		return Statuses.withMembership(status, status.standing(), membership, null);
	}

	private static MembershipChangedEvent membershipChanged(TestRaftLeadership leadership) {
		RaftStatus status = leadership.status();
		return new MembershipChangedEvent(leadership, status.nodeId(), status.term(),
				Objects.requireNonNull(status.membership()));
	}

	private static RaftServer singleMemberServer() {
		return new RaftServer(RaftConfig.builder("n1", List.of("n1")).build(), new InMemoryStorage(),
				(request) -> new CompletableFuture<>(), (event) -> {
				});
	}

	private double gauge(String name) {
		return this.registry.get(name).tag("node", "n1").gauge().value();
	}

	private double counter(String name) {
		return this.registry.get(name).tag("node", "n1").functionCounter().count();
	}

	private List<Double> roles() {
		return List.of(Role.values())
			.stream()
			.map((role) -> this.registry.get("raft.role").tag("role", role.name()).gauge().value())
			.toList();
	}

}
