package io.github.raftboot.transport;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

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
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for the batches of {@link RaftJson}: the requests of several election groups to one
 * member in one body, and their replies.
 */
class RaftJsonBatchTests {

	/** The type of request of each RPC name, as the dispatcher reads them. */
	static final Map<String, Class<? extends Message>> REQUEST_TYPES = requestTypes();

	private static final Membership MEMBERS = new Membership("c0ffee0123456789", Set.of("n1", "n2", "n3"), Set.of(),
			Set.of(), Map.of("n1", "http://10.0.0.1:8080", "n2", "http://10.0.0.2:8080", "n3", "http://10.0.0.3:8080"));

	private static final AppendEntries APPEND = new AppendEntries("n1", "n2", 3, 0, 0,
			List.of(new LogEntry(1, 2, EntryType.NOOP), LogEntry.config(2, 3, MEMBERS),
					LogEntry.timing(3, 3, new Timing(300, 600, 100, 1, "widened"))),
			1, 7, MEMBERS, 300);

	private static final String HEARTBEAT_JSON = "{\"from\":\"n1\",\"to\":\"n2\",\"term\":3,\"prevLogIndex\":0,"
			+ "\"prevLogTerm\":0,\"entries\":[],\"leaderCommit\":0,\"round\":1,\"base\":null,\"stickinessMillis\":0}";

	private final RaftJson json = new RaftJson();

	@Test
	void writesABatchAsItemsOfGroupRpcAndMessageAndHeartbeatsAsTheirNumbersOnly() {
		AppendEntries heartbeat = new AppendEntries("n1", "n2", 3, 0, 0, List.of(), 0, 1);
		assertThat(this.json.read(bytes(HEARTBEAT_JSON), AppendEntries.class)).isEqualTo(heartbeat);
		TimeoutNow timeoutNow = new TimeoutNow("n1", "n2", 3);
		byte[] body = this.json.writeBatch(List.of(new RaftJson.BatchRequest("billing", "append-entries", heartbeat),
				new RaftJson.BatchRequest("outbox", "timeout-now", timeoutNow)));
		assertThat(string(body)).isEqualTo("{\"from\":\"n1\",\"to\":\"n2\",\"items\":[[\"billing\",3,0,0,0,1,"
				+ heartbeat.stickinessMillis() + "],{\"group\":\"outbox\",\"rpc\":\"timeout-now\",\"message\":"
				+ string(this.json.write(timeoutNow)) + "}]}");
		assertThat(this.json.readBatch(body, REQUEST_TYPES)).containsExactly(
				new RaftJson.BatchRequest("billing", "append-entries", heartbeat),
				new RaftJson.BatchRequest("outbox", "timeout-now", timeoutNow));
	}

	@Test
	void writesTheAnswerToAHeartbeatAsItsNumbersOnly() {
		AppendEntriesResponse ack = new AppendEntriesResponse("n2", "n1", 3, true, 7, 7, 12);
		byte[] body = this.json.writeBatchReplies(List.of(new RaftJson.BatchReply(200, ack, null)));
		assertThat(string(body))
			.isEqualTo("{\"from\":\"n2\",\"to\":\"n1\",\"items\":[[3,1,7,7,12]]}");
		assertThat(this.json.readBatchReplies(body, List.of(AppendEntriesResponse.class)))
			.containsExactly(new RaftJson.BatchReply(200, ack, null));
	}

	@Test
	void refusesCompactItemsWithoutTheBatchsMembersOrWithOtherThanTheirIntegers() {
		String heartbeat = "a heartbeat: [group, term, prevLogIndex, prevLogTerm, leaderCommit, round, stickinessMillis]";
		assertThatInvalid(() -> this.json.readBatch(bytes("{\"items\":[[\"g\",3,0,0,0,1,150]]}"), REQUEST_TYPES),
				"Item 0 of the batch is compact, but the batch has no string 'from'");
		for (String item : List.of("[\"g\",3,0,0,0,1]", "[\"g\",3,0,0,0,1,\"x\"]", "[3,3,0,0,0,1,150]", "[]",
				"[\"g\",3,0,0,0,1,1.5]")) {
			assertThatInvalid(() -> this.json.readBatch(bytes("{\"from\":\"n1\",\"to\":\"n2\",\"items\":[" + item + "]}"),
					REQUEST_TYPES), "Item 0 of the batch must be " + heartbeat);
		}
		assertThatInvalid(() -> this.json.readBatch(
				bytes("{\"from\":\"n1\",\"to\":\"n2\",\"items\":[[\"g\",-1,0,0,0,1,150]]}"), REQUEST_TYPES),
				"Item 0 of the batch: invalid message");
		assertThatInvalid(() -> this.json.readBatchReplies(bytes("{\"from\":\"n2\",\"to\":\"n1\",\"items\":[[3,2,7,7,12]]}"),
				List.of(AppendEntriesResponse.class)),
				"Item 0 of the batch must be an answer to a heartbeat: [term, success (0 or 1), index, lastLogIndex, round]");
		assertThatInvalid(() -> this.json.readBatchReplies(bytes("{\"from\":\"n2\",\"to\":\"n1\",\"items\":[[3,1,7,7,12]]}"),
				List.of(RequestVoteResponse.class)), "Item 0 of the batch is an answer to a heartbeat");
	}

	@Test
	void readsBackABatchOfEveryRequestTypeInOrder() {
		List<RaftJson.BatchRequest> batch = List.of(
				new RaftJson.BatchRequest("default", "pre-vote", new RequestVote("n1", "n2", 4, 3, 3, true, false)),
				new RaftJson.BatchRequest("billing", "request-vote",
						new RequestVote("n1", "n2", 1, 0, 0, true, false, "0123456789abcdef")),
				new RaftJson.BatchRequest("outbox", "append-entries", APPEND),
				new RaftJson.BatchRequest("billing", "timeout-now", new TimeoutNow("n1", "n2", 3)),
				new RaftJson.BatchRequest("default", "join", new JoinRequest("n1", "n2", 0, "http://10.0.0.1:8080")));
		assertThat(this.json.readBatch(this.json.writeBatch(batch), REQUEST_TYPES)).isEqualTo(batch);
	}

	@Test
	void readsAnEmptyBatchAsNoRequests() {
		assertThat(this.json.readBatch(bytes("{\"items\":[]}"), REQUEST_TYPES)).isEmpty();
		assertThat(this.json.writeBatch(List.of())).asString(StandardCharsets.UTF_8).isEqualTo("{\"items\":[]}");
	}

	@Test
	void ignoresUnknownFieldsOfTheBatchAndItsItemsSoThatNewerMembersMayAddSome() {
		String body = "{\"version\":2,\"items\":[{\"group\":\"default\",\"rpc\":\"append-entries\",\"priority\":1,"
				+ "\"message\":" + HEARTBEAT_JSON + "}]}";
		assertThat(this.json.readBatch(bytes(body), REQUEST_TYPES)).singleElement()
			.extracting(RaftJson.BatchRequest::group)
			.isEqualTo("default");
	}

	@Test
	void readsBackRepliesOfEveryKindInOrder() {
		List<RaftJson.BatchReply> replies = List.of(
				new RaftJson.BatchReply(200, new RequestVoteResponse("n2", "n1", 4, true, true), null),
				new RaftJson.BatchReply(200, new AppendEntriesResponse("n2", "n1", 3, true, 3, 3, 7), null),
				new RaftJson.BatchReply(204, null, null), new RaftJson.BatchReply(200, null, null),
				new RaftJson.BatchReply(200, new JoinResponse("n2", "n1", 3, MembershipChangeResult.STARTED, "n2"), null),
				new RaftJson.BatchReply(409, null,
						this.json.writeError("Conflict", "Another process sends as 'n1'", RpcRefusal.DUPLICATE_MEMBER_ID)),
				new RaftJson.BatchReply(404, null, this.json.writeError("Not Found", "No election group 'payroll'")));
		List<@Nullable Class<? extends Message>> types = Arrays.asList(RequestVoteResponse.class,
				AppendEntriesResponse.class, AppendEntriesResponse.class, null, JoinResponse.class,
				RequestVoteResponse.class, AppendEntriesResponse.class);
		List<RaftJson.BatchReply> read = this.json.readBatchReplies(this.json.writeBatchReplies(replies), types);
		assertThat(read).extracting(RaftJson.BatchReply::status).containsExactly(200, 200, 204, 200, 200, 409, 404);
		assertThat(read).extracting(RaftJson.BatchReply::message)
			.containsExactly(replies.get(0).message(), replies.get(1).message(), null, null, replies.get(4).message(),
					null, null);
		assertThat(read.subList(0, 5)).extracting(RaftJson.BatchReply::error).containsOnlyNulls();
		byte[] conflict = read.get(5).error();
		assertThat(conflict).isNotNull();
		assertThat(this.json.readErrorMessage(conflict)).isEqualTo("Another process sends as 'n1'");
		assertThat(this.json.readErrorCode(conflict)).isEqualTo(RpcRefusal.DUPLICATE_MEMBER_ID);
		byte[] notFound = read.get(6).error();
		assertThat(notFound).isNotNull();
		assertThat(this.json.readErrorMessage(notFound)).isEqualTo("No election group 'payroll'");
		assertThat(this.json.readErrorCode(notFound)).isNull();
	}

	@Test
	void writesAnErrorReplyAsItsStatusAndTheFieldsOfTheErrorAnswer() {
		byte[] body = this.json.writeBatchReplies(
				List.of(new RaftJson.BatchReply(403, null, this.json.writeError("Forbidden", "Sender 'n9' is unknown"))));
		assertThat(string(body))
			.isEqualTo("{\"items\":[{\"status\":403,\"error\":\"Forbidden\",\"message\":\"Sender 'n9' is unknown\"}]}");
	}

	@Test
	void refusesToWriteAnErrorReplyThatIsNotAJsonObject() {
		for (String error : List.of("", "not json", "[1]", "\"text\"")) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> this.json
					.writeBatchReplies(List.of(new RaftJson.BatchReply(500, null, bytes(error)))))
				.as(error)
				.withMessageContaining("error")
				.withMessageContaining("JSON object");
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidBatches")
	void rejectsAnInvalidBatchWithAShortClientSafeMessage(String description, String body, String expectedMessage) {
		assertThatExceptionOfType(RaftJson.InvalidMessageException.class)
			.isThrownBy(() -> this.json.readBatch(bytes(body), REQUEST_TYPES))
			.satisfies((ex) -> assertThat(ex.getMessage()).isEqualTo(expectedMessage)
				.doesNotContain("io.github", "tools.jackson", "Exception", "java.", "`"));
	}

	static Stream<Arguments> invalidBatches() {
		String item = "{\"group\":\"billing\",\"rpc\":\"append-entries\",\"message\":" + HEARTBEAT_JSON + "}";
		return Stream.of(Arguments.of("empty body", "", "Request body is empty"),
				Arguments.of("blank body", " \r\n", "Request body is empty"),
				Arguments.of("array", "[" + item + "]", "Request body must be a JSON object"),
				Arguments.of("string", "\"batch\"", "Request body must be a JSON object"),
				Arguments.of("unterminated", "{\"items\":[" + item, "Malformed JSON"),
				Arguments.of("trailing garbage", "{\"items\":[" + item + "]} {}", "Malformed JSON"),
				Arguments.of("duplicate items", "{\"items\":[],\"items\":[" + item + "]}", "Malformed JSON"),
				Arguments.of("duplicate field in an item",
						"{\"items\":[" + item.replace("}", ",\"group\":\"outbox\"}") + "]}", "Malformed JSON"),
				Arguments.of("no items", "{}", "A batch is a JSON object with an array 'items'"),
				Arguments.of("null items", "{\"items\":null}", "A batch is a JSON object with an array 'items'"),
				Arguments.of("object for items", "{\"items\":" + item + "}",
						"A batch is a JSON object with an array 'items'"),
				Arguments.of("item not an object", "{\"items\":[" + item + ",42]}",
						"Item 1 of the batch has no string 'group'"),
				Arguments.of("item without group", "{\"items\":[" + item.replace("\"group\":\"billing\",", "") + "]}",
						"Item 0 of the batch has no string 'group'"),
				Arguments.of("empty group", "{\"items\":[" + item.replace("\"billing\"", "\"\"") + "]}",
						"Item 0 of the batch has no string 'group'"),
				Arguments.of("number for group", "{\"items\":[" + item.replace("\"billing\"", "7") + "]}",
						"Item 0 of the batch has no string 'group'"),
				Arguments.of("item without rpc",
						"{\"items\":[" + item.replace("\"rpc\":\"append-entries\",", "") + "]}",
						"Item 0 of the batch has no string 'rpc'"),
				Arguments.of("unknown rpc", "{\"items\":[" + item.replace("append-entries", "install-snapshot") + "]}",
						"Item 0 of the batch names an unknown RPC 'install-snapshot'"),
				Arguments.of("overlong unknown rpc",
						"{\"items\":[" + item.replace("append-entries", "x".repeat(500)) + "]}",
						"Item 0 of the batch names an unknown RPC '" + "x".repeat(64) + "...'"),
				Arguments.of("item without message", "{\"items\":[{\"group\":\"billing\",\"rpc\":\"timeout-now\"}]}",
						"Item 0 of the batch has no object 'message'"),
				Arguments.of("null message",
						"{\"items\":[{\"group\":\"billing\",\"rpc\":\"timeout-now\",\"message\":null}]}",
						"Item 0 of the batch has no object 'message'"),
				Arguments.of("string for message",
						"{\"items\":[{\"group\":\"billing\",\"rpc\":\"timeout-now\",\"message\":\"{}\"}]}",
						"Item 0 of the batch has no object 'message'"),
				Arguments.of("message missing a field",
						"{\"items\":[" + item + "," + item.replace(",\"round\":1", "") + "]}",
						"Item 1 of the batch: Field 'round' is required and must not be null"),
				Arguments.of("message with a string for a number",
						"{\"items\":[" + item.replace("\"term\":3", "\"term\":\"3\"") + "]}",
						"Item 0 of the batch: Invalid value for field 'term'"),
				Arguments.of("message with a fraction for a number",
						"{\"items\":[" + item.replace("\"term\":3", "\"term\":3.0") + "]}",
						"Item 0 of the batch: Invalid value for field 'term'"),
				Arguments.of("message refused by its record",
						"{\"items\":[" + item.replace("\"term\":3", "\"term\":-1") + "]}",
						"Item 0 of the batch: Invalid message: Message term must not be negative, was -1"),
				Arguments.of("message of another rpc's type",
						"{\"items\":[" + item.replace("append-entries", "request-vote") + "]}",
						"Item 0 of the batch: Field 'lastLogIndex' is required and must not be null"));
	}

	@Test
	void rejectsRepliesThatDoNotMatchTheRequestsNamingWhatIsWrong() {
		byte[] two = this.json.writeBatchReplies(
				List.of(new RaftJson.BatchReply(204, null, null), new RaftJson.BatchReply(204, null, null)));
		assertThatExceptionOfType(RaftJson.InvalidMessageException.class)
			.isThrownBy(() -> this.json.readBatchReplies(two, List.of(AppendEntriesResponse.class)))
			.withMessage("The batch has 2 replies for 1 requests");
		assertThatExceptionOfType(RaftJson.InvalidMessageException.class)
			.isThrownBy(() -> this.json.readBatchReplies(bytes("{\"items\":[{\"status\":\"200\"}]}"),
					List.of(AppendEntriesResponse.class)))
			.withMessage("Item 0 of the batch has no integer 'status'");
		assertThatExceptionOfType(RaftJson.InvalidMessageException.class)
			.isThrownBy(() -> this.json.readBatchReplies(bytes("{\"items\":[{\"status\":204},7]}"),
					List.of(AppendEntriesResponse.class, AppendEntriesResponse.class)))
			.withMessage("Item 1 of the batch has no integer 'status'");
		assertThatExceptionOfType(RaftJson.InvalidMessageException.class)
			.isThrownBy(() -> this.json.readBatchReplies(bytes("{\"items\":[{\"status\":200}]}"),
					List.of(AppendEntriesResponse.class)))
			.withMessage("Item 0 of the batch has no object 'message'");
		assertThatExceptionOfType(RaftJson.InvalidMessageException.class)
			.isThrownBy(() -> this.json.readBatchReplies(bytes("{\"items\":[{\"status\":200,\"message\":{\"term\":1}}]}"),
					List.of(AppendEntriesResponse.class)))
			.withMessageStartingWith("Item 0 of the batch: Field '");
		assertThatExceptionOfType(RaftJson.InvalidMessageException.class)
			.isThrownBy(() -> this.json.readBatchReplies(bytes("[]"), List.of()))
			.withMessage("Request body must be a JSON object");
	}

	@Test
	void warmUpRoundTripsABatchAndItsRepliesAndLeavesTheFormatUnchanged() {
		RaftJson warm = new RaftJson().warmUp();
		List<RaftJson.BatchRequest> batch = List.of(new RaftJson.BatchRequest("billing", "append-entries", APPEND));
		assertThat(warm.readBatch(warm.writeBatch(batch), REQUEST_TYPES)).isEqualTo(batch);
		assertThat(warm.writeBatch(batch)).isEqualTo(this.json.writeBatch(batch));
		List<RaftJson.BatchReply> replies = List.of(new RaftJson.BatchReply(204, null, null));
		assertThat(warm.writeBatchReplies(replies)).isEqualTo(this.json.writeBatchReplies(replies));
		assertThatExceptionOfType(RaftJson.InvalidMessageException.class)
			.isThrownBy(() -> warm.readBatch(bytes("{\"items\":[{}]}"), REQUEST_TYPES));
	}

	private static Map<String, Class<? extends Message>> requestTypes() {
		Map<String, Class<? extends Message>> types = new HashMap<>();
		for (RaftRpc rpc : RaftRpc.values()) {
			types.put(rpc.rpcName(), rpc.requestType());
		}
		return Map.copyOf(types);
	}

	private static byte[] bytes(String body) {
		return body.getBytes(StandardCharsets.UTF_8);
	}

	private static String string(byte[] body) {
		return new String(body, StandardCharsets.UTF_8);
	}

	private static void assertThatInvalid(ThrowingCallable read, String message) {
		assertThatExceptionOfType(RaftJson.InvalidMessageException.class).isThrownBy(read).withMessageStartingWith(message);
	}

}
