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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.AppendEntriesResponse;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.core.RequestVoteResponse;
import io.github.raftboot.core.TimeoutNow;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link HttpRaftTransport}, against a fake member served by the JDK's HTTP server.
 */
@ExtendWith(OutputCaptureExtension.class)
class HttpRaftTransportTests {

	private static final Duration RPC_TIMEOUT = Duration.ofMillis(300);

	private static final Duration OPEN_STATE_WAIT = Duration.ofMillis(300);

	private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

	private static final RequestVote VOTE = new RequestVote("n1", "n2", 3, 0, 0, false, false);

	private static final AppendEntries HEARTBEAT = new AppendEntries("n1", "n2", 3, 0, 0, List.of(), 0, 1);

	private final RaftJson json = new RaftJson();

	private final Queue<String> requests = new ConcurrentLinkedQueue<>();

	private final Queue<String> observed = new ConcurrentLinkedQueue<>();

	private final Queue<String> authorizations = new ConcurrentLinkedQueue<>();

	private final Queue<String> userAgents = new ConcurrentLinkedQueue<>();

	private final CountDownLatch release = new CountDownLatch(1);

	private final CircuitBreakerRegistry circuitBreakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
		.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
		.slidingWindowSize(4)
		.minimumNumberOfCalls(3)
		.failureRateThreshold(50)
		.waitDurationInOpenState(OPEN_STATE_WAIT)
		.permittedNumberOfCallsInHalfOpenState(1)
		.build());

	private volatile Peer peer = Peer.reply(204, "");

	private HttpServer server;

	private ExecutorService serverExecutor;

	private URI peerUrl;

	private HttpRaftTransport transport;

	@BeforeEach
	void startPeer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.serverExecutor = Executors.newCachedThreadPool();
		this.server.setExecutor(this.serverExecutor);
		this.server.createContext("/", this::handle);
		this.server.start();
		this.peerUrl = URI.create("http://127.0.0.1:" + this.server.getAddress().getPort());
		this.transport = transport(this.peerUrl, "/raft", RPC_TIMEOUT);
	}

	@AfterEach
	void stopPeer() {
		this.release.countDown();
		this.transport.close();
		this.server.stop(0);
		this.serverExecutor.shutdownNow();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange; InputStream in = exchange.getRequestBody()) {
			String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			this.requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
					+ exchange.getRequestHeaders().getFirst("Content-Type") + " " + body);
			this.authorizations.add(String.valueOf(exchange.getRequestHeaders().get("Authorization")));
			this.userAgents.add(String.valueOf(exchange.getRequestHeaders().get("User-Agent")));
			Peer current = this.peer;
			if (current.hang()) {
				this.release.await(10, TimeUnit.SECONDS);
			}
			if (current.delayMillis() > 0) {
				Thread.sleep(current.delayMillis());
			}
			byte[] reply = current.body().getBytes(StandardCharsets.UTF_8);
			if (current.status() == 204) {
				exchange.sendResponseHeaders(204, -1);
				return;
			}
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(current.status(), (reply.length > 0) ? reply.length : -1);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(reply);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void postsARequestVoteAsJsonAndReadsTheVote() throws Exception {
		RequestVoteResponse vote = new RequestVoteResponse("n2", "n1", 3, true, false);
		this.peer = Peer.reply(200, new String(this.json.write(vote), StandardCharsets.UTF_8));
		assertThat(this.transport.send(VOTE).get(5, TimeUnit.SECONDS)).contains(vote);
		assertThat(this.requests).containsExactly("POST /raft/request-vote application/json "
				+ new String(this.json.write(VOTE), StandardCharsets.UTF_8));
		assertThat(this.observed).containsExactly("request-vote n2 success");
	}

	@Test
	void namesItselfInTheUserAgentOfEveryRequest() throws Exception {
		this.transport.send(HEARTBEAT).get(5, TimeUnit.SECONDS);
		this.transport.send(VOTE).get(5, TimeUnit.SECONDS);
		assertThat(this.userAgents).containsExactly("[raft-spring-boot]", "[raft-spring-boot]");
	}

	@Test
	void waitsLongerForAnAnswerWhenTheClusterTimingWasWidened() throws Exception {
		this.peer = Peer.slow(RPC_TIMEOUT.toMillis() + 100);
		assertThat(this.transport.send(HEARTBEAT, 4).get(5, TimeUnit.SECONDS)).isEmpty();
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.transport.send(HEARTBEAT, 1).get(5, TimeUnit.SECONDS))
			.withCauseInstanceOf(HttpTimeoutException.class);
		assertThat(this.observed).containsExactly("append-entries n2 success", "append-entries n2 timeout");
	}

	@Test
	void sendsNoAuthorizationWithoutAToken() throws Exception {
		this.transport.send(HEARTBEAT).get(5, TimeUnit.SECONDS);
		assertThat(this.authorizations).containsExactly("null");
	}

	@Test
	void sendsTheBearerTokenWithEveryRequest() throws Exception {
		this.transport.close();
		this.transport = HttpRaftTransport.builder("n1", Map.of("n2", this.peerUrl))
			.circuitBreakers(this.circuitBreakers)
			.rpcTimeout(RPC_TIMEOUT)
			.bearerToken("s3cret")
			.build();
		this.transport.send(HEARTBEAT).get(5, TimeUnit.SECONDS);
		this.transport.send(VOTE).get(5, TimeUnit.SECONDS);
		this.transport.send(new TimeoutNow("n1", "n2", 3)).get(5, TimeUnit.SECONDS);
		assertThat(this.authorizations).containsExactly("[Bearer s3cret]", "[Bearer s3cret]", "[Bearer s3cret]");
	}

	@Test
	void rejectsATokenThatAnHttpHeaderCannotCarry() {
		for (String token : List.of("", "two words", "line\nbreak", "t\u00f6ken")) {
			assertThatIllegalArgumentException().isThrownBy(() -> HttpRaftTransport.builder("n1", Map.of("n2", this.peerUrl))
				.circuitBreakers(this.circuitBreakers)
				.bearerToken(token)
				.build());
		}
	}

	@Test
	void keepsTheConnectionToAnIdleMemberWarmWithOptionsRequestsThatAreNoRpcs() {
		this.transport.close();
		this.transport = HttpRaftTransport.builder("n1", Map.of("n2", this.peerUrl))
			.circuitBreakers(this.circuitBreakers)
			.observer((rpc, peerId, outcome, duration) -> this.observed.add(rpc + " " + peerId + " " + outcome))
			.keepWarm(Duration.ofMillis(50))
			.build();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.requests.stream().filter((request) -> request.startsWith("OPTIONS /raft/append-entries ")).count() >= 3);
		assertThat(this.observed).isEmpty();
		assertThat(this.transport.peerState("n2").lastContact()).isNull();
		assertThat(this.circuitBreakers.circuitBreaker("raft-n2").getMetrics().getNumberOfBufferedCalls()).isZero();
	}

	@Test
	void sendsNoKeepWarmRequestToAMemberThatRpcsKeepBusy() throws Exception {
		this.transport.close();
		this.transport = HttpRaftTransport.builder("n1", Map.of("n2", this.peerUrl))
			.circuitBreakers(this.circuitBreakers)
			.keepWarm(Duration.ofSeconds(2))
			.build();
		// The first probe goes out at once; then a heartbeat every 100 ms for twice the interval.
		await().atMost(Duration.ofSeconds(5)).until(() -> this.requests.size() == 1);
		await().pollInterval(Duration.ofMillis(100)).during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(8)).until(() -> {
			this.transport.send(HEARTBEAT).get(5, TimeUnit.SECONDS);
			return this.requests.stream().filter((request) -> request.startsWith("OPTIONS ")).count() == 1;
		});
	}

	@Test
	void rejectsANonPositiveKeepWarmInterval() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> HttpRaftTransport.builder("n1", Map.of("n2", this.peerUrl)).keepWarm(Duration.ZERO));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> HttpRaftTransport.builder("n1", Map.of("n2", this.peerUrl)).keepWarm(Duration.ofSeconds(-1)));
	}

	@Test
	void reportsAPreVoteAsItsOwnRpc() throws Exception {
		this.transport.send(new RequestVote("n1", "n2", 4, 0, 0, true, false)).get(5, TimeUnit.SECONDS);
		assertThat(this.requests).singleElement().asString().startsWith("POST /raft/request-vote ");
		assertThat(this.observed).containsExactly("pre-vote n2 success");
	}

	@Test
	void postsAppendEntriesAndReadsTheAnswer() throws Exception {
		AppendEntriesResponse answer = new AppendEntriesResponse("n2", "n1", 3, true, 0, 0, 1);
		this.peer = Peer.reply(200, new String(this.json.write(answer), StandardCharsets.UTF_8));
		assertThat(this.transport.send(HEARTBEAT).get(5, TimeUnit.SECONDS)).contains(answer);
		assertThat(this.requests).singleElement().asString().startsWith("POST /raft/append-entries application/json");
		assertThat(this.observed).containsExactly("append-entries n2 success");
	}

	@Test
	void postsTimeoutNowAndExpectsNoAnswer() throws Exception {
		assertThat(this.transport.send(new TimeoutNow("n1", "n2", 3)).get(5, TimeUnit.SECONDS)).isEmpty();
		assertThat(this.requests).singleElement().asString().startsWith("POST /raft/timeout-now application/json");
		assertThat(this.observed).containsExactly("timeout-now n2 success");
	}

	@Test
	void noContentMeansThatTheMemberIgnoredTheRequest() throws Exception {
		this.peer = Peer.reply(204, "");
		assertThat(this.transport.send(VOTE).get(5, TimeUnit.SECONDS)).isEmpty();
		assertThat(this.transport.send(HEARTBEAT).get(5, TimeUnit.SECONDS)).isEmpty();
		assertThat(this.observed).containsExactly("request-vote n2 success", "append-entries n2 success");
	}

	@Test
	void joinsBaseUrlAndBasePathWithSingleSlashes() throws Exception {
		this.transport.close();
		this.transport = transport(URI.create(this.peerUrl + "/app/"), "raft-rpc/", RPC_TIMEOUT);
		this.transport.send(HEARTBEAT).get(5, TimeUnit.SECONDS);
		assertThat(this.requests).singleElement().asString().startsWith("POST /app/raft-rpc/append-entries ");
	}

	@Test
	void anErrorStatusCompletesExceptionally() {
		this.peer = Peer.reply(500, "{\"error\":\"Internal Server Error\"}");
		assertThat(this.transport.send(VOTE)).failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(IOException.class)
			.withMessageContaining("HTTP status 500");
		assertThat(this.observed).containsExactly("request-vote n2 error");
	}

	@Test
	void anUnreadableAnswerCompletesExceptionally() {
		this.peer = Peer.reply(200, "{\"from\":\"n2\"");
		assertThat(this.transport.send(VOTE)).failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(IOException.class)
			.withMessageContaining("invalid body");
		assertThat(this.observed).containsExactly("request-vote n2 error");
	}

	@Test
	void aRefusalCarriesTheStatusAndTheMembersOwnWordsAndIsNamedAtOnceInTheLog(CapturedOutput output) {
		this.peer = Peer.reply(403,
				"{\"error\":\"Forbidden\",\"message\":\"Sender 'n1' is not another member of this cluster\"}");
		assertThat(this.transport.send(VOTE)).failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOfSatisfying(RpcRefusedException.class, (refused) -> {
				assertThat(refused.getStatus()).isEqualTo(403);
				assertThat(refused.getReason()).isEqualTo("Sender 'n1' is not another member of this cluster");
				assertThat(refused.getMemberId()).isEqualTo("n2");
			});
		PeerState state = this.transport.peerState("n2");
		assertThat(state.lastError())
			.isEqualTo("request-vote: HTTP 403 \"Sender 'n1' is not another member of this cluster\"");
		assertThat(state.lastErrorAt()).isNotNull();
		assertThat(output).contains("cannot reach member 'n2' at " + this.peerUrl)
			.contains("HTTP 403 \"Sender 'n1' is not another member of this cluster\"")
			.contains("check raft.node-id and raft.peers");
		// The same cause again is not repeated in the log within the minute.
		assertThat(this.transport.send(VOTE)).failsWithin(Duration.ofSeconds(5));
		assertThat(output.toString().split("cannot reach member 'n2'", -1)).hasSize(2);
	}

	@Test
	void anUnreachableMemberIsNamedInTheLogOnlyOnceItFailedForAWhileAndAgainWhenItAnswers(CapturedOutput output) {
		HttpRaftTransport.Failures failures = new HttpRaftTransport.Failures();
		String refused = "ConnectException: Connection refused";
		failures.failed("n1", "n2", this.peerUrl, "request-vote", refused, false, NOW);
		failures.failed("n1", "n2", this.peerUrl, "request-vote", refused, false, NOW.plusSeconds(4));
		assertThat(output).as("a member may just be starting").doesNotContain("cannot reach member 'n2'");
		assertThat(failures.lastError()).isEqualTo("request-vote: " + refused);
		assertThat(failures.lastErrorAt()).isEqualTo(NOW.plusSeconds(4));
		failures.failed("n1", "n2", this.peerUrl, "request-vote", refused, false, NOW.plusSeconds(5));
		assertThat(output).contains("Raft member 'n1' cannot reach member 'n2' at " + this.peerUrl
				+ ": request-vote failed with " + refused + " (3 failed requests since " + NOW + ")");
		failures.failed("n1", "n2", this.peerUrl, "request-vote", refused, false, NOW.plusSeconds(30));
		assertThat(output.toString().split("cannot reach member 'n2'", -1)).as("once a minute").hasSize(2);
		failures.failed("n1", "n2", this.peerUrl, "request-vote", refused, false, NOW.plusSeconds(66));
		assertThat(output.toString().split("cannot reach member 'n2'", -1)).hasSize(3);
		failures.succeeded("n1", "n2");
		assertThat(output).contains("Raft member 'n1' reaches member 'n2' again");
		assertThat(failures.lastError()).as("the last error stays known").isEqualTo("request-vote: " + refused);
	}

	@Test
	void aMemberThatDoesNotAnswerInTimeIsReportedAsATimeout() {
		this.peer = Peer.hanging();
		long start = System.nanoTime();
		CompletableFuture<Optional<Message>> reply = this.transport.send(HEARTBEAT);
		assertThat(reply).failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(HttpTimeoutException.class);
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		assertThat(elapsed).isBetween(RPC_TIMEOUT.minusMillis(50), RPC_TIMEOUT.multipliedBy(3));
		assertThat(this.observed).containsExactly("append-entries n2 timeout");
	}

	@Test
	void anUnreachableMemberCompletesExceptionally() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		this.transport.close();
		this.transport = transport(URI.create("http://127.0.0.1:" + closedPort), "/raft", RPC_TIMEOUT);
		assertThat(this.transport.send(HEARTBEAT)).failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(IOException.class);
		assertThat(this.observed).containsExactly("append-entries n2 error");
		assertThat(this.transport.peerState("n2").lastContact()).isNull();
	}

	@Test
	void afterEnoughFailuresTheCircuitOpensAndCallsFailFastWithoutReachingTheMember() {
		// Open long enough that a busy machine cannot let it turn half-open during the test
		this.transport.close();
		RpcObserver observer = (rpc, peerId, outcome, duration) -> this.observed.add(rpc + " " + peerId + " " + outcome);
		this.transport = new HttpRaftTransport("n1", Map.of("n2", this.peerUrl), "/raft", RPC_TIMEOUT,
				CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
					.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
					.slidingWindowSize(4)
					.minimumNumberOfCalls(3)
					.failureRateThreshold(50)
					.waitDurationInOpenState(Duration.ofMinutes(5))
					.build()),
				observer, Clock.fixed(NOW, ZoneOffset.UTC));
		this.peer = Peer.reply(500, "");
		failThreeTimes();
		assertThat(this.transport.peerState("n2").circuitBreaker()).isEqualTo("OPEN");
		this.observed.clear();
		for (int i = 0; i < 5; i++) {
			// Failed already when send returns: no request was made
			assertThat(this.transport.send(HEARTBEAT)).isCompletedExceptionally()
				.failsWithin(Duration.ZERO)
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(CallNotPermittedException.class);
		}
		assertThat(this.requests).hasSize(3);
		assertThat(this.observed).hasSize(5).containsOnly("append-entries n2 circuit-open");
	}

	@Test
	void timeoutNowPassesAnOpenCircuitAndLeavesItOpen() throws Exception {
		// A hand-over sends one TimeoutNow to a member that answered a moment ago; a circuit
		// opened by that member's slow start must not lose it.
		this.peer = Peer.reply(500, "");
		failThreeTimes();
		this.peer = Peer.reply(204, "");
		this.observed.clear();
		assertThat(this.transport.send(new TimeoutNow("n1", "n2", 3)).get(5, TimeUnit.SECONDS)).isEmpty();
		assertThat(this.requests).hasSize(4).last().asString().startsWith("POST /raft/timeout-now");
		assertThat(this.observed).containsExactly("timeout-now n2 success");
		assertThat(this.transport.peerState("n2").circuitBreaker()).isEqualTo("OPEN");
	}

	@Test
	void afterTheOpenStateWaitAProbeReachesTheMemberAgainAndClosesTheCircuit() throws Exception {
		this.peer = Peer.reply(500, "");
		failThreeTimes();
		this.peer = Peer.reply(204, "");
		long openedAt = System.nanoTime();
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> this.transport.send(HEARTBEAT).handle((reply, failure) -> failure == null).get());
		assertThat(Duration.ofNanos(System.nanoTime() - openedAt)).isGreaterThanOrEqualTo(OPEN_STATE_WAIT);
		assertThat(this.requests).hasSize(4);
		assertThat(this.transport.peerState("n2").circuitBreaker()).isEqualTo("CLOSED");
	}

	@Test
	void peerStateReportsUrlLastSuccessfulContactAndCircuitBreakerState() throws Exception {
		assertThat(this.transport.peerState("n2")).isEqualTo(new PeerState(this.peerUrl, null, "CLOSED"));
		this.transport.send(HEARTBEAT).get(5, TimeUnit.SECONDS);
		assertThat(this.transport.peerState("n2")).isEqualTo(new PeerState(this.peerUrl, NOW, "CLOSED"));
	}

	@Test
	void peerStateOfThisMemberHasOnlyItsUrlAndOfAnUnknownMemberNothing() {
		Map<String, URI> urls = Map.of("n1", URI.create("http://localhost:8081"), "n2", this.peerUrl);
		try (HttpRaftTransport withSelf = new HttpRaftTransport("n1", urls, "/raft", RPC_TIMEOUT, this.circuitBreakers,
				RpcObserver.NONE, Clock.systemUTC())) {
			assertThat(withSelf.peerState("n1")).isEqualTo(new PeerState(URI.create("http://localhost:8081"), null, null));
			assertThat(withSelf.peerState("n9")).isEqualTo(PeerState.UNKNOWN);
		}
	}

	@Test
	void sendNeverBlocksTheCaller() {
		this.transport.close();
		Duration longTimeout = Duration.ofSeconds(3);
		this.transport = transport(this.peerUrl, "/raft", longTimeout);
		this.peer = Peer.hanging();
		List<CompletableFuture<Optional<Message>>> replies = new ArrayList<>();
		long start = System.nanoTime();
		for (int i = 0; i < 50; i++) {
			replies.add(this.transport.send(new AppendEntries("n1", "n2", 3, 0, 0, List.of(), 0, i + 1)));
		}
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		assertThat(elapsed).isLessThan(longTimeout.dividedBy(6));
		assertThat(replies).noneMatch(CompletableFuture::isDone);
	}

	@Test
	void sendingToAMemberWithoutUrlFails() {
		assertThat(this.transport.send(new TimeoutNow("n1", "n9", 3))).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(IllegalArgumentException.class)
			.withMessageContaining("n9");
		assertThat(this.requests).isEmpty();
	}

	@Test
	void onlyRequestsCanBeSent() {
		assertThat(this.transport.send(new RequestVoteResponse("n1", "n2", 3, true, false)))
			.failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(IllegalArgumentException.class);
		assertThat(this.requests).isEmpty();
	}

	@Test
	void afterCloseCallsFailWithoutReachingTheMember() {
		this.transport.close();
		assertThat(this.transport.send(HEARTBEAT)).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(IllegalStateException.class);
		assertThat(this.requests).isEmpty();
	}

	@Test
	void acceptsUrlsWithOrWithoutThisMember() {
		Map<String, URI> onlySelf = Map.of("n1", URI.create("https://n1.example.com"));
		Map<String, URI> withoutSelf = Map.of("n2", URI.create("http://n2.example.com:8080/app"));
		for (Map<String, URI> urls : List.of(onlySelf, withoutSelf, Map.<String, URI>of())) {
			new HttpRaftTransport("n1", urls, "/raft", RPC_TIMEOUT, this.circuitBreakers, RpcObserver.NONE,
					Clock.systemUTC())
				.close();
		}
	}

	@Test
	void rejectsAUrlThatIsNotAnAbsoluteHttpUrlNamingTheMember() {
		for (String url : List.of("n2.example.com:8080", "/raft", "ftp://n2.example.com", "http://n2.example.com?x=1",
				"mailto:raft@example.com")) {
			Map<String, URI> urls = new LinkedHashMap<>();
			urls.put("n2", URI.create(url));
			assertThatIllegalArgumentException().isThrownBy(() -> new HttpRaftTransport("n1", urls, "/raft",
					RPC_TIMEOUT, this.circuitBreakers, RpcObserver.NONE, Clock.systemUTC()))
				.withMessageContaining("'n2'");
		}
	}

	@Test
	void rejectsANonPositiveTimeoutAndABlankId() {
		Map<String, URI> urls = Map.of("n2", this.peerUrl);
		assertThatIllegalArgumentException().isThrownBy(() -> new HttpRaftTransport("n1", urls, "/raft", Duration.ZERO,
				this.circuitBreakers, RpcObserver.NONE, Clock.systemUTC()));
		assertThatIllegalArgumentException().isThrownBy(() -> new HttpRaftTransport(" ", urls, "/raft", RPC_TIMEOUT,
				this.circuitBreakers, RpcObserver.NONE, Clock.systemUTC()));
	}

	@Test
	void takesOneCircuitBreakerPerMemberFromTheRegistry() {
		assertThat(this.circuitBreakers.find("raft-n2")).isPresent();
		assertThat(this.circuitBreakers.find("raft-n1")).isEmpty();
	}

	private void failThreeTimes() {
		for (int i = 0; i < 3; i++) {
			assertThat(this.transport.send(HEARTBEAT)).failsWithin(Duration.ofSeconds(5))
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(IOException.class);
		}
		assertThat(this.requests).hasSize(3);
	}

	private HttpRaftTransport transport(URI url, String basePath, Duration rpcTimeout) {
		RpcObserver observer = (rpc, peerId, outcome, duration) -> this.observed.add(rpc + " " + peerId + " " + outcome);
		return new HttpRaftTransport("n1", Map.of("n2", url), basePath, rpcTimeout, this.circuitBreakers, observer,
				Clock.fixed(NOW, ZoneOffset.UTC));
	}

	private record Peer(int status, String body, boolean hang, long delayMillis) {

		static Peer reply(int status, String body) {
			return new Peer(status, body, false, 0);
		}

		static Peer hanging() {
			return new Peer(204, "", true, 0);
		}

		static Peer slow(long delayMillis) {
			return new Peer(204, "", false, delayMillis);
		}

	}

}
