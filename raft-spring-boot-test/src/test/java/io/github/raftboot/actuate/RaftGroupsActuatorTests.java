package io.github.raftboot.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.raftboot.actuate.RaftEndpoint.GroupDescriptor;
import io.github.raftboot.actuate.RaftEndpoint.RaftDescriptor;
import io.github.raftboot.core.Role;
import io.github.raftboot.core.TransferResult;
import io.github.raftboot.event.LeaderChangedEvent;
import io.github.raftboot.leader.PeerStatus;
import io.github.raftboot.leader.RaftStatus;
import io.github.raftboot.runtime.RaftStatistics;
import io.github.raftboot.runtime.StatisticsAccess;
import io.github.raftboot.test.TestRaftLeadership;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.entry;

/**
 * Tests of what {@link RaftEndpoint}, {@link RaftHealthIndicator} and {@link RaftMetrics} tell
 * of the election groups of {@code raft.groups}, on a {@link TestRaftLeadership}.
 */
class RaftGroupsActuatorTests {

	private static final Instant NOW = Instant.parse("2026-03-01T10:15:30Z");

	private final MutableClock clock = new MutableClock(NOW);

	private final TestRaftLeadership leadership = new TestRaftLeadership("n1").withGroups("billing", "reports");

	// Endpoint

	@Test
	void theEndpointDescribesEveryGroupByNameTheDefaultOneFirst() {
		this.leadership.group("default").setStatus(Statuses.running("n1", Role.FOLLOWER, 4, "n2", NOW));
		this.leadership.group("billing").setStatus(leader(9, NOW.minusSeconds(30)));
		this.leadership.group("reports").setStatus(Statuses.running("n1", Role.CANDIDATE, 2, null, null));
		RaftDescriptor descriptor = new RaftEndpoint(this.leadership, this.clock).raft();
		assertThat(descriptor.term()).as("the top level is the default group's").isEqualTo(4);
		assertThat(descriptor.leaderId()).isEqualTo("n2");
		assertThat(descriptor.groups()).containsOnlyKeys("default", "billing", "reports");
		assertThat(List.copyOf(descriptor.groups().keySet())).containsExactly("default", "billing", "reports");
		assertThat(descriptor.groups().get("default")).isEqualTo(
				new GroupDescriptor(Role.FOLLOWER, 4, "n2", false, null, null, NOW, null));
		assertThat(descriptor.groups().get("billing")).isEqualTo(
				new GroupDescriptor(Role.LEADER, 9, "n1", true, NOW.minusSeconds(30), 9L, NOW.minusSeconds(30), null));
		assertThat(descriptor.groups().get("reports")).isEqualTo(
				new GroupDescriptor(Role.CANDIDATE, 2, null, false, null, null, null, null));
	}

	@Test
	void theEndpointDescribesTheDefaultGroupInGroupsWhenRaftGroupsNamesNone() {
		RaftStatus status = Statuses.withTiming(leader(7, NOW), Statuses.timing(1, 2, 0));
		RaftDescriptor descriptor = new RaftEndpoint(Statuses.leadership(status), this.clock).raft();
		assertThat(descriptor.groups()).containsOnlyKeys("default");
		GroupDescriptor group = descriptor.groups().get("default");
		assertThat(group.leader()).isTrue();
		assertThat(group.fencingToken()).isEqualTo(7);
		assertThat(group.timing()).isEqualTo(descriptor.timing());
		assertThat(group.timing().electionTimeoutMin()).isEqualTo(300);
	}

	@Test
	void theTransferOfTheEndpointHandsOverTheGroupItNamesOrTheDefaultOne() {
		RaftEndpoint endpoint = new RaftEndpoint(this.leadership, this.clock);
		assertThat(endpoint.transfer("n2", "billing").result()).isEqualTo(TransferResult.STARTED);
		assertThat(endpoint.transfer(null, null).result()).isEqualTo(TransferResult.STARTED);
		assertThat(this.leadership.group("billing").transfers()).containsExactly("n2");
		assertThat(this.leadership.transfers()).containsExactly(TestRaftLeadership.BEST_PEER);
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.transfer(null, "payroll"))
			.withMessageContaining("No election group 'payroll'");
	}

	// Health

	@Test
	void healthDetailsHoldEveryGroupsRoleTermAndLeaderWhenThereAreGroups() {
		this.leadership.group("default").setStatus(leader(7, NOW));
		this.leadership.group("billing").setStatus(Statuses.running("n1", Role.FOLLOWER, 3, "n3", NOW));
		Health health = indicator().health();
		assertThat(health.getDetails()).containsEntry("term", 7L).containsEntry("leader", true);
		@SuppressWarnings("unchecked")
		Map<String, Map<String, Object>> groups = (Map<String, Map<String, Object>>) health.getDetails().get("groups");
		assertThat(List.copyOf(groups.keySet())).containsExactly("default", "billing", "reports");
		assertThat(groups.get("default")).containsExactly(entry("role", Role.LEADER), entry("term", 7L),
				entry("leader", true), entry("leaderId", "n1"));
		assertThat(groups.get("billing")).containsExactly(entry("role", Role.FOLLOWER), entry("term", 3L),
				entry("leader", false), entry("leaderId", "n3"));
		assertThat(groups.get("reports")).containsExactly(entry("role", Role.FOLLOWER), entry("term", 0L),
				entry("leader", false));
	}

	@Test
	void healthDetailsHaveNoGroupsWhenRaftGroupsNamesNone() {
		Health health = new RaftHealthIndicator(Statuses.leadership(leader(7, NOW)), Duration.ofMillis(300),
				Status.OUT_OF_SERVICE, this.clock)
			.health();
		assertThat(health.getDetails()).doesNotContainKey("groups");
	}

	@Test
	void theHealthStatusIsTheDefaultGroupsWhateverTheOtherGroups() {
		this.leadership.group("default").setStatus(Statuses.running("n1", Role.FOLLOWER, 7, "n2", NOW));
		RaftHealthIndicator indicator = indicator();
		this.clock.advance(Duration.ofHours(1));
		this.leadership.group("default").setStatus(Statuses.running("n1", Role.FOLLOWER, 7, "n2", NOW.plusSeconds(3600)));
		assertThat(indicator.health().getStatus()).as("other groups leaderless for an hour").isEqualTo(Status.UP);
		this.leadership.group("default").setStatus(Statuses.running("n1", Role.FOLLOWER, 8, null, NOW.plusSeconds(3600)));
		this.leadership.group("billing").grant();
		this.clock.advance(Duration.ofHours(1));
		assertThat(indicator.health().getStatus()).as("the default group leaderless for an hour")
			.isEqualTo(Status.OUT_OF_SERVICE);
	}

	// Metrics

	@Test
	void everyGroupHasEveryMeterTaggedWithItsName() {
		this.leadership.group("default").setStatus(Statuses.running("n1", Role.FOLLOWER, 3, "n2", NOW,
				new PeerStatus("n2", null, null, null, null)));
		this.leadership.group("billing").setStatus(Statuses.running("n1", Role.FOLLOWER, 1, "n2", NOW,
				new PeerStatus("n2", null, null, null, null)));
		this.leadership.group("reports").setStatus(Statuses.running("n1", Role.FOLLOWER, 1, "n2", NOW,
				new PeerStatus("n2", null, null, null, null)));
		MeterRegistry registry = new SimpleMeterRegistry();
		new RaftMetrics(this.leadership, (group) -> new RaftStatistics(), this.clock).bindTo(registry);
		// 25 meters per group, as for a replica of the default group only
		assertThat(registry.getMeters()).hasSize(3 * 25)
			.allSatisfy((meter) -> assertThat(meter.getId().getTag("node")).isEqualTo("n1"));
		for (String group : List.of("default", "billing", "reports")) {
			assertThat(registry.getMeters()).filteredOn((meter) -> group.equals(meter.getId().getTag("group")))
				.hasSize(25);
		}
		assertThat(registry.getMeters()).extracting((Meter meter) -> meter.getId().getTag("group"))
			.containsOnly("default", "billing", "reports");
	}

	@Test
	void theMetersOfAGroupFollowItsStateAndItsStatistics() {
		Map<String, RaftStatistics> statistics = Map.of("default", new RaftStatistics(), "billing",
				new RaftStatistics(), "reports", new RaftStatistics());
		MeterRegistry registry = new SimpleMeterRegistry();
		new RaftMetrics(this.leadership, statistics::get, this.clock).bindTo(registry);
		this.leadership.group("billing").grant(5);
		this.leadership.group("default").follow("n2");
		assertThat(registry.get("raft.term").tag("group", "billing").gauge().value()).isEqualTo(5);
		assertThat(registry.get("raft.leader").tag("group", "billing").gauge().value()).isOne();
		assertThat(registry.get("raft.role").tag("group", "billing").tag("role", "LEADER").gauge().value()).isOne();
		assertThat(registry.get("raft.term").tag("group", "default").gauge().value()).isOne();
		assertThat(registry.get("raft.leader").tag("group", "default").gauge().value()).isZero();
		assertThat(registry.get("raft.leader").tag("group", "reports").gauge().value()).isZero();
		StatisticsAccess.recordPause(statistics.get("billing"), Duration.ofMillis(200));
		assertThat(registry.get("raft.pauses").tag("group", "billing").functionCounter().count()).isOne();
		assertThat(registry.get("raft.pauses").tag("group", "default").functionCounter().count()).isZero();
		assertThat(registry.get("raft.pause.duration").tag("group", "billing").timer().count()).isOne();
		assertThat(registry.get("raft.pause.duration").tag("group", "default").timer().count()).isZero();
	}

	@Test
	void thePeerMetersOfEveryGroupFollowTheMembersOnAnEventOfAnyGroup() {
		TestRaftLeadership leadership = new TestRaftLeadership("n1").withGroups("billing");
		leadership.group("default").setStatus(Statuses.leaderOfFourWithALearner(NOW));
		leadership.group("billing").setStatus(Statuses.leaderOfFourWithALearner(NOW));
		MeterRegistry registry = new SimpleMeterRegistry();
		RaftMetrics metrics = new RaftMetrics(leadership, (group) -> new RaftStatistics(), this.clock);
		metrics.bindTo(registry);
		assertThat(registry.find("raft.learner.lag").gauges())
			.extracting((gauge) -> gauge.getId().getTag("group") + "/" + gauge.getId().getTag("peer"))
			.containsExactlyInAnyOrder("default/n4", "billing/n4");
		leadership.group("billing").follow("n2");
		metrics.onApplicationEvent(new LeaderChangedEvent(this, "n1", 8, "n2", "billing"));
		assertThat(registry.find("raft.learner.lag").gauges())
			.extracting((gauge) -> gauge.getId().getTag("group") + "/" + gauge.getId().getTag("peer"))
			.containsExactly("default/n4");
		assertThat(registry.find("raft.peer.last.contact.age").tag("group", "billing").gauges()).hasSize(3);
		assertThat(Set.copyOf(registry.find("raft.peer.last.contact.age").gauges().stream()
			.map((gauge) -> gauge.getId().getTag("group"))
			.toList())).containsExactlyInAnyOrder("default", "billing");
	}

	private RaftHealthIndicator indicator() {
		return new RaftHealthIndicator(this.leadership, Duration.ofMillis(300), Status.OUT_OF_SERVICE, this.clock);
	}

	private static RaftStatus leader(long term, Instant since) {
		return new RaftStatus("n1", RaftStatus.State.RUNNING, Role.LEADER, term, "n1", true, since, "n1", 10, 10, since,
				List.of());
	}

}
