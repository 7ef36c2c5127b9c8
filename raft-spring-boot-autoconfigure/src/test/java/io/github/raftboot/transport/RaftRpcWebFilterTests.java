package io.github.raftboot.transport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.AppendEntriesResponse;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.core.RequestVoteResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RaftRpcWebFilter}, the WebFlux adapter of the dispatcher, in front of a
 * scripted member ({@link RaftRpcDispatcherTests} checks every answer of the dispatcher itself):
 * what it reads of a request and when, what it passes on, and that no thread waits for the
 * member.
 */
class RaftRpcWebFilterTests {

	private static final int LIMIT = 1024;

	private final RaftJson json = new RaftJson();

	private final ScriptedHandler handler = new ScriptedHandler();

	private final Scheduler replies = Schedulers.newSingle("replies");

	private final RaftRpcWebFilter filter = filter(Duration.ofSeconds(5));

	private final AtomicBoolean passedOn = new AtomicBoolean();

	private final WebFilterChain chain = (exchange) -> {
		this.passedOn.set(true);
		return Mono.empty();
	};

	@AfterEach
	void disposeScheduler() {
		this.replies.dispose();
	}

	private RaftRpcWebFilter filter(Duration timeout) {
		return new RaftRpcWebFilter(new RaftRpcDispatcher(this.handler, this.json, timeout,
				RpcAuthentication.bearerToken("token", null), DataSize.ofBytes(LIMIT), "/raft"), this.replies);
	}

	@Test
	void isOrderedAheadOfEveryOtherFilter() {
		assertThat(this.filter.getOrder()).isEqualTo(Integer.MIN_VALUE);
	}

	@Test
	void answersTheRpcsAndPassesEveryOtherRequestOn() {
		this.handler.reply = (request) -> CompletableFuture
			.completedFuture(Optional.of(new RequestVoteResponse("n1", "n2", 5, true, false)));
		WebTestClient client = WebTestClient.bindToWebHandler((exchange) -> {
			exchange.getResponse().setStatusCode(HttpStatus.I_AM_A_TEAPOT);
			return exchange.getResponse().setComplete();
		}).webFilter(this.filter).build();
		byte[] body = client.post()
			.uri("/raft/request-vote")
			.header(HttpHeaders.AUTHORIZATION, "Bearer token")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(this.json.write(new RequestVote("n2", "n1", 5, 0, 0, false, false)))
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType(MediaType.APPLICATION_JSON)
			.expectBody()
			.returnResult()
			.getResponseBody();
		assertThat(this.json.read(body, RequestVoteResponse.class))
			.isEqualTo(new RequestVoteResponse("n1", "n2", 5, true, false));
		for (String other : List.of("/raft", "/raft/pre-vote", "/request-vote", "/actuator/health")) {
			client.post()
				.uri(other)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{}")
				.exchange()
				.expectStatus()
				.isEqualTo(HttpStatus.I_AM_A_TEAPOT);
		}
		assertThat(this.handler.received).hasSize(1);
	}

	@Test
	void answersABatchOnceEveryGroupReplied() {
		ScriptedHandler billing = new ScriptedHandler();
		this.handler.groups = Map.of("billing", billing);
		CompletableFuture<Optional<Message>> billingReply = new CompletableFuture<>();
		billing.reply = (request) -> billingReply;
		this.handler.reply = (request) -> CompletableFuture
			.completedFuture(Optional.of(new RequestVoteResponse("n1", "n2", 5, true, false)));
		AppendEntries heartbeat = new AppendEntries("n2", "n1", 3, 0, 0, List.of(), 0, 1);
		byte[] batch = this.json.writeBatch(List.of(
				new RaftJson.BatchRequest("default", "request-vote", new RequestVote("n2", "n1", 5, 0, 0, false, false)),
				new RaftJson.BatchRequest("billing", "append-entries", heartbeat)));
		CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS)
			.execute(() -> billingReply.complete(Optional.of(new AppendEntriesResponse("n1", "n2", 3, true, 0, 0, 1))));
		WebTestClient client = WebTestClient.bindToWebHandler((exchange) -> Mono.error(new AssertionError("passed on")))
			.webFilter(this.filter)
			.build();
		byte[] body = client.post()
			.uri("/raft/batch")
			.header(HttpHeaders.AUTHORIZATION, "Bearer token")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(batch)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType(MediaType.APPLICATION_JSON)
			.expectBody()
			.returnResult()
			.getResponseBody();
		List<RaftJson.BatchReply> replies = this.json.readBatchReplies(body,
				List.of(RequestVoteResponse.class, AppendEntriesResponse.class));
		assertThat(replies).extracting(RaftJson.BatchReply::message)
			.containsExactly(new RequestVoteResponse("n1", "n2", 5, true, false),
					new AppendEntriesResponse("n1", "n2", 3, true, 0, 0, 1));
		assertThat(billing.received).containsExactly(heartbeat);
	}

	@Test
	void servesThePathsRelativeToTheContextPath() {
		MockServerHttpRequest underContext = heartbeat(MockServerHttpRequest.post("/app/raft/append-entries")
			.contextPath("/app"));
		assertThat(this.filter.serves(underContext)).isTrue();
		MockServerWebExchange exchange = MockServerWebExchange.from(underContext);
		this.filter.filter(exchange, this.chain).block(Duration.ofSeconds(5));
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
		assertThat(this.passedOn).isFalse();
		MockServerHttpRequest outsideContext = heartbeat(MockServerHttpRequest.post("/app/raft/append-entries"));
		assertThat(this.filter.serves(outsideContext)).isFalse();
		this.filter.filter(MockServerWebExchange.from(outsideContext), this.chain).block(Duration.ofSeconds(5));
		assertThat(this.passedOn).isTrue();
	}

	@Test
	void answersOptionsWithoutReadingTheBody() {
		AtomicBoolean read = new AtomicBoolean();
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.method(HttpMethod.OPTIONS, "/raft/append-entries").body(watched(read, "{}")));
		this.filter.filter(exchange, this.chain).block(Duration.ofSeconds(5));
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
		assertThat(exchange.getResponse().getHeaders().getFirst(HttpHeaders.ALLOW)).isEqualTo("POST, OPTIONS");
		assertThat(read).as("body read").isFalse();
		assertThat(this.handler.received).isEmpty();
	}

	@Test
	void refusesARequestWithoutTheTokenBeforeReadingTheBody() {
		AtomicBoolean read = new AtomicBoolean();
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/raft/append-entries")
			.header(HttpHeaders.AUTHORIZATION, "Bearer wrong")
			.contentType(MediaType.APPLICATION_JSON)
			.body(watched(read, heartbeatJson())));
		this.filter.filter(exchange, this.chain).block(Duration.ofSeconds(5));
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(exchange.getResponse().getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE))
			.isEqualTo("Bearer realm=\"raft\"");
		assertThat(exchange.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
		assertThat(exchange.getResponse().getBodyAsString().block()).contains("Authorization: Bearer <token>");
		assertThat(read).as("body read").isFalse();
		assertThat(this.handler.received).isEmpty();
	}

	@Test
	void refusesABodyAnnouncedTooLargeWithoutReadingIt() {
		AtomicBoolean read = new AtomicBoolean();
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/raft/append-entries")
			.header(HttpHeaders.AUTHORIZATION, "Bearer token")
			.contentType(MediaType.APPLICATION_JSON)
			.contentLength(LIMIT + 1)
			.body(watched(read, heartbeatJson())));
		this.filter.filter(exchange, this.chain).block(Duration.ofSeconds(5));
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
		assertThat(read).as("body read").isFalse();
	}

	@Test
	void stopsReadingAnEndlessBodyOneBytePastTheLimitAndReleasesEveryBuffer() {
		NettyDataBufferFactory buffers = new NettyDataBufferFactory(UnpooledByteBufAllocator.DEFAULT);
		List<ByteBuf> created = new CopyOnWriteArrayList<>();
		Flux<DataBuffer> endless = Flux.generate((sink) -> {
			NettyDataBuffer chunk = buffers.wrap(buffers.getByteBufAllocator().buffer(100).writeZero(100));
			created.add(chunk.getNativeBuffer());
			sink.next(chunk);
		});
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/raft/append-entries")
			.header(HttpHeaders.AUTHORIZATION, "Bearer token")
			.contentType(MediaType.APPLICATION_JSON)
			.body(endless));
		this.filter.filter(exchange, this.chain).block(Duration.ofSeconds(5));
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
		// 11 chunks of 100 bytes hold the limit plus one byte: not one more was asked for.
		assertThat(created).hasSize(11);
		assertThat(created).allSatisfy((buffer) -> assertThat(buffer.refCnt()).as("references").isZero());
		assertThat(this.handler.received).isEmpty();
	}

	@Test
	void releasesEveryBufferOfABodyItHandsToTheMember() {
		NettyDataBufferFactory buffers = new NettyDataBufferFactory(UnpooledByteBufAllocator.DEFAULT);
		byte[] heartbeat = heartbeatJson().getBytes(StandardCharsets.UTF_8);
		int half = heartbeat.length / 2;
		List<NettyDataBuffer> chunks = List.of(
				buffers.wrap(buffers.getByteBufAllocator().buffer(half).writeBytes(heartbeat, 0, half)),
				buffers.wrap(buffers.getByteBufAllocator()
					.buffer(heartbeat.length - half)
					.writeBytes(heartbeat, half, heartbeat.length - half)));
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/raft/append-entries")
			.header(HttpHeaders.AUTHORIZATION, "Bearer token")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Flux.fromIterable(chunks)));
		this.filter.filter(exchange, this.chain).block(Duration.ofSeconds(5));
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
		assertThat(this.handler.received).containsExactly(new AppendEntries("n2", "n1", 1, 0, 0, List.of(), 0, 1));
		assertThat(chunks).allSatisfy((chunk) -> assertThat(chunk.getNativeBuffer().refCnt()).isZero());
	}

	@Test
	void answersABodyThatCouldNotBeReadWithBadRequest() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/raft/append-entries")
			.header(HttpHeaders.AUTHORIZATION, "Bearer token")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Flux.error(new IOException("Connection reset"))));
		this.filter.filter(exchange, this.chain).block(Duration.ofSeconds(5));
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(exchange.getResponse().getBodyAsString().block()).contains("could not be read");
	}

	@Test
	void passesTheClusterAndTheProcessOfTheSenderToTheMember() {
		this.handler.clusterId = "ours";
		MockServerWebExchange otherCluster = MockServerWebExchange
			.from(heartbeat(MockServerHttpRequest.post("/raft/append-entries")
				.header(HttpRaftTransport.CLUSTER_ID_HEADER, "theirs")));
		this.filter.filter(otherCluster, this.chain).block(Duration.ofSeconds(5));
		assertThat(otherCluster.getResponse().getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
		assertThat(otherCluster.getResponse().getBodyAsString().block()).contains("belongs to cluster ours");
		this.handler.otherInstanceOfN2 = "second";
		MockServerWebExchange secondProcess = MockServerWebExchange
			.from(heartbeat(MockServerHttpRequest.post("/raft/append-entries")
				.header(HttpRaftTransport.CLUSTER_ID_HEADER, "ours")
				.header(HttpRaftTransport.INSTANCE_HEADER, "second")));
		this.filter.filter(secondProcess, this.chain).block(Duration.ofSeconds(5));
		assertThat(secondProcess.getResponse().getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
		assertThat(secondProcess.getResponse().getBodyAsString().block()).contains(RpcRefusal.DUPLICATE_MEMBER_ID);
		assertThat(this.handler.received).isEmpty();
	}

	@Test
	void neitherTheCallingThreadNorTheMembersThreadWaitsNorAnswers() throws InterruptedException {
		CompletableFuture<Optional<Message>> reply = new CompletableFuture<>();
		this.handler.reply = (request) -> reply;
		MockServerWebExchange exchange = MockServerWebExchange
			.from(heartbeat(MockServerHttpRequest.post("/raft/append-entries")));
		AtomicReference<String> answeredOn = new AtomicReference<>();
		this.filter.filter(exchange, this.chain)
			.doOnSuccess((done) -> answeredOn.set(Thread.currentThread().getName()))
			.subscribe();
		// Subscribing returned while the member has not replied yet: the caller did not wait.
		assertThat(this.handler.received).hasSize(1);
		assertThat(exchange.getResponse().isCommitted()).isFalse();
		assertThat(answeredOn.get()).isNull();
		Thread member = new Thread(
				() -> reply.complete(Optional.of(new AppendEntriesResponse("n1", "n2", 1, true, 0, 0, 1))), "raft-n1");
		member.start();
		member.join();
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(answeredOn.get()).startsWith("replies"));
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.OK);
	}

	@Test
	void answersServiceUnavailableWhenTheMemberDoesNotReplyInTime() {
		this.handler.reply = (request) -> new CompletableFuture<>();
		MockServerWebExchange exchange = MockServerWebExchange
			.from(heartbeat(MockServerHttpRequest.post("/raft/append-entries")));
		filter(Duration.ofMillis(50)).filter(exchange, this.chain).block(Duration.ofSeconds(5));
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
	}

	/**
	 * The filter on a real Reactor Netty server with a single event loop thread: if anything
	 * waited for the member on that thread, the server would answer nothing else meanwhile.
	 */
	@Nested
	class OnNettyWithOneEventLoop {

		private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

		private LoopResources loop;

		private DisposableServer server;

		@BeforeEach
		void startServer() {
			HttpHandler app = WebHttpHandlerBuilder.webHandler((exchange) -> {
				exchange.getResponse().setStatusCode(HttpStatus.I_AM_A_TEAPOT);
				return exchange.getResponse().setComplete();
			}).filter(filter(Duration.ofSeconds(60))).build();
			this.loop = LoopResources.create("one-loop", 1, 1, true);
			this.server = HttpServer.create()
				.host("127.0.0.1")
				.port(0)
				.runOn(this.loop)
				.handle(new ReactorHttpHandlerAdapter(app))
				.bindNow();
		}

		@AfterEach
		void stopServer() {
			this.server.disposeNow();
			this.loop.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
		}

		@Test
		void answersOtherRequestsWhileTheMemberIsBusyWithOne() throws Exception {
			CompletableFuture<Optional<Message>> reply = new CompletableFuture<>();
			RaftRpcWebFilterTests.this.handler.reply = (request) -> reply;
			CompletableFuture<HttpResponse<String>> heartbeat = this.client.sendAsync(
					HttpRequest.newBuilder(url("/raft/append-entries"))
						.header(HttpHeaders.AUTHORIZATION, "Bearer token")
						.header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
						.POST(HttpRequest.BodyPublishers.ofString(heartbeatJson()))
						.build(),
					HttpResponse.BodyHandlers.ofString());
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(RaftRpcWebFilterTests.this.handler.received).hasSize(1));
			// The member has not replied: the only event loop thread must still serve others.
			HttpResponse<Void> options = this.client.send(HttpRequest.newBuilder(url("/raft/append-entries"))
				.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
				.timeout(Duration.ofSeconds(20))
				.build(), HttpResponse.BodyHandlers.discarding());
			assertThat(options.statusCode()).isEqualTo(204);
			HttpResponse<Void> app = this.client.send(HttpRequest.newBuilder(url("/somewhere"))
				.timeout(Duration.ofSeconds(20))
				.build(), HttpResponse.BodyHandlers.discarding());
			assertThat(app.statusCode()).isEqualTo(418);
			assertThat(heartbeat).as("the heartbeat still waits for the member").isNotDone();
			reply.complete(Optional.of(new AppendEntriesResponse("n1", "n2", 1, true, 0, 0, 1)));
			HttpResponse<String> answer = heartbeat.get(20, TimeUnit.SECONDS);
			assertThat(answer.statusCode()).isEqualTo(200);
			assertThat(RaftRpcWebFilterTests.this.json.read(answer.body().getBytes(StandardCharsets.UTF_8),
					AppendEntriesResponse.class))
				.isEqualTo(new AppendEntriesResponse("n1", "n2", 1, true, 0, 0, 1));
		}

		private URI url(String path) {
			return URI.create("http://127.0.0.1:" + this.server.port() + path);
		}

	}

	/** The request with the token, the content type and a heartbeat for {@code n1} as its body. */
	private MockServerHttpRequest heartbeat(MockServerHttpRequest.BodyBuilder request) {
		return request.header(HttpHeaders.AUTHORIZATION, "Bearer token")
			.contentType(MediaType.APPLICATION_JSON)
			.body(heartbeatJson());
	}

	private String heartbeatJson() {
		return new String(this.json.write(new AppendEntries("n2", "n1", 1, 0, 0, List.of(), 0, 1)),
				StandardCharsets.UTF_8);
	}

	/** A body that records whether anyone subscribed to it. */
	private static Flux<DataBuffer> watched(AtomicBoolean read, String body) {
		return Flux.defer(() -> {
			read.set(true);
			return Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(body.getBytes(StandardCharsets.UTF_8)));
		});
	}

}
