package io.github.raftboot.actuate;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.raftboot.actuate.RaftEndpoint.FormationDescriptor;
import io.github.raftboot.actuate.RaftEndpoint.MembershipChangeDescriptor;
import io.github.raftboot.actuate.RaftEndpoint.MembershipDescriptor;
import io.github.raftboot.actuate.RaftEndpoint.PeerDescriptor;
import io.github.raftboot.actuate.RaftEndpoint.RaftDescriptor;
import io.github.raftboot.actuate.RaftEndpoint.TransferDescriptor;
import io.github.raftboot.core.Formation;
import io.github.raftboot.core.MembershipChangeResult;
import io.github.raftboot.core.Role;
import io.github.raftboot.core.TransferResult;
import io.github.raftboot.leader.MembershipChangeException;
import io.github.raftboot.leader.PeerStatus;
import io.github.raftboot.leader.RaftMembership;
import io.github.raftboot.leader.RaftStatus;
import io.github.raftboot.test.TestRaftLeadership;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.tuple;

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
		RaftDescriptor descriptor = new RaftEndpoint(Statuses.leadership(status), this.clock).raft();
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
	void readShowsTheTimingInForceTheConfiguredOneAndTheIncidents() {
		RaftStatus status = Statuses.withTiming(Statuses.running("n1", Role.LEADER, 7, "n1", NOW,
				new PeerStatus("n2", null, NOW, "CLOSED", 42L, RaftStatus.Standing.VOTER, true, null, null,
						Duration.ofNanos(2_500_000))),
				Statuses.timing(1, 2, 3));
		RaftDescriptor descriptor = new RaftEndpoint(Statuses.leadership(status), this.clock).raft();
		assertThat(descriptor.timing()).isEqualTo(new RaftEndpoint.TimingDescriptor(300, 600, 100, 1,
				"widened after 2 lease lapses within 30 s", 12, true, new RaftEndpoint.TimingDescriptor.Configured(150, 300, 50),
				new RaftEndpoint.TimingDescriptor.Incidents(2, 1, 0, 3, 420, 1)));
		assertThat(descriptor.peers()).singleElement()
			.satisfies((peer) -> assertThat(peer.roundTripMillis()).isEqualTo(2.5));
	}

	@Test
	void readOfAFollowerWithoutKnownLeaderHasNoLeaderIdNorLeaderSince() {
		RaftStatus status = Statuses.running("n2", Role.FOLLOWER, 3, null, null);
		RaftDescriptor descriptor = new RaftEndpoint(Statuses.leadership(status), this.clock).raft();
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
		RaftStatus status = Statuses.running("n1", Role.LEADER, 7, "n1", NOW, reached, neverReached);
		RaftDescriptor descriptor = new RaftEndpoint(Statuses.leadership(status), this.clock).raft();
		assertThat(descriptor.peers()).containsExactly(
				new PeerDescriptor("n2", URI.create("http://n2:8080"), NOW.minusMillis(1500), 1500L, "CLOSED", 42L,
						RaftStatus.Standing.VOTER, true, null, null, null),
				new PeerDescriptor("n3", URI.create("http://n3:8080"), null, null, "OPEN", 0L, RaftStatus.Standing.VOTER,
						true, null, null, null));
	}

	@Test
	void readTellsWhyAndWhenTheLastRequestToAPeerFailed() {
		PeerStatus refusing = new PeerStatus("n2", URI.create("http://n2:8080"), NOW.minusSeconds(60), "OPEN", null,
				RaftStatus.Standing.VOTER, true,
				"append-entries: HTTP 401 \"A valid 'Authorization: Bearer <token>' header is required\"",
				NOW.minusMillis(200));
		PeerStatus down = new PeerStatus("n3", URI.create("http://n3:8081"), null, "OPEN", null,
				RaftStatus.Standing.VOTER, true, "request-vote: ConnectException: Connection refused", NOW.minusSeconds(3));
		RaftStatus status = Statuses.running("n1", Role.FOLLOWER, 2, null, null, refusing, down);
		RaftDescriptor descriptor = new RaftEndpoint(Statuses.leadership(status), this.clock).raft();
		assertThat(descriptor.peers()).extracting(PeerDescriptor::id, PeerDescriptor::lastError,
				PeerDescriptor::lastErrorAt)
			.containsExactly(
					tuple("n2", "append-entries: HTTP 401 \"A valid 'Authorization: Bearer <token>' header is required\"",
							NOW.minusMillis(200)),
					tuple("n3", "request-vote: ConnectException: Connection refused", NOW.minusSeconds(3)));
	}

	@Test
	void timeSinceLastContactFollowsTheClock() {
		PeerStatus peer = new PeerStatus("n2", null, NOW, null, null);
		RaftEndpoint endpoint = new RaftEndpoint(
				Statuses.leadership(Statuses.running("n1", Role.FOLLOWER, 1, "n2", NOW, peer)),
				this.clock);
		assertThat(endpoint.raft().peers().get(0).millisSinceLastContact()).isZero();
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(endpoint.raft().peers().get(0).millisSinceLastContact()).isEqualTo(2000);
	}

	@Test
	void transferToTargetHandsLeadershipToThatMember() {
		TestRaftLeadership leadership = Statuses.leadership(
				Statuses.running("n1", Role.LEADER, 7, "n1", NOW));
		TransferDescriptor transfer = new RaftEndpoint(leadership, this.clock).transfer("n2");
		assertThat(transfer).isEqualTo(new TransferDescriptor(TransferResult.STARTED, "n1", "n2"));
		assertThat(leadership.transfers()).containsExactly("n2");
	}

	@Test
	void transferWithoutTargetHandsLeadershipToTheBestPeer() {
		TestRaftLeadership leadership = Statuses.leadership(
				Statuses.running("n1", Role.LEADER, 7, "n1", NOW));
		RaftEndpoint endpoint = new RaftEndpoint(leadership, this.clock);
		assertThat(endpoint.transfer(null)).isEqualTo(new TransferDescriptor(TransferResult.STARTED, "n1", null));
		assertThat(endpoint.transfer(" ")).isEqualTo(new TransferDescriptor(TransferResult.STARTED, "n1", null));
		assertThat(leadership.transfers()).containsExactly(TestRaftLeadership.BEST_PEER, TestRaftLeadership.BEST_PEER);
	}

	@Test
	void transferReportsWhyLeadershipWasNotHandedOver() {
		TestRaftLeadership leadership = Statuses.leadership(
				Statuses.running("n2", Role.FOLLOWER, 7, "n1", NOW));
		leadership.setTransferResult(TransferResult.NOT_LEADER);
		assertThat(new RaftEndpoint(leadership, this.clock).transfer("n3"))
			.isEqualTo(new TransferDescriptor(TransferResult.NOT_LEADER, "n2", "n3"));
	}

	@Test
	void readDescribesThisReplicasStandingTheConfigurationAndEachPeersPlaceInIt() {
		RaftDescriptor descriptor = new RaftEndpoint(
				Statuses.leadership(Statuses.leaderOfFourWithALearner(NOW)), this.clock)
			.raft();
		assertThat(descriptor.standing()).isEqualTo(RaftStatus.Standing.VOTER);
		assertThat(descriptor.membership())
			.isEqualTo(new MembershipDescriptor("c1", Set.of("n1", "n2", "n3"), Set.of(), Set.of("n4"), false, 12, true));
		assertThat(descriptor.formation()).isNull();
		assertThat(descriptor.peers()).extracting(PeerDescriptor::id, PeerDescriptor::standing, PeerDescriptor::listed)
			.containsExactly(tuple("n2", RaftStatus.Standing.VOTER, true), tuple("n3", RaftStatus.Standing.VOTER, true),
					tuple("n4", RaftStatus.Standing.LEARNER, false));
	}

	@Test
	void readDuringAChangeOfVotersShowsBothVoterSets() {
		RaftMembership joint = Statuses.membership(Set.of("n1", "n2", "n4"), Set.of("n1", "n2", "n3"),
				Set.of(), 14, false);
		RaftStatus status = Statuses.withMembership(Statuses.leaderOfFourWithALearner(NOW),
				RaftStatus.Standing.VOTER, joint, null);
		MembershipDescriptor membership = new RaftEndpoint(Statuses.leadership(status), this.clock).raft()
			.membership();
		assertThat(membership).isEqualTo(
				new MembershipDescriptor("c1", Set.of("n1", "n2", "n4"), Set.of("n1", "n2", "n3"), Set.of(), true, 14,
						false));
	}

	@Test
	void readOfAReplicaThatJoinedNoClusterShowsHowItsAttemptToFormOneWent() {
		PeerStatus n2 = new PeerStatus("n2", URI.create("http://n2:8080"), NOW, "CLOSED", null,
				RaftStatus.Standing.JOINING, true);
		PeerStatus n3 = new PeerStatus("n3", URI.create("http://n3:8080"), null, "OPEN", null,
				RaftStatus.Standing.JOINING, true);
		RaftStatus status = Statuses.withMembership(
				Statuses.running("n1", Role.FOLLOWER, 0, null, null, n2, n3), RaftStatus.Standing.JOINING,
				null, new Formation(Set.of("n2"), Set.of(), Set.of("n3")));
		RaftDescriptor descriptor = new RaftEndpoint(Statuses.leadership(status), this.clock).raft();
		assertThat(descriptor.standing()).isEqualTo(RaftStatus.Standing.JOINING);
		assertThat(descriptor.membership()).isNull();
		assertThat(descriptor.formation()).isEqualTo(new FormationDescriptor(Set.of("n2"), Set.of(), Set.of("n3")));
		assertThat(descriptor.peers()).extracting(PeerDescriptor::standing)
			.containsOnly(RaftStatus.Standing.JOINING);
	}

	@Test
	void addMemberStartsTheChangeOnTheLeadershipAndAnswersAtOnce() {
		TestRaftLeadership leadership = Statuses.leadership(Statuses.leaderOfFourWithALearner(NOW));
		MembershipChangeDescriptor added = new RaftEndpoint(leadership, this.clock).addMember("members", "n5",
				" http://n5:8080 ");
		assertThat(added.result()).isEqualTo(MembershipChangeResult.STARTED);
		assertThat(added.from()).isEqualTo("n1");
		assertThat(added.member()).isEqualTo("n5");
		assertThat(added.leaderId()).isNull();
		assertThat(added.message()).contains("GET /actuator/raft");
		assertThat(added.membership()).isNotNull().extracting(MembershipDescriptor::learners).isEqualTo(Set.of("n4"));
		assertThat(leadership.membershipChanges()).containsExactly("add n5 http://n5:8080");
	}

	@Test
	void addMemberReportsARefusalWithItsReasonAndTheLeaderToAskInstead() {
		RaftStatus follower = Statuses.withMembership(
				Statuses.running("n2", Role.FOLLOWER, 7, "n1", NOW), RaftStatus.Standing.VOTER,
				Statuses.membership(Set.of("n1", "n2", "n3"), Set.of(), Set.of(), 3, true), null);
		TestRaftLeadership leadership = Statuses.leadership(follower);
		leadership.refuseMembershipChanges(new MembershipChangeException(MembershipChangeResult.NOT_LEADER, "n1",
				"n2 is not the leader: ask n1"));
		MembershipChangeDescriptor refused = new RaftEndpoint(leadership, this.clock).addMember("members", "n4",
				"http://n4:8080");
		assertThat(refused).isEqualTo(new MembershipChangeDescriptor(MembershipChangeResult.NOT_LEADER, "n2", "n4",
				"n2 is not the leader: ask n1", "n1",
				new MembershipDescriptor("c1", Set.of("n1", "n2", "n3"), Set.of(), Set.of(), false, 3, true)));
		assertThat(leadership.membershipChanges()).containsExactly("add n4 http://n4:8080");
	}

	@ParameterizedTest
	@NullSource
	@ValueSource(strings = { "", "  ", "n4:8080", "ftp://n4:8080", "http://", "/n4", "http://n4:8080/a b" })
	void addMemberWithoutAnAbsoluteHttpUrlIsInvalidAndAsksNothingOfTheLeadership(@Nullable String url) {
		TestRaftLeadership leadership = Statuses.leadership(Statuses.leaderOfFourWithALearner(NOW));
		MembershipChangeDescriptor invalid = new RaftEndpoint(leadership, this.clock).addMember("members", "n5", url);
		assertThat(invalid.result()).isEqualTo(MembershipChangeResult.INVALID);
		assertThat(invalid.member()).isEqualTo("n5");
		assertThat(invalid.message()).contains("'n5'").contains("url").contains("http://10.0.0.4:8080");
		assertThat(invalid.leaderId()).isNull();
		assertThat(leadership.membershipChanges()).isEmpty();
	}

	@Test
	void removeMemberStartsTheChangeOnTheLeadership() {
		TestRaftLeadership leadership = Statuses.leadership(Statuses.leaderOfFourWithALearner(NOW));
		MembershipChangeDescriptor removed = new RaftEndpoint(leadership, this.clock).removeMember("members", "n3");
		assertThat(removed.result()).isEqualTo(MembershipChangeResult.STARTED);
		assertThat(removed.from()).isEqualTo("n1");
		assertThat(removed.member()).isEqualTo("n3");
		assertThat(leadership.membershipChanges()).containsExactly("remove n3");
	}

	@Test
	void removeMemberReportsARefusal() {
		TestRaftLeadership leadership = Statuses.leadership(Statuses.leaderOfFourWithALearner(NOW));
		leadership.refuseMembershipChanges(new MembershipChangeException(MembershipChangeResult.WOULD_LOSE_QUORUM, null,
				"Too few voters would remain reachable"));
		MembershipChangeDescriptor refused = new RaftEndpoint(leadership, this.clock).removeMember("members", "n3");
		assertThat(refused.result()).isEqualTo(MembershipChangeResult.WOULD_LOSE_QUORUM);
		assertThat(refused.message()).isEqualTo("Too few voters would remain reachable");
		assertThat(refused.leaderId()).isNull();
	}

	@Test
	void aFailureThatIsNoRefusalIsNotPassedOffAsOne() {
		TestRaftLeadership leadership = Statuses.leadership(Statuses.leaderOfFourWithALearner(NOW));
		IllegalStateException failure = new IllegalStateException("broken");
		leadership.failMembershipChanges(failure);
		RaftEndpoint endpoint = new RaftEndpoint(leadership, this.clock);
		assertThatException().isThrownBy(() -> endpoint.removeMember("members", "n3")).isSameAs(failure);
		assertThatException().isThrownBy(() -> endpoint.addMember("members", "n5", "http://n5:8080"))
			.isSameAs(failure);
	}

	@Test
	void anotherPathThanMembersIsNoMembershipChange() {
		TestRaftLeadership leadership = Statuses.leadership(Statuses.leaderOfFourWithALearner(NOW));
		RaftEndpoint endpoint = new RaftEndpoint(leadership, this.clock);
		assertThat(endpoint.addMember("member", "n5", "http://n5:8080")).isNull();
		assertThat(endpoint.removeMember("peers", "n3")).isNull();
		assertThat(leadership.membershipChanges()).isEmpty();
	}

	@Test
	void membershipAndFormationAreWrittenWithExplicitNullsByTheEndpointJsonMapper() {
		JsonMapper mapper = endpointJsonMapper();
		JsonNode joined = mapper.valueToTree(
				new RaftEndpoint(Statuses.leadership(Statuses.leaderOfFourWithALearner(NOW)), this.clock)
					.raft());
		assertThat(joined.get("standing").asString()).isEqualTo("VOTER");
		assertThat(joined.get("formation").isNull()).isTrue();
		JsonNode membership = joined.get("membership");
		assertThat(membership.propertyNames()).containsExactly("clusterId", "voters", "outgoingVoters", "learners",
				"joint", "index", "committed");
		assertThat(membership.get("voters").valueStream().map(JsonNode::asString)).containsExactly("n1", "n2", "n3");
		assertThat(membership.get("outgoingVoters").isEmpty()).isTrue();
		assertThat(membership.get("joint").asBoolean()).isFalse();
		JsonNode learner = joined.get("peers").get(2);
		assertThat(learner.get("standing").asString()).isEqualTo("LEARNER");
		assertThat(learner.get("listed").asBoolean()).isFalse();
		RaftStatus joining = Statuses.withMembership(Statuses.running("n1", Role.FOLLOWER, 0,
				null, null), RaftStatus.Standing.JOINING, null, new Formation(Set.of(), Set.of("n2"), Set.of("n3")));
		JsonNode notJoined = mapper.valueToTree(new RaftEndpoint(Statuses.leadership(joining), this.clock).raft());
		assertThat(notJoined.has("membership")).isTrue();
		assertThat(notJoined.get("membership").isNull()).isTrue();
		assertThat(notJoined.get("formation").get("refused").get(0).asString()).isEqualTo("n2");
		JsonNode started = mapper.valueToTree(new RaftEndpoint(Statuses.leadership(joining), this.clock)
			.removeMember("members", "n2"));
		assertThat(started.propertyNames()).containsExactly("result", "from", "member", "message", "leaderId",
				"membership");
		assertThat(started.get("leaderId").isNull()).isTrue();
		assertThat(started.get("membership").isNull()).isTrue();
	}

	@Test
	void descriptorIsWrittenWithIsoInstantsAndExplicitNullsByTheEndpointJsonMapper() {
		JsonMapper mapper = endpointJsonMapper();
		PeerStatus peer = new PeerStatus("n2", URI.create("http://n2:8080"), null, null, null);
		RaftStatus status = Statuses.running("n1", Role.FOLLOWER, 3, null, NOW.minusSeconds(5), peer);
		JsonNode json = mapper.valueToTree(new RaftEndpoint(Statuses.leadership(status), this.clock).raft());
		assertThat(json.get("role").asString()).isEqualTo("FOLLOWER");
		assertThat(json.get("lastLeaderContact").asString()).isEqualTo("2026-03-01T10:15:25Z");
		assertThat(json.has("leaderId")).isTrue();
		assertThat(json.get("leaderId").isNull()).isTrue();
		assertThat(json.get("leaderSince").isNull()).isTrue();
		JsonNode peerJson = json.get("peers").get(0);
		assertThat(peerJson.get("url").asString()).isEqualTo("http://n2:8080");
		assertThat(peerJson.get("lastContact").isNull()).isTrue();
		assertThat(peerJson.get("millisSinceLastContact").isNull()).isTrue();
		assertThat(peerJson.get("lastError").isNull()).isTrue();
		assertThat(peerJson.get("lastErrorAt").isNull()).isTrue();
	}

	@Test
	void aPeersLastErrorIsWrittenWithItsIsoInstant() {
		PeerStatus peer = new PeerStatus("n2", URI.create("http://n2:8080"), null, "OPEN", null,
				RaftStatus.Standing.VOTER, true, "append-entries: HTTP 404", NOW.minusSeconds(5));
		RaftStatus status = Statuses.running("n1", Role.LEADER, 3, "n1", NOW, peer);
		JsonNode peerJson = endpointJsonMapper()
			.valueToTree(new RaftEndpoint(Statuses.leadership(status), this.clock).raft())
			.get("peers")
			.get(0);
		assertThat(peerJson.propertyNames()).containsExactly("id", "url", "lastContact", "millisSinceLastContact",
				"circuitBreaker", "matchIndex", "standing", "listed", "lastError", "lastErrorAt", "roundTripMillis");
		assertThat(peerJson.get("lastError").asString()).isEqualTo("append-entries: HTTP 404");
		assertThat(peerJson.get("lastErrorAt").asString()).isEqualTo("2026-03-01T10:15:25Z");
	}

	/** Configured like Boot's EndpointJsonMapper, which leaves out null values by default. */
	private static JsonMapper endpointJsonMapper() {
		return JsonMapper.builder()
			.changeDefaultPropertyInclusion((inclusion) -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL)
				.withContentInclusion(JsonInclude.Include.NON_NULL))
			.build();
	}

}
