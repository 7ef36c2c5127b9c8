package io.github.raftboot.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.AppendEntriesResponse;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.core.RequestVoteResponse;
import io.github.raftboot.core.TimeoutNow;
import io.github.raftboot.transport.RaftTransport.GroupRequest;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HttpRaftTransport#sendTogether(List, double)}: member {@code n2} sends the
 * requests of several election groups to member {@code n1} in one exchange. {@code n1} is a JDK
 * HTTP server in front of a real {@link RaftRpcDispatcher} and scripted groups, or, for the
 * failures of the exchange as a whole, a scripted answer.
 */
class HttpRaftTransportBatchTests {

	private static final Duration RPC_TIMEOUT = Duration.ofMillis(300);

	private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

	private static final RequestVote VOTE = new RequestVote("n2", "n1", 5, 0, 0, false, false);

	private static final RequestVoteResponse GRANTED = new RequestVoteResponse("n1", "n2", 5, true, false);

	private static final AppendEntries HEARTBEAT = new AppendEntries("n2", "n1", 3, 0, 0, List.of(), 0, 1);

	private static final AppendEntriesResponse ACKNOWLEDGED = new AppendEntriesResponse("n1", "n2", 3, true, 0, 0, 1);

	private static final TimeoutNow TIMEOUT_NOW = new TimeoutNow("n2", "n1", 3);

	private final RaftJson json = new RaftJson();

	/** Member n1's default group. */
	private final ScriptedHandler handler = new ScriptedHandler();

	/** Its group {@code billing}. */
	private final ScriptedHandler billing = new ScriptedHandler();

	private final RaftRpcDispatcher dispatcher = new RaftRpcDispatcher(this.handler, this.json, Duration.ofSeconds(2),
			RpcAuthentication.none(), DataSize.ofKilobytes(64), "/raft");

	private final Queue<String> requests = new ConcurrentLinkedQueue<>();

	private final Queue<String> observed = new ConcurrentLinkedQueue<>();

	private final CountDownLatch release = new CountDownLatch(1);

	private final CircuitBreakerRegistry circuitBreakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
		.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
		.slidingWindowSize(4)
		.minimumNumberOfCalls(3)
		.failureRateThreshold(50)
		.waitDurationInOpenState(Duration.ofMinutes(5))
		.build());

	/** What n1 answers instead of its dispatcher, if anything. */
	private volatile @Nullable Scripted scripted;

	private HttpServer server;

	private ExecutorService serverExecutor;

	private URI memberUrl;

	private HttpRaftTransport transport;

	@BeforeEach
	void startMember() throws IOException {
		this.handler.groups = Map.of("billing", this.billing);
		this.handler.reply = (request) -> CompletableFuture
			.completedFuture((request instanceof RequestVote) ? Optional.of(GRANTED) : Optional.empty());
		this.billing.reply = (request) -> CompletableFuture
			.completedFuture((request instanceof AppendEntries) ? Optional.of(ACKNOWLEDGED) : Optional.empty());
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.serverExecutor = Executors.newCachedThreadPool();
		this.server.setExecutor(this.serverExecutor);
		this.server.createContext("/", this::handle);
		this.server.start();
		this.memberUrl = URI.create("http://127.0.0.1:" + this.server.getAddress().getPort());
		this.transport = transport(this.memberUrl, null);
	}

	@AfterEach
	void stopMember() {
		this.release.countDown();
		this.transport.close();
		this.server.stop(0);
		this.serverExecutor.shutdownNow();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange; InputStream in = exchange.getRequestBody()) {
			byte[] body = in.readAllBytes();
			String path = exchange.getRequestURI().getPath();
			this.requests.add(exchange.getRequestMethod() + " " + path);
			Scripted current = this.scripted;
			int status;
			byte[] reply;
			if (current != null) {
				if (current.hang()) {
					this.release.await(10, TimeUnit.SECONDS);
				}
				status = current.status();
				reply = current.body().getBytes(StandardCharsets.UTF_8);
			}
			else {
				Class<? extends Message> type = this.dispatcher.requestType(path);
				RaftRpcDispatcher.Response answer = (type != null)
						? this.dispatcher.answer(type, body,
								exchange.getRequestHeaders().getFirst(HttpRaftTransport.CLUSTER_ID_HEADER),
								exchange.getRequestHeaders().getFirst(HttpRaftTransport.INSTANCE_HEADER))
						: new RaftRpcDispatcher.Response(org.springframework.http.HttpStatus.NOT_FOUND, Map.of(),
								new byte[0]);
				status = answer.status().value();
				reply = answer.body();
			}
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(status, (reply.length > 0) ? reply.length : -1);
			if (reply.length > 0) {
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(reply);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void sendsTheRequestsOfSeveralGroupsInOnePostAndCompletesEachWithItsReplyInOrder() throws Exception {
		List<CompletableFuture<Optional<Message>>> replies = this.transport.sendTogether(
				List.of(new GroupRequest("default", VOTE), new GroupRequest("billing", HEARTBEAT),
						new GroupRequest("billing", TIMEOUT_NOW), new GroupRequest("default", HEARTBEAT)),
				1);
		assertThat(replies).hasSize(4);
		assertThat(replies.get(0).get(5, TimeUnit.SECONDS)).contains(GRANTED);
		assertThat(replies.get(1).get(5, TimeUnit.SECONDS)).contains(ACKNOWLEDGED);
		assertThat(replies.get(2).get(5, TimeUnit.SECONDS)).isEmpty();
		assertThat(replies.get(3).get(5, TimeUnit.SECONDS)).isEmpty();
		assertThat(this.requests).containsExactly("POST /raft/batch");
		assertThat(this.handler.received).containsExactly(VOTE, HEARTBEAT);
		assertThat(this.billing.received).containsExactly(HEARTBEAT, TIMEOUT_NOW);
		assertThat(this.observed).containsExactly("request-vote n1 success", "append-entries n1 success",
				"timeout-now n1 success", "append-entries n1 success");
		assertThat(this.transport.peerState("n1").lastContact()).isEqualTo(NOW);
	}

	@Test
	void reportsAPreVoteOfABatchAsItsOwnRpc() throws Exception {
		RequestVote preVote = new RequestVote("n2", "n1", 6, 0, 0, true, false);
		assertThat(this.transport.sendTogether(List.of(new GroupRequest("billing", preVote)), 1).get(0)
			.get(5, TimeUnit.SECONDS)).isEmpty();
		assertThat(this.billing.received).containsExactly(preVote);
		assertThat(this.observed).containsExactly("pre-vote n1 success");
	}

	@Test
	void sendsNothingForNoRequests() {
		assertThat(this.transport.sendTogether(List.of(), 1)).isEmpty();
		assertThat(this.requests).isEmpty();
	}

	@Test
	void aRefusedRequestFailsAloneWithTheStatusAndTheMembersOwnWords() throws Exception {
		this.billing.members = Set.of("n3");
		List<CompletableFuture<Optional<Message>>> replies = this.transport.sendTogether(
				List.of(new GroupRequest("billing", HEARTBEAT), new GroupRequest("default", VOTE),
						new GroupRequest("payroll", HEARTBEAT)),
				1);
		assertRefused(replies.get(0), 403, "Sender 'n2' is not another member of this cluster", null);
		assertThat(replies.get(1).get(5, TimeUnit.SECONDS)).contains(GRANTED);
		assertRefused(replies.get(2), 404,
				"Raft member 'n1' has no election group 'payroll': every replica must list the same raft.groups", null);
		assertThat(this.requests).containsExactly("POST /raft/batch");
		assertThat(this.observed).containsExactly("append-entries n1 error", "request-vote n1 success",
				"append-entries n1 error");
		assertThat(this.transport.peerState("n1").lastError())
			.isEqualTo("append-entries: HTTP 403 \"Sender 'n2' is not another member of this cluster\"");
		// The exchange itself succeeded: the circuit breaker counts it once, as a success
		assertThat(this.circuitBreakers.circuitBreaker("raft-n1").getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
		assertThat(this.circuitBreakers.circuitBreaker("raft-n1").getMetrics().getNumberOfFailedCalls()).isZero();
	}

	@Test
	void aRefusalOfTheSenderAsASecondProcessCarriesItsCode() {
		this.transport.close();
		this.transport = transport(this.memberUrl, "second");
		this.billing.otherInstanceOfN2 = "second";
		List<CompletableFuture<Optional<Message>>> replies = this.transport
			.sendTogether(List.of(new GroupRequest("billing", HEARTBEAT)), 1);
		assertRefused(replies.get(0), 409, "Another process sends as 'n2'", RpcRefusal.DUPLICATE_MEMBER_ID);
	}

	@Test
	void anErrorStatusForTheWholeExchangeFailsEveryRequest() {
		this.scripted = Scripted.reply(401,
				"{\"error\":\"Unauthorized\",\"message\":\"A valid 'Authorization: Bearer <token>' header is required\"}");
		List<CompletableFuture<Optional<Message>>> replies = sendVoteAndHeartbeat();
		for (CompletableFuture<Optional<Message>> reply : replies) {
			assertThat(reply).failsWithin(Duration.ofSeconds(5))
				.withThrowableOfType(ExecutionException.class)
				.havingCause()
				.isInstanceOfSatisfying(RpcRefusedException.class, (refused) -> {
					assertThat(refused.getStatus()).isEqualTo(401);
					assertThat(refused.getReason()).isEqualTo("A valid 'Authorization: Bearer <token>' header is required");
					assertThat(refused.getMemberId()).isEqualTo("n1");
				});
		}
		assertThat(this.observed).containsExactly("request-vote n1 error", "append-entries n1 error");
		assertThat(this.circuitBreakers.circuitBreaker("raft-n1").getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
	}

	@Test
	void aMemberThatDoesNotServeBatchesFailsEveryRequestWithNotFound() {
		this.scripted = Scripted.reply(404, "");
		for (CompletableFuture<Optional<Message>> reply : sendVoteAndHeartbeat()) {
			assertThat(reply).failsWithin(Duration.ofSeconds(5))
				.withThrowableOfType(ExecutionException.class)
				.havingCause()
				.isInstanceOfSatisfying(RpcRefusedException.class,
						(refused) -> assertThat(refused.getStatus()).isEqualTo(404));
		}
	}

	@Test
	void anUnreadableAnswerFailsEveryRequest() {
		for (String body : List.of("{\"items\":[{\"status\":204}]}", "{\"from\":\"n1\"", "[]")) {
			this.scripted = Scripted.reply(200, body);
			for (CompletableFuture<Optional<Message>> reply : sendVoteAndHeartbeat()) {
				assertThat(reply).as(body)
					.failsWithin(Duration.ofSeconds(5))
					.withThrowableOfType(ExecutionException.class)
					.withCauseInstanceOf(IOException.class)
					.withMessageContaining("answered a batch with an invalid body");
			}
		}
	}

	@Test
	void aMemberThatDoesNotAnswerInTimeFailsEveryRequestAsATimeout() {
		this.scripted = Scripted.hanging();
		for (CompletableFuture<Optional<Message>> reply : sendVoteAndHeartbeat()) {
			assertThat(reply).failsWithin(Duration.ofSeconds(5))
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(HttpTimeoutException.class);
		}
		assertThat(this.observed).containsExactly("request-vote n1 timeout", "append-entries n1 timeout");
	}

	@Test
	void anUnreachableMemberFailsEveryRequest() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		this.transport.close();
		this.transport = transport(URI.create("http://127.0.0.1:" + closedPort), null);
		for (CompletableFuture<Optional<Message>> reply : sendVoteAndHeartbeat()) {
			assertThat(reply).failsWithin(Duration.ofSeconds(5))
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(IOException.class);
		}
		assertThat(this.observed).containsExactly("request-vote n1 error", "append-entries n1 error");
		assertThat(this.transport.peerState("n1").lastContact()).isNull();
	}

	@Test
	void rejectsRequestsToDifferentMembersWithoutSendingAny() {
		List<CompletableFuture<Optional<Message>>> replies = this.transport.sendTogether(
				List.of(new GroupRequest("default", HEARTBEAT),
						new GroupRequest("billing", new AppendEntries("n2", "n3", 3, 0, 0, List.of(), 0, 1))),
				1);
		for (CompletableFuture<Optional<Message>> reply : replies) {
			assertThat(reply).failsWithin(Duration.ZERO)
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(IllegalArgumentException.class)
				.withMessageContaining("'n1' and 'n3'");
		}
		assertThat(this.requests).isEmpty();
	}

	@Test
	void rejectsAReplyAmongTheRequestsWithoutSendingAny() {
		List<CompletableFuture<Optional<Message>>> replies = this.transport.sendTogether(
				List.of(new GroupRequest("default", HEARTBEAT),
						new GroupRequest("billing", new RequestVoteResponse("n2", "n1", 3, true, false))),
				1);
		for (CompletableFuture<Optional<Message>> reply : replies) {
			assertThat(reply).failsWithin(Duration.ZERO)
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(IllegalArgumentException.class);
		}
		assertThat(this.requests).isEmpty();
	}

	@Test
	void sendingToAMemberWithoutUrlOrAfterCloseFailsEveryRequest() {
		AppendEntries toUnknown = new AppendEntries("n2", "n9", 3, 0, 0, List.of(), 0, 1);
		assertThat(this.transport.sendTogether(List.of(new GroupRequest("billing", toUnknown)), 1).get(0))
			.failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(IllegalArgumentException.class)
			.withMessageContaining("n9");
		this.transport.close();
		for (CompletableFuture<Optional<Message>> reply : sendVoteAndHeartbeat()) {
			assertThat(reply).failsWithin(Duration.ZERO)
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(IllegalStateException.class);
		}
		assertThat(this.requests).isEmpty();
	}

	@Test
	void anOpenCircuitFailsEveryRequestAtOnceWithoutReachingTheMember() {
		this.circuitBreakers.circuitBreaker("raft-n1").transitionToOpenState();
		for (CompletableFuture<Optional<Message>> reply : sendVoteAndHeartbeat()) {
			assertThat(reply).isCompletedExceptionally()
				.failsWithin(Duration.ZERO)
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(CallNotPermittedException.class);
		}
		assertThat(this.requests).isEmpty();
		assertThat(this.observed).containsExactly("request-vote n1 circuit-open", "append-entries n1 circuit-open");
	}

	@Test
	void failedExchangesOpenTheCircuitOnceEach() {
		this.scripted = Scripted.reply(500, "");
		for (int i = 0; i < 3; i++) {
			sendVoteAndHeartbeat().forEach((reply) -> assertThat(reply).failsWithin(Duration.ofSeconds(5)));
		}
		assertThat(this.requests).hasSize(3);
		assertThat(this.transport.peerState("n1").circuitBreaker()).isEqualTo("OPEN");
	}

	@Test
	void aBatchOfTimeoutNowOnlyPassesAnOpenCircuitAndLeavesItOpen() throws Exception {
		this.circuitBreakers.circuitBreaker("raft-n1").transitionToOpenState();
		List<CompletableFuture<Optional<Message>>> replies = this.transport.sendTogether(
				List.of(new GroupRequest("default", TIMEOUT_NOW), new GroupRequest("billing", TIMEOUT_NOW)), 1);
		for (CompletableFuture<Optional<Message>> reply : replies) {
			assertThat(reply.get(5, TimeUnit.SECONDS)).isEmpty();
		}
		assertThat(this.requests).containsExactly("POST /raft/batch");
		assertThat(this.transport.peerState("n1").circuitBreaker()).isEqualTo("OPEN");
	}

	private List<CompletableFuture<Optional<Message>>> sendVoteAndHeartbeat() {
		return this.transport.sendTogether(
				List.of(new GroupRequest("default", VOTE), new GroupRequest("billing", HEARTBEAT)), 1);
	}

	private static void assertRefused(CompletableFuture<Optional<Message>> reply, int status, String reason,
			@Nullable String code) {
		assertThat(reply).failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOfSatisfying(RpcRefusedException.class, (refused) -> {
				assertThat(refused.getStatus()).isEqualTo(status);
				assertThat(refused.getReason()).isEqualTo(reason);
				assertThat(refused.getCode()).isEqualTo(code);
				assertThat(refused.getMemberId()).isEqualTo("n1");
			});
	}

	private HttpRaftTransport transport(URI url, @Nullable String instanceId) {
		return HttpRaftTransport.builder("n2", Map.of("n1", url))
			.circuitBreakers(this.circuitBreakers)
			.rpcTimeout(RPC_TIMEOUT)
			.observer((rpc, peerId, outcome, duration) -> this.observed.add(rpc + " " + peerId + " " + outcome))
			.clock(Clock.fixed(NOW, ZoneOffset.UTC))
			.json(this.json)
			.instanceId(instanceId)
			.build();
	}

	private record Scripted(int status, String body, boolean hang) {

		static Scripted reply(int status, String body) {
			return new Scripted(status, body, false);
		}

		static Scripted hanging() {
			return new Scripted(204, "", true);
		}

	}

}
