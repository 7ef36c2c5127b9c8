package io.github.raftboot.transport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
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
import javax.net.ssl.SSLSocket;

import org.jspecify.annotations.Nullable;

/**
 * The connection to one other member: HTTP/1.1 exchanges written one after another on one
 * kept-alive connection by one thread of its own, which blocks on the socket.
 *
 * <p>Raft sends a member one request at a time, a few dozen a second, each answered within
 * milliseconds; a general-purpose asynchronous client (a selector thread, a pool, futures chained
 * across them) spends more CPU on that than the exchange itself and adds thread hand-offs to
 * every round trip of an election. Here an exchange is: the caller's request is queued, the
 * member's thread writes it in one piece, reads the answer and completes the future.
 *
 * <p>Each exchange must end within the timeout, counted from when it was queued: one that waited
 * in the queue that long fails without reaching the network, and the socket's read timeout is
 * what remains of it. A connection the member closed while it was idle is noticed when the next
 * request gets no answer at all; that request is then sent once more on a new connection. Over
 * {@code https}, the member's certificate must be trusted by the SSL context and match its host
 * name.
 */
final class PeerConnection implements AutoCloseable {

	/** Larger answers are refused: a Raft answer is a few hundred bytes. */
	static final int MAX_RESPONSE_BYTES = 1024 * 1024;

	private static final int MAX_HEADER_LINE_BYTES = 8 * 1024;

	private static final int MAX_HEADER_LINES = 100;

	private final URI url;

	private final String host;

	private final int port;

	private final String hostHeader;

	private final boolean https;

	private final @Nullable SSLContext sslContext;

	private final @Nullable SSLParameters sslParameters;

	private final long timeoutNanos;

	private final ThreadPoolExecutor executor;

	private final LongSupplier nanoClock;

	// Used by the connection's thread only, apart from close()
	private volatile @Nullable Socket socket;

	private @Nullable InputStream input;

	private @Nullable OutputStream output;

	private volatile boolean closed;

	/**
	 * Creates the connection to a member; it connects on the first exchange.
	 * @param url the member's base URL, {@code http} or {@code https}
	 * @param sslContext the SSL context for {@code https}, or {@code null} for the JDK's default
	 * @param sslParameters the TLS parameters for {@code https}, or {@code null} for the context's
	 * defaults; host names are verified whatever they say
	 * @param timeout how long an exchange may take, from when it is queued
	 * @param threadFactory makes the connection's thread
	 */
	PeerConnection(URI url, @Nullable SSLContext sslContext, @Nullable SSLParameters sslParameters,
			Duration timeout, ThreadFactory threadFactory) {
		this(url, sslContext, sslParameters, timeout, threadFactory, System::nanoTime);
	}

	PeerConnection(URI url, @Nullable SSLContext sslContext, @Nullable SSLParameters sslParameters,
			Duration timeout, ThreadFactory threadFactory, LongSupplier nanoClock) {
		this.nanoClock = nanoClock;
		this.url = url;
		this.https = "https".equalsIgnoreCase(url.getScheme());
		String host = url.getHost();
		this.host = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
		int defaultPort = this.https ? 443 : 80;
		this.port = (url.getPort() != -1) ? url.getPort() : defaultPort;
		this.hostHeader = (url.getPort() != -1) ? host + ":" + url.getPort() : host;
		this.sslContext = sslContext;
		this.sslParameters = sslParameters;
		this.timeoutNanos = timeout.toNanos();
		this.executor = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threadFactory);
		this.executor.allowCoreThreadTimeOut(true);
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
		CompletableFuture<Response> result = new CompletableFuture<>();
		byte[] request = request(method, target, headers, body);
		long deadline = this.nanoClock.getAsLong() + this.timeoutNanos;
		try {
			this.executor.execute(new Exchange(request, deadline, result));
		}
		catch (RejectedExecutionException ex) {
			result.completeExceptionally(closedException(null));
		}
		return result;
	}

	private byte[] request(String method, String target, Map<String, String> headers, byte @Nullable [] body) {
		StringBuilder head = new StringBuilder(256);
		head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
		head.append("Host: ").append(this.hostHeader).append("\r\n");
		headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
		head.append("Content-Length: ").append((body != null) ? body.length : 0).append("\r\n\r\n");
		byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
		if (body == null || body.length == 0) {
			return headBytes;
		}
		byte[] request = new byte[headBytes.length + body.length];
		System.arraycopy(headBytes, 0, request, 0, headBytes.length);
		System.arraycopy(body, 0, request, headBytes.length, body.length);
		return request;
	}

	private void run(byte[] request, long deadline, CompletableFuture<Response> result) {
		if (result.isDone()) {
			return;
		}
		if (this.closed) {
			result.completeExceptionally(closedException(null));
			return;
		}
		if (deadline - this.nanoClock.getAsLong() <= 0) {
			result.completeExceptionally(
					new HttpTimeoutException("Request to " + this.url + " waited longer than its timeout to be sent"));
			return;
		}
		try {
			result.complete(send(request, deadline));
		}
		catch (IOException | RuntimeException ex) {
			disconnect();
			result.completeExceptionally(this.closed ? closedException(ex) : ex);
		}
	}

	private Response send(byte[] request, long deadline) throws IOException {
		// A connection that was open already may have been closed by the member while it was idle,
		// before it saw this request: then the request is sent once more, on a new connection.
		boolean mayResend = this.socket != null;
		while (true) {
			if (this.socket == null) {
				connect(deadline);
			}
			try {
				return exchangeOnce(request, deadline);
			}
			catch (NoAnswerException ex) {
				disconnect();
				if (!mayResend || deadline - this.nanoClock.getAsLong() <= 0) {
					throw new IOException("Connection to " + this.url + " closed without an answer", ex);
				}
				mayResend = false;
			}
		}
	}

	private void connect(long deadline) throws IOException {
		Socket plain = new Socket();
		try {
			plain.setTcpNoDelay(true);
			plain.setKeepAlive(true);
			try {
				plain.connect(new InetSocketAddress(this.host, this.port), remainingMillis(deadline));
			}
			catch (SocketTimeoutException ex) {
				throw new HttpConnectTimeoutException("Connecting to " + this.url + " timed out");
			}
			Socket connected = plain;
			if (this.https) {
				connected = startTls(plain, deadline);
			}
			this.input = new BufferedInputStream(connected.getInputStream(), 4096);
			this.output = connected.getOutputStream();
			this.socket = connected;
			if (this.closed) {
				disconnect();
				throw closedException(null);
			}
		}
		catch (IOException | RuntimeException ex) {
			closeQuietly(plain);
			throw ex;
		}
	}

	private Socket startTls(Socket plain, long deadline) throws IOException {
		SSLContext context = this.sslContext;
		if (context == null) {
			try {
				context = SSLContext.getDefault();
			}
			catch (java.security.NoSuchAlgorithmException ex) {
				throw new IOException("No default SSL context for " + this.url, ex);
			}
		}
		SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, this.host, this.port, true);
		SSLParameters parameters = (this.sslParameters != null) ? copy(this.sslParameters) : tls.getSSLParameters();
		parameters.setEndpointIdentificationAlgorithm("HTTPS");
		tls.setSSLParameters(parameters);
		tls.setSoTimeout(remainingMillis(deadline));
		try {
			tls.startHandshake();
		}
		catch (SocketTimeoutException ex) {
			throw new HttpConnectTimeoutException("TLS handshake with " + this.url + " timed out");
		}
		return tls;
	}

	private static SSLParameters copy(SSLParameters original) {
		SSLParameters copy = new SSLParameters(original.getCipherSuites(), original.getProtocols());
		copy.setAlgorithmConstraints(original.getAlgorithmConstraints());
		copy.setServerNames(original.getServerNames());
		copy.setSNIMatchers(original.getSNIMatchers());
		copy.setUseCipherSuitesOrder(original.getUseCipherSuitesOrder());
		copy.setEnableRetransmissions(original.getEnableRetransmissions());
		copy.setMaximumPacketSize(original.getMaximumPacketSize());
		copy.setApplicationProtocols(original.getApplicationProtocols());
		return copy;
	}

	private Response exchangeOnce(byte[] request, long deadline) throws IOException {
		Socket socket = this.socket;
		InputStream in = this.input;
		OutputStream out = this.output;
		if (socket == null || in == null || out == null) {
			throw closedException(null);
		}
		try {
			out.write(request);
			out.flush();
		}
		catch (IOException ex) {
			throw new NoAnswerException(ex);
		}
		socket.setSoTimeout(remainingMillis(deadline));
		try {
			int first = in.read();
			if (first == -1) {
				throw new NoAnswerException(new EOFException("End of stream"));
			}
			return readResponse(first, in, socket, deadline);
		}
		catch (SocketTimeoutException ex) {
			throw new HttpTimeoutException("No answer from " + this.url + " within the timeout");
		}
		catch (NoAnswerException ex) {
			throw ex;
		}
		catch (java.net.SocketException ex) {
			if (isReset(ex)) {
				throw new NoAnswerException(ex);
			}
			throw ex;
		}
	}

	private static boolean isReset(java.net.SocketException ex) {
		String message = String.valueOf(ex.getMessage()).toLowerCase(Locale.ROOT);
		return message.contains("reset") || message.contains("broken pipe");
	}

	private Response readResponse(int first, InputStream in, Socket socket, long deadline) throws IOException {
		while (true) {
			String statusLine = readLine(in, first);
			first = -1;
			if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
				throw new IOException("Invalid status line from " + this.url + ": '" + printable(statusLine) + "'");
			}
			boolean http10 = statusLine.startsWith("HTTP/1.0");
			int status = parseStatus(statusLine);
			long contentLength = -1;
			boolean chunked = false;
			boolean close = http10;
			for (int lines = 0;; lines++) {
				if (lines > MAX_HEADER_LINES) {
					throw new IOException("Too many header lines from " + this.url);
				}
				String line = readLine(in, -1);
				if (line.isEmpty()) {
					break;
				}
				int colon = line.indexOf(':');
				if (colon <= 0) {
					throw new IOException("Invalid header line from " + this.url + ": '" + printable(line) + "'");
				}
				String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
				String value = line.substring(colon + 1).trim();
				switch (name) {
					case "content-length" -> contentLength = parseContentLength(value);
					case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
					case "connection" -> {
						String token = value.toLowerCase(Locale.ROOT);
						close = http10 ? !token.contains("keep-alive") : token.contains("close");
					}
					default -> {
					}
				}
			}
			if (status >= 100 && status < 200) {
				// An interim answer (100 Continue, 103 Early Hints): the real one follows.
				continue;
			}
			socket.setSoTimeout(remainingMillis(deadline));
			byte[] body;
			if (status == 204 || status == 304) {
				body = new byte[0];
			}
			else if (chunked) {
				body = readChunked(in);
			}
			else if (contentLength >= 0) {
				if (contentLength > MAX_RESPONSE_BYTES) {
					throw new IOException("Answer from " + this.url + " is larger than " + MAX_RESPONSE_BYTES + " bytes");
				}
				body = in.readNBytes((int) contentLength);
				if (body.length < contentLength) {
					throw new EOFException("Answer from " + this.url + " ended before its Content-Length");
				}
			}
			else {
				body = readUntilClose(in);
				close = true;
			}
			if (close) {
				disconnect();
			}
			return new Response(status, body);
		}
	}

	private int parseStatus(String statusLine) throws IOException {
		try {
			int status = Integer.parseInt(statusLine.substring(9, 12));
			if (status >= 100 && status <= 999) {
				return status;
			}
		}
		catch (NumberFormatException ex) {
			// fall through
		}
		throw new IOException("Invalid status line from " + this.url + ": '" + printable(statusLine) + "'");
	}

	private long parseContentLength(String value) throws IOException {
		try {
			long length = Long.parseLong(value);
			if (length >= 0) {
				return length;
			}
		}
		catch (NumberFormatException ex) {
			// fall through
		}
		throw new IOException("Invalid Content-Length from " + this.url + ": '" + printable(value) + "'");
	}

	private byte[] readChunked(InputStream in) throws IOException {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		while (true) {
			String sizeLine = readLine(in, -1);
			int extension = sizeLine.indexOf(';');
			String hex = ((extension >= 0) ? sizeLine.substring(0, extension) : sizeLine).trim();
			int size;
			try {
				size = Integer.parseInt(hex, 16);
			}
			catch (NumberFormatException ex) {
				throw new IOException("Invalid chunk size from " + this.url + ": '" + printable(sizeLine) + "'");
			}
			if (size < 0 || body.size() + (long) size > MAX_RESPONSE_BYTES) {
				throw new IOException("Answer from " + this.url + " is larger than " + MAX_RESPONSE_BYTES + " bytes");
			}
			if (size == 0) {
				// Trailers, if any, up to the empty line
				for (int lines = 0; !readLine(in, -1).isEmpty(); lines++) {
					if (lines > MAX_HEADER_LINES) {
						throw new IOException("Too many trailer lines from " + this.url);
					}
				}
				return body.toByteArray();
			}
			byte[] chunk = in.readNBytes(size);
			if (chunk.length < size) {
				throw new EOFException("Answer from " + this.url + " ended inside a chunk");
			}
			body.write(chunk);
			if (!readLine(in, -1).isEmpty()) {
				throw new IOException("Chunk from " + this.url + " is not followed by CRLF");
			}
		}
	}

	private byte[] readUntilClose(InputStream in) throws IOException {
		byte[] body = in.readNBytes(MAX_RESPONSE_BYTES + 1);
		if (body.length > MAX_RESPONSE_BYTES) {
			throw new IOException("Answer from " + this.url + " is larger than " + MAX_RESPONSE_BYTES + " bytes");
		}
		return body;
	}

	/** Reads a line ended by LF (with or without CR), starting with {@code first} unless it is -1. */
	private String readLine(InputStream in, int first) throws IOException {
		StringBuilder line = new StringBuilder(64);
		int next = (first != -1) ? first : in.read();
		while (next != '\n') {
			if (next == -1) {
				throw new EOFException("Answer from " + this.url + " ended inside its head");
			}
			if (line.length() >= MAX_HEADER_LINE_BYTES) {
				throw new IOException("Header line from " + this.url + " is longer than " + MAX_HEADER_LINE_BYTES);
			}
			line.append((char) next);
			next = in.read();
		}
		int length = line.length();
		if (length > 0 && line.charAt(length - 1) == '\r') {
			line.setLength(length - 1);
		}
		return line.toString();
	}

	private static String printable(String text) {
		String shortened = (text.length() > 100) ? text.substring(0, 100) + "..." : text;
		return shortened.replaceAll("[^\\x20-\\x7e]", "?");
	}

	private int remainingMillis(long deadline) throws HttpTimeoutException {
		long remaining = deadline - this.nanoClock.getAsLong();
		if (remaining <= 0) {
			throw new HttpTimeoutException("No answer from " + this.url + " within the timeout");
		}
		// 0 means "no timeout" to a socket: at least 1 ms
		return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(remaining)));
	}

	private IOException closedException(@Nullable Throwable cause) {
		return new IOException("Connection to " + this.url + " is closed", cause);
	}

	private void disconnect() {
		Socket current = this.socket;
		this.socket = null;
		this.input = null;
		this.output = null;
		if (current != null) {
			closeQuietly(current);
		}
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// Nothing left to do with it
		}
	}

	/** Fails queued exchanges, closes the socket (which ends a blocked read) and stops the thread. */
	@Override
	public void close() {
		this.closed = true;
		for (Runnable queued : this.executor.shutdownNow()) {
			if (queued instanceof Exchange exchange) {
				exchange.result.completeExceptionally(closedException(null));
			}
		}
		Socket current = this.socket;
		if (current != null) {
			closeQuietly(current);
		}
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
	private final class Exchange implements Runnable {

		private final byte[] request;

		private final long deadline;

		private final CompletableFuture<Response> result;

		Exchange(byte[] request, long deadline, CompletableFuture<Response> result) {
			this.request = request;
			this.deadline = deadline;
			this.result = result;
		}

		@Override
		public void run() {
			PeerConnection.this.run(this.request, this.deadline, this.result);
		}

	}

	/** The connection ended before any byte of the answer: the request may be sent again. */
	private static final class NoAnswerException extends IOException {

		private static final long serialVersionUID = 1L;

		NoAnswerException(Throwable cause) {
			super(cause);
		}

	}

}
