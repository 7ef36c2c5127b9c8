package io.github.raftboot.transport;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.core.TimeoutNow;
import io.github.raftboot.runtime.RaftServer;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.util.unit.DataSize;

/**
 * Serves the Raft RPCs of this member: {@code POST {basePath}/request-vote},
 * {@code /append-entries} and {@code /timeout-now} (relative to the context path), each taking
 * the message as JSON in the {@link RaftJson} format. Every other request passes on down the
 * filter chain untouched.
 *
 * <p>A servlet {@link Filter} rather than a controller, so that the RPCs, 20 per second and
 * follower at the default heartbeat, cost as little as the container allows: the request is
 * answered synchronously on the request thread (no asynchronous re-dispatch), and, registered
 * ahead of the application's own filters, it passes neither the request observation, nor Spring
 * MVC's handler mapping and message conversion, nor the application's security filters. The RPCs
 * are authenticated by {@code raft.security.token} instead, and observed by {@code raft.rpc.*}
 * metrics.
 *
 * <p>Answers {@code 200} with the reply as JSON, or {@code 204} when the member does not answer
 * the request. Every other answer is a JSON object {@code {"error":"...","message":"..."}}, and
 * the request is checked in this order, each check on the request thread and before any of the
 * following work:
 * <ol>
 * <li>{@code 204} with {@code Allow: POST, OPTIONS} to {@code OPTIONS}, which other members
 * send to keep their connection to this one open, {@code 405} to any other method but
 * {@code POST};</li>
 * <li>{@code 401} when a token is required and the request does not carry it (or the previous
 * token) as {@code Authorization: Bearer <token>}: nothing of the body is read;</li>
 * <li>{@code 415} when the body is not {@code application/json} (in UTF-8);</li>
 * <li>{@code 413} when the body is larger than the limit: announced by {@code Content-Length},
 * it is not read at all, otherwise reading stops one byte past the limit;</li>
 * <li>{@code 400} when the body is not a valid message of the endpoint's type;</li>
 * <li>{@code 403} when the sender is not another member of the cluster, {@code 400} when the
 * message is addressed to another member.</li>
 * </ol>
 * Only a request that passes all of them reaches the member's election thread, so a flood of
 * invalid requests costs that thread nothing. Then {@code 503} when this member does not run (it
 * is stopped, or has failed because it could not persist its state) or did not handle the request
 * within the timeout, which bounds how long a request thread waits.
 *
 * <p>Bodies are read and written as bytes, so the application's own JSON configuration never
 * touches the wire format.
 */
public final class RaftRpcFilter implements Filter {

	/** The body size limit of {@link #RaftRpcFilter(RaftServer, RaftJson, Duration)}. */
	public static final DataSize DEFAULT_MAX_BODY_SIZE = DataSize.ofKilobytes(64);

	/** The base path of {@link #RaftRpcFilter(RaftServer, RaftJson, Duration)}. */
	public static final String DEFAULT_BASE_PATH = "/raft";

	private static final Log logger = LogFactory.getLog(RaftRpcFilter.class);

	/** How much of a member id an error message repeats. */
	private static final int MAX_ECHOED_ID_LENGTH = 64;

	private final RaftServer server;

	private final RaftJson json;

	private final Duration timeout;

	private final RpcAuthentication authentication;

	private final int maxBodyBytes;

	private final String basePath;

	private final String requestVotePath;

	private final String appendEntriesPath;

	private final String timeoutNowPath;

	/**
	 * Creates a filter that serves the RPCs under {@link #DEFAULT_BASE_PATH}, requires no token
	 * and accepts bodies of up to {@link #DEFAULT_MAX_BODY_SIZE}.
	 * @param server the member that handles the requests
	 * @param json the wire format
	 * @param timeout how long to wait for the member to handle a request
	 */
	public RaftRpcFilter(RaftServer server, RaftJson json, Duration timeout) {
		this(server, json, timeout, RpcAuthentication.none(), DEFAULT_MAX_BODY_SIZE, DEFAULT_BASE_PATH);
	}

	/**
	 * Creates a filter.
	 * @param server the member that handles the requests
	 * @param json the wire format
	 * @param timeout how long to wait for the member to handle a request
	 * @param authentication which requests are authenticated
	 * @param maxBodySize the largest body accepted, from 1 byte to 1 GB
	 * @param basePath the path under which the RPCs are served, relative to the context path,
	 * such as {@code /raft}; empty or {@code /} for the root
	 */
	public RaftRpcFilter(RaftServer server, RaftJson json, Duration timeout, RpcAuthentication authentication,
			DataSize maxBodySize, String basePath) {
		this.server = Objects.requireNonNull(server, "server");
		this.json = Objects.requireNonNull(json, "json");
		this.timeout = Objects.requireNonNull(timeout, "timeout");
		this.authentication = Objects.requireNonNull(authentication, "authentication");
		Objects.requireNonNull(maxBodySize, "maxBodySize");
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("timeout must be positive, was " + timeout);
		}
		if (maxBodySize.toBytes() < 1 || maxBodySize.toBytes() > DataSize.ofGigabytes(1).toBytes()) {
			throw new IllegalArgumentException("maxBodySize must be from 1 byte to 1GB, was " + maxBodySize);
		}
		this.maxBodyBytes = (int) maxBodySize.toBytes();
		this.basePath = RaftRpc.normalizeBasePath(Objects.requireNonNull(basePath, "basePath"));
		this.requestVotePath = this.basePath + "/request-vote";
		this.appendEntriesPath = this.basePath + "/append-entries";
		this.timeoutNowPath = this.basePath + "/timeout-now";
	}

	/**
	 * The URL pattern under which to register this filter, so that the container calls it for
	 * the RPCs and nothing else (apart from other paths under the base path).
	 * @return the pattern, such as {@code /raft/*}
	 */
	public String urlPattern() {
		return this.basePath + "/*";
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (request instanceof HttpServletRequest httpRequest && response instanceof HttpServletResponse httpResponse) {
			Class<? extends Message> type = messageType(httpRequest);
			if (type != null) {
				handle(httpRequest, httpResponse, type);
				return;
			}
		}
		chain.doFilter(request, response);
	}

	private @Nullable Class<? extends Message> messageType(HttpServletRequest request) {
		String uri = request.getRequestURI();
		String contextPath = request.getContextPath();
		if (uri == null || !uri.startsWith(contextPath)) {
			return null;
		}
		String path = uri.substring(contextPath.length());
		if (path.equals(this.appendEntriesPath)) {
			return AppendEntries.class;
		}
		if (path.equals(this.requestVotePath)) {
			return RequestVote.class;
		}
		if (path.equals(this.timeoutNowPath)) {
			return TimeoutNow.class;
		}
		return null;
	}

	private void handle(HttpServletRequest request, HttpServletResponse response, Class<? extends Message> type)
			throws IOException {
		String method = request.getMethod();
		if (!"POST".equals(method)) {
			response.setHeader(HttpHeaders.ALLOW, "POST, OPTIONS");
			if ("OPTIONS".equals(method)) {
				// Other members' keep-warm probes: cheap, and it tells nothing but what is allowed.
				response.setStatus(HttpStatus.NO_CONTENT.value());
				return;
			}
			error(response, HttpStatus.METHOD_NOT_ALLOWED, "Raft RPCs are sent with POST");
			return;
		}
		if (!this.authentication.isAuthorized(request.getHeader(HttpHeaders.AUTHORIZATION))) {
			response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"raft\"");
			write(response, HttpStatus.UNAUTHORIZED, this.json.writeError(HttpStatus.UNAUTHORIZED.getReasonPhrase(),
					"A valid 'Authorization: Bearer <token>' header is required"));
			return;
		}
		if (!isUtf8Json(request.getHeader(HttpHeaders.CONTENT_TYPE))) {
			error(response, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content type must be application/json in UTF-8");
			return;
		}
		String contentLength = request.getHeader(HttpHeaders.CONTENT_LENGTH);
		if (contentLength != null) {
			long length;
			try {
				length = Long.parseLong(contentLength.strip());
			}
			catch (NumberFormatException ex) {
				error(response, HttpStatus.BAD_REQUEST, "Invalid Content-Length");
				return;
			}
			if (length > this.maxBodyBytes) {
				tooLarge(response);
				return;
			}
		}
		byte[] bytes;
		try {
			bytes = request.getInputStream().readNBytes(this.maxBodyBytes + 1);
		}
		catch (IOException ex) {
			error(response, HttpStatus.BAD_REQUEST, "The request body could not be read");
			return;
		}
		if (bytes.length > this.maxBodyBytes) {
			tooLarge(response);
			return;
		}
		Message message;
		try {
			message = this.json.read(bytes, type);
		}
		catch (RaftJson.InvalidMessageException ex) {
			error(response, HttpStatus.BAD_REQUEST, ex.getMessage());
			return;
		}
		RaftConfig config = this.server.config();
		if (!config.members().contains(message.from()) || message.from().equals(config.nodeId())) {
			error(response, HttpStatus.FORBIDDEN,
					"Sender '" + echo(message.from()) + "' is not another member of this cluster");
			return;
		}
		if (!message.to().equals(config.nodeId())) {
			error(response, HttpStatus.BAD_REQUEST,
					"Message addressed to '" + echo(message.to()) + "' was delivered to '" + config.nodeId() + "'");
			return;
		}
		Optional<Message> answer;
		try {
			answer = answer(this.server.receive(message));
		}
		catch (RuntimeException | ExecutionException | TimeoutException ex) {
			failure(response, ex);
			return;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			error(response, HttpStatus.SERVICE_UNAVAILABLE, "Interrupted while waiting for Raft member '"
					+ this.server.nodeId() + "' to handle the request");
			return;
		}
		if (answer.isEmpty()) {
			response.setStatus(HttpStatus.NO_CONTENT.value());
			return;
		}
		byte[] body;
		try {
			body = this.json.write(answer.get());
		}
		catch (RuntimeException ex) {
			failure(response, ex);
			return;
		}
		write(response, HttpStatus.OK, body);
	}

	private Optional<Message> answer(CompletableFuture<Optional<Message>> reply)
			throws InterruptedException, ExecutionException, TimeoutException {
		Optional<Message> answer = reply.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		if (answer == null) {
			throw new IllegalStateException("No answer");
		}
		return answer;
	}

	private static boolean isUtf8Json(@Nullable String value) {
		if (value == null) {
			return false;
		}
		try {
			MediaType contentType = MediaType.parseMediaType(value);
			Charset charset = contentType.getCharset();
			return MediaType.APPLICATION_JSON.equalsTypeAndSubtype(contentType)
					&& (charset == null || charset.equals(StandardCharsets.UTF_8));
		}
		catch (IllegalArgumentException ex) {
			// An InvalidMediaTypeException, or an unknown or illegal charset name
			return false;
		}
	}

	private void tooLarge(HttpServletResponse response) throws IOException {
		error(response, HttpStatus.CONTENT_TOO_LARGE,
				"Request body must not be larger than " + this.maxBodyBytes + " bytes");
	}

	private void failure(HttpServletResponse response, Throwable failure) throws IOException {
		Throwable cause = (failure instanceof ExecutionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		if (cause instanceof IllegalArgumentException) {
			error(response, HttpStatus.BAD_REQUEST,
					(cause.getMessage() != null) ? cause.getMessage() : "Invalid message");
		}
		else if (cause instanceof IllegalStateException) {
			// The server's own words: that it is stopped, or has failed.
			error(response, HttpStatus.SERVICE_UNAVAILABLE, (cause.getMessage() != null) ? cause.getMessage()
					: "Raft member '" + this.server.nodeId() + "' is not running");
		}
		else if (cause instanceof TimeoutException) {
			error(response, HttpStatus.SERVICE_UNAVAILABLE,
					"Raft member '" + this.server.nodeId() + "' did not handle the request within " + this.timeout);
		}
		else {
			logger.error("Raft member '" + this.server.nodeId() + "' failed to handle a request", cause);
			error(response, HttpStatus.INTERNAL_SERVER_ERROR, "The request could not be handled");
		}
	}

	private void error(HttpServletResponse response, HttpStatus status, String message) throws IOException {
		write(response, status, this.json.writeError(status.getReasonPhrase(), message));
	}

	private static void write(HttpServletResponse response, HttpStatus status, byte[] body) throws IOException {
		response.setStatus(status.value());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

	private static String echo(String id) {
		return (id.length() <= MAX_ECHOED_ID_LENGTH) ? id : id.substring(0, MAX_ECHOED_ID_LENGTH) + "...";
	}

}
