package io.github.raftboot.transport;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.AppendEntriesResponse;
import io.github.raftboot.core.InMemoryStorage;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.PersistentState;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.RaftStorage;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.core.RequestVoteResponse;
import io.github.raftboot.core.TimeoutNow;
import io.github.raftboot.runtime.RaftServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Tests for {@link RaftRpcController}, in front of a running {@link RaftServer} whose own
 * requests are never answered. Its monotonic clock is frozen, past the quiet period after start,
 * so that it never starts an election by itself.
 */
class RaftRpcControllerTests {

	private static final String VOTE = "{\"from\":\"n2\",\"to\":\"n1\",\"term\":5,\"lastLogIndex\":0,\"lastLogTerm\":0,"
			+ "\"preVote\":false,\"transfer\":false}";

	private final RaftJson json = new RaftJson();

	private final AtomicLong nanoTime = new AtomicLong();

	private RaftServer server;

	private MockMvc mvc;

	@BeforeEach
	void startServer() {
		RaftConfig config = RaftConfig.builder("n1", List.of("n1", "n2", "n3")).build();
		RaftTransport silent = (request) -> new CompletableFuture<>();
		this.server = new RaftServer(config, new InMemoryStorage(), silent, (event) -> {
		}, this.nanoTime::get, Clock.systemUTC());
		this.server.start();
		this.nanoTime.addAndGet(Duration.ofSeconds(1).toNanos());
		this.mvc = MockMvcBuilders.standaloneSetup(new RaftRpcController(this.server, this.json, Duration.ofSeconds(2)))
			.build();
	}

	@AfterEach
	void stopServer() {
		this.server.stop();
	}

	@Test
	void answersAPreVoteWithTheVoteAsJson() throws Exception {
		String preVote = VOTE.replace("\"preVote\":false", "\"preVote\":true");
		MvcResult result = call("request-vote", preVote).andExpect(status().isOk())
			.andExpect(content().contentType(MediaType.APPLICATION_JSON))
			.andReturn();
		assertThat(read(result, RequestVoteResponse.class)).isEqualTo(new RequestVoteResponse("n1", "n2", 5, true, true));
		assertThat(this.server.currentTerm()).isZero();
	}

	@Test
	void grantsAVoteForAHigherTermAndAdoptsThatTerm() throws Exception {
		MvcResult result = call("request-vote", VOTE).andExpect(status().isOk()).andReturn();
		assertThat(read(result, RequestVoteResponse.class))
			.isEqualTo(new RequestVoteResponse("n1", "n2", 5, true, false));
		assertThat(this.server.status().term()).isEqualTo(5);
		assertThat(this.server.status().votedFor()).isEqualTo("n2");
	}

	@Test
	void acceptsAHeartbeatFromALeaderAndFollowsIt() throws Exception {
		AppendEntries heartbeat = new AppendEntries("n2", "n1", 2, 0, 0, List.of(), 0, 7);
		MvcResult result = call("append-entries", new String(this.json.write(heartbeat), StandardCharsets.UTF_8))
			.andExpect(status().isOk())
			.andExpect(content().contentType(MediaType.APPLICATION_JSON))
			.andReturn();
		assertThat(read(result, AppendEntriesResponse.class))
			.isEqualTo(new AppendEntriesResponse("n1", "n2", 2, true, 0, 0, 7));
		assertThat(this.server.leaderId()).contains("n2");
		assertThat(this.server.currentTerm()).isEqualTo(2);
	}

	@Test
	void answersTimeoutNowWithNoContent() throws Exception {
		String timeoutNow = new String(this.json.write(new TimeoutNow("n2", "n1", 0)), StandardCharsets.UTF_8);
		call("timeout-now", timeoutNow).andExpect(status().isNoContent())
			.andExpect(content().bytes(new byte[0]));
	}

	@Test
	void answersNoContentWhenTheMemberIgnoresTheRequest() throws Exception {
		call("append-entries", new String(this.json.write(new AppendEntries("n2", "n1", 2, 0, 0, List.of(), 0, 1)),
				StandardCharsets.UTF_8))
			.andExpect(status().isOk());
		// Within the stickiness window of leader n2, a vote for a higher term is ignored.
		call("request-vote", VOTE).andExpect(status().isNoContent());
		assertThat(this.server.currentTerm()).isEqualTo(2);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "{\"from\":", "not json", "[" + VOTE + "]", "\"vote\"",
			"{\"from\":\"n2\",\"to\":\"n1\",\"term\":5}",
			"{\"from\":\"n2\",\"to\":\"n1\",\"term\":-5,\"lastLogIndex\":0,\"lastLogTerm\":0,\"preVote\":false,\"transfer\":false}",
			"{\"from\":\"n2\",\"to\":\"n1\",\"term\":\"5\",\"lastLogIndex\":0,\"lastLogTerm\":0,\"preVote\":false,\"transfer\":false}" })
	void rejectsAnInvalidMessageWithAJsonErrorAndLeavesTheMemberUnchanged(String body) throws Exception {
		call("request-vote", body).andExpect(status().isBadRequest())
			.andExpect(content().contentType(MediaType.APPLICATION_JSON))
			.andExpect(jsonPath("$.error").value("Bad Request"))
			.andExpect(jsonPath("$.message").isNotEmpty())
			.andExpect(content().string(not(containsString("Exception"))))
			.andExpect(content().string(not(containsString("\tat "))));
		assertThat(this.server.currentTerm()).isZero();
	}

	@Test
	void namesTheMissingFieldInTheError() throws Exception {
		call("request-vote", VOTE.replace(",\"lastLogTerm\":0", "")).andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.message").value("Field 'lastLogTerm' is required and must not be null"));
	}

	@Test
	void rejectsAnotherContentTypeWithUnsupportedMediaType() throws Exception {
		this.mvc.perform(post("/raft/request-vote").contentType(MediaType.TEXT_PLAIN).content(VOTE))
			.andExpect(status().isUnsupportedMediaType());
		assertThat(this.server.currentTerm()).isZero();
	}

	@Test
	void forbidsASenderThatIsNotAMember() throws Exception {
		call("request-vote", VOTE.replace("\"from\":\"n2\"", "\"from\":\"intruder\"")).andExpect(status().isForbidden())
			.andExpect(jsonPath("$.error").value("Forbidden"))
			.andExpect(jsonPath("$.message").value(containsString("intruder")));
		assertThat(this.server.currentTerm()).isZero();
		assertThat(this.server.status().votedFor()).isNull();
	}

	@Test
	void forbidsAMessageClaimingToComeFromThisMember() throws Exception {
		call("append-entries", new String(this.json.write(new AppendEntries("n1", "n1", 4, 0, 0, List.of(), 0, 1)),
				StandardCharsets.UTF_8))
			.andExpect(status().isForbidden());
		assertThat(this.server.currentTerm()).isZero();
		assertThat(this.server.leaderId()).isEmpty();
	}

	@Test
	void rejectsAMessageAddressedToAnotherMember() throws Exception {
		call("request-vote", VOTE.replace("\"to\":\"n1\"", "\"to\":\"n3\"")).andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.message").value(containsString("'n3'")));
		assertThat(this.server.currentTerm()).isZero();
	}

	@Test
	void answersServiceUnavailableWhenTheMemberDoesNotRun() throws Exception {
		this.server.stop();
		call("request-vote", VOTE).andExpect(status().isServiceUnavailable())
			.andExpect(jsonPath("$.error").value("Service Unavailable"))
			.andExpect(jsonPath("$.message").value(containsString("not running")));
	}

	@Test
	void answersServiceUnavailableWhenTheMemberDoesNotAnswerInTime() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicBoolean slow = new AtomicBoolean();
		InMemoryStorage memory = new InMemoryStorage();
		RaftStorage slowDisk = new RaftStorage() {

			@Override
			public PersistentState load() {
				return memory.load();
			}

			@Override
			public void save(PersistentState state) {
				try {
					if (slow.get()) {
						release.await(10, TimeUnit.SECONDS);
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				memory.save(state);
			}

		};
		this.server.stop();
		this.server = new RaftServer(RaftConfig.builder("n1", List.of("n1", "n2", "n3")).build(), slowDisk,
				(request) -> new CompletableFuture<>(), (event) -> {
				}, this.nanoTime::get, Clock.systemUTC());
		this.server.start();
		this.nanoTime.addAndGet(Duration.ofSeconds(1).toNanos());
		this.mvc = MockMvcBuilders
			.standaloneSetup(new RaftRpcController(this.server, this.json, Duration.ofMillis(200)))
			.build();
		slow.set(true);
		try {
			call("request-vote", VOTE).andExpect(status().isServiceUnavailable())
				.andExpect(jsonPath("$.error").value("Service Unavailable"))
				.andExpect(jsonPath("$.message").value(containsString("did not handle the request")));
		}
		finally {
			release.countDown();
		}
	}

	private ResultActions call(String rpc, String body) throws Exception {
		MvcResult started = this.mvc
			.perform(post("/raft/" + rpc).contentType(MediaType.APPLICATION_JSON).content(body))
			.andExpect(request().asyncStarted())
			.andReturn();
		started.getAsyncResult(Duration.ofSeconds(5).toMillis());
		return this.mvc.perform(asyncDispatch(started));
	}

	private <T extends Message> T read(MvcResult result, Class<T> type) {
		return this.json.read(result.getResponse().getContentAsByteArray(), type);
	}

}
