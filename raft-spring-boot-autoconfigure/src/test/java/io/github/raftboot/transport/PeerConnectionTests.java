package io.github.raftboot.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PeerConnection}, against a server that answers each request with bytes the
 * test chooses.
 */
class PeerConnectionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private ServerSocket server;

	private final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();

	private final List<String> requests = new CopyOnWriteArrayList<>();

	private final AtomicInteger connections = new AtomicInteger();

	private Thread acceptor;

	private PeerConnection connection;

	@BeforeEach
	void startServer() throws IOException {
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.acceptor = new Thread(this::accept, "test-server");
		this.acceptor.setDaemon(true);
		this.acceptor.start();
		this.connection = connection(TIMEOUT);
	}

	@AfterEach
	void stop() throws IOException {
		this.connection.close();
		this.server.close();
	}

	private PeerConnection connection(Duration timeout) {
		URI url = URI.create("http://127.0.0.1:" + this.server.getLocalPort());
		return new PeerConnection(url, null, null, timeout, (runnable) -> {
			Thread thread = new Thread(runnable, "test-peer-connection");
			thread.setDaemon(true);
			return thread;
		});
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket socket = this.server.accept();
				this.connections.incrementAndGet();
				Thread serve = new Thread(() -> serve(socket), "test-server-connection");
				serve.setDaemon(true);
				serve.start();
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			InputStream in = socket.getInputStream();
			while (true) {
				String head = readHead(in);
				if (head == null) {
					return;
				}
				int length = contentLength(head);
				String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
				this.requests.add(head + body);
				Answer answer = this.answers.poll(5, TimeUnit.SECONDS);
				if (answer == null) {
					return;
				}
				if (answer.delayMillis() > 0) {
					Thread.sleep(answer.delayMillis());
				}
				if (answer.bytes() != null) {
					socket.getOutputStream().write(answer.bytes().getBytes(StandardCharsets.ISO_8859_1));
					socket.getOutputStream().flush();
				}
				if (answer.close()) {
					return;
				}
			}
		}
		catch (IOException | InterruptedException ex) {
			// The connection ends
		}
	}

	private static String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		byte[] end = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
		while (matched < end.length) {
			int next = in.read();
			if (next == -1) {
				return null;
			}
			head.write(next);
			matched = (next == end[matched]) ? matched + 1 : ((next == '\r') ? 1 : 0);
		}
		return head.toString(StandardCharsets.ISO_8859_1);
	}

	private static int contentLength(String head) {
		for (String line : head.split("\r\n")) {
			if (line.toLowerCase().startsWith("content-length:")) {
				return Integer.parseInt(line.substring(15).trim());
			}
		}
		return 0;
	}

	private void answer(String bytes) {
		this.answers.add(new Answer(bytes, false, 0));
	}

	private void answerAndClose(String bytes) {
		this.answers.add(new Answer(bytes, true, 0));
	}

	private void nextExchangeIsAnsweredOnANewConnection() throws Exception {
		answer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain");
		assertThat(body(post("{\"n\":2}"))).isEqualTo("again");
		assertThat(this.connections).hasValue(2);
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

	@Test
	void writesTheRequestInOnePieceWithHostAndContentLength() throws Exception {
		answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
		PeerConnection.Response response = post("{\"a\":1}");
		assertThat(response.status()).isEqualTo(200);
		assertThat(body(response)).isEqualTo("ok");
		assertThat(this.requests).singleElement()
			.isEqualTo("POST /raft/request-vote HTTP/1.1\r\nHost: 127.0.0.1:" + this.server.getLocalPort()
					+ "\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
	}

	@Test
	void keepsOneConnectionForManyExchanges() throws Exception {
		for (int i = 0; i < 20; i++) {
			answer("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + (i % 10));
			assertThat(body(post("{}"))).isEqualTo(String.valueOf(i % 10));
		}
		assertThat(this.connections).hasValue(1);
	}

	@Test
	void readsAChunkedAnswerAndKeepsTheConnection() throws Exception {
		answer("HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\nX-Trailer: t\r\n\r\n");
		PeerConnection.Response response = post("{}");
		assertThat(response.status()).isEqualTo(400);
		assertThat(body(response)).isEqualTo("{\"a\":1}");
		answer("HTTP/1.1 204 No Content\r\n\r\n");
		assertThat(post("{}").body()).isEmpty();
		assertThat(this.connections).hasValue(1);
	}

	@Test
	void skipsInterimAnswers() throws Exception {
		answer("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
		assertThat(body(post("{}"))).isEqualTo("ok");
	}

	@Test
	void connectionCloseInTheAnswerMakesTheNextExchangeOpenANewConnection() throws Exception {
		answerAndClose("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
		assertThat(body(post("{}"))).isEqualTo("ok");
		nextExchangeIsAnsweredOnANewConnection();
	}

	@Test
	void anAnswerWithoutLengthEndsWithTheConnection() throws Exception {
		answerAndClose("HTTP/1.0 200 OK\r\n\r\nuntil the end");
		assertThat(body(post("{}"))).isEqualTo("until the end");
		nextExchangeIsAnsweredOnANewConnection();
	}

	@Test
	void requestOnAConnectionTheMemberClosedWhileIdleIsSentOnceMoreOnANewOne() throws Exception {
		// The member closes the connection after its answer, without saying so.
		answerAndClose("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
		assertThat(body(post("{}"))).isEqualTo("ok");
		nextExchangeIsAnsweredOnANewConnection();
		assertThat(this.requests).hasSize(2);
	}

	@Test
	void aMemberThatClosesWithoutAnsweringAFreshConnectionFailsTheExchangeWithoutRetrying() {
		this.answers.add(new Answer(null, true, 0));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> post("{}"))
			.withCauseInstanceOf(IOException.class)
			.withMessageContaining("closed without an answer");
		assertThat(this.requests).hasSize(1);
	}

	@Test
	void anAnswerLaterThanTheTimeoutFailsWithAnHttpTimeoutException() throws Exception {
		this.connection.close();
		this.connection = connection(Duration.ofMillis(200));
		this.answers.add(new Answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false, 2000));
		long start = System.nanoTime();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> post("{}"))
			.withCauseInstanceOf(HttpTimeoutException.class);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
	}

	@Test
	void anExchangeQueuedLongerThanTheTimeoutFailsWithoutReachingTheMember() throws Exception {
		AtomicLong offset = new AtomicLong();
		this.connection.close();
		this.connection = new PeerConnection(URI.create("http://127.0.0.1:" + this.server.getLocalPort()), null, null,
				TIMEOUT, Thread::new, () -> System.nanoTime() + offset.get());
		this.answers.add(new Answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false, 200));
		CompletableFuture<PeerConnection.Response> first = this.connection.exchange("POST", "/a", Map.of(), null);
		CompletableFuture<PeerConnection.Response> queued = this.connection.exchange("POST", "/b", Map.of(), null);
		awaitRequests(1);
		// The first exchange holds the connection's thread while the second one's time runs out.
		offset.addAndGet(TIMEOUT.toNanos() + 1);
		assertThat(first).failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(HttpTimeoutException.class);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> queued.get(5, TimeUnit.SECONDS))
			.withCauseInstanceOf(HttpTimeoutException.class)
			.withMessageContaining("waited longer than its timeout");
		assertThat(this.requests).hasSize(1);
	}

	private void awaitRequests(int count) {
		long start = System.nanoTime();
		while (this.requests.size() < count && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5)) {
			Thread.onSpinWait();
		}
		assertThat(this.requests).hasSize(count);
	}

	@Test
	void refusesAnAnswerLargerThanOneMegabyte() {
		answer("HTTP/1.1 200 OK\r\nContent-Length: " + (PeerConnection.MAX_RESPONSE_BYTES + 1) + "\r\n\r\n");
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> post("{}"))
			.withCauseInstanceOf(IOException.class)
			.withMessageContaining("larger than");
	}

	@Test
	void refusesAnInvalidStatusLine() {
		answer("SMTP ready\r\n\r\n");
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> post("{}"))
			.withCauseInstanceOf(IOException.class)
			.withMessageContaining("Invalid status line");
	}

	@Test
	void anUnreachableMemberFailsTheExchange() throws Exception {
		int port;
		try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = unused.getLocalPort();
		}
		try (PeerConnection nobody = new PeerConnection(URI.create("http://127.0.0.1:" + port), null, null, TIMEOUT,
				Thread::new)) {
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> nobody.exchange("POST", "/", Map.of(), null).get(5, TimeUnit.SECONDS))
				.withCauseInstanceOf(IOException.class);
		}
	}

	@Test
	void closeFailsQueuedExchangesAndEndsAnExchangeInProgress() throws Exception {
		CountDownLatch received = new CountDownLatch(1);
		this.answers.add(new Answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false, 5000));
		List<CompletableFuture<PeerConnection.Response>> exchanges = new ArrayList<>();
		exchanges.add(this.connection.exchange("POST", "/a", Map.of(), null).whenComplete((r, f) -> received.countDown()));
		for (int i = 0; i < 3; i++) {
			exchanges.add(this.connection.exchange("POST", "/b", Map.of(), null));
		}
		awaitRequests(1);
		this.connection.close();
		for (CompletableFuture<PeerConnection.Response> exchange : exchanges) {
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> exchange.get(2, TimeUnit.SECONDS))
				.withCauseInstanceOf(IOException.class);
		}
		assertThat(this.connection.exchange("POST", "/c", Map.of(), null)).failsWithin(Duration.ofSeconds(1));
		assertThat(received.getCount()).isZero();
	}

	private record Answer(String bytes, boolean close, long delayMillis) {
	}

}
