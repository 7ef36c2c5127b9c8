package io.github.raftboot.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.raftboot.core.InMemoryStorage;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.Role;
import io.github.raftboot.leader.PeerStatus;
import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.runtime.RaftStatistics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
		FakeRaftLeadership leadership = new FakeRaftLeadership(
				FakeRaftLeadership.running("n1", Role.FOLLOWER, 3, "n2", NOW));
		bind(leadership);
		assertThat(gauge("raft.term")).isEqualTo(3);
		assertThat(gauge("raft.leader")).isZero();
		assertThat(roles()).containsExactly(1.0, 0.0, 0.0, 0.0);
		leadership.setStatus(FakeRaftLeadership.running("n1", Role.CANDIDATE, 4, null, NOW));
		assertThat(gauge("raft.term")).isEqualTo(4);
		assertThat(roles()).containsExactly(0.0, 0.0, 1.0, 0.0);
		leadership.setStatus(FakeRaftLeadership.running("n1", Role.LEADER, 4, "n1", NOW));
		assertThat(gauge("raft.leader")).isOne();
		assertThat(roles()).containsExactly(0.0, 0.0, 0.0, 1.0);
	}

	@Test
	void peerLastContactAgeIsInSecondsAndNaNWhenNeverReached() {
		FakeRaftLeadership leadership = new FakeRaftLeadership(FakeRaftLeadership.running("n1", Role.LEADER, 3, "n1",
				NOW, new PeerStatus("n2", null, NOW.minusMillis(1500), "CLOSED", 5L),
				new PeerStatus("n3", null, null, "OPEN", 0L)));
		bind(leadership);
		assertThat(this.registry.get("raft.peer.last.contact.age").tag("peer", "n2").gauge().value()).isEqualTo(1.5);
		assertThat(this.registry.get("raft.peer.last.contact.age").tag("peer", "n3").gauge().value()).isNaN();
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(this.registry.get("raft.peer.last.contact.age").tag("peer", "n2").gauge().value()).isEqualTo(3.5);
		leadership.setStatus(FakeRaftLeadership.running("n1", Role.LEADER, 3, "n1", NOW,
				new PeerStatus("n2", null, NOW.minusMillis(1500), "CLOSED", 5L),
				new PeerStatus("n3", null, NOW.plusSeconds(1), "CLOSED", 5L)));
		assertThat(this.registry.get("raft.peer.last.contact.age").tag("peer", "n3").gauge().value()).isEqualTo(1.0);
		assertThat(this.registry.get("raft.peer.last.contact.age").gauges()).hasSize(2);
	}

	@Test
	void everyMeterIsTaggedWithTheNodeId() {
		bind(new FakeRaftLeadership(FakeRaftLeadership.running("n1", Role.FOLLOWER, 3, "n2", NOW,
				new PeerStatus("n2", null, null, null, null))));
		assertThat(this.registry.getMeters()).extracting((meter) -> meter.getId().getName())
			.contains("raft.term", "raft.leader", "raft.role", "raft.elections.started", "raft.elections.won",
					"raft.elections.lost", "raft.prevotes.started", "raft.leader.changes",
					"raft.peer.last.contact.age");
		assertThat(this.registry.getMeters()).hasSize(12)
			.allSatisfy((meter) -> assertThat(meter.getId().getTag("node")).isEqualTo("n1"));
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

	private void bind(FakeRaftLeadership leadership) {
		new RaftMetrics(leadership, this.idleServer.statistics(), this.clock).bindTo(this.registry);
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
