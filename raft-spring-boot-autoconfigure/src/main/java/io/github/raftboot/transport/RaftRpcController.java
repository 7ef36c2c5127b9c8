package io.github.raftboot.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.core.TimeoutNow;
import io.github.raftboot.runtime.RaftServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves the Raft RPCs of this member under {@code raft.rpc.base-path} ({@code /raft} by
 * default): {@code POST request-vote}, {@code append-entries} and {@code timeout-now}, each
 * taking the message as JSON in the {@link RaftJson} format.
 *
 * <p>Answers {@code 200} with the reply as JSON, or {@code 204} when the member does not answer
 * the request. Every other answer is a JSON object {@code {"error":"...","message":"..."}}, and
 * the request is checked in this order, each check on the request thread and before any of the
 * following work:
 * <ol>
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
 * in time.
 *
 * <p>Bodies are read and written as bytes, so the application's own JSON configuration never
 * touches the wire format.
 */
@RestController
@RequestMapping("${raft.rpc.base-path:/raft}")
public final class RaftRpcController {

	/** The body size limit of {@link #RaftRpcController(RaftServer, RaftJson, Duration)}. */
	public static final DataSize DEFAULT_MAX_BODY_SIZE = DataSize.ofKilobytes(64);

	private static final Log logger = LogFactory.getLog(RaftRpcController.class);

	/** How much of a member id an error message repeats. */
	private static final int MAX_ECHOED_ID_LENGTH = 64;

	private final RaftServer server;

	private final RaftJson json;

	private final Duration timeout;

	private final RpcAuthentication authentication;

	private final int maxBodyBytes;

	/**
	 * Creates a controller that requires no token and accepts bodies of up to
	 * {@link #DEFAULT_MAX_BODY_SIZE}.
	 * @param server the member that handles the requests
	 * @param json the wire format
	 * @param timeout how long to wait for the member to handle a request
	 */
	public RaftRpcController(RaftServer server, RaftJson json, Duration timeout) {
		this(server, json, timeout, RpcAuthentication.none(), DEFAULT_MAX_BODY_SIZE);
	}

	/**
	 * Creates a controller.
	 * @param server the member that handles the requests
	 * @param json the wire format
	 * @param timeout how long to wait for the member to handle a request
	 * @param authentication which requests are authenticated
	 * @param maxBodySize the largest body accepted, from 1 byte to 1 GB
	 */
	public RaftRpcController(RaftServer server, RaftJson json, Duration timeout, RpcAuthentication authentication,
			DataSize maxBodySize) {
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
	}

	@PostMapping("/request-vote")
	public CompletableFuture<ResponseEntity<byte[]>> requestVote(@RequestHeader HttpHeaders headers, InputStream body) {
		return handle(headers, body, RequestVote.class);
	}

	@PostMapping("/append-entries")
	public CompletableFuture<ResponseEntity<byte[]>> appendEntries(@RequestHeader HttpHeaders headers,
			InputStream body) {
		return handle(headers, body, AppendEntries.class);
	}

	@PostMapping("/timeout-now")
	public CompletableFuture<ResponseEntity<byte[]>> timeoutNow(@RequestHeader HttpHeaders headers, InputStream body) {
		return handle(headers, body, TimeoutNow.class);
	}

	private CompletableFuture<ResponseEntity<byte[]>> handle(HttpHeaders headers, InputStream body,
			Class<? extends Message> type) {
		ResponseEntity<byte[]> rejection = check(headers);
		if (rejection != null) {
			return CompletableFuture.completedFuture(rejection);
		}
		byte[] bytes;
		try {
			bytes = body.readNBytes(this.maxBodyBytes + 1);
		}
		catch (IOException ex) {
			return CompletableFuture.completedFuture(error(HttpStatus.BAD_REQUEST, "The request body could not be read"));
		}
		if (bytes.length > this.maxBodyBytes) {
			return CompletableFuture.completedFuture(tooLarge());
		}
		Message request;
		try {
			request = this.json.read(bytes, type);
		}
		catch (RaftJson.InvalidMessageException ex) {
			return CompletableFuture.completedFuture(error(HttpStatus.BAD_REQUEST, ex.getMessage()));
		}
		RaftConfig config = this.server.config();
		if (!config.members().contains(request.from()) || request.from().equals(config.nodeId())) {
			return CompletableFuture.completedFuture(error(HttpStatus.FORBIDDEN,
					"Sender '" + echo(request.from()) + "' is not another member of this cluster"));
		}
		if (!request.to().equals(config.nodeId())) {
			return CompletableFuture.completedFuture(error(HttpStatus.BAD_REQUEST,
					"Message addressed to '" + echo(request.to()) + "' was delivered to '" + config.nodeId() + "'"));
		}
		CompletableFuture<Optional<Message>> reply;
		try {
			reply = this.server.receive(request);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.completedFuture(failure(ex));
		}
		return reply.orTimeout(this.timeout.toNanos(), TimeUnit.NANOSECONDS)
			.handle(this::respond);
	}

	/** The checks that need only the headers, or {@code null} if the request passes them. */
	private @Nullable ResponseEntity<byte[]> check(HttpHeaders headers) {
		if (!this.authentication.isAuthorized(headers.getFirst(HttpHeaders.AUTHORIZATION))) {
			return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
				.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"raft\"")
				.contentType(MediaType.APPLICATION_JSON)
				.body(this.json.writeError(HttpStatus.UNAUTHORIZED.getReasonPhrase(),
						"A valid 'Authorization: Bearer <token>' header is required"));
		}
		if (!isUtf8Json(headers)) {
			return error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content type must be application/json in UTF-8");
		}
		String contentLength = headers.getFirst(HttpHeaders.CONTENT_LENGTH);
		if (contentLength != null) {
			long length;
			try {
				length = Long.parseLong(contentLength.strip());
			}
			catch (NumberFormatException ex) {
				return error(HttpStatus.BAD_REQUEST, "Invalid Content-Length");
			}
			if (length > this.maxBodyBytes) {
				return tooLarge();
			}
		}
		return null;
	}

	private static boolean isUtf8Json(HttpHeaders headers) {
		String value = headers.getFirst(HttpHeaders.CONTENT_TYPE);
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

	private ResponseEntity<byte[]> tooLarge() {
		return error(HttpStatus.CONTENT_TOO_LARGE,
				"Request body must not be larger than " + this.maxBodyBytes + " bytes");
	}

	private ResponseEntity<byte[]> respond(@Nullable Optional<Message> answer, @Nullable Throwable failure) {
		if (failure != null || answer == null) {
			return failure((failure != null) ? failure : new IllegalStateException("No answer"));
		}
		try {
			return ok(answer);
		}
		catch (RuntimeException ex) {
			return failure(ex);
		}
	}

	private ResponseEntity<byte[]> ok(Optional<Message> answer) {
		if (answer.isEmpty()) {
			return ResponseEntity.noContent().build();
		}
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(this.json.write(answer.get()));
	}

	private ResponseEntity<byte[]> failure(Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		if (cause instanceof IllegalArgumentException) {
			return error(HttpStatus.BAD_REQUEST, (cause.getMessage() != null) ? cause.getMessage() : "Invalid message");
		}
		if (cause instanceof IllegalStateException) {
			// The server's own words: that it is stopped, or has failed.
			return error(HttpStatus.SERVICE_UNAVAILABLE, (cause.getMessage() != null) ? cause.getMessage()
					: "Raft member '" + this.server.nodeId() + "' is not running");
		}
		if (cause instanceof TimeoutException) {
			return error(HttpStatus.SERVICE_UNAVAILABLE,
					"Raft member '" + this.server.nodeId() + "' did not handle the request within " + this.timeout);
		}
		logger.error("Raft member '" + this.server.nodeId() + "' failed to handle a request", cause);
		return error(HttpStatus.INTERNAL_SERVER_ERROR, "The request could not be handled");
	}

	private ResponseEntity<byte[]> error(HttpStatus status, String message) {
		return ResponseEntity.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.body(this.json.writeError(status.getReasonPhrase(), message));
	}

	private static String echo(String id) {
		return (id.length() <= MAX_ECHOED_ID_LENGTH) ? id : id.substring(0, MAX_ECHOED_ID_LENGTH) + "...";
	}

}
