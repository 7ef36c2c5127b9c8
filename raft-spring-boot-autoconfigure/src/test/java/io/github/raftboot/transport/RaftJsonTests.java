package io.github.raftboot.transport;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.AppendEntriesResponse;
import io.github.raftboot.core.EntryType;
import io.github.raftboot.core.LogEntry;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.core.RequestVoteResponse;
import io.github.raftboot.core.TimeoutNow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link RaftJson}.
 */
class RaftJsonTests {

	private static final String VOTE = "{\"from\":\"n1\",\"to\":\"n2\",\"term\":3,\"lastLogIndex\":0,\"lastLogTerm\":0,"
			+ "\"preVote\":true,\"transfer\":false}";

	private final RaftJson json = new RaftJson();

	@Test
	void writesTheRecordComponentsAsFields() {
		RequestVote vote = new RequestVote("n1", "n2", 3, 0, 0, true, false);
		assertThat(new String(this.json.write(vote), StandardCharsets.UTF_8)).isEqualTo(VOTE);
	}

	@ParameterizedTest
	@MethodSource("messages")
	void readsBackEveryMessageItWrites(Message message) {
		byte[] body = this.json.write(message);
		assertThat(this.json.read(body, message.getClass())).isEqualTo(message);
	}

	static Stream<Message> messages() {
		return Stream.of(new RequestVote("n1", "n2", 3, 7, 2, false, true),
				new RequestVoteResponse("n2", "n1", 3, true, false),
				new AppendEntries("n1", "n2", 3, 1, 1,
						List.of(new LogEntry(2, 2, EntryType.NOOP), new LogEntry(3, 3, EntryType.NOOP)), 1, 42),
				new AppendEntries("n1", "n2", 3, 0, 0, List.of(), 0, 1),
				new AppendEntriesResponse("n2", "n1", 3, false, 5, 4, 42), new TimeoutNow("n1", "n2", 3));
	}

	@Test
	void writesLogEntriesWithTheirTypeByName() {
		AppendEntries append = new AppendEntries("n1", "n2", 3, 0, 0, List.of(new LogEntry(1, 3, EntryType.NOOP)), 0,
				7);
		assertThat(new String(this.json.write(append), StandardCharsets.UTF_8)).isEqualTo(
				"{\"from\":\"n1\",\"to\":\"n2\",\"term\":3,\"prevLogIndex\":0,\"prevLogTerm\":0,"
						+ "\"entries\":[{\"index\":1,\"term\":3,\"type\":\"NOOP\"}],\"leaderCommit\":0,\"round\":7}");
	}

	@Test
	void doesNotWriteTheDerivedLastIndex() {
		AppendEntries append = new AppendEntries("n1", "n2", 3, 4, 2, List.of(new LogEntry(5, 3, EntryType.NOOP)), 0,
				7);
		assertThat(new String(this.json.write(append), StandardCharsets.UTF_8)).doesNotContain("lastIndex");
	}

	@Test
	void ignoresUnknownFieldsSoThatNewerMembersMayAddSome() {
		String body = VOTE.replace("}", ",\"futureField\":{\"nested\":[1,2]}}");
		assertThat(this.json.read(bytes(body), RequestVote.class))
			.isEqualTo(new RequestVote("n1", "n2", 3, 0, 0, true, false));
	}

	@Test
	void ignoresUnknownFieldsInsideLogEntriesToo() {
		String body = "{\"from\":\"n1\",\"to\":\"n2\",\"term\":3,\"prevLogIndex\":0,\"prevLogTerm\":0,\"entries\":"
				+ "[{\"index\":1,\"term\":3,\"type\":\"NOOP\",\"checksum\":null}],\"leaderCommit\":0,\"round\":1,"
				+ "\"unknown\":null}";
		assertThat(this.json.read(bytes(body), AppendEntries.class)).isEqualTo(
				new AppendEntries("n1", "n2", 3, 0, 0, List.of(new LogEntry(1, 3, EntryType.NOOP)), 0, 1));
	}

	@Test
	void readsTermsAndIndicesUpToTwoToTheFiftyThird() {
		String body = VOTE.replace("\"term\":3", "\"term\":9007199254740992")
			.replace("\"lastLogIndex\":0", "\"lastLogIndex\":9007199254740992");
		assertThat(this.json.read(bytes(body), RequestVote.class).term()).isEqualTo(Message.MAX_VALUE);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("absurdNumbers")
	void rejectsNumbersAboveTwoToTheFiftyThirdNamingTheBound(String field, String value) {
		String body = VOTE.replace("\"" + field + "\":" + ("term".equals(field) ? "3" : "0"), "\"" + field + "\":" + value);
		assertThatExceptionOfType(RaftJson.InvalidMessageException.class)
			.isThrownBy(() -> this.json.read(bytes(body), RequestVote.class))
			.withMessageContaining("2^53");
	}

	static Stream<Arguments> absurdNumbers() {
		return Stream.of(Arguments.of("term", "9007199254740993"), Arguments.of("term", "9223372036854775807"),
				Arguments.of("lastLogIndex", "9007199254740993"), Arguments.of("lastLogTerm", "9223372036854775807"));
	}

	@Test
	void rejectsNumbersBeyondLongAndOverlongLiteralsAsInvalidMessages() {
		for (String value : List.of("1e400", "-1e400", "9".repeat(2000), "1" + "0".repeat(30))) {
			assertThatExceptionOfType(RaftJson.InvalidMessageException.class).as(value.substring(0, 5))
				.isThrownBy(() -> this.json.read(bytes(VOTE.replace("\"term\":3", "\"term\":" + value)),
						RequestVote.class));
		}
	}

	@Test
	void rejectsDeeplyNestedUnknownFieldsWithoutExhaustingTheStack() {
		int depth = 100_000;
		String body = VOTE.replace("}", ",\"nested\":" + "[".repeat(depth) + "]".repeat(depth) + "}");
		assertThatExceptionOfType(RaftJson.InvalidMessageException.class)
			.isThrownBy(() -> this.json.read(bytes(body), RequestVote.class));
	}

	@Test
	void rejectsInvalidUtf8AsMalformed() {
		byte[] body = bytes(VOTE.replace("\"n1\"", "\"n\u00e9\""));
		byte[] latin1 = VOTE.replace("\"n1\"", "\"n\u00e9\"").getBytes(StandardCharsets.ISO_8859_1);
		assertThat(this.json.read(body, RequestVote.class).from()).isEqualTo("n\u00e9");
		assertThatExceptionOfType(RaftJson.InvalidMessageException.class)
			.isThrownBy(() -> this.json.read(latin1, RequestVote.class))
			.withMessage("Malformed JSON");
	}

	@Test
	void writesErrorBodies() {
		assertThat(new String(this.json.writeError("Bad Request", "Field 'term' is \"wrong\""), StandardCharsets.UTF_8))
			.isEqualTo("{\"error\":\"Bad Request\",\"message\":\"Field 'term' is \\\"wrong\\\"\"}");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidVotes")
	void rejectsAnInvalidBodyWithAShortClientSafeMessage(String description, String body, String expectedMessage) {
		assertThatExceptionOfType(RaftJson.InvalidMessageException.class)
			.isThrownBy(() -> this.json.read(bytes(body), RequestVote.class))
			.satisfies((ex) -> assertThat(ex.getMessage()).isEqualTo(expectedMessage)
				.doesNotContain("io.github", "tools.jackson", "Exception", "java.", "`"));
	}

	static Stream<Arguments> invalidVotes() {
		return Stream.of(Arguments.of("empty body", "", "Request body is empty"),
				Arguments.of("blank body", " \r\n\t", "Request body is empty"),
				Arguments.of("unterminated object", "{\"from\":\"n1\"", "Malformed JSON"),
				Arguments.of("not JSON", "from=n1&to=n2", "Request body must be a JSON object"),
				Arguments.of("invalid token in object", "{\"from\":n1}", "Malformed JSON"),
				Arguments.of("trailing garbage", VOTE + " {}", "Malformed JSON"),
				Arguments.of("duplicate field", VOTE.replace("}", ",\"term\":9}"), "Malformed JSON"),
				Arguments.of("array", "[" + VOTE + "]", "Request body must be a JSON object"),
				Arguments.of("string", "\"vote\"", "Request body must be a JSON object"),
				Arguments.of("number", "42", "Request body must be a JSON object"),
				Arguments.of("null", "null", "Request body must be a JSON object"),
				Arguments.of("empty object", "{}", "Field 'from' is required and must not be null"),
				Arguments.of("missing primitive field", VOTE.replace(",\"lastLogTerm\":0", ""),
						"Field 'lastLogTerm' is required and must not be null"),
				Arguments.of("null for a primitive", VOTE.replace("\"term\":3", "\"term\":null"),
						"Field 'term' is required and must not be null"),
				Arguments.of("null for a string", VOTE.replace("\"to\":\"n2\"", "\"to\":null"),
						"Field 'to' is required and must not be null"),
				Arguments.of("string for a number", VOTE.replace("\"term\":3", "\"term\":\"3\""),
						"Invalid value for field 'term'"),
				Arguments.of("fraction for a number", VOTE.replace("\"term\":3", "\"term\":3.5"),
						"Invalid value for field 'term'"),
				Arguments.of("number out of range", VOTE.replace("\"term\":3", "\"term\":92233720368547758070"),
						"Invalid value for field 'term': number out of range"),
				Arguments.of("number for a boolean", VOTE.replace("\"preVote\":true", "\"preVote\":1"),
						"Invalid value for field 'preVote'"),
				Arguments.of("number for a string", VOTE.replace("\"from\":\"n1\"", "\"from\":1"),
						"Invalid value for field 'from'"),
				Arguments.of("object for a number", VOTE.replace("\"term\":3", "\"term\":{}"),
						"Invalid value for field 'term'"),
				Arguments.of("negative term", VOTE.replace("\"term\":3", "\"term\":-1"),
						"Invalid message: Message term must not be negative, was -1"),
				Arguments.of("empty sender", VOTE.replace("\"from\":\"n1\"", "\"from\":\"\""),
						"Invalid message: Message sender id must not be empty"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidAppends")
	void rejectsInvalidLogEntriesNamingTheirPosition(String description, String entries, String expectedMessage) {
		String body = "{\"from\":\"n1\",\"to\":\"n2\",\"term\":3,\"prevLogIndex\":0,\"prevLogTerm\":0,\"entries\":"
				+ entries + ",\"leaderCommit\":0,\"round\":1}";
		assertThatExceptionOfType(RaftJson.InvalidMessageException.class)
			.isThrownBy(() -> this.json.read(bytes(body), AppendEntries.class))
			.withMessage(expectedMessage);
	}

	static Stream<Arguments> invalidAppends() {
		return Stream.of(Arguments.of("null entries", "null", "Field 'entries' is required and must not be null"),
				Arguments.of("object for entries", "{}", "Invalid value for field 'entries'"),
				Arguments.of("null entry", "[null]", "Field 'entries[0]' is required and must not be null"),
				Arguments.of("unknown entry type", "[{\"index\":1,\"term\":3,\"type\":\"BOGUS\"}]",
						"Invalid value for field 'entries[0].type'"),
				Arguments.of("entry type by ordinal", "[{\"index\":1,\"term\":3,\"type\":0}]",
						"Invalid value for field 'entries[0].type'"),
				Arguments.of("entry without type", "[{\"index\":1,\"term\":3}]",
						"Field 'entries[0].type' is required and must not be null"),
				Arguments.of("entry index 0", "[{\"index\":0,\"term\":3,\"type\":\"NOOP\"}]",
						"Invalid value for field 'entries[0]': Log entry index must be from 1 to 2^53, was 0"),
				Arguments.of("entries with a gap", "[{\"index\":2,\"term\":3,\"type\":\"NOOP\"}]",
						"Invalid message: Entries must be contiguous from prevLogIndex + 1 = 1: found index 2 where 1 "
								+ "was expected"));
	}

	private static byte[] bytes(String body) {
		return body.getBytes(StandardCharsets.UTF_8);
	}


	@Test
	void warmUpRoundTripsEveryMessageTypeAndLeavesTheFormatUnchanged() {
		RaftJson json = new RaftJson();
		assertThat(json.warmUp()).isSameAs(json);
		RequestVote vote = new RequestVote("n1", "n2", 3, 1, 1, false, false);
		assertThat(json.read(json.write(vote), RequestVote.class)).isEqualTo(vote);
		assertThatExceptionOfType(RaftJson.InvalidMessageException.class)
			.isThrownBy(() -> json.read("{\"term\":\"3\"}".getBytes(StandardCharsets.UTF_8),
					RequestVote.class));
	}

}
