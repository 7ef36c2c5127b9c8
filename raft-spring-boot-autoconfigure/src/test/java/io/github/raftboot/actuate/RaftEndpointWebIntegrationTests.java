package io.github.raftboot.actuate;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import io.github.raftboot.autoconfigure.OnLeaderAutoConfiguration;
import io.github.raftboot.autoconfigure.RaftAutoConfiguration;
import io.github.raftboot.autoconfigure.RaftWebAutoConfiguration;
import io.github.raftboot.core.Role;
import io.github.raftboot.leader.PeerStatus;
import io.github.raftboot.leader.RaftStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.nullValue;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Tests of {@link RaftEndpoint} over HTTP, with Boot's Actuator and its JSON mapper.
 */
@SpringBootTest(properties = { "management.endpoints.web.exposure.include=raft,health",
		"management.endpoint.health.show-details=always" })
class RaftEndpointWebIntegrationTests {

	private static final Instant LEADER_SINCE = Instant.parse("2026-03-01T10:15:30Z");

	@Autowired
	private WebApplicationContext context;

	@Autowired
	private FakeRaftLeadership leadership;

	private MockMvc mvc;

	@BeforeEach
	void setUp() {
		this.mvc = MockMvcBuilders.webAppContextSetup(this.context).build();
		this.leadership.setStatus(new RaftStatus("n1", RaftStatus.State.RUNNING, Role.LEADER, 7, "n1", true,
				LEADER_SINCE, "n1", 41, 42, LEADER_SINCE,
				List.of(new PeerStatus("n2", URI.create("http://n2:8080"), null, "CLOSED", 40L))));
		this.leadership.clearTransfers();
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
			.andExpect(jsonPath("$.peers[0].matchIndex").value(40));
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
		assertThat(this.leadership.transfers()).containsExactly(FakeRaftLeadership.BEST_PEER);
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

	@SpringBootConfiguration
	@EnableAutoConfiguration(
			exclude = { RaftAutoConfiguration.class, RaftWebAutoConfiguration.class, OnLeaderAutoConfiguration.class })
	static class TestConfiguration {

		@Bean
		FakeRaftLeadership raftLeadership() {
			return new FakeRaftLeadership(FakeRaftLeadership.running("n1", Role.FOLLOWER, 0, null, null));
		}

	}

}
