package io.github.raftboot.transport;

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

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves the Raft RPCs of this member under {@code raft.rpc.base-path} ({@code /raft} by
 * default): {@code POST request-vote}, {@code append-entries} and {@code timeout-now}, each
 * taking the message as JSON in the {@link RaftJson} format.
 *
 * <p>Answers {@code 200} with the reply as JSON, or {@code 204} when the member does not answer
 * the request. Errors are JSON objects {@code {"error":"...","message":"..."}}: {@code 400} for
 * an invalid message or one addressed to another member, {@code 403} when the sender is not a
 * member of the cluster, {@code 503} when this member does not run or did not handle the
 * request in time.
 *
 * <p>Bodies are read and written as bytes, so the application's own JSON configuration never
 * touches the wire format.
 */
@RestController
@RequestMapping("${raft.rpc.base-path:/raft}")
public final class RaftRpcController {

	private static final Log logger = LogFactory.getLog(RaftRpcController.class);

	private final RaftServer server;

	private final RaftJson json;

	private final Duration timeout;

	/**
	 * Creates a controller.
	 * @param server the member that handles the requests
	 * @param json the wire format
	 * @param timeout how long to wait for the member to handle a request
	 */
	public RaftRpcController(RaftServer server, RaftJson json, Duration timeout) {
		this.server = Objects.requireNonNull(server, "server");
		this.json = Objects.requireNonNull(json, "json");
		this.timeout = Objects.requireNonNull(timeout, "timeout");
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("timeout must be positive, was " + timeout);
		}
	}

	@PostMapping(path = "/request-vote", consumes = MediaType.APPLICATION_JSON_VALUE)
	public CompletableFuture<ResponseEntity<byte[]>> requestVote(@RequestBody(required = false) byte @Nullable [] body) {
		return handle(body, RequestVote.class);
	}

	@PostMapping(path = "/append-entries", consumes = MediaType.APPLICATION_JSON_VALUE)
	public CompletableFuture<ResponseEntity<byte[]>> appendEntries(
			@RequestBody(required = false) byte @Nullable [] body) {
		return handle(body, AppendEntries.class);
	}

	@PostMapping(path = "/timeout-now", consumes = MediaType.APPLICATION_JSON_VALUE)
	public CompletableFuture<ResponseEntity<byte[]>> timeoutNow(@RequestBody(required = false) byte @Nullable [] body) {
		return handle(body, TimeoutNow.class);
	}

	private CompletableFuture<ResponseEntity<byte[]>> handle(byte @Nullable [] body, Class<? extends Message> type) {
		Message request;
		try {
			request = this.json.read((body != null) ? body : new byte[0], type);
		}
		catch (RaftJson.InvalidMessageException ex) {
			return CompletableFuture.completedFuture(error(HttpStatus.BAD_REQUEST, ex.getMessage()));
		}
		RaftConfig config = this.server.config();
		if (!config.members().contains(request.from()) || request.from().equals(config.nodeId())) {
			return CompletableFuture.completedFuture(error(HttpStatus.FORBIDDEN,
					"Sender '" + request.from() + "' is not another member of this cluster"));
		}
		if (!request.to().equals(config.nodeId())) {
			return CompletableFuture.completedFuture(error(HttpStatus.BAD_REQUEST,
					"Message addressed to '" + request.to() + "' was delivered to '" + config.nodeId() + "'"));
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
			return error(HttpStatus.SERVICE_UNAVAILABLE, "Raft member '" + this.server.nodeId() + "' is not running");
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

}
