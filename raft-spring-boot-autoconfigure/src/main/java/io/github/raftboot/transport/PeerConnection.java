package io.github.raftboot.transport;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.BasicHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.config.Lookup;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.io.ModalCloseable;
import org.apache.hc.core5.reactor.ssl.SSLBufferMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * The connection to one other member: HTTP/1.1 exchanges sent one after another on one
 * kept-alive connection by one thread of its own, which blocks on the socket.
 *
 * <p>Raft sends a member one request at a time, a few dozen a second, each answered within
 * milliseconds; a general-purpose asynchronous client (a selector thread, a pool, futures chained
 * across them) spends more CPU on that than the exchange itself and adds thread hand-offs to
 * every round trip of an election. Here an exchange is: the caller's request is queued, the
 * member's thread sends it with Apache HttpClient's classic (blocking) client, reads the answer
 * and completes the future. The client is its minimal one, on a connection manager that holds a
 * single connection: it writes requests and reads answers, and does nothing else (no redirects,
 * retries, cookies, authentication, compression or protocol upgrades).
 *
 * <p>Each exchange must end within the timeout, counted from when it was queued: one that waited
 * in the queue that long fails without reaching the network; connecting (with the TLS handshake)
 * and waiting for the answer may each take what remains of it when the exchange leaves the queue.
 * A connection the member closed while it was idle is noticed when the next request gets no
 * answer at all; that request is then sent once more on a new connection. Answers larger than
 * {@link #MAX_RESPONSE_BYTES} are refused without being read to their end. Over {@code https},
 * the member's certificate must be trusted by the SSL context and match its host name.
 */
final class PeerConnection implements AutoCloseable {

	/** Larger answers are refused: a Raft answer is a few hundred bytes. */
	static final int MAX_RESPONSE_BYTES = 1024 * 1024;

	private static final byte[] NO_BODY = new byte[0];

	private final URI url;

	private final HttpHost host;

	private final long timeoutNanos;

	private final LongSupplier nanoClock;

	private final ThreadPoolExecutor executor;

	private final CloseableHttpClient client;

	/** How many connections were opened; used by the connection's thread only. */
	private int connectionsOpened;

	/** The request on the network, if any, so that {@link #close()} can end it. */
	private volatile @Nullable HttpUriRequestBase current;

	private volatile boolean closed;

	/**
	 * Creates the connection to a member; it connects on the first exchange.
	 * @param url the member's base URL, {@code http} or {@code https}
	 * @param sslContext the SSL context for {@code https}, or {@code null} for the JDK's default
	 * @param sslParameters the TLS protocols and cipher suites for {@code https}, or {@code null}
	 * for the SSL context's defaults; host names are verified whatever they say
	 * @param timeout how long an exchange may take, from when it is queued
	 * @param threadFactory makes the connection's thread
	 */
	PeerConnection(URI url, @Nullable SSLContext sslContext, @Nullable SSLParameters sslParameters,
			Duration timeout, ThreadFactory threadFactory) {
		this(url, sslContext, sslParameters, timeout, threadFactory, System::nanoTime);
	}

	PeerConnection(URI url, @Nullable SSLContext sslContext, @Nullable SSLParameters sslParameters,
			Duration timeout, ThreadFactory threadFactory, LongSupplier nanoClock) {
		this.url = url;
		String scheme = url.getScheme().toLowerCase(Locale.ROOT);
		String host = url.getHost();
		host = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
		this.host = new HttpHost(scheme, host, url.getPort());
		this.timeoutNanos = timeout.toNanos();
		this.nanoClock = nanoClock;
		BasicHttpClientConnectionManager connections = BasicHttpClientConnectionManager
			.create(tlsStrategies(scheme, sslContext, sslParameters), this::openConnection);
		// A connection the member closed is found by the resend below; checking every connection
		// idle for 2 s (the default) would block each such exchange on a 1 ms read first.
		connections.setConnectionConfig(
				ConnectionConfig.custom().setValidateAfterInactivity(TimeValue.NEG_ONE_MILLISECOND).build());
		this.client = HttpClients.createMinimal(connections);
		this.executor = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threadFactory);
		this.executor.allowCoreThreadTimeOut(true);
	}

	private static Lookup<TlsSocketStrategy> tlsStrategies(String scheme, @Nullable SSLContext sslContext,
			@Nullable SSLParameters sslParameters) {
		RegistryBuilder<TlsSocketStrategy> strategies = RegistryBuilder.create();
		if (URIScheme.HTTPS.same(scheme)) {
			SSLContext context = (sslContext != null) ? sslContext : defaultSslContext();
			String[] protocols = (sslParameters != null) ? sslParameters.getProtocols() : null;
			String[] cipherSuites = (sslParameters != null) ? sslParameters.getCipherSuites() : null;
			// BUILTIN: the JDK verifies the host name during the handshake, as for its own clients
			strategies.register(URIScheme.HTTPS.id, new DefaultClientTlsStrategy(context, protocols, cipherSuites,
					SSLBufferMode.STATIC, HostnameVerificationPolicy.BUILTIN, null));
		}
		return strategies.build();
	}

	private static SSLContext defaultSslContext() {
		try {
			return SSLContext.getDefault();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("The JDK has no default SSL context", ex);
		}
	}

	private ManagedHttpClientConnection openConnection(@Nullable Socket socket) throws IOException {
		this.connectionsOpened++;
		return ManagedHttpClientConnectionFactory.INSTANCE.createConnection(socket);
	}

	/**
	 * Queues an exchange; never blocks.
	 * @param method the request method
	 * @param target the request target: the path, starting with {@code /}
	 * @param headers further request headers
	 * @param body the request body, or {@code null} for none
	 * @return completes with the answer, or exceptionally with an {@link IOException}: an
	 * {@link HttpTimeoutException} if the exchange took longer than the timeout
	 */
	CompletableFuture<Response> exchange(String method, String target, Map<String, String> headers,
			byte @Nullable [] body) {
		return exchange(method, target, headers, body, this.timeoutNanos);
	}

	/**
	 * Queues an exchange that may take {@code timeoutNanos} instead of the connection's timeout;
	 * never blocks.
	 * @param method the request method
	 * @param target the request target: the path, starting with {@code /}
	 * @param headers further request headers
	 * @param body the request body, or {@code null} for none
	 * @param timeoutNanos how long the exchange may take, from now
	 * @return as {@link #exchange(String, String, Map, byte[])}
	 */
	CompletableFuture<Response> exchange(String method, String target, Map<String, String> headers,
			byte @Nullable [] body, long timeoutNanos) {
		CompletableFuture<Response> result = new CompletableFuture<>();
		Exchange exchange = new Exchange(method, URI.create(target), headers, body,
				this.nanoClock.getAsLong() + timeoutNanos, result);
		try {
			this.executor.execute(() -> run(exchange));
		}
		catch (RejectedExecutionException ex) {
			result.completeExceptionally(closedException(null));
		}
		return result;
	}

	private void run(Exchange exchange) {
		CompletableFuture<Response> result = exchange.result();
		if (result.isDone()) {
			return;
		}
		if (this.closed) {
			result.completeExceptionally(closedException(null));
			return;
		}
		if (exchange.deadline() - this.nanoClock.getAsLong() <= 0) {
			result.completeExceptionally(
					new HttpTimeoutException("Request to " + this.url + " waited longer than its timeout to be sent"));
			return;
		}
		try {
			result.complete(send(exchange));
		}
		catch (IOException | RuntimeException ex) {
			result.completeExceptionally(this.closed ? closedException(ex) : failure(ex));
		}
		finally {
			this.current = null;
		}
	}

	private Response send(Exchange exchange) throws IOException {
		while (true) {
			HttpUriRequestBase request = exchange.request(remaining(exchange.deadline()));
			int opened = this.connectionsOpened;
			this.current = request;
			ClassicHttpResponse response;
			try {
				response = this.client.executeOpen(this.host, request, null);
			}
			catch (NoHttpResponseException | ConnectionClosedException | SocketException ex) {
				// A connection that was open already may have been closed by the member while it
				// was idle, before it saw this request: then the request is sent once more. The
				// client dropped that connection, so it goes on a new one and is not sent a third time.
				boolean reused = this.connectionsOpened == opened;
				if (!reused || this.closed) {
					throw ex;
				}
				continue;
			}
			return read(response);
		}
	}

	private Response read(ClassicHttpResponse response) throws IOException {
		try {
			Response answer = new Response(response.getCode(), body(response.getEntity()));
			response.close();
			return answer;
		}
		catch (IOException | RuntimeException ex) {
			// Closed gracefully, the response would read the rest of the answer, which need not end.
			if (response instanceof ModalCloseable closeable) {
				closeable.close(CloseMode.IMMEDIATE);
			}
			throw ex;
		}
	}

	private byte[] body(@Nullable HttpEntity entity) throws IOException {
		if (entity == null) {
			return NO_BODY;
		}
		if (entity.getContentLength() > MAX_RESPONSE_BYTES) {
			throw tooLarge();
		}
		// Fewer bytes than asked for means the answer ended, which releases the connection.
		byte[] body = entity.getContent().readNBytes(MAX_RESPONSE_BYTES + 1);
		if (body.length > MAX_RESPONSE_BYTES) {
			throw tooLarge();
		}
		return body;
	}

	private IOException tooLarge() {
		return new IOException("Answer from " + this.url + " is larger than " + MAX_RESPONSE_BYTES + " bytes");
	}

	/** What remains of the time until {@code deadline}, in whole milliseconds: what a socket takes. */
	private Timeout remaining(long deadline) throws HttpTimeoutException {
		long nanos = deadline - this.nanoClock.getAsLong();
		if (nanos <= 0) {
			throw new HttpTimeoutException("No answer from " + this.url + " within the timeout");
		}
		// 0 would mean no timeout at all
		return Timeout.ofMilliseconds(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)));
	}

	/** Reports the client's timeouts as the {@link HttpTimeoutException}s the transport counts. */
	private Exception failure(Exception ex) {
		if (ex instanceof ConnectTimeoutException) {
			HttpTimeoutException timeout = new HttpConnectTimeoutException("Connecting to " + this.url + " timed out");
			timeout.initCause(ex);
			return timeout;
		}
		if (ex instanceof SocketTimeoutException) {
			HttpTimeoutException timeout = new HttpTimeoutException("No answer from " + this.url + " within the timeout");
			timeout.initCause(ex);
			return timeout;
		}
		return ex;
	}

	private IOException closedException(@Nullable Throwable cause) {
		return new IOException("Connection to " + this.url + " is closed", cause);
	}

	/** Fails queued exchanges, ends the one in progress and closes the connection. */
	@Override
	public void close() {
		this.closed = true;
		for (Runnable queued : this.executor.shutdownNow()) {
			// Never started: run now, each fails its exchange as closed
			queued.run();
		}
		HttpUriRequestBase request = this.current;
		if (request != null) {
			request.cancel();
		}
		this.client.close(CloseMode.IMMEDIATE);
	}

	/**
	 * An answer.
	 *
	 * @param status the status code
	 * @param body the body, empty if there is none
	 */
	record Response(int status, byte[] body) {
	}

	/** One queued exchange. */
	private record Exchange(String method, URI target, Map<String, String> headers, byte @Nullable [] body,
			long deadline, CompletableFuture<Response> result) {

		/** A new request each time: the client adds headers to the one it sends. */
		HttpUriRequestBase request(Timeout timeout) {
			HttpUriRequestBase request = new HttpUriRequestBase(this.method, this.target);
			this.headers.forEach(request::addHeader);
			if (this.body != null) {
				request.setEntity(new ByteArrayEntity(this.body, null));
			}
			request.setConfig(config(timeout));
			return request;
		}

		// The connect timeout of a request (deprecated for one per connection manager) is the only
		// way to count it from the request's own deadline.
		@SuppressWarnings("deprecation")
		private static RequestConfig config(Timeout timeout) {
			return RequestConfig.custom().setConnectTimeout(timeout).setResponseTimeout(timeout).build();
		}

	}

}
