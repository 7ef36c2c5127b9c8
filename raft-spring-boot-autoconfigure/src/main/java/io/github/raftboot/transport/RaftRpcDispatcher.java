package io.github.raftboot.transport;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.raftboot.core.JoinRequest;
import io.github.raftboot.core.Message;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.util.unit.DataSize;

/**
 * Answers the Raft RPCs of this member, whatever server API carries them: it takes the method,
 * the path, the few headers it needs and the body as bytes, and returns status, headers and body.
 * {@link RaftRpcFilter} adapts it to the servlet API, {@link RaftRpcWebFilter} to Spring WebFlux.
 *
 * <p>An adapter calls, for each request:
 * <ol>
 * <li>{@link #requestType(String)} with the path relative to the context path: {@code null}
 * means that the request is not an RPC and belongs to someone else;</li>
 * <li>{@link #answerBeforeBody(String, String, String, String)}: an answer is final, and the body
 * must then not be read;</li>
 * <li>{@link #answer(Class, byte[])} with at most {@link #maxBodyBytes()} + 1 bytes of the body
 * (so that a body over the limit is recognized without reading it all), or
 * {@link #unreadableBody()} if reading it failed.</li>
 * </ol>
 * The checks, their order and the answers are those described on {@link RaftRpcFilter}. Only a
 * request that passes them all reaches the {@link RaftRpcHandler}; {@link #answer(Class, byte[])}
 * then blocks the calling thread until it answered, at most for the timeout, while
 * {@link #answerLater(Class, byte[], String, String, Executor)} returns at once and completes
 * when it answered, for a server whose threads must not wait ({@link RaftRpcWebFilter}).
 */
final class RaftRpcDispatcher {

	private static final Log logger = LogFactory.getLog(RaftRpcDispatcher.class);

	/** How much of a member id an error message repeats. */
	private static final int MAX_ECHOED_ID_LENGTH = 64;

	private static final String ALLOWED_METHODS = "POST, OPTIONS";

	private static final byte[] NO_BODY = new byte[0];

	/** The answer to {@code OPTIONS}, which other members send to keep their connection open. */
	private static final Response OPTIONS = new Response(HttpStatus.NO_CONTENT,
			Map.of(HttpHeaders.ALLOW, ALLOWED_METHODS), NO_BODY);

	private static final Response NO_CONTENT = new Response(HttpStatus.NO_CONTENT, Map.of(), NO_BODY);

	private final RaftRpcHandler handler;

	private final RaftJson json;

	/** The most a widened timing stretches the wait for the member, as for the sender's. */
	private static final double MAX_TIMEOUT_FACTOR = 64;

	private final Duration timeout;

	private final RpcAuthentication authentication;

	private final int maxBodyBytes;

	private final String basePath;

	private final Map<String, Class<? extends Message>> requestTypes;

	/** The type of request of each RPC name, for the items of a batch. */
	private final Map<String, Class<? extends Message>> rpcTypes;

	/**
	 * What {@link #requestType(String)} answers for the path of a batch
	 * ({@link RaftRpc#BATCH_PATH}): requests of any type, each naming its RPC and its election group.
	 */
	static final Class<Message> BATCH = Message.class;

	/**
	 * Creates a dispatcher.
	 * @param handler the member that handles the requests
	 * @param json the wire format
	 * @param timeout how long to wait for the member to handle a request
	 * @param authentication which requests are authenticated
	 * @param maxBodySize the largest body accepted, from 1 byte to 1 GB
	 * @param basePath the path under which the RPCs are served, relative to the context path,
	 * such as {@code /raft}; empty or {@code /} for the root
	 */
	RaftRpcDispatcher(RaftRpcHandler handler, RaftJson json, Duration timeout, RpcAuthentication authentication,
			DataSize maxBodySize, String basePath) {
		this.handler = Objects.requireNonNull(handler, "handler");
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
		Map<String, Class<? extends Message>> requestTypes = new HashMap<>();
		Map<String, Class<? extends Message>> rpcTypes = new HashMap<>();
		for (RaftRpc rpc : RaftRpc.values()) {
			requestTypes.put(this.basePath + rpc.path(), rpc.requestType());
			rpcTypes.put(rpc.rpcName(), rpc.requestType());
		}
		requestTypes.put(this.basePath + RaftRpc.BATCH_PATH, BATCH);
		this.requestTypes = Map.copyOf(requestTypes);
		this.rpcTypes = Map.copyOf(rpcTypes);
	}

	/** The path under which the RPCs are served, normalized: such as {@code /raft}, or empty. */
	String basePath() {
		return this.basePath;
	}

	/** The largest body accepted, in bytes. */
	int maxBodyBytes() {
		return this.maxBodyBytes;
	}

	/**
	 * The request served at a path.
	 * @param path the path of the request relative to the context path, such as
	 * {@code /raft/append-entries}
	 * @return the type of message the endpoint takes, or {@code null} if the path is not an RPC's
	 */
	@Nullable Class<? extends Message> requestType(String path) {
		return this.requestTypes.get(path);
	}

	/**
	 * Answers the request if it can be answered before its body is read: {@code OPTIONS}, any
	 * other method but {@code POST}, a missing or wrong token, another content type, and a
	 * {@code Content-Length} that is malformed or over the limit.
	 * @param method the request method, such as {@code POST}
	 * @param authorization the {@code Authorization} header, if any
	 * @param contentType the {@code Content-Type} header, if any
	 * @param contentLength the {@code Content-Length} header, if any
	 * @return the answer, or {@code null} if the body is to be read and passed to
	 * {@link #answer(Class, byte[])}
	 */
	@Nullable Response answerBeforeBody(String method, @Nullable String authorization, @Nullable String contentType,
			@Nullable String contentLength) {
		if (!"POST".equals(method)) {
			if ("OPTIONS".equals(method)) {
				// Other members' keep-warm probes: cheap, and it tells nothing but what is allowed.
				return OPTIONS;
			}
			return error(HttpStatus.METHOD_NOT_ALLOWED, "Raft RPCs are sent with POST",
					Map.of(HttpHeaders.ALLOW, ALLOWED_METHODS));
		}
		if (!this.authentication.isAuthorized(authorization)) {
			return error(HttpStatus.UNAUTHORIZED, "A valid 'Authorization: Bearer <token>' header is required",
					Map.of(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"raft\""));
		}
		if (!isUtf8Json(contentType)) {
			return error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content type must be application/json in UTF-8");
		}
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

	/**
	 * Answers a request whose head passed {@link #answerBeforeBody(String, String, String, String)}:
	 * checks the body, and hands the message to the member if it is valid, from another member
	 * and addressed to this one.
	 * @param type the type of message, from {@link #requestType(String)}
	 * @param body the body, or its first {@link #maxBodyBytes()} + 1 bytes if it is longer
	 * @return the answer
	 */
	Response answer(Class<? extends Message> type, byte[] body) {
		return answer(type, body, null);
	}

	/**
	 * Answers a request as {@link #answer(Class, byte[])} does, and refuses it with {@code 409}
	 * if it carries the id of another cluster than this member's.
	 * @param type the type of message, from {@link #requestType(String)}
	 * @param body the body, or its first {@link #maxBodyBytes()} + 1 bytes if it is longer
	 * @param clusterId the {@value HttpRaftTransport#CLUSTER_ID_HEADER} header, if any
	 * @return the answer
	 */
	Response answer(Class<? extends Message> type, byte[] body, @Nullable String clusterId) {
		return answer(type, body, clusterId, null);
	}

	/**
	 * Answers a request as {@link #answer(Class, byte[], String)} does, and passes the id of
	 * the sender's process to the member, which may refuse it (two processes that send as one
	 * member).
	 * @param type the type of message, from {@link #requestType(String)}
	 * @param body the body, or its first {@link #maxBodyBytes()} + 1 bytes if it is longer
	 * @param clusterId the {@value HttpRaftTransport#CLUSTER_ID_HEADER} header, if any
	 * @param instance the {@value HttpRaftTransport#INSTANCE_HEADER} header, if any
	 * @return the answer
	 */
	Response answer(Class<? extends Message> type, byte[] body, @Nullable String clusterId,
			@Nullable String instance) {
		if (type == BATCH) {
			return answerBatch(body, clusterId, instance);
		}
		Delivery delivery = deliver(type, body, clusterId, instance);
		if (delivery.refusal != null) {
			return delivery.refusal;
		}
		Duration wait = waitForMember();
		Optional<Message> reply;
		try {
			reply = delivery.reply.get(wait.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RuntimeException | ExecutionException | TimeoutException ex) {
			return failure(ex, wait);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return error(HttpStatus.SERVICE_UNAVAILABLE,
					"Interrupted while waiting for Raft member '" + this.handler.nodeId() + "' to handle the request");
		}
		return replied(reply);
	}

	/**
	 * Answers a request as {@link #answer(Class, byte[], String, String)} does, but without
	 * waiting for the member: for a server whose threads must never block, such as an event loop.
	 * The checks run on the calling thread, as they are cheap; the rest of the work, once the
	 * member replied or the timeout ran out, runs on the given executor, so that neither the
	 * calling thread waits nor the member's election thread does more than hand its reply over (as
	 * it does to a thread waiting in {@link #answer(Class, byte[], String, String)}).
	 * @param type the type of message, from {@link #requestType(String)}
	 * @param body the body, or its first {@link #maxBodyBytes()} + 1 bytes if it is longer
	 * @param clusterId the {@value HttpRaftTransport#CLUSTER_ID_HEADER} header, if any
	 * @param instance the {@value HttpRaftTransport#INSTANCE_HEADER} header, if any
	 * @param executor runs the end of the work: must not run it on the calling thread if that is
	 * the member's election thread, and should not block
	 * @return completes with the answer; already complete if the request was refused before it
	 * reached the member
	 */
	CompletableFuture<Response> answerLater(Class<? extends Message> type, byte[] body, @Nullable String clusterId,
			@Nullable String instance, Executor executor) {
		Objects.requireNonNull(executor, "executor");
		if (type == BATCH) {
			return answerBatchLater(body, clusterId, instance, executor);
		}
		Delivery delivery = deliver(type, body, clusterId, instance);
		if (delivery.refusal != null) {
			return CompletableFuture.completedFuture(delivery.refusal);
		}
		Duration wait = waitForMember();
		// A copy, so that the timeout never completes the member's own future.
		return delivery.reply.copy()
			.orTimeout(wait.toNanos(), TimeUnit.NANOSECONDS)
			.handleAsync((reply, failure) -> (failure != null) ? failure(failure, wait) : replied(reply), executor);
	}

	/**
	 * How long to wait for the member: the timeout, times the member's
	 * {@linkplain RaftRpcHandler#timeoutFactor() factor} while the cluster's timing is widened,
	 * as the sender then waits as much longer too. A member that answers {@code 503} after the
	 * configured timeout while its peers wait longer would turn every slow answer into an error.
	 */
	private Duration waitForMember() {
		return waitForMember(this.handler.timeoutFactor());
	}

	private Duration waitForMember(double factor) {
		if (!(factor > 1)) {
			return this.timeout;
		}
		return Duration.ofNanos((long) (this.timeout.toNanos() * Math.min(factor, MAX_TIMEOUT_FACTOR)));
	}

	/**
	 * Checks the body and hands the message to the member if it is valid, from another member
	 * and addressed to this one.
	 */
	private Delivery deliver(Class<? extends Message> type, byte[] body, @Nullable String clusterId,
			@Nullable String instance) {
		if (body.length > this.maxBodyBytes) {
			return Delivery.refused(tooLarge());
		}
		Message message;
		try {
			message = this.json.read(body, type);
		}
		catch (RaftJson.InvalidMessageException ex) {
			return Delivery.refused(error(HttpStatus.BAD_REQUEST, ex.getMessage()));
		}
		return deliver(this.handler, message, clusterId, instance);
	}

	/** Hands a valid message to a member's handler if it is from another member and addressed to this one. */
	private Delivery deliver(RaftRpcHandler handler, Message message, @Nullable String clusterId,
			@Nullable String instance) {
		String nodeId = handler.nodeId();
		String ours = handler.clusterId();
		if (clusterId != null && ours != null && !clusterId.equals(ours)) {
			return Delivery.refused(error(HttpStatus.CONFLICT, "Raft member '" + nodeId + "' belongs to cluster "
					+ ours + ", but '" + echo(message.from()) + "' to cluster " + echo(clusterId)
					+ ": they were formed separately (with other raft.peers, or from the data directory of another "
					+ "cluster) and never take part in each other's elections"));
		}
		RpcRefusal refusal = handler.refusal(message, clusterId, instance);
		if (refusal != null) {
			HttpStatus status = HttpStatus.valueOf(refusal.status());
			return Delivery.refused(new Response(status, Map.of(),
					this.json.writeError(status.getReasonPhrase(), refusal.message(), refusal.code())));
		}
		if (!message.to().equals(nodeId)) {
			return Delivery.refused(error(HttpStatus.BAD_REQUEST,
					"Message addressed to '" + echo(message.to()) + "' was delivered to '" + nodeId + "'"));
		}
		if (message instanceof JoinRequest join && !isHttpUrl(join.address())) {
			return Delivery.refused(error(HttpStatus.BAD_REQUEST, "Field 'address' must be the base URL of the member "
					+ "that asks to join, an absolute http or https URL, but is '" + echo(join.address()) + "'"));
		}
		CompletableFuture<Optional<Message>> reply;
		try {
			reply = handler.receive(message);
		}
		catch (RuntimeException ex) {
			return Delivery.handed(CompletableFuture.failedFuture(ex));
		}
		return Delivery.handed(Objects.requireNonNullElseGet(reply,
				() -> CompletableFuture.failedFuture(new NullPointerException("No reply future"))));
	}

	// Batches

	/** Reads a batch and hands each of its requests to the member's group it names. */
	private BatchDelivery deliverBatch(byte[] body, @Nullable String clusterId, @Nullable String instance) {
		if (body.length > this.maxBodyBytes) {
			return new BatchDelivery(tooLarge(), List.of(), this.timeout);
		}
		List<RaftJson.BatchRequest> requests;
		try {
			requests = this.json.readBatch(body, this.rpcTypes);
		}
		catch (RaftJson.InvalidMessageException ex) {
			return new BatchDelivery(error(HttpStatus.BAD_REQUEST, ex.getMessage()), List.of(), this.timeout);
		}
		List<Delivery> deliveries = new ArrayList<>(requests.size());
		double factor = 1;
		for (RaftJson.BatchRequest request : requests) {
			RaftRpcHandler group = this.handler.groupHandler(request.group());
			if (group != null) {
				double groupFactor = group.timeoutFactor();
				if (groupFactor > factor) {
					factor = groupFactor;
				}
			}
			deliveries.add((group != null) ? deliver(group, request.message(), clusterId, instance)
					: Delivery.refused(error(HttpStatus.NOT_FOUND, "Raft member '" + this.handler.nodeId()
							+ "' has no election group '" + echo(request.group()) + "': every replica must list the same "
							+ "raft.groups")));
		}
		return new BatchDelivery(null, deliveries, waitForMember(factor));
	}

	private Response answerBatch(byte[] body, @Nullable String clusterId, @Nullable String instance) {
		BatchDelivery batch = deliverBatch(body, clusterId, instance);
		if (batch.refusal() != null) {
			return batch.refusal();
		}
		Duration wait = batch.patience();
		long deadline = System.nanoTime() + wait.toNanos();
		try {
			awaitAll(batch.deliveries(), wait);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return error(HttpStatus.SERVICE_UNAVAILABLE,
					"Interrupted while waiting for Raft member '" + this.handler.nodeId() + "' to handle the request");
		}
		List<RaftJson.BatchReply> replies = new ArrayList<>(batch.deliveries().size());
		for (Delivery delivery : batch.deliveries()) {
			if (delivery.refusal != null) {
				replies.add(batchReply(delivery.refusal));
				continue;
			}
			try {
				replies.add(batchReply(delivery.reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)));
			}
			catch (RuntimeException | ExecutionException | TimeoutException ex) {
				replies.add(batchReply(failure(ex, wait)));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return error(HttpStatus.SERVICE_UNAVAILABLE,
						"Interrupted while waiting for Raft member '" + this.handler.nodeId() + "' to handle the request");
			}
		}
		return batchAnswer(replies);
	}

	/**
	 * Waits until every request handed over has its reply, or {@code wait} has passed: once, for
	 * the member's groups reply one after the other on their one core thread, and waiting for
	 * each in turn could wake this thread once per request (the profile of an idle replica with
	 * 50 groups: threads parking and waking took a quarter of its CPU). Failures and timeouts are
	 * looked at request by request afterwards.
	 */
	private static void awaitAll(List<Delivery> deliveries, Duration wait) throws InterruptedException {
		List<CompletableFuture<Optional<Message>>> handed = new ArrayList<>(deliveries.size());
		for (Delivery delivery : deliveries) {
			if (delivery.refusal == null && !delivery.reply.isDone()) {
				handed.add(delivery.reply);
			}
		}
		if (handed.size() < 2) {
			return;
		}
		try {
			CompletableFuture.allOf(handed.toArray(CompletableFuture[]::new)).get(wait.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			// Each request's own outcome is read afterwards
		}
	}

	private CompletableFuture<Response> answerBatchLater(byte[] body, @Nullable String clusterId,
			@Nullable String instance, Executor executor) {
		BatchDelivery batch = deliverBatch(body, clusterId, instance);
		if (batch.refusal() != null) {
			return CompletableFuture.completedFuture(batch.refusal());
		}
		Duration wait = batch.patience();
		List<CompletableFuture<RaftJson.BatchReply>> replies = new ArrayList<>(batch.deliveries().size());
		for (Delivery delivery : batch.deliveries()) {
			replies.add((delivery.refusal != null) ? CompletableFuture.completedFuture(batchReply(delivery.refusal))
					: delivery.reply.copy()
						.orTimeout(wait.toNanos(), TimeUnit.NANOSECONDS)
						.handle((reply, failure) -> (failure != null) ? batchReply(failure(failure, wait))
								: batchReply(reply)));
		}
		return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
			.handleAsync((ignored, failure) -> batchAnswer(replies.stream().map(CompletableFuture::join).toList()),
					executor);
	}

	private RaftJson.BatchReply batchReply(@Nullable Optional<Message> reply) {
		if (reply == null) {
			return batchReply(failure(new IllegalStateException("No answer"), this.timeout));
		}
		return reply.map((message) -> new RaftJson.BatchReply(HttpStatus.OK.value(), message, null))
			.orElseGet(() -> new RaftJson.BatchReply(HttpStatus.NO_CONTENT.value(), null, null));
	}

	private static RaftJson.BatchReply batchReply(Response refusal) {
		return new RaftJson.BatchReply(refusal.status().value(), null, refusal.body());
	}

	private Response batchAnswer(List<RaftJson.BatchReply> replies) {
		try {
			return new Response(HttpStatus.OK, Map.of(), this.json.writeBatchReplies(replies));
		}
		catch (RuntimeException ex) {
			return failure(ex, this.timeout);
		}
	}

	/**
	 * A batch refused as a whole, or the delivery of each of its requests and how long to wait
	 * for them: as long as the sender does, which waits as long as the most widened timing of the
	 * batch's groups needs.
	 */
	private record BatchDelivery(@Nullable Response refusal, List<Delivery> deliveries, Duration patience) {
	}

	/** The answer to the member's reply; a {@code null} reply is the member's failure. */
	private Response replied(@Nullable Optional<Message> reply) {
		if (reply == null) {
			return failure(new IllegalStateException("No answer"), this.timeout);
		}
		if (reply.isEmpty()) {
			return NO_CONTENT;
		}
		byte[] bytes;
		try {
			bytes = this.json.write(reply.get());
		}
		catch (RuntimeException ex) {
			return failure(ex, this.timeout);
		}
		return new Response(HttpStatus.OK, Map.of(), bytes);
	}

	/**
	 * The answer to a request whose body could not be read, such as when the connection broke.
	 * @return the answer
	 */
	Response unreadableBody() {
		return error(HttpStatus.BAD_REQUEST, "The request body could not be read");
	}

	private static boolean isHttpUrl(String address) {
		try {
			URI url = new URI(address);
			return url.isAbsolute() && url.getHost() != null
					&& ("http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme()))
					&& url.getRawQuery() == null && url.getRawFragment() == null;
		}
		catch (URISyntaxException ex) {
			return false;
		}
	}

	private static boolean isUtf8Json(@Nullable String value) {
		if (value == null) {
			return false;
		}
		if (value.equals(MediaType.APPLICATION_JSON_VALUE)) {
			// What every member sends: no need to parse it (2 % of an idle replica's samples at 50 groups)
			return true;
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

	private Response tooLarge() {
		return error(HttpStatus.CONTENT_TOO_LARGE,
				"Request body must not be larger than " + this.maxBodyBytes + " bytes");
	}

	private Response failure(Throwable failure, Duration waited) {
		Throwable cause = ((failure instanceof ExecutionException || failure instanceof CompletionException)
				&& failure.getCause() != null) ? failure.getCause() : failure;
		String nodeId = this.handler.nodeId();
		if (cause instanceof IllegalArgumentException) {
			return error(HttpStatus.BAD_REQUEST, (cause.getMessage() != null) ? cause.getMessage() : "Invalid message");
		}
		if (cause instanceof IllegalStateException) {
			// The member's own words: that it is stopped, or has failed.
			return error(HttpStatus.SERVICE_UNAVAILABLE,
					(cause.getMessage() != null) ? cause.getMessage() : "Raft member '" + nodeId + "' is not running");
		}
		if (cause instanceof TimeoutException) {
			return error(HttpStatus.SERVICE_UNAVAILABLE,
					"Raft member '" + nodeId + "' did not handle the request within " + waited.toMillis() + " ms");
		}
		logger.error("Raft member '" + nodeId + "' failed to handle a request", cause);
		return error(HttpStatus.INTERNAL_SERVER_ERROR, "The request could not be handled");
	}

	private Response error(HttpStatus status, String message) {
		return error(status, message, Map.of());
	}

	private Response error(HttpStatus status, String message, Map<String, String> headers) {
		return new Response(status, headers, this.json.writeError(status.getReasonPhrase(), message));
	}

	private static String echo(String id) {
		return (id.length() <= MAX_ECHOED_ID_LENGTH) ? id : id.substring(0, MAX_ECHOED_ID_LENGTH) + "...";
	}

	/**
	 * What became of a request after its checks: refused with an answer, or handed to the member,
	 * whose reply is to come.
	 */
	private static final class Delivery {

		/** The reply of a refused request: never handed to anyone. */
		private static final CompletableFuture<Optional<Message>> NONE = CompletableFuture
			.failedFuture(new IllegalStateException("Refused"));

		/** The answer if the request was refused, {@code null} if it was handed to the member. */
		final @Nullable Response refusal;

		/** The member's reply, or a failed future if the request was refused. */
		final CompletableFuture<Optional<Message>> reply;

		private Delivery(@Nullable Response refusal, CompletableFuture<Optional<Message>> reply) {
			this.refusal = refusal;
			this.reply = reply;
		}

		static Delivery refused(Response refusal) {
			return new Delivery(refusal, NONE);
		}

		static Delivery handed(CompletableFuture<Optional<Message>> reply) {
			return new Delivery(null, reply);
		}

	}

	/**
	 * An answer to a request.
	 *
	 * @param status the status
	 * @param headers the headers to set, apart from {@code Content-Type} and
	 * {@code Content-Length}
	 * @param body the body, in JSON ({@link #CONTENT_TYPE}), or empty if there is none
	 */
	record Response(HttpStatus status, Map<String, String> headers, byte[] body) {

		/** The content type of every body. */
		static final String CONTENT_TYPE = MediaType.APPLICATION_JSON_VALUE;

		Response {
			Objects.requireNonNull(status, "status");
			headers = Map.copyOf(headers);
			Objects.requireNonNull(body, "body");
		}

	}

}
