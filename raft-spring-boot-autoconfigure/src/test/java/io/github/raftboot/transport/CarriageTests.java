package io.github.raftboot.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.AppendEntriesResponse;
import io.github.raftboot.core.EntryType;
import io.github.raftboot.core.LogEntry;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.transport.RaftTransport.GroupRequest;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link Carriage}: of members {@code n1, n2, n3}, {@code n3} sends its batches to
 * {@code n1}, and {@code n1} carries its heartbeats for {@code n3} back in the answers. Both are
 * real transports behind JDK HTTP servers with real dispatchers; {@code n2} is only named (its
 * port answers nothing).
 */
@DisplayName("Carrying heartbeats back in answers")
class CarriageTests {

	private final RaftJson json = new RaftJson();

	private final List<Member> members = new ArrayList<>();

	private Member n1;

	private Member n3;

	@BeforeEach
	void start() throws IOException {
		this.n1 = new Member("n1");
		this.n3 = new Member("n3");
		Map<String, URI> urls = new LinkedHashMap<>();
		urls.put("n1", this.n1.url);
		urls.put("n2", URI.create("http://127.0.0.1:9"));
		urls.put("n3", this.n3.url);
		this.n1.connect(urls);
		this.n3.connect(urls);
	}

	@AfterEach
	void stop() {
		this.members.forEach(Member::close);
	}

	@Test
	void aMemberHoldsItsHeartbeatsForAMemberThatSendsToItAndCarriesThemBackInTheAnswerToItsNextBatch()
			throws Exception {
		// n3's batch asks for n1's heartbeats
		assertThat(this.n3.send("n1", heartbeat("n3", "n1", 7)).get(0).get(5, TimeUnit.SECONDS))
			.contains(ack("n1", "n3", 7));
		CompletableFuture<Optional<Message>> held = this.n1.send("n3", heartbeat("n1", "n3", 11)).get(0);
		assertThat(held).isNotDone();
		// n3's next batch brings it back, and n3's group receives it
		this.n3.send("n1", heartbeat("n3", "n1", 8)).get(0).get(5, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.n3.received.contains(heartbeat("n1", "n3", 11)));
		assertThat(held).isNotDone();
		// The batch after that answers it
		this.n3.send("n1", heartbeat("n3", "n1", 9)).get(0).get(5, TimeUnit.SECONDS);
		assertThat(held.get(5, TimeUnit.SECONDS)).contains(ack("n3", "n1", 11));
		assertThat(this.n3.exchanges).as("n1 never sent n3 an exchange of its own").isEmpty();
		assertThat(this.n1.exchanges).hasSize(3);
		assertThat(this.n1.observed).containsExactly("append-entries n3 success");
	}

	@Test
	void whatTheNextBatchDidNotTakeGoesWithTheNextHeartbeatInAnExchangeOfItsOwn() throws Exception {
		this.n3.send("n1", heartbeat("n3", "n1", 7)).get(0).get(5, TimeUnit.SECONDS);
		CompletableFuture<Optional<Message>> held = this.n1.send("n3", heartbeat("n1", "n3", 11)).get(0);
		CompletableFuture<Optional<Message>> next = this.n1.send("n3", heartbeat("n1", "n3", 12)).get(0);
		assertThat(held.get(5, TimeUnit.SECONDS)).contains(ack("n3", "n1", 11));
		assertThat(next.get(5, TimeUnit.SECONDS)).contains(ack("n3", "n1", 12));
		assertThat(this.n3.exchanges).hasSize(1);
		assertThat(this.n3.received).containsExactly(heartbeat("n1", "n3", 11), heartbeat("n1", "n3", 12));
	}

	@Test
	void aMemberWhoseBatchDidNotAskGetsTheHeartbeatsAtOnce() throws Exception {
		assertThat(this.n1.send("n3", heartbeat("n1", "n3", 11)).get(0).get(5, TimeUnit.SECONDS))
			.contains(ack("n3", "n1", 11));
		assertThat(this.n3.exchanges).hasSize(1);
	}

	@Test
	void votesAndEntriesGoAtOnceEvenToAMemberThatAsked() throws Exception {
		this.n3.send("n1", heartbeat("n3", "n1", 7)).get(0).get(5, TimeUnit.SECONDS);
		RequestVote vote = new RequestVote("n1", "n3", 4, 0, 0, false, false);
		this.n1.send("n3", vote).get(0).get(5, TimeUnit.SECONDS);
		this.n3.send("n1", heartbeat("n3", "n1", 8)).get(0).get(5, TimeUnit.SECONDS);
		AppendEntries entries = new AppendEntries("n1", "n3", 3, 0, 0, List.of(new LogEntry(1, 3, EntryType.NOOP, null)), 0, 13);
		assertThat(this.n1.send("n3", entries).get(0).get(5, TimeUnit.SECONDS)).contains(ack("n3", "n1", 13));
		assertThat(this.n3.exchanges).hasSize(2);
		assertThat(this.n3.received).containsExactly(vote, entries);
	}

	@Test
	void aMemberHoldsNothingWhileAMemberItSendsToDidNotAnswerItsLatestExchange() throws Exception {
		// n1 sends to n2, whose port answers nothing
		this.n1.send("n2", heartbeat("n1", "n2", 5)).get(0).handle((reply, failure) -> failure).get(10, TimeUnit.SECONDS);
		this.n3.send("n1", heartbeat("n3", "n1", 7)).get(0).get(5, TimeUnit.SECONDS);
		assertThat(this.n1.send("n3", heartbeat("n1", "n3", 11)).get(0).get(5, TimeUnit.SECONDS))
			.contains(ack("n3", "n1", 11));
		assertThat(this.n3.exchanges).hasSize(1);
	}

	@Test
	void aMemberThatDoesNotCarryNeitherAsksNorHolds() throws Exception {
		this.n3.transport.carriage().receiver(null);
		this.n3.send("n1", heartbeat("n3", "n1", 7)).get(0).get(5, TimeUnit.SECONDS);
		assertThat(this.n1.send("n3", heartbeat("n1", "n3", 11)).get(0).get(5, TimeUnit.SECONDS))
			.contains(ack("n3", "n1", 11));
		assertThat(this.n3.exchanges).hasSize(1);
	}

	@Nested
	@DisplayName("Who sends to whom")
	class Ring {

		@Test
		void ofFiveMembersEachSendsToTwoAndCarriesForTwoSoItHearsAtOnceFromAMajority() {
			List<String> five = List.of("n1", "n2", "n3", "n4", "n5");
			for (String self : five) {
				Carriage carriage = new Carriage(self, five);
				assertThat(five.stream().filter((other) -> !other.equals(self) && carriage.sendsTo(other)))
					.as(self).hasSize(2);
			}
			for (String a : five) {
				for (String b : five) {
					if (!a.equals(b)) {
						assertThat(new Carriage(a, five).sendsTo(b)).as("%s to %s, or %s to %s", a, b, b, a)
							.isNotEqualTo(new Carriage(b, five).sendsTo(a));
					}
				}
			}
		}

		@Test
		void ofFourMembersThoseHalfTheRingApartBothSend() {
			List<String> four = List.of("a", "b", "c", "d");
			assertThat(new Carriage("a", four).sendsTo("c")).isTrue();
			assertThat(new Carriage("c", four).sendsTo("a")).isTrue();
			assertThat(new Carriage("a", four).sendsTo("b")).isTrue();
			assertThat(new Carriage("b", four).sendsTo("a")).isFalse();
			assertThat(new Carriage("a", four).sendsTo("d")).isFalse();
		}

		@Test
		void twoMembersBothSendAndAMemberOutsideTheRingIsSentTo() {
			assertThat(new Carriage("a", List.of("a", "b")).sendsTo("b")).isTrue();
			assertThat(new Carriage("b", List.of("a", "b")).sendsTo("a")).isTrue();
			assertThat(new Carriage("a", List.of("a", "b", "c")).sendsTo("z")).isTrue();
		}

	}

	private static AppendEntries heartbeat(String from, String to, long round) {
		return new AppendEntries(from, to, 3, 0, 0, List.of(), 0, round);
	}

	private static AppendEntriesResponse ack(String from, String to, long round) {
		return new AppendEntriesResponse(from, to, 3, true, 0, 0, round);
	}

	/** A member: an HTTP server with a dispatcher in front of a handler that acknowledges every AppendEntries. */
	private final class Member implements RaftRpcHandler {

		private final String id;

		private final HttpServer server;

		private final ExecutorService executor = Executors.newCachedThreadPool();

		private final URI url;

		private final RaftRpcDispatcher dispatcher;

		private final Queue<String> exchanges = new ConcurrentLinkedQueue<>();

		private final Queue<String> observed = new ConcurrentLinkedQueue<>();

		private final List<Message> received = new CopyOnWriteArrayList<>();

		private HttpRaftTransport transport;

		Member(String id) throws IOException {
			this.id = id;
			this.dispatcher = new RaftRpcDispatcher(this, CarriageTests.this.json, Duration.ofSeconds(2),
					RpcAuthentication.none(), DataSize.ofKilobytes(64), "/raft");
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			this.server.setExecutor(this.executor);
			this.server.createContext("/", this::handle);
			this.server.start();
			this.url = URI.create("http://127.0.0.1:" + this.server.getAddress().getPort());
			CarriageTests.this.members.add(this);
		}

		void connect(Map<String, URI> urls) {
			this.transport = HttpRaftTransport.builder(this.id, urls)
				.circuitBreakers(CircuitBreakerRegistry.ofDefaults())
				.rpcTimeout(Duration.ofSeconds(2))
				.observer((rpc, peerId, outcome, duration) -> {
					if (peerId.equals("n3") && this.id.equals("n1")) {
						this.observed.add(rpc + " " + peerId + " " + outcome);
					}
				})
				.clock(Clock.systemUTC())
				.json(CarriageTests.this.json)
				.build();
			this.transport.carriage().receiver(this);
		}

		List<CompletableFuture<Optional<Message>>> send(String to, Message request) {
			return this.transport.sendTogether(List.of(new GroupRequest("billing", request)), 1);
		}

		private void handle(HttpExchange exchange) throws IOException {
			try (exchange; InputStream in = exchange.getRequestBody()) {
				byte[] body = in.readAllBytes();
				String path = exchange.getRequestURI().getPath();
				this.exchanges.add(exchange.getRequestMethod() + " " + path);
				Class<? extends Message> type = this.dispatcher.requestType(path);
				RaftRpcDispatcher.Response answer = this.dispatcher.answer(Optional.ofNullable(type).orElseThrow(), body,
						null, exchange.getRequestHeaders().getFirst(HttpRaftTransport.INSTANCE_HEADER));
				byte[] reply = answer.body();
				exchange.getResponseHeaders().set("Content-Type", "application/json");
				exchange.sendResponseHeaders(answer.status().value(), (reply.length > 0) ? reply.length : -1);
				if (reply.length > 0) {
					try (OutputStream out = exchange.getResponseBody()) {
						out.write(reply);
					}
				}
			}
		}

		void close() {
			if (this.transport != null) {
				this.transport.close();
			}
			this.server.stop(0);
			this.executor.shutdownNow();
		}

		@Override
		public String nodeId() {
			return this.id;
		}

		@Override
		public boolean acceptsSender(String memberId) {
			return !memberId.equals(this.id);
		}

		@Override
		public @Nullable Carriage carriage() {
			return (this.transport != null) ? this.transport.carriage() : null;
		}

		@Override
		public @Nullable RaftRpcHandler groupHandler(String group) {
			return this;
		}

		@Override
		public CompletableFuture<Optional<Message>> receive(Message request) {
			this.received.add(request);
			if (request instanceof AppendEntries append) {
				return CompletableFuture.completedFuture(Optional.of(new AppendEntriesResponse(this.id, append.from(),
						append.term(), true, 0, 0, append.round())));
			}
			return CompletableFuture.completedFuture(Optional.empty());
		}

	}

}
