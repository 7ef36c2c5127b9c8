package io.github.raftboot.transport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.AppendEntriesResponse;
import io.github.raftboot.core.EntryType;
import io.github.raftboot.core.JoinRequest;
import io.github.raftboot.core.JoinResponse;
import io.github.raftboot.core.LogEntry;
import io.github.raftboot.core.Membership;
import io.github.raftboot.core.MembershipChangeResult;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.core.RequestVoteResponse;
import io.github.raftboot.core.TimeoutNow;
import io.github.raftboot.core.Timing;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.ValueInstantiationException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.type.LogicalType;

/**
 * The wire format of the Raft RPCs: each {@link Message} is a JSON object whose fields are the
 * record's components, for example
 * {@code {"from":"n1","to":"n2","term":3,"lastLogIndex":0,"lastLogTerm":0,"preVote":true,"transfer":false,"bootstrap":""}}.
 * A configuration ({@link Membership}: an AppendEntries' {@code base}, a log entry's
 * {@code membership}) is an object of {@code clusterId}, {@code voters}, {@code outgoingVoters},
 * {@code learners} (arrays of ids) and {@code addresses} (an object of id to address), or
 * {@code null} where there is none. A timing (a log entry's {@code timing}) is an object of
 * {@code electionTimeoutMinMillis}, {@code electionTimeoutMaxMillis}, {@code heartbeatIntervalMillis},
 * {@code level} and {@code reason}, or {@code null} where there is none.
 *
 * <p>The format is owned by this library and does not depend on the application's Jackson
 * configuration. Reading is strict: every field is required, {@code null} is never accepted but
 * for an absent configuration or timing, and
 * values are not coerced between JSON types (no {@code "3"} for a number, no {@code 1} for a
 * boolean or a string), duplicate fields and trailing data are rejected, and terms, indices and
 * rounds must lie from 0 to {@link Message#MAX_VALUE} (2<sup>53</sup>, enforced by the message
 * records themselves). Unknown fields are ignored, at every level, so that a newer member may add
 * fields that an older one does not know yet. Whatever the body, {@link #read(byte[], Class)}
 * returns a valid message or throws an {@link InvalidMessageException}.
 */
public final class RaftJson {

	private static final String NOT_AN_OBJECT = "Request body must be a JSON object";

	private static final String MALFORMED = "Malformed JSON";

	/**
	 * How much of the reason a message record gives an error message repeats: a configuration's
	 * reason may list the ids of the body.
	 */
	private static final int MAX_ECHOED_REASON_LENGTH = 120;

	/** How much of a field name an error message repeats: the keys of a configuration's addresses are ids of the body. */
	private static final int MAX_ECHOED_NAME_LENGTH = 64;

	/** What a compact heartbeat item holds: see {@link #writeBatch(List)}. */
	private static final String HEARTBEAT = "a heartbeat: [group, term, prevLogIndex, prevLogTerm, leaderCommit, round, "
			+ "stickinessMillis]";

	/** What a compact answer item holds: see {@link #writeBatchReplies(List)}. */
	private static final String ACK = "an answer to a heartbeat: [term, success (0 or 1), index, lastLogIndex, round]";

	private final JsonMapper mapper;

	public RaftJson() {
		this.mapper = JsonMapper.builder()
			.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
					DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
					DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.ACCEPT_FLOAT_AS_INT)
			.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
			.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
			.withCoercionConfig(LogicalType.Textual,
					(config) -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
			.withCoercionConfig(LogicalType.Enum,
					(config) -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
			// null is never accepted, except where a message may carry no configuration
			.changeDefaultNullHandling((setter) -> JsonSetter.Value.construct(Nulls.FAIL, Nulls.FAIL))
			.withConfigOverride(Membership.class,
					(override) -> override.setNullHandling(JsonSetter.Value.construct(Nulls.SET, Nulls.FAIL)))
			.withConfigOverride(Timing.class,
					(override) -> override.setNullHandling(JsonSetter.Value.construct(Nulls.SET, Nulls.FAIL)))
			// only record components are fields: Membership.isJoint() is derived
			.changeDefaultVisibility((visibility) -> visibility.withIsGetterVisibility(JsonAutoDetect.Visibility.NONE))
			.build();
	}

	/**
	 * Writes and reads one message of every type, so that the first real RPC of each type does
	 * not pay for building its serializer and deserializer: that takes milliseconds per type,
	 * and the first RequestVote a member ever sends or receives is part of a failover. Then one
	 * batch of every RPC and its replies, for the same reason: with election groups, the votes of
	 * a failover travel in batches.
	 * @return this instance
	 */
	public RaftJson warmUp() {
		Membership membership = new Membership("warm-up", Set.of("a", "b"), Set.of("a"), Set.of("c"),
				Map.of("a", "http://a", "b", "http://b", "c", "http://c"));
		List<Message> samples = List.of(new RequestVote("a", "b", 1, 1, 1, true, false, "warm-up"),
				new RequestVoteResponse("b", "a", 1, true, true),
				new AppendEntries("a", "b", 1, 0, 0,
						List.of(new LogEntry(1, 1, EntryType.NOOP), LogEntry.config(2, 1, membership),
								LogEntry.timing(3, 1, new Timing(300, 600, 100, 1, "warm-up"))),
						1, 1, membership, 300),
				new AppendEntriesResponse("b", "a", 1, true, 1, 1, 1), new TimeoutNow("a", "b", 1),
				new JoinRequest("c", "a", 0, "http://c"),
				new JoinResponse("a", "c", 1, MembershipChangeResult.STARTED, "a"));
		for (Message sample : samples) {
			Message copy = read(write(sample), sample.getClass());
			if (!copy.equals(sample)) {
				throw new IllegalStateException("The wire format does not round-trip " + sample + ": " + copy);
			}
		}
		writeError("Warm-up", "Warm-up");
		warmUpBatches(samples);
		return this;
	}

	/**
	 * Writes and reads a batch of every RPC and its replies: the first batch a member sends or
	 * receives, such as the votes of every group at a failover, builds the tree and list readers
	 * the messages alone do not use.
	 */
	private void warmUpBatches(List<Message> samples) {
		Map<Class<?>, Message> byType = new LinkedHashMap<>();
		samples.forEach((sample) -> byType.put(sample.getClass(), sample));
		Map<String, Class<? extends Message>> requestTypes = new LinkedHashMap<>();
		List<BatchRequest> requests = new ArrayList<>();
		List<BatchReply> replies = new ArrayList<>();
		List<@Nullable Class<? extends Message>> replyTypes = new ArrayList<>();
		for (RaftRpc rpc : RaftRpc.values()) {
			requestTypes.put(rpc.rpcName(), rpc.requestType());
			requests.add(new BatchRequest("warm-up", rpc.rpcName(), Objects.requireNonNull(byType.get(rpc.requestType()))));
			Class<? extends Message> replyType = rpc.replyType();
			replyTypes.add(replyType);
			replies.add((replyType != null) ? new BatchReply(200, byType.get(replyType), null)
					: new BatchReply(204, null, null));
		}
		replyTypes.add(null);
		replies.add(new BatchReply(503, null, writeError("Warm-up", "Warm-up", "warm-up")));
		List<BatchRequest> readRequests = readBatch(writeBatch(requests), requestTypes);
		List<BatchReply> readReplies = readBatchReplies(writeBatchReplies(replies), replyTypes);
		for (int i = 0; i < replies.size(); i++) {
			BatchReply reply = replies.get(i);
			BatchReply copy = readReplies.get(i);
			if (copy.status() != reply.status() || !Objects.equals(copy.message(), reply.message())) {
				throw new IllegalStateException("The wire format does not round-trip the batch reply " + reply);
			}
		}
		if (!readRequests.equals(requests) || !"warm-up".equals(readErrorCode(Objects.requireNonNull(
				readReplies.get(readReplies.size() - 1).error())))) {
			throw new IllegalStateException("The wire format does not round-trip a batch: " + readRequests);
		}
	}

	/**
	 * Writes a message.
	 * @param message the message
	 * @return its JSON, UTF-8 encoded
	 */
	public byte[] write(Message message) {
		Objects.requireNonNull(message, "message");
		return this.mapper.writeValueAsBytes(message);
	}

	/**
	 * Writes the body of an error answer: {@code {"error":"...","message":"..."}}.
	 * @param error a short description of the kind of error, such as the HTTP reason phrase
	 * @param message what went wrong, safe to show to the caller
	 * @return its JSON, UTF-8 encoded
	 */
	public byte[] writeError(String error, String message) {
		return writeError(error, message, null);
	}

	/**
	 * Writes the body of an error answer with a code a sender may act on:
	 * {@code {"error":"...","message":"...","code":"..."}}.
	 * @param error a short description of the kind of error, such as the HTTP reason phrase
	 * @param message what went wrong, safe to show to the caller
	 * @param code a stable name of the problem, or {@code null} for none (then no {@code code})
	 * @return its JSON, UTF-8 encoded
	 */
	public byte[] writeError(String error, String message, @Nullable String code) {
		Map<String, String> body = new LinkedHashMap<>();
		body.put("error", error);
		body.put("message", message);
		if (code != null) {
			body.put("code", code);
		}
		return this.mapper.writeValueAsBytes(body);
	}

	/**
	 * Reads the {@code message} of an error answer written by {@link #writeError(String, String)},
	 * leniently: this is for telling an operator what another member said.
	 * @param body the body of the answer
	 * @return its message, shortened to 500 characters, or {@code null} if it has none
	 */
	public @Nullable String readErrorMessage(byte[] body) {
		return readErrorField(body, "message");
	}

	/**
	 * Reads the {@code code} of an error answer written by
	 * {@link #writeError(String, String, String)}, leniently.
	 * @param body the body of the answer
	 * @return its code, or {@code null} if it has none
	 */
	public @Nullable String readErrorCode(byte[] body) {
		return readErrorField(body, "code");
	}

	private @Nullable String readErrorField(byte[] body, String field) {
		try {
			JsonNode node = this.mapper.readTree(body);
			JsonNode value = (node != null) ? node.get(field) : null;
			if (value == null || !value.isString()) {
				return null;
			}
			String text = value.asString();
			return (text.length() <= 500) ? text : text.substring(0, 500) + "...";
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/**
	 * Reads a message.
	 * @param <T> the type of message
	 * @param body its JSON, UTF-8 encoded
	 * @param type the type of message
	 * @return the message
	 * @throws InvalidMessageException if the body is not a valid message of that type
	 */
	public <T extends Message> T read(byte[] body, Class<T> type) {
		int start = firstSignificantByte(body);
		if (start == body.length) {
			throw new InvalidMessageException("Request body is empty");
		}
		if (body[start] != '{') {
			throw new InvalidMessageException(NOT_AN_OBJECT);
		}
		T message;
		try {
			message = this.mapper.readValue(body, type);
		}
		catch (JacksonException ex) {
			throw new InvalidMessageException(describe(ex));
		}
		catch (IllegalArgumentException ex) {
			// Validation by a compact constructor that Jackson did not wrap
			throw new InvalidMessageException("Invalid message" + reason(ex));
		}
		if (message == null) {
			throw new InvalidMessageException(NOT_AN_OBJECT);
		}
		return message;
	}

	// Batches: the requests of several election groups to one member, and their replies

	/**
	 * Writes the requests of a batch:
	 * {@code {"from":"n1","to":"n2","items":[{"group":"...","rpc":"...","message":{...}}, ["billing",3,7,3,7,12,150]]}}.
	 * A heartbeat (an AppendEntries without entries or base configuration, between the batch's
	 * {@code from} and {@code to}) is an array, {@code [group, term, prevLogIndex, prevLogTerm,
	 * leaderCommit, round, stickinessMillis]}: with groups, heartbeats are nearly all a batch
	 * carries, and their field names were most of its bytes.
	 * @param items the requests
	 * @return its JSON, UTF-8 encoded
	 */
	public byte[] writeBatch(List<BatchRequest> items) {
		ObjectNode root = this.mapper.createObjectNode();
		Message first = items.isEmpty() ? null : items.get(0).message();
		if (first != null) {
			root.put("from", first.from());
			root.put("to", first.to());
		}
		ArrayNode array = root.putArray("items");
		for (BatchRequest item : items) {
			if (item.message() instanceof AppendEntries heartbeat && isHeartbeat(heartbeat, first)) {
				array.addArray()
					.add(item.group())
					.add(heartbeat.term())
					.add(heartbeat.prevLogIndex())
					.add(heartbeat.prevLogTerm())
					.add(heartbeat.leaderCommit())
					.add(heartbeat.round())
					.add(heartbeat.stickinessMillis());
				continue;
			}
			ObjectNode node = array.addObject();
			node.put("group", item.group());
			node.put("rpc", item.rpc());
			node.set("message", this.mapper.valueToTree(item.message()));
		}
		return this.mapper.writeValueAsBytes(root);
	}

	private static boolean isHeartbeat(AppendEntries message, @Nullable Message first) {
		return message.entries().isEmpty() && message.base() == null && first != null
				&& message.from().equals(first.from()) && message.to().equals(first.to());
	}

	/**
	 * Reads the requests of a batch.
	 * @param body its JSON, UTF-8 encoded
	 * @param requestTypes the type of request of each RPC name
	 * @return the requests
	 * @throws InvalidMessageException if the body is not a valid batch, or any of its requests is invalid
	 */
	public List<BatchRequest> readBatch(byte[] body, Map<String, Class<? extends Message>> requestTypes) {
		JsonNode root = batchRoot(body);
		JsonNode items = root.get("items");
		List<BatchRequest> requests = new ArrayList<>(items.size());
		for (int i = 0; i < items.size(); i++) {
			JsonNode item = items.get(i);
			if (item != null && item.isArray()) {
				JsonNode name = item.get(0);
				if (name == null || !name.isString() || name.asString().isEmpty()) {
					throw new InvalidMessageException("Item " + i + " of the batch must be " + HEARTBEAT);
				}
				String group = name.asString();
				long[] values = longs(item, 1, 6, HEARTBEAT, i);
				String from = party(root, "from", i);
				String to = party(root, "to", i);
				requests.add(new BatchRequest(group, RaftRpc.APPEND_ENTRIES.rpcName(), compact(i, () -> new AppendEntries(
						from, to, values[0], values[1], values[2], List.of(), values[3], values[4], null, values[5]))));
				continue;
			}
			String group = text(item, "group", i);
			String rpc = text(item, "rpc", i);
			Class<? extends Message> type = requestTypes.get(rpc);
			if (type == null) {
				throw new InvalidMessageException("Item " + i + " of the batch names an unknown RPC '"
						+ truncate(rpc, MAX_ECHOED_NAME_LENGTH) + "'");
			}
			requests.add(new BatchRequest(group, rpc, message(item, type, i)));
		}
		return requests;
	}

	/**
	 * Writes the replies of a batch, one per request in the same order:
	 * {@code {"items":[{"status":200,"message":{...}},{"status":204},{"status":409,"error":"...","message":"...","code":"..."}]}}.
	 * @param items the replies
	 * @return its JSON, UTF-8 encoded
	 * @throws IllegalArgumentException if the error of a reply is not a JSON object
	 */
	public byte[] writeBatchReplies(List<BatchReply> items) {
		ObjectNode root = this.mapper.createObjectNode();
		Message first = items.stream().map(BatchReply::message).filter(Objects::nonNull).findFirst().orElse(null);
		if (first != null) {
			root.put("from", first.from());
			root.put("to", first.to());
		}
		ArrayNode array = root.putArray("items");
		for (BatchReply item : items) {
			if (item.status() == 200 && item.message() instanceof AppendEntriesResponse ack && first != null
					&& ack.from().equals(first.from()) && ack.to().equals(first.to())) {
				array.addArray()
					.add(ack.term())
					.add(ack.success() ? 1 : 0)
					.add(ack.index())
					.add(ack.lastLogIndex())
					.add(ack.round());
				continue;
			}
			ObjectNode node = array.addObject();
			node.put("status", item.status());
			if (item.message() != null) {
				node.set("message", this.mapper.valueToTree(item.message()));
			}
			else if (item.error() != null) {
				node.setAll(errorObject(item.error()));
				node.put("status", item.status());
			}
		}
		return this.mapper.writeValueAsBytes(root);
	}

	private ObjectNode errorObject(byte[] error) {
		JsonNode node;
		try {
			node = this.mapper.readTree(error);
		}
		catch (JacksonException ex) {
			node = null;
		}
		if (node instanceof ObjectNode object) {
			return object;
		}
		throw new IllegalArgumentException("The error of a batch reply must be a JSON object, as writeError writes it");
	}

	/**
	 * Reads the replies of a batch.
	 * @param body its JSON, UTF-8 encoded
	 * @param replyTypes the type of reply expected for each request, {@code null} for none
	 * @return the replies, one per request; an error reply keeps its JSON object, as
	 * {@link #writeError(String, String, String)} writes it, for {@link #readErrorMessage(byte[])}
	 * @throws InvalidMessageException if the body is not a valid batch of as many replies
	 */
	public List<BatchReply> readBatchReplies(byte[] body, List<@Nullable Class<? extends Message>> replyTypes) {
		JsonNode root = batchRoot(body);
		JsonNode items = root.get("items");
		if (items.size() != replyTypes.size()) {
			throw new InvalidMessageException("The batch has " + items.size() + " replies for " + replyTypes.size()
					+ " requests");
		}
		List<BatchReply> replies = new ArrayList<>(items.size());
		for (int i = 0; i < items.size(); i++) {
			JsonNode item = items.get(i);
			Class<? extends Message> type = replyTypes.get(i);
			if (item != null && item.isArray()) {
				if (type != AppendEntriesResponse.class) {
					throw new InvalidMessageException("Item " + i + " of the batch is " + ACK + ", but its request was no "
							+ "AppendEntries");
				}
				long[] values = longs(item, 0, 5, ACK, i);
				if (values[1] != 0 && values[1] != 1) {
					throw new InvalidMessageException("Item " + i + " of the batch must be " + ACK);
				}
				String from = party(root, "from", i);
				String to = party(root, "to", i);
				replies.add(new BatchReply(200, compact(i, () -> new AppendEntriesResponse(from, to, values[0],
						values[1] == 1, values[2], values[3], values[4])), null));
				continue;
			}
			JsonNode status = (item != null) ? item.get("status") : null;
			if (status == null || !status.isInt()) {
				throw new InvalidMessageException("Item " + i + " of the batch has no integer 'status'");
			}
			int code = status.intValue();
			if (code == 200 && type != null) {
				replies.add(new BatchReply(code, message(item, type, i), null));
			}
			else if (code == 200 || code == 204) {
				replies.add(new BatchReply(code, null, null));
			}
			else {
				replies.add(new BatchReply(code, null, this.mapper.writeValueAsBytes(item)));
			}
		}
		return replies;
	}

	/** The root of a batch: an object with an array {@code items}. */
	private JsonNode batchRoot(byte[] body) {
		int start = firstSignificantByte(body);
		if (start == body.length) {
			throw new InvalidMessageException("Request body is empty");
		}
		if (body[start] != '{') {
			throw new InvalidMessageException(NOT_AN_OBJECT);
		}
		JsonNode root;
		try {
			root = this.mapper.readTree(body);
		}
		catch (JacksonException ex) {
			throw new InvalidMessageException(describe(ex));
		}
		JsonNode items = (root != null) ? root.get("items") : null;
		if (items == null || !items.isArray()) {
			throw new InvalidMessageException("A batch is a JSON object with an array 'items'");
		}
		return root;
	}

	/** The batch's {@code from} or {@code to}, which its compact items need. */
	private static String party(JsonNode root, String field, int index) {
		JsonNode value = root.get(field);
		if (value == null || !value.isString() || value.asString().isEmpty()) {
			throw new InvalidMessageException("Item " + index + " of the batch is compact, but the batch has no string '"
					+ field + "'");
		}
		return value.asString();
	}

	/** The integers of a compact item, from {@code offset} on: exactly {@code count} of them, each a JSON integer. */
	private static long[] longs(JsonNode array, int offset, int count, String form, int index) {
		if (array.size() != offset + count) {
			throw new InvalidMessageException("Item " + index + " of the batch must be " + form);
		}
		long[] values = new long[count];
		for (int i = 0; i < count; i++) {
			JsonNode value = array.get(offset + i);
			if (!value.isIntegralNumber() || !value.canConvertToLong()) {
				throw new InvalidMessageException("Item " + index + " of the batch must be " + form);
			}
			values[i] = value.longValue();
		}
		return values;
	}

	/** A message of a compact item, whose constructor checks its values. */
	private static <T extends Message> T compact(int index, Supplier<T> message) {
		try {
			return message.get();
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidMessageException("Item " + index + " of the batch: invalid message" + reason(ex));
		}
	}

	private static String text(JsonNode item, String field, int index) {
		JsonNode value = (item != null) ? item.get(field) : null;
		if (value == null || !value.isString() || value.asString().isEmpty()) {
			throw new InvalidMessageException("Item " + index + " of the batch has no string '" + field + "'");
		}
		return value.asString();
	}

	private <T extends Message> T message(JsonNode item, Class<T> type, int index) {
		JsonNode node = item.get("message");
		if (node == null || !node.isObject()) {
			throw new InvalidMessageException("Item " + index + " of the batch has no object 'message'");
		}
		T message;
		try {
			message = this.mapper.treeToValue(node, type);
		}
		catch (JacksonException ex) {
			throw new InvalidMessageException("Item " + index + " of the batch: " + describe(ex));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidMessageException("Item " + index + " of the batch: invalid message" + reason(ex));
		}
		if (message == null) {
			throw new InvalidMessageException("Item " + index + " of the batch has no object 'message'");
		}
		return message;
	}

	/**
	 * A request of a batch.
	 *
	 * @param group the election group
	 * @param rpc the name of the RPC, such as {@code append-entries}
	 * @param message the request
	 */
	public record BatchRequest(String group, String rpc, Message message) {
	}

	/**
	 * A reply of a batch.
	 *
	 * @param status the HTTP status the request would have been answered with on its own
	 * @param message the reply, if {@code 200} with one
	 * @param error the error object, if not {@code 200} or {@code 204}
	 */
	public record BatchReply(int status, @Nullable Message message, byte @Nullable [] error) {
	}

	/** Index of the first byte that is neither white space nor part of a UTF-8 byte order mark. */
	private static int firstSignificantByte(byte[] body) {
		int index = 0;
		if (body.length >= 3 && body[0] == (byte) 0xEF && body[1] == (byte) 0xBB && body[2] == (byte) 0xBF) {
			index = 3;
		}
		while (index < body.length && (body[index] == ' ' || body[index] == '\t' || body[index] == '\n'
				|| body[index] == '\r')) {
			index++;
		}
		return index;
	}

	/** Describes a failure without Jackson's own message, which names internal classes. */
	private static String describe(JacksonException ex) {
		String field = fieldPath(ex.getPath());
		if (ex instanceof ValueInstantiationException) {
			String reason = (ex.getCause() instanceof IllegalArgumentException invalid) ? reason(invalid) : "";
			if (field.isEmpty()) {
				return "Invalid message" + reason;
			}
			return "Invalid value for field '" + field + "'" + reason;
		}
		if (ex instanceof InputCoercionException && !field.isEmpty()) {
			return "Invalid value for field '" + field + "': number out of range";
		}
		if (ex instanceof StreamReadException) {
			return MALFORMED;
		}
		if (field.isEmpty()) {
			// The body starts as an object, so this is about what follows it
			return MALFORMED;
		}
		if (ex instanceof MismatchedInputException mismatch) {
			JsonToken token = mismatch.getCurrentToken();
			if (token == JsonToken.END_OBJECT || token == JsonToken.VALUE_NULL) {
				return "Field '" + field + "' is required and must not be null";
			}
		}
		return "Invalid value for field '" + field + "'";
	}

	/** The reason a record gave for refusing its values, as {@code ": reason"}, or empty if it gave none. */
	private static String reason(IllegalArgumentException ex) {
		String reason = ex.getMessage();
		return (reason != null) ? ": " + truncate(reason, MAX_ECHOED_REASON_LENGTH) : "";
	}

	/** At most the first {@code max} characters of {@code text}, never half a surrogate pair. */
	private static String truncate(String text, int max) {
		if (text.length() <= max) {
			return text;
		}
		int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
		return text.substring(0, end) + "...";
	}

	/** The path to the failing field, such as {@code entries[0].type}. */
	private static String fieldPath(List<JacksonException.Reference> path) {
		StringBuilder result = new StringBuilder();
		for (JacksonException.Reference reference : path) {
			String name = reference.getPropertyName();
			if (name != null) {
				if (!result.isEmpty()) {
					result.append('.');
				}
				result.append(truncate(name, MAX_ECHOED_NAME_LENGTH));
			}
			else if (reference.getIndex() >= 0) {
				result.append('[').append(reference.getIndex()).append(']');
			}
		}
		return result.toString();
	}

	/**
	 * Thrown when a body is not a valid message. Its message is short and safe to return to the
	 * sender: it names the offending field, not the internals of the reader, and repeats at most
	 * a little of the body (a long id in a configuration is cut short).
	 */
	public static class InvalidMessageException extends RuntimeException {

		public InvalidMessageException(String message) {
			super(message, null, false, false);
		}

	}

}
