package io.github.raftboot.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PeerConnection}, against a member that answers each request with bytes the
 * test chooses.
 */
class PeerConnectionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

	private ScriptedMember member;

	private PeerConnection connection;

	@BeforeEach
	void startMember() throws IOException {
		this.member = ScriptedMember.plain();
		this.connection = connection(TIMEOUT);
	}

	@AfterEach
	void stop() throws IOException {
		this.connection.close();
		this.member.close();
	}

	private PeerConnection connection(Duration timeout) {
		return new PeerConnection(this.member.url("http"), null, null, timeout, PeerConnectionTests::daemonThread);
	}

	private static Thread daemonThread(Runnable runnable) {
		Thread thread = new Thread(runnable, "test-peer-connection");
		thread.setDaemon(true);
		return thread;
	}

	private PeerConnection.Response post(String body) throws Exception {
		return this.connection
			.exchange("POST", "/raft/request-vote", Map.of("Content-Type", "application/json"),
					body.getBytes(StandardCharsets.UTF_8))
			.get(10, TimeUnit.SECONDS);
	}

	private static String body(PeerConnection.Response response) {
		return new String(response.body(), StandardCharsets.UTF_8);
	}

	private void nextExchangeIsAnsweredOnANewConnection() throws Exception {
		this.member.answer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain");
		assertThat(body(post("{\"n\":2}"))).isEqualTo("again");
		assertThat(this.member.connections()).isEqualTo(2);
	}

	@Test
	void sendsTheRequestWithItsHeadersAndBodyAndNoHeadersForFeaturesItDoesNotUse() throws Exception {
		this.member.answer(OK);
		PeerConnection.Response response = post("{\"a\":1}");
		assertThat(response.status()).isEqualTo(200);
		assertThat(body(response)).isEqualTo("ok");
		assertThat(this.member.requests()).hasSize(1);
		String request = this.member.requests().get(0);
		assertThat(request).endsWith("\r\n\r\n{\"a\":1}");
		List<String> lines = Arrays.asList(request.substring(0, request.indexOf("\r\n\r\n")).split("\r\n"));
		assertThat(lines.get(0)).isEqualTo("POST /raft/request-vote HTTP/1.1");
		assertThat(lines).contains("Host: 127.0.0.1:" + this.member.url("http").getPort(),
				"Content-Type: application/json", "Content-Length: 7");
		// No compression, cookies, authentication, Expect or protocol upgrade
		List<String> names = lines.subList(1, lines.size())
			.stream()
			.map((line) -> line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT))
			.toList();
		assertThat(names).isSubsetOf("host", "content-type", "content-length", "connection", "user-agent");
	}

	@Test
	void keepsOneConnectionForManyExchanges() throws Exception {
		for (int i = 0; i < 20; i++) {
			this.member.answer("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + (i % 10));
			assertThat(body(post("{}"))).isEqualTo(String.valueOf(i % 10));
		}
		assertThat(this.member.connections()).isEqualTo(1);
	}

	@Test
	void readsAnAnswerWithoutBodyAndKeepsTheConnection() throws Exception {
		this.member.answer("HTTP/1.1 204 No Content\r\n\r\n");
		assertThat(post("{}").body()).isEmpty();
		this.member.answer(OK);
		assertThat(body(post("{}"))).isEqualTo("ok");
		assertThat(this.member.connections()).isEqualTo(1);
	}

	@Test
	void connectionCloseInTheAnswerMakesTheNextExchangeOpenANewConnection() throws Exception {
		this.member.answerAndClose("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
		assertThat(body(post("{}"))).isEqualTo("ok");
		nextExchangeIsAnsweredOnANewConnection();
	}

	@Test
	void doesNotFollowRedirects() throws Exception {
		this.member.answer("HTTP/1.1 307 Temporary Redirect\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n");
		assertThat(post("{}").status()).isEqualTo(307);
		assertThat(this.member.requests()).hasSize(1);
	}

	@Test
	void requestOnAConnectionTheMemberClosedWhileIdleIsSentOnceMoreOnANewOne() throws Exception {
		// The member closes the connection after its answer, without saying so.
		this.member.answerAndClose(OK);
		assertThat(body(post("{}"))).isEqualTo("ok");
		nextExchangeIsAnsweredOnANewConnection();
		assertThat(this.member.requests()).hasSize(2);
	}

	@Test
	void requestIsSentOnceMoreOnlyOnce() throws Exception {
		this.member.answerAndClose(OK);
		assertThat(body(post("{}"))).isEqualTo("ok");
		// The kept connection turns out closed; the new one is closed without an answer too.
		this.member.closeWithoutAnswer();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> post("{}"))
			.withCauseInstanceOf(IOException.class);
		assertThat(this.member.requests()).hasSize(2);
		assertThat(this.member.connections()).isEqualTo(2);
	}

	@Test
	void aMemberThatClosesAFreshConnectionWithoutAnsweringFailsTheExchangeWithoutResending() {
		this.member.closeWithoutAnswer();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> post("{}"))
			.withCauseInstanceOf(IOException.class);
		assertThat(this.member.requests()).hasSize(1);
	}

	@Test
	void anAnswerLaterThanTheTimeoutFailsWithAnHttpTimeoutException() throws Exception {
		this.connection.close();
		this.connection = connection(Duration.ofMillis(200));
		this.member.answerAfter(Duration.ofSeconds(2), OK);
		long start = System.nanoTime();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> post("{}"))
			.withCauseInstanceOf(HttpTimeoutException.class);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
	}

	@Test
	void anExchangeQueuedLongerThanTheTimeoutFailsWithoutReachingTheMember() throws Exception {
		AtomicLong offset = new AtomicLong();
		this.connection.close();
		this.connection = new PeerConnection(this.member.url("http"), null, null, TIMEOUT,
				PeerConnectionTests::daemonThread, () -> System.nanoTime() + offset.get());
		this.member.answerAfter(Duration.ofMillis(200), OK);
		CompletableFuture<PeerConnection.Response> first = this.connection.exchange("POST", "/a", Map.of(), null);
		CompletableFuture<PeerConnection.Response> queued = this.connection.exchange("POST", "/b", Map.of(), null);
		this.member.awaitRequests(1);
		// The first exchange holds the connection's thread while the second one's time runs out.
		offset.addAndGet(TIMEOUT.toNanos() + 1);
		assertThat(first).succeedsWithin(Duration.ofSeconds(5));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> queued.get(5, TimeUnit.SECONDS))
			.withCauseInstanceOf(HttpTimeoutException.class)
			.withMessageContaining("waited longer than its timeout");
		assertThat(this.member.requests()).hasSize(1);
	}

	@Test
	void refusesAnAnswerDeclaredLargerThanOneMegabyteWithoutWaitingForIt() {
		// The body never comes: reading it would end in a timeout.
		this.member.answer("HTTP/1.1 200 OK\r\nContent-Length: " + (PeerConnection.MAX_RESPONSE_BYTES + 1) + "\r\n\r\n");
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> post("{}"))
			.withCauseExactlyInstanceOf(IOException.class)
			.withMessageContaining("larger than");
	}

	@Test
	void refusesAnAnswerWithoutEndAfterOneMegabyteAndDropsItsConnection() throws Exception {
		this.member.answerWithoutEnd("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> post("{}"))
			.withCauseExactlyInstanceOf(IOException.class)
			.withMessageContaining("larger than");
		nextExchangeIsAnsweredOnANewConnection();
	}

	@Test
	void anUnreachableMemberFailsTheExchange() throws Exception {
		int port;
		try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = unused.getLocalPort();
		}
		try (PeerConnection nobody = new PeerConnection(URI.create("http://127.0.0.1:" + port), null, null, TIMEOUT,
				PeerConnectionTests::daemonThread)) {
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> nobody.exchange("POST", "/", Map.of(), null).get(5, TimeUnit.SECONDS))
				.withCauseInstanceOf(IOException.class);
		}
	}

	@Test
	void closeFailsQueuedExchangesAndEndsAnExchangeInProgress() throws Exception {
		// Neither the answer nor the timeout would end the exchange in progress before the test does.
		this.connection.close();
		this.connection = connection(Duration.ofSeconds(30));
		this.member.answerAfter(Duration.ofSeconds(30), OK);
		List<CompletableFuture<PeerConnection.Response>> exchanges = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			exchanges.add(this.connection.exchange("POST", "/a", Map.of(), null));
		}
		this.member.awaitRequests(1);
		long start = System.nanoTime();
		this.connection.close();
		for (CompletableFuture<PeerConnection.Response> exchange : exchanges) {
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> exchange.get(2, TimeUnit.SECONDS))
				.withCauseInstanceOf(IOException.class)
				.withMessageContaining("is closed");
		}
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		assertThat(this.connection.exchange("POST", "/c", Map.of(), null)).failsWithin(Duration.ofSeconds(1));
		assertThat(this.member.requests()).hasSize(1);
	}

}
