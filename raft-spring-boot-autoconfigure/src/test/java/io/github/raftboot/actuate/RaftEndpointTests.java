package io.github.raftboot.actuate;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.raftboot.actuate.RaftEndpoint.PeerDescriptor;
import io.github.raftboot.actuate.RaftEndpoint.RaftDescriptor;
import io.github.raftboot.actuate.RaftEndpoint.TransferDescriptor;
import io.github.raftboot.core.Role;
import io.github.raftboot.core.TransferResult;
import io.github.raftboot.leader.PeerStatus;
import io.github.raftboot.leader.RaftStatus;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RaftEndpoint}.
 */
class RaftEndpointTests {

	private static final Instant NOW = Instant.parse("2026-03-01T10:15:30Z");

	private final MutableClock clock = new MutableClock(NOW);

	@Test
	void readDescribesThisReplica() {
		Instant leaderSince = NOW.minusSeconds(60);
		RaftStatus status = new RaftStatus("n1", RaftStatus.State.RUNNING, Role.LEADER, 7, "n1", true, leaderSince,
				"n1", 41, 42, NOW, List.of());
		RaftDescriptor descriptor = new RaftEndpoint(new FakeRaftLeadership(status), this.clock).raft();
		assertThat(descriptor.nodeId()).isEqualTo("n1");
		assertThat(descriptor.state()).isEqualTo(RaftStatus.State.RUNNING);
		assertThat(descriptor.role()).isEqualTo(Role.LEADER);
		assertThat(descriptor.term()).isEqualTo(7);
		assertThat(descriptor.leaderId()).isEqualTo("n1");
		assertThat(descriptor.leader()).isTrue();
		assertThat(descriptor.leaderSince()).isEqualTo(leaderSince);
		assertThat(descriptor.votedFor()).isEqualTo("n1");
		assertThat(descriptor.commitIndex()).isEqualTo(41);
		assertThat(descriptor.lastLogIndex()).isEqualTo(42);
		assertThat(descriptor.lastLeaderContact()).isEqualTo(NOW);
		assertThat(descriptor.peers()).isEmpty();
	}

	@Test
	void readOfAFollowerWithoutKnownLeaderHasNoLeaderIdNorLeaderSince() {
		RaftStatus status = FakeRaftLeadership.running("n2", Role.FOLLOWER, 3, null, null);
		RaftDescriptor descriptor = new RaftEndpoint(new FakeRaftLeadership(status), this.clock).raft();
		assertThat(descriptor.role()).isEqualTo(Role.FOLLOWER);
		assertThat(descriptor.leaderId()).isNull();
		assertThat(descriptor.leader()).isFalse();
		assertThat(descriptor.leaderSince()).isNull();
		assertThat(descriptor.votedFor()).isNull();
	}

	@Test
	void readDescribesEveryPeerWithTheTimeSinceItWasLastReached() {
		PeerStatus reached = new PeerStatus("n2", URI.create("http://n2:8080"), NOW.minusMillis(1500), "CLOSED", 42L);
		PeerStatus neverReached = new PeerStatus("n3", URI.create("http://n3:8080"), null, "OPEN", 0L);
		RaftStatus status = FakeRaftLeadership.running("n1", Role.LEADER, 7, "n1", NOW, reached, neverReached);
		RaftDescriptor descriptor = new RaftEndpoint(new FakeRaftLeadership(status), this.clock).raft();
		assertThat(descriptor.peers()).containsExactly(
				new PeerDescriptor("n2", URI.create("http://n2:8080"), NOW.minusMillis(1500), 1500L, "CLOSED", 42L,
						RaftStatus.Standing.VOTER, true),
				new PeerDescriptor("n3", URI.create("http://n3:8080"), null, null, "OPEN", 0L, RaftStatus.Standing.VOTER,
						true));
	}

	@Test
	void timeSinceLastContactFollowsTheClock() {
		PeerStatus peer = new PeerStatus("n2", null, NOW, null, null);
		RaftEndpoint endpoint = new RaftEndpoint(
				new FakeRaftLeadership(FakeRaftLeadership.running("n1", Role.FOLLOWER, 1, "n2", NOW, peer)),
				this.clock);
		assertThat(endpoint.raft().peers().get(0).millisSinceLastContact()).isZero();
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(endpoint.raft().peers().get(0).millisSinceLastContact()).isEqualTo(2000);
	}

	@Test
	void transferToTargetHandsLeadershipToThatMember() {
		FakeRaftLeadership leadership = new FakeRaftLeadership(
				FakeRaftLeadership.running("n1", Role.LEADER, 7, "n1", NOW));
		TransferDescriptor transfer = new RaftEndpoint(leadership, this.clock).transfer("n2");
		assertThat(transfer).isEqualTo(new TransferDescriptor(TransferResult.STARTED, "n1", "n2"));
		assertThat(leadership.transfers()).containsExactly("n2");
	}

	@Test
	void transferWithoutTargetHandsLeadershipToTheBestPeer() {
		FakeRaftLeadership leadership = new FakeRaftLeadership(
				FakeRaftLeadership.running("n1", Role.LEADER, 7, "n1", NOW));
		RaftEndpoint endpoint = new RaftEndpoint(leadership, this.clock);
		assertThat(endpoint.transfer(null)).isEqualTo(new TransferDescriptor(TransferResult.STARTED, "n1", null));
		assertThat(endpoint.transfer(" ")).isEqualTo(new TransferDescriptor(TransferResult.STARTED, "n1", null));
		assertThat(leadership.transfers()).containsExactly(FakeRaftLeadership.BEST_PEER, FakeRaftLeadership.BEST_PEER);
	}

	@Test
	void transferReportsWhyLeadershipWasNotHandedOver() {
		FakeRaftLeadership leadership = new FakeRaftLeadership(
				FakeRaftLeadership.running("n2", Role.FOLLOWER, 7, "n1", NOW));
		leadership.setTransferResult(TransferResult.NOT_LEADER);
		assertThat(new RaftEndpoint(leadership, this.clock).transfer("n3"))
			.isEqualTo(new TransferDescriptor(TransferResult.NOT_LEADER, "n2", "n3"));
	}

	@Test
	void descriptorIsWrittenWithIsoInstantsAndExplicitNullsByTheEndpointJsonMapper() {
		// Configured like Boot's EndpointJsonMapper, which leaves out null values by default
		JsonMapper mapper = JsonMapper.builder()
			.changeDefaultPropertyInclusion((inclusion) -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL)
				.withContentInclusion(JsonInclude.Include.NON_NULL))
			.build();
		PeerStatus peer = new PeerStatus("n2", URI.create("http://n2:8080"), null, null, null);
		RaftStatus status = FakeRaftLeadership.running("n1", Role.FOLLOWER, 3, null, NOW.minusSeconds(5), peer);
		JsonNode json = mapper.valueToTree(new RaftEndpoint(new FakeRaftLeadership(status), this.clock).raft());
		assertThat(json.get("role").asString()).isEqualTo("FOLLOWER");
		assertThat(json.get("lastLeaderContact").asString()).isEqualTo("2026-03-01T10:15:25Z");
		assertThat(json.has("leaderId")).isTrue();
		assertThat(json.get("leaderId").isNull()).isTrue();
		assertThat(json.get("leaderSince").isNull()).isTrue();
		JsonNode peerJson = json.get("peers").get(0);
		assertThat(peerJson.get("url").asString()).isEqualTo("http://n2:8080");
		assertThat(peerJson.get("lastContact").isNull()).isTrue();
		assertThat(peerJson.get("millisSinceLastContact").isNull()).isTrue();
	}

}
