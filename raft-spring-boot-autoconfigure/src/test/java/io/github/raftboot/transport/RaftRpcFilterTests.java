package io.github.raftboot.transport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.AppendEntriesResponse;
import io.github.raftboot.core.InMemoryStorage;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.RaftStorage;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.core.RequestVoteResponse;
import io.github.raftboot.core.StorageException;
import io.github.raftboot.core.TimeoutNow;
import io.github.raftboot.leader.RaftStatus;
import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.testing.HookedStorage;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.mock.web.DelegatingServletInputStream;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Tests for {@link RaftRpcFilter}, in front of a running {@link RaftServer} whose own
 * requests are never answered. Its monotonic clock is frozen at the end of the quiet period after
 * start: it considers votes, and it never starts an election by itself, since its election timer
 * runs out at least that long after start.
 */
class RaftRpcFilterTests {

	private static final String VOTE = "{\"from\":\"n2\",\"to\":\"n1\",\"term\":5,\"lastLogIndex\":0,\"lastLogTerm\":0,"
			+ "\"preVote\":false,\"transfer\":false,\"bootstrap\":\"\"}";

	/** The minimum election timeout, for which a freshly started member ignores elections. */
	private static final long QUIET_PERIOD = RaftConfig.DEFAULT_ELECTION_TIMEOUT_MIN.toNanos();

	private final RaftJson json = new RaftJson();

	private final AtomicLong nanoTime = new AtomicLong();

	private RaftServer server;

	private MockMvc mvc;

	@BeforeEach
	void startServer() {
		startOn(new InMemoryStorage());
		this.mvc = mvc(new RaftRpcFilter(this.server, this.json, Duration.ofSeconds(2)));
	}

	/** Starts the member on that storage and lets its quiet period after start run out. */
	private void startOn(RaftStorage storage) {
		RaftConfig config = RaftConfig.builder("n1", List.of("n1", "n2", "n3")).build();
		RaftTransport silent = (request) -> new CompletableFuture<>();
		this.server = new RaftServer(config, storage, silent, (event) -> {
		}, this.nanoTime::get, Clock.systemUTC());
		this.server.start();
		this.nanoTime.addAndGet(QUIET_PERIOD);
	}

	/** Stops the member and starts it again on that storage. */
	private void restartOn(RaftStorage storage) {
		this.server.stop();
		startOn(storage);
	}

	/** An in-memory storage that runs {@code beforeSave} before each save (see {@link HookedStorage}). */
	private static RaftStorage storage(Runnable beforeSave) {
		return HookedStorage.inMemory((state) -> beforeSave.run());
	}

	/** Waits up to 10 s for the latch, on the election thread. */
	private static void awaitRelease(CountDownLatch release) {
		try {
			release.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
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
	void answersABatchWithOneReplyPerRequestAndNotFoundForAGroupThisMemberDoesNotHave() throws Exception {
		String preVote = VOTE.replace("\"preVote\":false", "\"preVote\":true");
		String batch = "{\"items\":[{\"group\":\"default\",\"rpc\":\"pre-vote\",\"message\":" + preVote + "},"
				+ "{\"group\":\"billing\",\"rpc\":\"pre-vote\",\"message\":" + preVote + "}]}";
		MvcResult result = call("batch", batch).andExpect(status().isOk())
			.andExpect(content().contentType(MediaType.APPLICATION_JSON))
			.andReturn();
		List<RaftJson.BatchReply> replies = this.json.readBatchReplies(result.getResponse().getContentAsByteArray(),
				Arrays.asList(RequestVoteResponse.class, RequestVoteResponse.class));
		assertThat(replies).extracting(RaftJson.BatchReply::status).containsExactly(200, 404);
		assertThat(replies.get(0).message()).isEqualTo(new RequestVoteResponse("n1", "n2", 5, true, true));
		assertThat(this.json.readErrorMessage(replies.get(1).error())).contains("has no election group 'billing'");
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
	@ValueSource(strings = { "/raft", "/raft/", "/raft/other", "/raft/request-vote/", "/raftx/request-vote",
			"/request-vote", "/raft/request-vote/x", "/RAFT/request-vote" })
	void passesEveryOtherPathDownTheFilterChainUntouched(String path) throws Exception {
		RaftRpcFilter filter = new RaftRpcFilter(this.server, this.json, Duration.ofSeconds(2));
		MockHttpServletRequest request = new MockHttpServletRequest("POST", path);
		request.setContentType("application/json");
		request.setContent(VOTE.getBytes(StandardCharsets.UTF_8));
		MockHttpServletResponse response = new MockHttpServletResponse();
		MockFilterChain chain = new MockFilterChain();
		filter.doFilter(request, response, chain);
		assertThat(chain.getRequest()).isSameAs(request);
		assertThat(response.isCommitted()).isFalse();
		assertThat(response.getContentAsByteArray()).isEmpty();
		assertThat(this.server.currentTerm()).isZero();
	}

	@Test
	void servesTheRpcsUnderTheContextPathAndAConfiguredBasePath() throws Exception {
		RaftRpcFilter filter = new RaftRpcFilter(this.server, this.json, Duration.ofSeconds(2), RpcAuthentication.none(),
				DataSize.ofKilobytes(64), "internal/raft/");
		assertThat(filter.urlPattern()).isEqualTo("/internal/raft/*");
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/app/internal/raft/request-vote");
		request.setContextPath("/app");
		request.setContentType("application/json");
		request.setContent(VOTE.getBytes(StandardCharsets.UTF_8));
		MockHttpServletResponse response = new MockHttpServletResponse();
		MockFilterChain chain = new MockFilterChain();
		filter.doFilter(request, response, chain);
		assertThat(chain.getRequest()).isNull();
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(this.server.currentTerm()).isEqualTo(5);
	}

	@ParameterizedTest
	@ValueSource(strings = { "GET", "PUT", "DELETE", "HEAD", "PATCH", "post" })
	void answersAnyMethodButPostWithMethodNotAllowedAndLeavesTheMemberUnchanged(String method) throws Exception {
		this.mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
			.request(org.springframework.http.HttpMethod.valueOf(method), "/raft/request-vote")
			.contentType(MediaType.APPLICATION_JSON)
			.content(VOTE))
			.andExpect(status().isMethodNotAllowed())
			.andExpect(header().string(HttpHeaders.ALLOW, "POST, OPTIONS"));
		assertThat(this.server.currentTerm()).isZero();
	}

	@Test
	void answersTheKeepWarmProbeOptionsWithNoContentWithoutAToken() throws Exception {
		this.mvc = mvc(new RaftRpcFilter(this.server, this.json, Duration.ofSeconds(2),
				RpcAuthentication.bearerToken("token", null), DataSize.ofKilobytes(1), "/raft"));
		this.mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.options("/raft/append-entries"))
			.andExpect(status().isNoContent())
			.andExpect(header().string(HttpHeaders.ALLOW, "POST, OPTIONS"))
			.andExpect(content().bytes(new byte[0]));
		assertThat(this.server.currentTerm()).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "{\"from\":", "not json", "[" + VOTE + "]", "\"vote\"",
			"{\"from\":\"n2\",\"to\":\"n1\",\"term\":5}",
			"{\"from\":\"n2\",\"to\":\"n1\",\"term\":-5,\"lastLogIndex\":0,\"lastLogTerm\":0,\"preVote\":false,"
					+ "\"transfer\":false,\"bootstrap\":\"\"}",
			"{\"from\":\"n2\",\"to\":\"n1\",\"term\":\"5\",\"lastLogIndex\":0,\"lastLogTerm\":0,\"preVote\":false,"
					+ "\"transfer\":false,\"bootstrap\":\"\"}",
			"{\"from\":\"n2\",\"to\":\"n1\",\"term\":5,\"lastLogIndex\":0,\"lastLogTerm\":0,\"preVote\":false,"
					+ "\"transfer\":false,\"bootstrap\":\"0123456789abcdef\"}" })
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

	@ParameterizedTest
	@ValueSource(strings = { "text/plain", "application/xml", "application/json;charset=ISO-8859-1",
			"application/json;charset=nonsense", "not a media type", "application/x-www-form-urlencoded" })
	void rejectsAnotherContentTypeWithUnsupportedMediaTypeAsJson(String contentType) throws Exception {
		perform("request-vote", VOTE, (request) -> request.header(HttpHeaders.CONTENT_TYPE, contentType))
			.andExpect(status().isUnsupportedMediaType())
			.andExpect(content().contentType(MediaType.APPLICATION_JSON))
			.andExpect(jsonPath("$.error").value("Unsupported Media Type"))
			.andExpect(jsonPath("$.message").value("Content type must be application/json in UTF-8"));
		assertThat(this.server.currentTerm()).isZero();
	}

	@Test
	void rejectsARequestWithoutContentTypeWithUnsupportedMediaType() throws Exception {
		perform("request-vote", VOTE, (request) -> request).andExpect(status().isUnsupportedMediaType());
		assertThat(this.server.currentTerm()).isZero();
	}

	@Test
	void acceptsJsonWithAnExplicitUtf8Charset() throws Exception {
		perform("request-vote", VOTE,
				(request) -> request.header(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8"))
			.andExpect(status().isOk());
		assertThat(this.server.currentTerm()).isEqualTo(5);
	}

	@Test
	void repeatsAtMostTheFirst64CharactersOfAnUnknownSender() throws Exception {
		String intruder = "i".repeat(10_000);
		call("request-vote", VOTE.replace("\"from\":\"n2\"", "\"from\":\"" + intruder + "\""))
			.andExpect(status().isForbidden())
			.andExpect(jsonPath("$.message").value("Sender '" + "i".repeat(64) + "...' is not another member of this cluster"));
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
	void refusesAMessageClaimingToComeFromThisMemberAsAnotherProcessWithItsId() throws Exception {
		call("append-entries", new String(this.json.write(new AppendEntries("n1", "n1", 4, 0, 0, List.of(), 0, 1)),
				StandardCharsets.UTF_8))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.code").value("duplicate-member-id"))
			.andExpect(jsonPath("$.message").value(containsString("another process uses it too")));
		assertThat(this.server.currentTerm()).isZero();
		assertThat(this.server.leaderId()).isEmpty();
		assertThat(this.server.status().conflict()).contains("is this replica's own");
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
		restartOn(storage(() -> {
			if (slow.get()) {
				awaitRelease(release);
			}
		}));
		this.mvc = mvc(new RaftRpcFilter(this.server, this.json, Duration.ofMillis(200)));
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

	@Nested
	class WithAToken {

		private static final String TOKEN = "s3cr3t-t0ken_with.symbols~+/=";

		private static final String PREVIOUS_TOKEN = "the-previous-token";

		@BeforeEach
		void requireToken() {
			RaftRpcFilterTests.this.mvc = mvc(new RaftRpcFilter(RaftRpcFilterTests.this.server,
					RaftRpcFilterTests.this.json, Duration.ofSeconds(2), RpcAuthentication.bearerToken(TOKEN, PREVIOUS_TOKEN),
					DataSize.ofKilobytes(64), "/raft"));
		}

		@Test
		void handlesARequestCarryingTheToken() throws Exception {
			callWith("Bearer " + TOKEN).andExpect(status().isOk());
			assertThat(RaftRpcFilterTests.this.server.currentTerm()).isEqualTo(5);
		}

		@Test
		void handlesARequestCarryingThePreviousTokenDuringARotation() throws Exception {
			callWith("Bearer " + PREVIOUS_TOKEN).andExpect(status().isOk());
			assertThat(RaftRpcFilterTests.this.server.currentTerm()).isEqualTo(5);
		}

		@Test
		void takesTheBearerSchemeInAnyCase() throws Exception {
			callWith("bEARER " + TOKEN).andExpect(status().isOk());
		}

		@ParameterizedTest
		@ValueSource(strings = { "", "Bearer", "Bearer ", "Bearer wrong", "Bearer " + TOKEN + "x",
				"Bearer s3cr3t-t0ken_with.symbols~+/", "Basic " + TOKEN, "Bearer" + TOKEN, TOKEN, "Bearer  ",
				"Bearer \u00e9" })
		void rejectsAMissingOrWrongTokenWithUnauthorizedAndLeavesTheMemberUnchanged(String authorization)
				throws Exception {
			ResultActions result = authorization.isEmpty() ? call("request-vote", VOTE) : callWith(authorization);
			result.andExpect(status().isUnauthorized())
				.andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"raft\""))
				.andExpect(content().contentType(MediaType.APPLICATION_JSON))
				.andExpect(jsonPath("$.error").value("Unauthorized"))
				.andExpect(jsonPath("$.message").value(containsString("Authorization: Bearer")))
				.andExpect(content().string(not(containsString(TOKEN))));
			assertThat(RaftRpcFilterTests.this.server.currentTerm()).isZero();
			assertThat(RaftRpcFilterTests.this.server.status().votedFor()).isNull();
		}

		@Test
		void checksTheTokenBeforeTheContentTypeTheSizeAndTheBody() throws Exception {
			perform("request-vote", "x".repeat(100_000),
					(request) -> request.header(HttpHeaders.CONTENT_TYPE, "text/plain"))
				.andExpect(status().isUnauthorized());
			call("append-entries", "not json").andExpect(status().isUnauthorized());
			call("timeout-now", "{\"from\":\"intruder\",\"to\":\"n1\",\"term\":1}")
				.andExpect(status().isUnauthorized());
		}

		@Test
		void readsNothingOfTheBodyOfAnUnauthenticatedRequest() {
			RaftRpcFilter filter = new RaftRpcFilter(RaftRpcFilterTests.this.server, RaftRpcFilterTests.this.json,
					Duration.ofSeconds(2), RpcAuthentication.bearerToken(TOKEN, null), DataSize.ofKilobytes(64), "/raft");
			HttpHeaders headers = jsonHeaders();
			headers.set(HttpHeaders.AUTHORIZATION, "Bearer wrong");
			assertThat(rpc(filter, "request-vote", headers, unreadable()).getStatusCode())
				.isEqualTo(HttpStatus.UNAUTHORIZED);
		}

		private ResultActions callWith(String authorization) throws Exception {
			return perform("request-vote", VOTE, (request) -> request.contentType(MediaType.APPLICATION_JSON)
				.header(HttpHeaders.AUTHORIZATION, authorization));
		}

	}

	@Nested
	class BodySizeLimit {

		private RaftRpcFilter filter;

		@BeforeEach
		void limitBodiesToOneKilobyte() {
			this.filter = new RaftRpcFilter(RaftRpcFilterTests.this.server, RaftRpcFilterTests.this.json,
					Duration.ofSeconds(2), RpcAuthentication.none(), DataSize.ofBytes(1024), "/raft");
		}

		@Test
		void rejectsABodyAnnouncedAsTooLargeWithoutReadingIt() {
			HttpHeaders headers = jsonHeaders();
			headers.setContentLength(1025);
			ResponseEntity<byte[]> answer = rpc(this.filter, "request-vote", headers, unreadable());
			assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
			assertThat(new String(answer.getBody(), StandardCharsets.UTF_8)).isEqualTo(
					"{\"error\":\"Content Too Large\",\"message\":\"Request body must not be larger than 1024 bytes\"}");
		}

		@Test
		void stopsReadingABodyOfUnknownLengthOneBytePastTheLimit() {
			AtomicInteger read = new AtomicInteger();
			InputStream endless = new InputStream() {

				@Override
				public int read() {
					read.incrementAndGet();
					return ' ';
				}

			};
			ResponseEntity<byte[]> answer = rpc(this.filter, "append-entries", jsonHeaders(), endless);
			assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
			assertThat(read.get()).isEqualTo(1025);
			assertThat(RaftRpcFilterTests.this.server.currentTerm()).isZero();
		}

		@Test
		void acceptsABodyOfExactlyTheLimit() {
			String padded = VOTE + " ".repeat(1024 - VOTE.length());
			ResponseEntity<byte[]> answer = rpc(this.filter, "request-vote", jsonHeaders(),
					new ByteArrayInputStream(padded.getBytes(StandardCharsets.UTF_8)));
			assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
		}

		@Test
		void rejectsAnOversizedBodyOverMockMvcWithJson() throws Exception {
			mvc(this.filter)
				.perform(post("/raft/append-entries").contentType(MediaType.APPLICATION_JSON).content(" ".repeat(5000)))
				.andExpect(status().is(413))
				.andExpect(jsonPath("$.error").value("Content Too Large"));
		}

		@Test
		void answersAMalformedContentLengthWithBadRequestWithoutReadingTheBody() {
			HttpHeaders headers = jsonHeaders();
			headers.set(HttpHeaders.CONTENT_LENGTH, "12abc");
			assertThat(rpc(this.filter, "request-vote", headers, unreadable()).getStatusCode())
				.isEqualTo(HttpStatus.BAD_REQUEST);
		}

		@Test
		void answersAnUnreadableBodyWithBadRequest() {
			InputStream broken = new InputStream() {

				@Override
				public int read() throws IOException {
					throw new IOException("connection reset");
				}

			};
			ResponseEntity<byte[]> answer = rpc(this.filter, "request-vote", jsonHeaders(), broken);
			assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
			assertThat(new String(answer.getBody(), StandardCharsets.UTF_8)).contains("could not be read")
				.doesNotContain("connection reset");
		}

	}

	@Nested
	class WhileTheElectionThreadIsBusy {

		private final CountDownLatch release = new CountDownLatch(1);

		private RaftRpcFilter filter;

		private CompletableFuture<ResponseEntity<byte[]>> blockingVote;

		@BeforeEach
		void blockTheElectionThread() {
			restartOn(storage(() -> awaitRelease(this.release)));
			this.filter = new RaftRpcFilter(RaftRpcFilterTests.this.server, RaftRpcFilterTests.this.json,
					Duration.ofSeconds(5), RpcAuthentication.bearerToken("token", null), DataSize.ofKilobytes(1), "/raft");
			// A valid vote for a higher term: the election thread now waits for the disk.
			HttpHeaders headers = jsonHeaders();
			headers.set(HttpHeaders.AUTHORIZATION, "Bearer token");
			this.blockingVote = CompletableFuture.supplyAsync(() -> rpc(this.filter, "request-vote", headers, body(VOTE)));
		}

		@AfterEach
		void releaseTheElectionThread() {
			this.release.countDown();
		}

		@Test
		void invalidRequestsAreAnsweredAtOnceOnTheRequestThread() {
			HttpHeaders authorized = jsonHeaders();
			authorized.set(HttpHeaders.AUTHORIZATION, "Bearer token");
			HttpHeaders textPlain = new HttpHeaders();
			textPlain.set(HttpHeaders.AUTHORIZATION, "Bearer token");
			textPlain.setContentType(MediaType.TEXT_PLAIN);
			assertThat(rpc(this.filter, "request-vote", jsonHeaders(), body(VOTE)).getStatusCode().value())
				.isEqualTo(401);
			assertThat(rpc(this.filter, "request-vote", textPlain, body(VOTE)).getStatusCode().value())
				.isEqualTo(415);
			assertThat(rpc(this.filter, "request-vote", authorized, body(" ".repeat(2000))).getStatusCode()
				.value()).isEqualTo(413);
			assertThat(rpc(this.filter, "request-vote", authorized, body("{\"term\":1}")).getStatusCode()
				.value()).isEqualTo(400);
			assertThat(rpc(this.filter, "append-entries", authorized,
					body(VOTE.replace("\"from\":\"n2\"", "\"from\":\"n9\"")))
				.getStatusCode()
				.value()).isEqualTo(400);
			assertThat(rpc(this.filter, "request-vote", authorized,
					body(VOTE.replace("\"from\":\"n2\"", "\"from\":\"n9\"")))
				.getStatusCode()
				.value()).isEqualTo(403);
			assertThat(rpc(this.filter, "request-vote", authorized,
					body(VOTE.replace("\"to\":\"n1\"", "\"to\":\"n3\"")))
				.getStatusCode()
				.value()).isEqualTo(400);
			// All the while, the election thread was stuck on the vote that came first.
			await().during(Duration.ofMillis(200))
				.atMost(Duration.ofSeconds(1))
				.until(() -> !this.blockingVote.isDone());
			this.release.countDown();
			assertThat(this.blockingVote).succeedsWithin(Duration.ofSeconds(5))
				.satisfies((answer) -> assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK));
		}

	}

	@Nested
	class WhenTheMemberFailedToPersist {

		private final AtomicBoolean diskFull = new AtomicBoolean();

		@BeforeEach
		void startOnAFailingDisk() {
			restartOn(storage(() -> {
				if (this.diskFull.get()) {
					throw new StorageException("No space left on device");
				}
			}));
			RaftRpcFilterTests.this.mvc = mvc(
					new RaftRpcFilter(RaftRpcFilterTests.this.server, RaftRpcFilterTests.this.json, Duration.ofSeconds(2)));
		}

		@Test
		void theRequestWhoseStateCouldNotBePersistedIsAnsweredServiceUnavailableNotNoContent() throws Exception {
			this.diskFull.set(true);
			call("request-vote", VOTE).andExpect(status().isServiceUnavailable())
				.andExpect(jsonPath("$.error").value("Service Unavailable"))
				.andExpect(jsonPath("$.message").value(containsString("has failed")));
			assertThat(RaftRpcFilterTests.this.server.status().state()).isEqualTo(RaftStatus.State.FAILED);
			assertThat(RaftRpcFilterTests.this.server.status().votedFor()).isNull();
		}

		@Test
		void everyLaterRequestIsAnsweredServiceUnavailable() throws Exception {
			this.diskFull.set(true);
			call("request-vote", VOTE).andExpect(status().isServiceUnavailable());
			this.diskFull.set(false);
			String heartbeat = new String(RaftRpcFilterTests.this.json
				.write(new AppendEntries("n2", "n1", 7, 0, 0, List.of(), 0, 1)), StandardCharsets.UTF_8);
			call("append-entries", heartbeat).andExpect(status().isServiceUnavailable())
				.andExpect(jsonPath("$.message").value(containsString("has failed")));
			call("timeout-now", "{\"from\":\"n2\",\"to\":\"n1\",\"term\":7}").andExpect(status().isServiceUnavailable());
			assertThat(RaftRpcFilterTests.this.server.status().state()).isEqualTo(RaftStatus.State.FAILED);
		}

	}

	private ResultActions call(String rpc, String body) throws Exception {
		return perform(rpc, body, (request) -> request.contentType(MediaType.APPLICATION_JSON));
	}

	private ResultActions perform(String rpc, String body,
			java.util.function.UnaryOperator<org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder> customizer)
			throws Exception {
		return this.mvc.perform(customizer.apply(post("/raft/" + rpc).content(body)))
			.andExpect(request().asyncNotStarted());
	}

	/** MockMvc with the filter in front of a servlet that fails every request passed on to it. */
	private static MockMvc mvc(RaftRpcFilter filter) {
		return MockMvcBuilders.standaloneSetup(new Object()).addFilter(filter).build();
	}

	/**
	 * Calls the filter on this thread.
	 * @param filter the filter
	 * @param rpc the RPC, such as {@code request-vote}
	 * @param headers the request headers, exactly as given (also a malformed Content-Length)
	 * @param body the request body
	 * @return the answer, which the filter wrote before it returned
	 */
	private static ResponseEntity<byte[]> rpc(RaftRpcFilter filter, String rpc, HttpHeaders headers, InputStream body) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/raft/" + rpc) {

			@Override
			public String getHeader(String name) {
				return headers.getFirst(name);
			}

			@Override
			public ServletInputStream getInputStream() {
				return new DelegatingServletInputStream(body);
			}

		};
		MockHttpServletResponse response = new MockHttpServletResponse();
		MockFilterChain chain = new MockFilterChain();
		try {
			filter.doFilter(request, response, chain);
		}
		catch (IOException | ServletException ex) {
			throw new IllegalStateException(ex);
		}
		assertThat(chain.getRequest()).as("passed down the filter chain").isNull();
		HttpHeaders answerHeaders = new HttpHeaders();
		response.getHeaderNames().forEach((name) -> answerHeaders.addAll(name, response.getHeaders(name)));
		return ResponseEntity.status(response.getStatus()).headers(answerHeaders).body(response.getContentAsByteArray());
	}

	private static HttpHeaders jsonHeaders() {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.APPLICATION_JSON);
		return headers;
	}

	private static InputStream body(String body) {
		return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
	}

	/** A body that fails the test if anything reads it. */
	private static InputStream unreadable() {
		return new InputStream() {

			@Override
			public int read() {
				return fail("the body was read");
			}

			@Override
			public int read(byte[] buffer, int offset, int length) {
				return fail("the body was read");
			}

		};
	}

	private <T extends Message> T read(MvcResult result, Class<T> type) {
		return this.json.read(result.getResponse().getContentAsByteArray(), type);
	}

}
