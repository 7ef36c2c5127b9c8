package io.github.raftboot.transport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.AppendEntriesResponse;
import io.github.raftboot.core.EntryType;
import io.github.raftboot.core.LogEntry;
import io.github.raftboot.core.Membership;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.core.RequestVoteResponse;
import io.github.raftboot.core.TimeoutNow;
import io.github.raftboot.core.Timing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link RaftJson}.
 */
class RaftJsonTests {

	private static final String VOTE = "{\"from\":\"n1\",\"to\":\"n2\",\"term\":3,\"lastLogIndex\":0,\"lastLogTerm\":0,"
			+ "\"preVote\":true,\"transfer\":false,\"bootstrap\":\"\"}";

	/** A joint configuration, on its way from n1, n2, n3 to n1, n2, n4, with a learner n5. */
	private static final Membership JOINT = new Membership("c0ffee0123456789", Set.of("n4", "n2", "n1"),
			Set.of("n3", "n1", "n2"), Set.of("n5"),
			Map.of("n1", "http://10.0.0.1:8080", "n2", "http://10.0.0.2:8080", "n3", "http://10.0.0.3:8080", "n4",
					"http://10.0.0.4:8080", "n5", "https://n5.example:8443/app"));

	private static final String JOINT_JSON = "{\"clusterId\":\"c0ffee0123456789\",\"voters\":[\"n1\",\"n2\",\"n4\"],"
			+ "\"outgoingVoters\":[\"n1\",\"n2\",\"n3\"],\"learners\":[\"n5\"],\"addresses\":{"
			+ "\"n1\":\"http://10.0.0.1:8080\",\"n2\":\"http://10.0.0.2:8080\",\"n3\":\"http://10.0.0.3:8080\","
			+ "\"n4\":\"http://10.0.0.4:8080\",\"n5\":\"https://n5.example:8443/app\"}}";

	/** The configuration that leaves {@link #JOINT}. */
	private static final Membership LEFT = new Membership("c0ffee0123456789", Set.of("n1", "n2", "n4"), Set.of(),
			Set.of("n5"), Map.of("n1", "http://10.0.0.1:8080", "n2", "http://10.0.0.2:8080", "n4",
					"http://10.0.0.4:8080", "n5", "https://n5.example:8443/app"));

	private static final String LEFT_JSON = "{\"clusterId\":\"c0ffee0123456789\",\"voters\":[\"n1\",\"n2\",\"n4\"],"
			+ "\"outgoingVoters\":[],\"learners\":[\"n5\"],\"addresses\":{\"n1\":\"http://10.0.0.1:8080\","
			+ "\"n2\":\"http://10.0.0.2:8080\",\"n4\":\"http://10.0.0.4:8080\","
			+ "\"n5\":\"https://n5.example:8443/app\"}}";

	private static final String SOLO_JSON = "{\"clusterId\":\"c1\",\"voters\":[\"n1\"],\"outgoingVoters\":[],"
			+ "\"learners\":[],\"addresses\":{\"n1\":\"http://n1:8080\"}}";

	/**
	 * One message of each type with every field set: a pre-vote that asks to form a cluster, an
	 * AppendEntries with a base and a configuration entry after another entry.
	 */
	private static final Map<Class<? extends Message>, Message> SAMPLES = Map.of(RequestVote.class,
			new RequestVote("n1", "n2", 1, 0, 0, true, false, "0123456789abcdef"), RequestVoteResponse.class,
			new RequestVoteResponse("n2", "n1", 3, true, false), AppendEntries.class,
			new AppendEntries("n1", "n2", 3, 0, 0,
					List.of(new LogEntry(1, 2, EntryType.NOOP), LogEntry.config(2, 3, LEFT),
							LogEntry.timing(3, 3, new Timing(300, 600, 100, 1, "widened after 2 lease lapses within 30 s"))),
					1, 7, JOINT, 300),
			AppendEntriesResponse.class, new AppendEntriesResponse("n2", "n1", 3, true, 2, 2, 7), TimeoutNow.class,
			new TimeoutNow("n1", "n2", 3));

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

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
				new RequestVote("n1", "n2", 1, 0, 0, true, false, "0123456789abcdef"),
				new RequestVoteResponse("n2", "n1", 3, true, false),
				new AppendEntries("n1", "n2", 3, 1, 1,
						List.of(new LogEntry(2, 2, EntryType.NOOP), new LogEntry(3, 3, EntryType.NOOP)), 1, 42),
				new AppendEntries("n1", "n2", 3, 0, 0, List.of(), 0, 1),
				new AppendEntries("n1", "n2", 3, 0, 0, List.of(), 0, 1, JOINT),
				new AppendEntries("n1", "n2", 3, 1, 1, List.of(LogEntry.config(2, 3, JOINT),
						new LogEntry(3, 3, EntryType.NOOP), LogEntry.config(4, 3, LEFT)), 4, 42),
				new AppendEntriesResponse("n2", "n1", 3, false, 5, 4, 42), new TimeoutNow("n1", "n2", 3));
	}

	@Test
	void writesLogEntriesWithTheirTypeByName() {
		AppendEntries append = new AppendEntries("n1", "n2", 3, 0, 0, List.of(new LogEntry(1, 3, EntryType.NOOP)), 0,
				7);
		assertThat(new String(this.json.write(append), StandardCharsets.UTF_8)).isEqualTo(
				"{\"from\":\"n1\",\"to\":\"n2\",\"term\":3,\"prevLogIndex\":0,\"prevLogTerm\":0,"
						+ "\"entries\":[{\"index\":1,\"term\":3,\"type\":\"NOOP\",\"membership\":null,\"timing\":null}],"
						+ "\"leaderCommit\":0,\"round\":7,\"base\":null,\"stickinessMillis\":0}");
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
				+ "[{\"index\":1,\"term\":3,\"type\":\"NOOP\",\"membership\":null,\"timing\":null,\"checksum\":null}],"
				+ "\"leaderCommit\":0,\"round\":1,\"base\":null,\"stickinessMillis\":0,\"unknown\":null}";
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
				Arguments.of("missing bootstrap", VOTE.replace(",\"bootstrap\":\"\"", ""),
						"Field 'bootstrap' is required and must not be null"),
				Arguments.of("null bootstrap", VOTE.replace("\"bootstrap\":\"\"", "\"bootstrap\":null"),
						"Field 'bootstrap' is required and must not be null"),
				Arguments.of("number for bootstrap", VOTE.replace("\"bootstrap\":\"\"", "\"bootstrap\":0"),
						"Invalid value for field 'bootstrap'"),
				Arguments.of("bootstrap outside a pre-vote",
						VOTE.replace("\"preVote\":true", "\"preVote\":false")
							.replace("\"bootstrap\":\"\"", "\"bootstrap\":\"0123456789abcdef\""),
						"Invalid message: Only a pre-vote that is not a transfer can ask to form a cluster"),
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
				+ entries + ",\"leaderCommit\":0,\"round\":1,\"base\":null,\"stickinessMillis\":0}";
		assertThatExceptionOfType(RaftJson.InvalidMessageException.class)
			.isThrownBy(() -> this.json.read(bytes(body), AppendEntries.class))
			.withMessage(expectedMessage);
	}

	static Stream<Arguments> invalidAppends() {
		return Stream.of(Arguments.of("null entries", "null", "Field 'entries' is required and must not be null"),
				Arguments.of("object for entries", "{}", "Invalid value for field 'entries'"),
				Arguments.of("null entry", "[null]", "Field 'entries[0]' is required and must not be null"),
				Arguments.of("unknown entry type", "[{\"index\":1,\"term\":3,\"type\":\"BOGUS\",\"membership\":null,\"timing\":null}]",
						"Invalid value for field 'entries[0].type'"),
				Arguments.of("entry type by ordinal", "[{\"index\":1,\"term\":3,\"type\":0,\"membership\":null,\"timing\":null}]",
						"Invalid value for field 'entries[0].type'"),
				Arguments.of("entry without type", "[{\"index\":1,\"term\":3,\"membership\":null,\"timing\":null}]",
						"Field 'entries[0].type' is required and must not be null"),
				Arguments.of("entry without membership", "[{\"index\":1,\"term\":3,\"type\":\"NOOP\"}]",
						"Field 'entries[0].membership' is required and must not be null"),
				Arguments.of("entry index 0", "[{\"index\":0,\"term\":3,\"type\":\"NOOP\",\"membership\":null,\"timing\":null}]",
						"Invalid value for field 'entries[0]': Log entry index must be from 1 to 2^53, was 0"),
				Arguments.of("configuration entry without a configuration",
						"[{\"index\":1,\"term\":3,\"type\":\"CONFIG\",\"membership\":null,\"timing\":null}]",
						"Invalid value for field 'entries[0]': Log entry 1 of type CONFIG must carry a membership"),
				Arguments.of("second entry a configuration entry without a configuration",
						"[{\"index\":1,\"term\":3,\"type\":\"NOOP\",\"membership\":null,\"timing\":null},"
								+ "{\"index\":2,\"term\":3,\"type\":\"CONFIG\",\"membership\":null,\"timing\":null}]",
						"Invalid value for field 'entries[1]': Log entry 2 of type CONFIG must carry a membership"),
				Arguments.of("other entry with a configuration",
						"[{\"index\":1,\"term\":3,\"type\":\"NOOP\",\"membership\":" + SOLO_JSON + ",\"timing\":null}]",
						"Invalid value for field 'entries[0]': Log entry 1 of type NOOP must not carry a membership"),
				Arguments.of("entries with a gap", "[{\"index\":2,\"term\":3,\"type\":\"NOOP\",\"membership\":null,\"timing\":null}]",
						"Invalid message: Entries must be contiguous from prevLogIndex + 1 = 1: found index 2 where 1 "
								+ "was expected"));
	}

	@Test
	void writesAConfigurationAsItsComponentsInOrderWithSortedIds() {
		AppendEntries append = new AppendEntries("n1", "n2", 3, 0, 0, List.of(LogEntry.config(1, 3, LEFT)), 0, 7,
				JOINT);
		assertThat(new String(this.json.write(append), StandardCharsets.UTF_8))
			.isEqualTo("{\"from\":\"n1\",\"to\":\"n2\",\"term\":3,\"prevLogIndex\":0,\"prevLogTerm\":0,"
					+ "\"entries\":[{\"index\":1,\"term\":3,\"type\":\"CONFIG\",\"membership\":" + LEFT_JSON + ",\"timing\":null}],"
					+ "\"leaderCommit\":0,\"round\":7,\"base\":" + JOINT_JSON + ",\"stickinessMillis\":0}");
	}

	@Test
	void readsBackAConfigurationEntryAndABaseConfiguration() {
		AppendEntries append = new AppendEntries("n1", "n2", 3, 0, 0,
				List.of(new LogEntry(1, 2, EntryType.NOOP), LogEntry.config(2, 3, LEFT)), 2, 7, JOINT);
		AppendEntries read = this.json.read(this.json.write(append), AppendEntries.class);
		assertThat(read).isEqualTo(append);
		assertThat(read.base()).isEqualTo(JOINT);
		assertThat(read.base().isJoint()).isTrue();
		assertThat(read.entries().get(1).membership()).isEqualTo(LEFT);
	}

	@Test
	void neverWritesWhetherAConfigurationIsJointWhichFollowsFromItsOutgoingVoters() {
		AppendEntries append = new AppendEntries("n1", "n2", 3, 0, 0, List.of(LogEntry.config(1, 3, JOINT)), 0, 7,
				JOINT);
		assertThat(new String(this.json.write(append), StandardCharsets.UTF_8)).doesNotContainIgnoringCase("joint");
		String lying = startOfLog(
				JOINT_JSON.replace("{\"clusterId\"", "{\"joint\":false,\"isJoint\":false,\"clusterId\""));
		assertThat(this.json.read(bytes(lying), AppendEntries.class).base().isJoint()).isTrue();
	}

	@Test
	void writesAPreVoteThatAsksToFormAClusterWithTheClusterId() {
		RequestVote vote = new RequestVote("n1", "n2", 1, 0, 0, true, false, "0123456789abcdef");
		assertThat(new String(this.json.write(vote), StandardCharsets.UTF_8))
			.isEqualTo("{\"from\":\"n1\",\"to\":\"n2\",\"term\":1,\"lastLogIndex\":0,\"lastLogTerm\":0,"
					+ "\"preVote\":true,\"transfer\":false,\"bootstrap\":\"0123456789abcdef\"}");
	}

	@Test
	void acceptsNullForAnAbsentConfiguration() {
		String body = "{\"from\":\"n1\",\"to\":\"n2\",\"term\":3,\"prevLogIndex\":0,\"prevLogTerm\":0,\"entries\":"
				+ "[{\"index\":1,\"term\":3,\"type\":\"NOOP\",\"membership\":null,\"timing\":null}],\"leaderCommit\":0,\"round\":1,"
				+ "\"base\":null,\"stickinessMillis\":0}";
		assertThat(this.json.read(bytes(body), AppendEntries.class)).isEqualTo(
				new AppendEntries("n1", "n2", 3, 0, 0, List.of(new LogEntry(1, 3, EntryType.NOOP)), 0, 1, null));
	}

	@Test
	void ignoresUnknownFieldsInsideAConfiguration() {
		String body = startOfLog(SOLO_JSON.replace("\"learners\"", "\"witnesses\":[\"n9\"],\"learners\"")
			.replace("}}", "},\"epoch\":{\"n1\":null}}"));
		assertThat(this.json.read(bytes(body), AppendEntries.class).base())
			.isEqualTo(new Membership("c1", Set.of("n1"), Set.of(), Set.of(), Map.of("n1", "http://n1:8080")));
	}

	@Test
	void refusesABaseConfigurationAfterTheStartOfTheLog() {
		String body = startOfLog(SOLO_JSON).replace("\"prevLogIndex\":0,\"prevLogTerm\":0",
				"\"prevLogIndex\":1,\"prevLogTerm\":1");
		assertThatExceptionOfType(RaftJson.InvalidMessageException.class)
			.isThrownBy(() -> this.json.read(bytes(body), AppendEntries.class))
			.withMessage("Invalid message: Only an AppendEntries from the start of the log (prevLogIndex 0) carries "
					+ "a base configuration");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidConfigurations")
	void refusesAnInvalidConfigurationWithItsReasonAndWithoutInternals(String description, String body,
			String expectedMessage) {
		assertThatExceptionOfType(RaftJson.InvalidMessageException.class)
			.isThrownBy(() -> this.json.read(bytes(body), AppendEntries.class))
			.satisfies((ex) -> assertThat(ex.getMessage()).isEqualTo(expectedMessage)
				.doesNotContain("io.github", "tools.jackson", "Exception", "java.", "`"));
	}

	static Stream<Arguments> invalidConfigurations() {
		return Stream.of(
				Arguments.of("null cluster id", startOfLog(SOLO_JSON.replace("\"c1\"", "null")),
						"Field 'base.clusterId' is required and must not be null"),
				Arguments.of("null voters", startOfLog(SOLO_JSON.replace("[\"n1\"]", "null")),
						"Field 'base.voters' is required and must not be null"),
				Arguments.of("null voter id", startOfLog(SOLO_JSON.replace("[\"n1\"]", "[\"n1\",null]")),
						"Field 'base.voters[1]' is required and must not be null"),
				Arguments.of("null learner id", startOfLog(SOLO_JSON.replace("\"learners\":[]", "\"learners\":[null]")),
						"Field 'base.learners[0]' is required and must not be null"),
				Arguments.of("null addresses", startOfLog(SOLO_JSON.replace("{\"n1\":\"http://n1:8080\"}", "null")),
						"Field 'base.addresses' is required and must not be null"),
				Arguments.of("null address", startOfLog(SOLO_JSON.replace("\"http://n1:8080\"", "null")),
						"Field 'base.addresses.n1' is required and must not be null"),
				Arguments.of("missing learners", startOfLog(SOLO_JSON.replace("\"learners\":[],", "")),
						"Field 'base.learners' is required and must not be null"),
				Arguments.of("null id in an entry's configuration",
						configEntry(SOLO_JSON.replace("[\"n1\"]", "[null]")),
						"Field 'entries[0].membership.voters[0]' is required and must not be null"),
				Arguments.of("number for an id", startOfLog(SOLO_JSON.replace("[\"n1\"]", "[1]")),
						"Invalid value for field 'base.voters[0]'"),
				Arguments.of("string for the voters", startOfLog(SOLO_JSON.replace("[\"n1\"]", "\"n1\"")),
						"Invalid value for field 'base.voters'"),
				Arguments.of("array for the addresses",
						startOfLog(SOLO_JSON.replace("{\"n1\":\"http://n1:8080\"}", "[]")),
						"Invalid value for field 'base.addresses'"),
				Arguments.of("string for a configuration", startOfLog("\"n1\""), "Invalid value for field 'base'"),
				Arguments.of("no voters", startOfLog(SOLO_JSON.replace("[\"n1\"]", "[]")),
						"Invalid value for field 'base': A membership needs at least one voter"),
				Arguments.of("blank cluster id", startOfLog(SOLO_JSON.replace("\"c1\"", "\" \"")),
						"Invalid value for field 'base': A membership's cluster id must not be blank"),
				Arguments.of("learner also a voter",
						startOfLog(SOLO_JSON.replace("\"learners\":[]", "\"learners\":[\"n1\"]")),
						"Invalid value for field 'base': 'n1' cannot be both a voter and a learner"),
				Arguments.of("learner also an outgoing voter",
						startOfLog(SOLO_JSON.replace("\"outgoingVoters\":[],\"learners\":[]",
								"\"outgoingVoters\":[\"n2\"],\"learners\":[\"n2\"]")),
						"Invalid value for field 'base': 'n2' cannot be both a voter and a learner"),
				Arguments.of("blank voter id", startOfLog(SOLO_JSON.replace("[\"n1\"]", "[\"\"]")),
						"Invalid value for field 'base': Member ids must not be blank: voters []"),
				Arguments.of("blank id in the addresses", startOfLog(SOLO_JSON.replace("{\"n1\":", "{\" \":")),
						"Invalid value for field 'base': Member addresses must map non-blank ids to addresses: "
								+ "{ =http://n1:8080}"),
				Arguments.of("no voters in an entry's configuration", configEntry(SOLO_JSON.replace("[\"n1\"]", "[]")),
						"Invalid value for field 'entries[0].membership': A membership needs at least one voter"));
	}

	@Test
	void repeatsLittleOfTheBodyInTheReasonForRefusingIt() {
		String id = "x".repeat(5000);
		String blankAmongLongIds = startOfLog(SOLO_JSON.replace("[\"n1\"]", "[\"" + id + "\",\" \"]"));
		String longIdWithoutAddress = startOfLog(
				SOLO_JSON.replace("\"http://n1:8080\"}", "\"http://n1:8080\",\"" + id + "\":null}"));
		for (String body : List.of(blankAmongLongIds, longIdWithoutAddress)) {
			assertThatExceptionOfType(RaftJson.InvalidMessageException.class)
				.isThrownBy(() -> this.json.read(bytes(body), AppendEntries.class))
				.satisfies((ex) -> assertThat(ex.getMessage()).hasSizeLessThan(200).contains("xxx..."));
		}
	}

	/**
	 * Every field of every message is required, the configurations' fields too, so that a
	 * member that misses one (an older or a broken one) is refused rather than misread.
	 */
	@ParameterizedTest(name = "{0} without {1}")
	@MethodSource("everyField")
	void refusesAMessageWithoutAnyOfItsFieldsNamingIt(Class<? extends Message> type, String field, int position) {
		ObjectNode tree = tree(SAMPLES.get(type));
		Field target = fields(tree, "").get(position);
		target.parent().remove(target.name());
		assertThatExceptionOfType(RaftJson.InvalidMessageException.class)
			.isThrownBy(() -> this.json.read(bytes(tree.toString()), type))
			.withMessage("Field '" + field + "' is required and must not be null");
	}

	/**
	 * {@code null} stands only for an absent configuration: an AppendEntries' {@code base} and a
	 * log entry's {@code membership}, which must then be of a type other than
	 * {@link EntryType#CONFIG}.
	 */
	@ParameterizedTest(name = "{0} with null {1}")
	@MethodSource("everyField")
	void refusesNullForEveryFieldButAnAbsentConfiguration(Class<? extends Message> type, String field,
			int position) {
		ObjectNode tree = tree(SAMPLES.get(type));
		Field target = fields(tree, "").get(position);
		target.parent().putNull(target.name());
		boolean configurationEntry = target.parent().path("type").asString("").equals("CONFIG");
		boolean timingEntry = target.parent().path("type").asString("").equals("TIMING");
		if (target.name().equals("timing") && timingEntry) {
			String entry = field.substring(0, field.lastIndexOf('.'));
			assertThatExceptionOfType(RaftJson.InvalidMessageException.class)
				.isThrownBy(() -> this.json.read(bytes(tree.toString()), type))
				.withMessageStartingWith("Invalid value for field '" + entry + "': ")
				.withMessageEndingWith(" of type TIMING must carry a timing");
		}
		else if (target.name().equals("timing")) {
			assertThat(this.json.read(bytes(tree.toString()), type)).isEqualTo(SAMPLES.get(type));
		}
		else if (target.name().equals("base") || (target.name().equals("membership") && !configurationEntry)) {
			assertThat(this.json.read(bytes(tree.toString()), type)).isEqualTo(
					target.name().equals("base") ? withoutBase((AppendEntries) SAMPLES.get(type)) : SAMPLES.get(type));
		}
		else if (target.name().equals("membership")) {
			String entry = field.substring(0, field.lastIndexOf('.'));
			assertThatExceptionOfType(RaftJson.InvalidMessageException.class)
				.isThrownBy(() -> this.json.read(bytes(tree.toString()), type))
				.withMessageStartingWith("Invalid value for field '" + entry + "': ")
				.withMessageEndingWith(" of type CONFIG must carry a membership");
		}
		else {
			assertThatExceptionOfType(RaftJson.InvalidMessageException.class)
				.isThrownBy(() -> this.json.read(bytes(tree.toString()), type))
				.withMessage("Field '" + field + "' is required and must not be null");
		}
	}

	static Stream<Arguments> everyField() {
		return HostileBodies.TYPES.stream().flatMap((type) -> {
			List<Field> fields = fields(tree(SAMPLES.get(type)), "");
			return IntStream.range(0, fields.size()).mapToObj((i) -> Arguments.of(type, fields.get(i).path(), i));
		});
	}

	private static AppendEntries withoutBase(AppendEntries append) {
		return new AppendEntries(append.from(), append.to(), append.term(), append.prevLogIndex(),
				append.prevLogTerm(), append.entries(), append.leaderCommit(), append.round(), null, append.stickinessMillis());
	}

	private static ObjectNode tree(Message message) {
		return (ObjectNode) MAPPER.readTree(new RaftJson().write(message));
	}

	/** The fields of an object and of the objects within, in order; the keys of addresses are ids, not fields. */
	private static List<Field> fields(ObjectNode object, String path) {
		List<Field> fields = new ArrayList<>();
		for (String name : object.propertyNames()) {
			String fieldPath = path.isEmpty() ? name : path + "." + name;
			fields.add(new Field(object, name, fieldPath));
			JsonNode value = object.get(name);
			if (value instanceof ObjectNode nested && !name.equals("addresses")) {
				fields.addAll(fields(nested, fieldPath));
			}
			else if (value instanceof ArrayNode array) {
				for (int i = 0; i < array.size(); i++) {
					if (array.get(i) instanceof ObjectNode element) {
						fields.addAll(fields(element, fieldPath + "[" + i + "]"));
					}
				}
			}
		}
		return fields;
	}

	private record Field(ObjectNode parent, String name, String path) {
	}

	/** An AppendEntries from the start of the log with the given base configuration. */
	private static String startOfLog(String base) {
		return "{\"from\":\"n1\",\"to\":\"n2\",\"term\":3,\"prevLogIndex\":0,\"prevLogTerm\":0,\"entries\":[],"
				+ "\"leaderCommit\":0,\"round\":1,\"base\":" + base + ",\"stickinessMillis\":0}";
	}

	/** An AppendEntries with one configuration entry. */
	private static String configEntry(String membership) {
		return "{\"from\":\"n1\",\"to\":\"n2\",\"term\":3,\"prevLogIndex\":0,\"prevLogTerm\":0,\"entries\":[{"
				+ "\"index\":1,\"term\":3,\"type\":\"CONFIG\",\"membership\":" + membership + ",\"timing\":null}],\"leaderCommit\":0,"
				+ "\"round\":1,\"base\":null,\"stickinessMillis\":0}";
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
