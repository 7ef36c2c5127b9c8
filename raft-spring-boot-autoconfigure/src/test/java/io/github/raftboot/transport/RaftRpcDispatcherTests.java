package io.github.raftboot.transport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.core.RequestVoteResponse;
import io.github.raftboot.core.TimeoutNow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RaftRpcDispatcher} on plain inputs, in front of a scripted handler: the checks
 * and answers of the RPC endpoints without any servlet type ({@link RaftRpcFilterTests} checks
 * them through the filter, in front of a real member).
 */
class RaftRpcDispatcherTests {

	private static final String JSON = "application/json";

	private static final String TOKEN = "Bearer token";

	private final RaftJson json = new RaftJson();

	private final ScriptedHandler handler = new ScriptedHandler();

	private final RaftRpcDispatcher dispatcher = new RaftRpcDispatcher(this.handler, this.json, Duration.ofSeconds(2),
			RpcAuthentication.bearerToken("token", null), DataSize.ofBytes(1024), "/raft");

	@AfterEach
	void clearInterruption() {
		Thread.interrupted();
	}

	@Test
	void servesTheThreeEndpointsUnderTheBasePathAndNothingElse() {
		assertThat(this.dispatcher.requestType("/raft/request-vote")).isEqualTo(RequestVote.class);
		assertThat(this.dispatcher.requestType("/raft/append-entries")).isEqualTo(AppendEntries.class);
		assertThat(this.dispatcher.requestType("/raft/timeout-now")).isEqualTo(TimeoutNow.class);
		for (String other : List.of("/raft", "/raft/", "/raft/pre-vote", "/request-vote", "/raft/request-vote/",
				"/RAFT/request-vote")) {
			assertThat(this.dispatcher.requestType(other)).as(other).isNull();
		}
	}

	@Test
	void servesTheEndpointsAtTheRootForAnEmptyBasePath() {
		RaftRpcDispatcher atRoot = new RaftRpcDispatcher(this.handler, this.json, Duration.ofSeconds(2),
				RpcAuthentication.none(), DataSize.ofKilobytes(1), "/");
		assertThat(atRoot.basePath()).isEmpty();
		assertThat(atRoot.requestType("/append-entries")).isEqualTo(AppendEntries.class);
	}

	@Test
	void answersOptionsWithNoContentAndTheAllowedMethodsWithoutAToken() {
		RaftRpcDispatcher.Response answer = this.dispatcher.answerBeforeBody("OPTIONS", null, null, null);
		assertThat(answer).isNotNull();
		assertThat(answer.status()).isEqualTo(HttpStatus.NO_CONTENT);
		assertThat(answer.headers()).containsOnly(Map.entry(HttpHeaders.ALLOW, "POST, OPTIONS"));
		assertThat(answer.body()).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "GET", "PUT", "DELETE", "post" })
	void answersAnyOtherMethodButPostWithMethodNotAllowed(String method) {
		RaftRpcDispatcher.Response answer = this.dispatcher.answerBeforeBody(method, TOKEN, JSON, "10");
		assertThat(answer).isNotNull();
		assertThat(answer.status()).isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
		assertThat(answer.headers()).containsOnly(Map.entry(HttpHeaders.ALLOW, "POST, OPTIONS"));
		assertThat(body(answer))
			.isEqualTo("{\"error\":\"Method Not Allowed\",\"message\":\"Raft RPCs are sent with POST\"}");
	}

	@Test
	void checksTheTokenBeforeTheContentTypeAndTheLength() {
		RaftRpcDispatcher.Response answer = this.dispatcher.answerBeforeBody("POST", "Bearer wrong", "text/plain",
				"99999999");
		assertThat(answer).isNotNull();
		assertThat(answer.status()).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(answer.headers()).containsOnly(Map.entry(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"raft\""));
		assertThat(body(answer)).isEqualTo("{\"error\":\"Unauthorized\","
				+ "\"message\":\"A valid 'Authorization: Bearer <token>' header is required\"}");
	}

	@Test
	void checksTheContentTypeBeforeTheLength() {
		RaftRpcDispatcher.Response answer = this.dispatcher.answerBeforeBody("POST", TOKEN, "text/plain", "99999999");
		assertThat(answer).isNotNull();
		assertThat(answer.status()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
		assertThat(answer.headers()).isEmpty();
	}

	@Test
	void answersALengthOverTheLimitOrMalformedBeforeTheBodyIsRead() {
		RaftRpcDispatcher.Response tooLarge = this.dispatcher.answerBeforeBody("POST", TOKEN, JSON, "1025");
		assertThat(tooLarge).isNotNull();
		assertThat(tooLarge.status()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
		assertThat(body(tooLarge))
			.isEqualTo("{\"error\":\"Content Too Large\",\"message\":\"Request body must not be larger than 1024 bytes\"}");
		RaftRpcDispatcher.Response malformed = this.dispatcher.answerBeforeBody("POST", TOKEN, JSON, "12abc");
		assertThat(malformed).isNotNull();
		assertThat(malformed.status()).isEqualTo(HttpStatus.BAD_REQUEST);
	}

	@Test
	void asksForTheBodyOfAnAuthorizedJsonPostWithinTheLimit() {
		assertThat(this.dispatcher.answerBeforeBody("POST", TOKEN, JSON, "1024")).isNull();
		assertThat(this.dispatcher.answerBeforeBody("POST", TOKEN, "application/json; charset=UTF-8", null)).isNull();
		assertThat(this.dispatcher.maxBodyBytes()).isEqualTo(1024);
	}

	@Test
	void answersABodyOverTheLimitWithoutParsingIt() {
		RaftRpcDispatcher.Response answer = this.dispatcher.answer(RequestVote.class, new byte[1025]);
		assertThat(answer.status()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
		assertThat(this.handler.received).isEmpty();
	}

	@Test
	void answersAnInvalidMessageWithBadRequestWithoutCallingTheMember() {
		RaftRpcDispatcher.Response answer = this.dispatcher.answer(AppendEntries.class,
				bytes("{\"from\":\"n2\",\"to\":\"n1\",\"term\":1}"));
		assertThat(answer.status()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(body(answer)).startsWith("{\"error\":\"Bad Request\",\"message\":\"Field ");
		assertThat(this.handler.received).isEmpty();
	}

	@Test
	void leavesTheDecisionOnTheSenderToTheMember() {
		this.handler.members = Set.of("n2", "n9");
		RaftRpcDispatcher.Response refused = this.dispatcher.answer(TimeoutNow.class,
				this.json.write(new TimeoutNow("n3", "n1", 1)));
		assertThat(refused.status()).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(body(refused)).contains("Sender 'n3' is not another member of this cluster");
		// A member that joined at run time is accepted as soon as the member says so.
		RaftRpcDispatcher.Response accepted = this.dispatcher.answer(TimeoutNow.class,
				this.json.write(new TimeoutNow("n9", "n1", 1)));
		assertThat(accepted.status()).isEqualTo(HttpStatus.NO_CONTENT);
		assertThat(this.handler.received).containsExactly(new TimeoutNow("n9", "n1", 1));
	}

	@Test
	void rejectsAMessageAddressedToAnotherMember() {
		RaftRpcDispatcher.Response answer = this.dispatcher.answer(TimeoutNow.class,
				this.json.write(new TimeoutNow("n2", "n3", 1)));
		assertThat(answer.status()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(body(answer)).contains("Message addressed to 'n3' was delivered to 'n1'");
		assertThat(this.handler.received).isEmpty();
	}

	@Test
	void answersWithTheMembersReplyAsJson() {
		this.handler.reply = (request) -> CompletableFuture
			.completedFuture(Optional.of(new RequestVoteResponse("n1", "n2", 5, true, false)));
		RaftRpcDispatcher.Response answer = this.dispatcher.answer(RequestVote.class,
				this.json.write(new RequestVote("n2", "n1", 5, 0, 0, false, false)));
		assertThat(answer.status()).isEqualTo(HttpStatus.OK);
		assertThat(answer.headers()).isEmpty();
		assertThat(this.json.read(answer.body(), RequestVoteResponse.class))
			.isEqualTo(new RequestVoteResponse("n1", "n2", 5, true, false));
	}

	@Test
	void answersNoContentWhenTheMemberDoesNotAnswer() {
		RaftRpcDispatcher.Response answer = this.dispatcher.answer(AppendEntries.class,
				this.json.write(new AppendEntries("n2", "n1", 1, 0, 0, List.of(), 0, 1)));
		assertThat(answer.status()).isEqualTo(HttpStatus.NO_CONTENT);
		assertThat(answer.headers()).isEmpty();
		assertThat(answer.body()).isEmpty();
	}

	@Test
	void answersServiceUnavailableInTheMembersWordsWhenItDoesNotRun() {
		this.handler.reply = (request) -> CompletableFuture
			.failedFuture(new IllegalStateException("Raft member 'n1' is not running"));
		RaftRpcDispatcher.Response answer = answerHeartbeat(this.dispatcher);
		assertThat(answer.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(body(answer))
			.isEqualTo("{\"error\":\"Service Unavailable\",\"message\":\"Raft member 'n1' is not running\"}");
	}

	@Test
	void answersARequestTheMemberFindsInvalidWithBadRequest() {
		this.handler.reply = (request) -> CompletableFuture.failedFuture(new IllegalArgumentException("term too high"));
		RaftRpcDispatcher.Response answer = answerHeartbeat(this.dispatcher);
		assertThat(answer.status()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(body(answer)).contains("term too high");
	}

	@Test
	void answersAnUnexpectedFailureWithInternalServerErrorAndNoDetails() {
		this.handler.reply = (request) -> CompletableFuture.failedFuture(new NullPointerException("internal detail"));
		RaftRpcDispatcher.Response answer = answerHeartbeat(this.dispatcher);
		assertThat(answer.status()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
		assertThat(body(answer)).contains("The request could not be handled").doesNotContain("internal detail");
	}

	@Test
	void answersServiceUnavailableWhenTheMemberDoesNotAnswerWithinTheTimeout() {
		this.handler.reply = (request) -> new CompletableFuture<>();
		RaftRpcDispatcher impatient = new RaftRpcDispatcher(this.handler, this.json, Duration.ofMillis(50),
				RpcAuthentication.none(), DataSize.ofKilobytes(1), "/raft");
		RaftRpcDispatcher.Response answer = answerHeartbeat(impatient);
		assertThat(answer.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(body(answer)).contains("Raft member 'n1' did not handle the request within 50 ms");
	}

	@Test
	void waitsLongerForTheMemberWhileTheClusterTimingIsWidened() {
		CompletableFuture<Optional<Message>> late = new CompletableFuture<>();
		this.handler.reply = (request) -> late;
		this.handler.timeoutFactor = 4;
		RaftRpcDispatcher impatient = new RaftRpcDispatcher(this.handler, this.json, Duration.ofMillis(50),
				RpcAuthentication.none(), DataSize.ofKilobytes(1), "/raft");
		long start = System.nanoTime();
		RaftRpcDispatcher.Response answer = answerHeartbeat(impatient);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
		assertThat(answer.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(body(answer)).contains("Raft member 'n1' did not handle the request within 200 ms");
		CompletableFuture<Optional<Message>> answeredAfterTheTimeout = new CompletableFuture<>();
		this.handler.reply = (request) -> {
			CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS)
				.execute(() -> answeredAfterTheTimeout.complete(Optional.empty()));
			return answeredAfterTheTimeout;
		};
		assertThat(answerHeartbeat(impatient).status()).as("answered after 100 ms, within 4 x 50 ms")
			.isEqualTo(HttpStatus.NO_CONTENT);
	}

	@Test
	void answersServiceUnavailableWhenInterruptedAndKeepsTheInterruption() {
		this.handler.reply = (request) -> new CompletableFuture<>();
		Thread.currentThread().interrupt();
		RaftRpcDispatcher.Response answer = answerHeartbeat(this.dispatcher);
		assertThat(Thread.interrupted()).isTrue();
		assertThat(answer.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(body(answer)).contains("Interrupted while waiting for Raft member 'n1'");
	}

	@Test
	void answersAnUnreadableBodyWithBadRequest() {
		RaftRpcDispatcher.Response answer = this.dispatcher.unreadableBody();
		assertThat(answer.status()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(body(answer)).contains("could not be read");
	}

	@Test
	void answersLaterARequestRefusedBeforeTheMemberAtOnceAndOnTheCallingThread() {
		List<Runnable> scheduled = new CopyOnWriteArrayList<>();
		CompletableFuture<RaftRpcDispatcher.Response> answer = this.dispatcher.answerLater(TimeoutNow.class,
				this.json.write(new TimeoutNow("n2", "n3", 1)), null, null, scheduled::add);
		assertThat(answer).isCompleted();
		assertThat(answer.join().status()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(scheduled).isEmpty();
		assertThat(this.handler.received).isEmpty();
	}

	@Test
	void answersLaterOnTheExecutorOnceTheMemberReplied() {
		CompletableFuture<Optional<Message>> reply = new CompletableFuture<>();
		this.handler.reply = (request) -> reply;
		List<Runnable> scheduled = new CopyOnWriteArrayList<>();
		CompletableFuture<RaftRpcDispatcher.Response> answer = this.dispatcher.answerLater(RequestVote.class,
				this.json.write(new RequestVote("n2", "n1", 5, 0, 0, false, false)), null, null, scheduled::add);
		assertThat(answer).isNotDone();
		assertThat(this.handler.received).hasSize(1);
		// The member's thread only hands the reply over: the answer is made on the executor.
		reply.complete(Optional.of(new RequestVoteResponse("n1", "n2", 5, true, false)));
		assertThat(answer).isNotDone();
		assertThat(scheduled).hasSize(1);
		scheduled.get(0).run();
		assertThat(answer).isCompleted();
		assertThat(answer.join().status()).isEqualTo(HttpStatus.OK);
		assertThat(this.json.read(answer.join().body(), RequestVoteResponse.class))
			.isEqualTo(new RequestVoteResponse("n1", "n2", 5, true, false));
	}

	@Test
	void answersLaterWithTheSameFailuresAsAtOnce() {
		this.handler.reply = (request) -> CompletableFuture
			.failedFuture(new IllegalStateException("Raft member 'n1' is not running"));
		RaftRpcDispatcher.Response answer = answerHeartbeatLater(this.dispatcher);
		assertThat(answer.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(body(answer))
			.isEqualTo("{\"error\":\"Service Unavailable\",\"message\":\"Raft member 'n1' is not running\"}");
		this.handler.reply = (request) -> {
			throw new NullPointerException("internal detail");
		};
		RaftRpcDispatcher.Response thrown = answerHeartbeatLater(this.dispatcher);
		assertThat(thrown.status()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
		assertThat(body(thrown)).doesNotContain("internal detail");
	}

	@Test
	void answersLaterServiceUnavailableAfterTheTimeoutAndLeavesTheMembersFutureAlone() {
		CompletableFuture<Optional<Message>> reply = new CompletableFuture<>();
		this.handler.reply = (request) -> reply;
		RaftRpcDispatcher impatient = new RaftRpcDispatcher(this.handler, this.json, Duration.ofMillis(50),
				RpcAuthentication.none(), DataSize.ofKilobytes(1), "/raft");
		RaftRpcDispatcher.Response answer = answerHeartbeatLater(impatient);
		assertThat(answer.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(body(answer)).contains("Raft member 'n1' did not handle the request within 50 ms");
		assertThat(reply).isNotDone();
	}

	private RaftRpcDispatcher.Response answerHeartbeat(RaftRpcDispatcher dispatcher) {
		return dispatcher.answer(AppendEntries.class,
				this.json.write(new AppendEntries("n2", "n1", 1, 0, 0, List.of(), 0, 1)));
	}

	/** Answers a heartbeat with {@link RaftRpcDispatcher#answerLater}, waiting for the answer. */
	private RaftRpcDispatcher.Response answerHeartbeatLater(RaftRpcDispatcher dispatcher) {
		return dispatcher
			.answerLater(AppendEntries.class, this.json.write(new AppendEntries("n2", "n1", 1, 0, 0, List.of(), 0, 1)),
					null, null, Runnable::run)
			.join();
	}

	private static byte[] bytes(String body) {
		return body.getBytes(StandardCharsets.UTF_8);
	}

	private static String body(RaftRpcDispatcher.Response answer) {
		return new String(answer.body(), StandardCharsets.UTF_8);
	}

}
