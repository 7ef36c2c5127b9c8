package io.github.raftboot.actuate;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import io.github.raftboot.core.Formation;
import io.github.raftboot.core.MembershipChangeResult;
import io.github.raftboot.core.Role;
import io.github.raftboot.leader.MembershipChangeException;
import io.github.raftboot.leader.PeerStatus;
import io.github.raftboot.leader.RaftStatus;
import io.github.raftboot.test.AutoConfigureTestRaftLeadership;
import io.github.raftboot.test.TestRaftLeadership;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.nullValue;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Tests of {@link RaftEndpoint} over HTTP, with Boot's Actuator and its JSON mapper, on the
 * {@link TestRaftLeadership} of {@link AutoConfigureTestRaftLeadership}, whose status each test
 * sets.
 */
@SpringBootTest(properties = { "raft.node-id=n1", "management.endpoints.web.exposure.include=raft,health",
		"management.endpoint.health.show-details=always" })
@AutoConfigureTestRaftLeadership
class RaftEndpointWebIntegrationTests {

	private static final Instant LEADER_SINCE = Instant.parse("2026-03-01T10:15:30Z");

	@Autowired
	private WebApplicationContext context;

	@Autowired
	private TestRaftLeadership leadership;

	private MockMvc mvc;

	@BeforeEach
	void setUp() {
		this.mvc = MockMvcBuilders.webAppContextSetup(this.context).build();
		this.leadership.setStatus(new RaftStatus("n1", RaftStatus.State.RUNNING, Role.LEADER, 7, "n1", true,
				LEADER_SINCE, "n1", 41, 42, LEADER_SINCE,
				List.of(new PeerStatus("n2", URI.create("http://n2:8080"), null, "CLOSED", 40L))));
	}

	@Test
	void readReturnsTheStateAsJson() throws Exception {
		this.mvc.perform(get("/actuator/raft"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.nodeId").value("n1"))
			.andExpect(jsonPath("$.state").value("RUNNING"))
			.andExpect(jsonPath("$.role").value("LEADER"))
			.andExpect(jsonPath("$.term").value(7))
			.andExpect(jsonPath("$.leader").value(true))
			.andExpect(jsonPath("$.leaderSince").value("2026-03-01T10:15:30Z"))
			.andExpect(jsonPath("$.peers[0].id").value("n2"))
			.andExpect(jsonPath("$.peers[0].url").value("http://n2:8080"))
			.andExpect(jsonPath("$.peers[0].lastContact").value(nullValue()))
			.andExpect(jsonPath("$.peers[0].millisSinceLastContact").value(nullValue()))
			.andExpect(jsonPath("$.peers[0].circuitBreaker").value("CLOSED"))
			.andExpect(jsonPath("$.peers[0].matchIndex").value(40))
			.andExpect(jsonPath("$.peers[0].lastError").value(nullValue()))
			.andExpect(jsonPath("$.peers[0].lastErrorAt").value(nullValue()));
	}

	@Test
	void readShowsWhyTheLastRequestToAPeerFailed() throws Exception {
		this.leadership.setStatus(new RaftStatus("n1", RaftStatus.State.RUNNING, Role.LEADER, 7, "n1", true,
				LEADER_SINCE, "n1", 41, 42, LEADER_SINCE,
				List.of(new PeerStatus("n2", URI.create("http://n2:8080"), null, "OPEN", 0L, RaftStatus.Standing.VOTER,
						true, "append-entries: HTTP 409 \"Sender 'n1' belongs to another cluster\"", LEADER_SINCE))));
		this.mvc.perform(get("/actuator/raft"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.peers[0].lastError")
				.value("append-entries: HTTP 409 \"Sender 'n1' belongs to another cluster\""))
			.andExpect(jsonPath("$.peers[0].lastErrorAt").value("2026-03-01T10:15:30Z"));
	}

	@Test
	void readDescribesTheDefaultGroupUnderGroupsTooWithExplicitNulls() throws Exception {
		this.mvc.perform(get("/actuator/raft"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.groups.length()").value(1))
			.andExpect(jsonPath("$.groups.default.role").value("LEADER"))
			.andExpect(jsonPath("$.groups.default.term").value(7))
			.andExpect(jsonPath("$.groups.default.leaderId").value("n1"))
			.andExpect(jsonPath("$.groups.default.leader").value(true))
			.andExpect(jsonPath("$.groups.default.leaderSince").value("2026-03-01T10:15:30Z"))
			.andExpect(jsonPath("$.groups.default.fencingToken").value(7))
			.andExpect(jsonPath("$.groups.default.lastLeaderContact").value("2026-03-01T10:15:30Z"))
			.andExpect(jsonPath("$.groups.default.timing").value(nullValue()));
		this.leadership.follow("n2");
		this.mvc.perform(get("/actuator/raft"))
			.andExpect(jsonPath("$.groups.default.leader").value(false))
			.andExpect(jsonPath("$.groups.default.fencingToken").value(nullValue()))
			.andExpect(jsonPath("$.groups.default.leaderSince").value(nullValue()));
	}

	@Test
	void readShowsTheStandingTheConfigurationAndEachPeersPlaceInIt() throws Exception {
		this.leadership.setStatus(Statuses.leaderOfFourWithALearner(LEADER_SINCE));
		this.mvc.perform(get("/actuator/raft"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.standing").value("VOTER"))
			.andExpect(jsonPath("$.membership.clusterId").value("c1"))
			.andExpect(jsonPath("$.membership.voters", contains("n1", "n2", "n3")))
			.andExpect(jsonPath("$.membership.outgoingVoters", empty()))
			.andExpect(jsonPath("$.membership.learners", contains("n4")))
			.andExpect(jsonPath("$.membership.joint").value(false))
			.andExpect(jsonPath("$.membership.index").value(12))
			.andExpect(jsonPath("$.membership.committed").value(true))
			.andExpect(jsonPath("$.formation").value(nullValue()))
			.andExpect(jsonPath("$.peers[*].id", contains("n2", "n3", "n4")))
			.andExpect(jsonPath("$.peers[*].standing", contains("VOTER", "VOTER", "LEARNER")))
			.andExpect(jsonPath("$.peers[*].listed", contains(true, true, false)))
			.andExpect(jsonPath("$.peers[2].matchIndex").value(25));
	}

	@Test
	void readOfAReplicaThatJoinedNoClusterShowsNoConfigurationButItsFormation() throws Exception {
		this.leadership.setStatus(Statuses.withMembership(
				Statuses.running("n1", Role.FOLLOWER, 0, null, null,
						new PeerStatus("n2", URI.create("http://n2:8080"), null, "OPEN", null,
								RaftStatus.Standing.JOINING, true)),
				RaftStatus.Standing.JOINING, null, new Formation(Set.of(), Set.of(), Set.of("n2"))));
		this.mvc.perform(get("/actuator/raft"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.standing").value("JOINING"))
			.andExpect(jsonPath("$.membership").value(nullValue()))
			.andExpect(jsonPath("$.formation.granted", empty()))
			.andExpect(jsonPath("$.formation.refused", empty()))
			.andExpect(jsonPath("$.formation.unanswered", contains("n2")))
			.andExpect(jsonPath("$.peers[0].standing").value("JOINING"))
			.andExpect(jsonPath("$.peers[0].listed").value(true));
	}

	@Test
	void postToMembersAddsTheMember() throws Exception {
		this.leadership.setStatus(leaderOfThree());
		this.mvc.perform(post("/actuator/raft/members/n4").contentType(MediaType.APPLICATION_JSON)
			.content("{\"url\":\"http://n4:8080\"}"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.result").value("STARTED"))
			.andExpect(jsonPath("$.from").value("n1"))
			.andExpect(jsonPath("$.member").value("n4"))
			.andExpect(jsonPath("$.leaderId").value(nullValue()))
			.andExpect(jsonPath("$.membership.voters", contains("n1", "n2", "n3")));
		assertThat(this.leadership.membershipChanges()).containsExactly("add n4 http://n4:8080");
	}

	@Test
	void postToMembersReportsARefusalWithTheLeaderToAskInstead() throws Exception {
		this.leadership.refuseMembershipChanges(new MembershipChangeException(MembershipChangeResult.NOT_LEADER, "n2",
				"'n1' is not the leader; ask 'n2'"));
		this.mvc.perform(post("/actuator/raft/members/n4").contentType(MediaType.APPLICATION_JSON)
			.content("{\"url\":\"http://n4:8080\"}"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.result").value("NOT_LEADER"))
			.andExpect(jsonPath("$.message").value("'n1' is not the leader; ask 'n2'"))
			.andExpect(jsonPath("$.leaderId").value("n2"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "{}", "{\"url\":\"\"}", "{\"url\":\"n4:8080\"}", "{\"url\":null}" })
	void postToMembersWithoutAUsableUrlIsInvalidAndChangesNothing(String body) throws Exception {
		MvcResult result = this.mvc
			.perform(post("/actuator/raft/members/n4").contentType(MediaType.APPLICATION_JSON).content(body))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.result").value("INVALID"))
			.andExpect(jsonPath("$.member").value("n4"))
			.andExpect(jsonPath("$.message", containsString("http://10.0.0.4:8080")))
			.andReturn();
		assertThat(result.getResponse().getContentAsString()).as("a message without escaped quotes")
			.doesNotContain("\\\"");
		assertThat(this.leadership.membershipChanges()).isEmpty();
	}

	@Test
	void deleteOfAMemberRemovesIt() throws Exception {
		this.mvc.perform(delete("/actuator/raft/members/n3"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.result").value("STARTED"))
			.andExpect(jsonPath("$.from").value("n1"))
			.andExpect(jsonPath("$.member").value("n3"));
		assertThat(this.leadership.membershipChanges()).containsExactly("remove n3");
	}

	@Test
	void deleteReportsARefusal() throws Exception {
		this.leadership.refuseMembershipChanges(new MembershipChangeException(MembershipChangeResult.CHANGE_IN_PROGRESS,
				null, "Another change is under way"));
		this.mvc.perform(delete("/actuator/raft/members/n3"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.result").value("CHANGE_IN_PROGRESS"))
			.andExpect(jsonPath("$.message").value("Another change is under way"))
			.andExpect(jsonPath("$.leaderId").value(nullValue()));
	}

	@Test
	void anotherPathThanMembersIsNotFound() throws Exception {
		this.mvc.perform(post("/actuator/raft/peers/n4").contentType(MediaType.APPLICATION_JSON)
			.content("{\"url\":\"http://n4:8080\"}")).andExpect(status().isNotFound());
		this.mvc.perform(delete("/actuator/raft/peers/n3")).andExpect(status().isNotFound());
		assertThat(this.leadership.membershipChanges()).isEmpty();
	}

	@Test
	void writeWithTargetTransfersLeadershipToIt() throws Exception {
		this.mvc.perform(post("/actuator/raft").contentType(MediaType.APPLICATION_JSON).content("{\"target\":\"n2\"}"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.result").value("STARTED"))
			.andExpect(jsonPath("$.from").value("n1"))
			.andExpect(jsonPath("$.target").value("n2"));
		assertThat(this.leadership.transfers()).containsExactly("n2");
	}

	@Test
	void writeWithoutTargetTransfersLeadershipToTheBestPeer() throws Exception {
		this.mvc.perform(post("/actuator/raft").contentType(MediaType.APPLICATION_JSON).content("{}"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.result").value("STARTED"))
			.andExpect(jsonPath("$.target").value(nullValue()));
		assertThat(this.leadership.transfers()).containsExactly(TestRaftLeadership.BEST_PEER);
	}

	@Test
	void healthIncludesRaft() throws Exception {
		this.mvc.perform(get("/actuator/health/raft"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.status").value("UP"))
			.andExpect(jsonPath("$.details.nodeId").value("n1"))
			.andExpect(jsonPath("$.details.role").value("LEADER"))
			.andExpect(jsonPath("$.details.leader").value(true));
	}

	/**
	 * With write operations refused, the members can be read but not changed over HTTP. A
	 * context of its own, read through its own fields (the enclosing instance's are the other
	 * context's).
	 */
	@Nested
	@TestPropertySource(properties = "management.endpoint.raft.access=read-only")
	class ReadOnly {

		@Autowired
		private WebApplicationContext readOnlyContext;

		@Autowired
		private TestRaftLeadership readOnlyLeadership;

		private MockMvc readOnlyMvc;

		@BeforeEach
		void setUp() {
			this.readOnlyMvc = MockMvcBuilders.webAppContextSetup(this.readOnlyContext).build();
			this.readOnlyLeadership.setStatus(Statuses.leaderOfFourWithALearner(LEADER_SINCE));
		}

		@Test
		void readStillWorks() throws Exception {
			this.readOnlyMvc.perform(get("/actuator/raft"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.standing").value("VOTER"))
				.andExpect(jsonPath("$.membership.learners", contains("n4")));
		}

		@Test
		void membersCanBeNeitherAddedNorRemoved() throws Exception {
			this.readOnlyMvc
				.perform(post("/actuator/raft/members/n4").contentType(MediaType.APPLICATION_JSON)
					.content("{\"url\":\"http://n4:8080\"}"))
				.andExpect(status().isNotFound());
			this.readOnlyMvc.perform(delete("/actuator/raft/members/n3")).andExpect(status().isNotFound());
			this.readOnlyMvc.perform(post("/actuator/raft").contentType(MediaType.APPLICATION_JSON).content("{}"))
				.andExpect(status().isMethodNotAllowed());
			assertThat(this.readOnlyLeadership.membershipChanges()).isEmpty();
			assertThat(this.readOnlyLeadership.transfers()).isEmpty();
		}

	}

	private static RaftStatus leaderOfThree() {
		return Statuses.withMembership(Statuses.leaderOfFourWithALearner(LEADER_SINCE),
				RaftStatus.Standing.VOTER,
				Statuses.membership(Set.of("n1", "n2", "n3"), Set.of(), Set.of(), 3, true), null);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestConfiguration {

	}

}
