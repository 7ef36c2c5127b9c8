package io.github.raftboot.transport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.AppendEntriesResponse;
import io.github.raftboot.core.EntryType;
import io.github.raftboot.core.LogEntry;
import io.github.raftboot.core.Membership;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.core.RequestVoteResponse;
import io.github.raftboot.core.TimeoutNow;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generates request bodies for property-based tests from a seeded random source: random bytes,
 * random JSON values, and valid messages mutated in their JSON structure or in their bytes.
 * Which of them are valid messages is for the reader under test to decide.
 */
final class HostileBodies {

	static final List<Class<? extends Message>> TYPES = List.of(RequestVote.class, RequestVoteResponse.class,
			AppendEntries.class, AppendEntriesResponse.class, TimeoutNow.class);

	/** The types of request that a batch carries (and that {@link #validMessage} makes). */
	static final List<Class<? extends Message>> REQUEST_TYPES = List.of(RequestVote.class, AppendEntries.class,
			TimeoutNow.class);

	/** Numbers on and around the edges that matter: zero, the 2^53 bound, the long range. */
	private static final String[] EDGE_NUMBERS = { "0", "-0", "1", "-1", "9007199254740991", "9007199254740992",
			"9007199254740993", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
			"-9223372036854775809", "1.0", "1.5", "1e3", "1E400", "-1e-400", "0.0000001", "1" + "0".repeat(40) };

	private static final String[] ODD_STRINGS = { "", " ", "n1", "n2", "n3", "N1", "n1 ", "\u0000", "\uD83D\uDE80",
			"\\u0000", "NOOP", "noop", "true", "null", "x".repeat(5000) };

	private static final byte[] JSON_BYTES = "{}[],:\"\\0-e.".getBytes(StandardCharsets.US_ASCII);

	private static final String CLUSTER_ID = "0123456789abcdef";

	private static final RaftJson WIRE = new RaftJson();

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private HostileBodies() {
	}

	/** A random body: any of the strategies below. */
	static byte[] any(SplittableRandom random, Message valid) {
		return switch (random.nextInt(6)) {
			case 0 -> randomBytes(random);
			case 1 -> utf8(randomJson(random, 4).toString());
			case 2, 3 -> mutatedStructure(random, valid);
			default -> mutatedBytes(random, WIRE.write(valid));
		};
	}

	/** A random body for a batch: any of the strategies above, applied to a valid batch. */
	static byte[] anyBatch(SplittableRandom random) {
		byte[] valid = WIRE.writeBatch(validBatch(random));
		return switch (random.nextInt(6)) {
			case 0 -> randomBytes(random);
			case 1 -> utf8("{\"items\":" + randomJson(random, 4) + "}");
			case 2, 3 -> mutatedStructure(random, valid);
			default -> mutatedBytes(random, valid);
		};
	}

	/** A valid batch of one to four requests of any type and election group, from n1 to n2. */
	static List<RaftJson.BatchRequest> validBatch(SplittableRandom random) {
		String[] groups = { "default", "billing", "outbox" };
		List<RaftJson.BatchRequest> batch = new ArrayList<>();
		for (int i = 0, n = random.nextInt(1, 5); i < n; i++) {
			Message request = validMessage(random, REQUEST_TYPES.get(random.nextInt(REQUEST_TYPES.size())), "n1", "n2");
			batch.add(new RaftJson.BatchRequest(groups[random.nextInt(groups.length)], RaftRpc.of(request).rpcName(),
					request));
		}
		return batch;
	}

	/** A random body for the replies to a batch: any of the strategies above, applied to valid replies. */
	static byte[] anyBatchReplies(SplittableRandom random, List<@Nullable Class<? extends Message>> replyTypes) {
		List<RaftJson.BatchReply> replies = new ArrayList<>();
		for (Class<? extends Message> type : replyTypes) {
			replies.add(switch (random.nextInt(3)) {
				case 0 -> (type != null) ? new RaftJson.BatchReply(200, validMessage(random, type, "n2", "n1"), null)
						: new RaftJson.BatchReply(200, null, null);
				case 1 -> new RaftJson.BatchReply(204, null, null);
				default -> new RaftJson.BatchReply(409, null, WIRE.writeError("Conflict", "Another cluster", "code"));
			});
		}
		byte[] valid = WIRE.writeBatchReplies(replies);
		return switch (random.nextInt(6)) {
			case 0 -> randomBytes(random);
			case 1 -> utf8("{\"items\":" + randomJson(random, 4) + "}");
			case 2, 3 -> mutatedStructure(random, valid);
			default -> mutatedBytes(random, valid);
		};
	}

	/** A valid message of the given type between two members. */
	static Message validMessage(SplittableRandom random, Class<? extends Message> type, String from, String to) {
		// Mostly small numbers, so that messages often fit the receiver's short log
		long term = random.nextBoolean() ? random.nextLong(0, 4) : random.nextLong(0, 20);
		long index = random.nextBoolean() ? random.nextLong(0, 3) : random.nextLong(0, 20);
		if (type == RequestVote.class) {
			boolean preVote = random.nextBoolean();
			boolean transfer = random.nextBoolean();
			// Now and then the pre-vote of a member that asks to form a cluster
			String bootstrap = (preVote && !transfer && random.nextInt(3) == 0) ? "0123456789abcdef" : "";
			return new RequestVote(from, to, term, index, Math.min(term, random.nextLong(0, 20)), preVote, transfer,
					bootstrap);
		}
		if (type == RequestVoteResponse.class) {
			return new RequestVoteResponse(from, to, term, random.nextBoolean(), random.nextBoolean());
		}
		if (type == AppendEntries.class) {
			long leaderTerm = Math.max(1, term);
			long prevTerm = random.nextLong(0, leaderTerm + 1);
			List<LogEntry> entries = new ArrayList<>();
			long entryTerm = Math.max(1, prevTerm);
			for (int i = 0, n = random.nextInt(0, 5); i < n; i++) {
				entryTerm = Math.min(leaderTerm, entryTerm + random.nextLong(0, 2));
				entries.add((random.nextInt(4) == 0) ? LogEntry.config(index + 1 + i, entryTerm, membership(random))
						: new LogEntry(index + 1 + i, entryTerm, EntryType.NOOP));
			}
			Membership base = (index == 0 && random.nextBoolean()) ? membership(random) : null;
			return new AppendEntries(from, to, leaderTerm, index, (index == 0) ? 0 : prevTerm, entries,
					random.nextLong(0, index + entries.size() + 1), random.nextLong(0, 100), base);
		}
		if (type == AppendEntriesResponse.class) {
			return new AppendEntriesResponse(from, to, term, random.nextBoolean(), index, random.nextLong(0, 20),
					random.nextLong(0, 100));
		}
		return new TimeoutNow(from, to, term);
	}

	/**
	 * A configuration of the members n1, n2 and n3 (those of the tests' clusters), sometimes
	 * joint or with a learner n4.
	 */
	static Membership membership(SplittableRandom random) {
		Map<String, String> addresses = new TreeMap<>(Map.of("n1", "http://127.0.0.1:8081", "n2",
				"http://127.0.0.1:8082", "n3", "http://127.0.0.1:8083"));
		Set<String> learners = Set.of();
		if (random.nextInt(4) == 0) {
			learners = Set.of("n4");
			addresses.put("n4", "http://127.0.0.1:8084");
		}
		return switch (random.nextInt(3)) {
			case 0 -> new Membership(CLUSTER_ID, Set.of("n1", "n2", "n3"), Set.of(), learners, addresses);
			case 1 -> new Membership(CLUSTER_ID, Set.of("n1", "n2"), Set.of("n1", "n2", "n3"), learners, addresses);
			default -> new Membership(CLUSTER_ID, Set.of("n1", "n2", "n3"), Set.of("n1", "n2"), learners, addresses);
		};
	}

	static byte[] randomBytes(SplittableRandom random) {
		byte[] bytes = new byte[random.nextInt(0, 300)];
		random.nextBytes(bytes);
		if (bytes.length > 0 && random.nextBoolean()) {
			// Often past the first check, which wants an object
			bytes[0] = '{';
		}
		return bytes;
	}

	/** A random JSON value, at most {@code depth} levels deep; mostly objects. */
	static JsonNode randomJson(SplittableRandom random, int depth) {
		int kind = (depth <= 0) ? random.nextInt(2, 7) : random.nextInt(0, 8);
		return switch (kind) {
			case 0, 7 -> {
				ObjectNode object = NODES.objectNode();
				for (int i = 0, n = random.nextInt(0, 9); i < n; i++) {
					object.set(randomFieldName(random), randomJson(random, depth - 1));
				}
				yield object;
			}
			case 1 -> {
				ArrayNode array = NODES.arrayNode();
				for (int i = 0, n = random.nextInt(0, 5); i < n; i++) {
					array.add(randomJson(random, depth - 1));
				}
				yield array;
			}
			case 2 -> NODES.stringNode(ODD_STRINGS[random.nextInt(ODD_STRINGS.length)]);
			case 3 -> NODES.numberNode(random.nextLong());
			case 4 -> NODES.numberNode(random.nextDouble() * 1e6);
			case 5 -> NODES.booleanNode(random.nextBoolean());
			default -> NODES.nullNode();
		};
	}

	private static String randomFieldName(SplittableRandom random) {
		String[] names = { "from", "to", "term", "lastLogIndex", "lastLogTerm", "preVote", "transfer", "bootstrap",
				"granted", "prevLogIndex", "prevLogTerm", "entries", "leaderCommit", "round", "base", "success", "index",
				"type", "membership", "clusterId", "voters", "outgoingVoters", "learners", "addresses", "unknown", "Term",
				"" };
		return names[random.nextInt(names.length)];
	}

	/**
	 * A valid message with one to three changes to its JSON tree: to the message, to one of its
	 * entries, or to a configuration (an AppendEntries' base or an entry's membership), or to
	 * the addresses of one.
	 */
	static byte[] mutatedStructure(SplittableRandom random, Message valid) {
		return mutatedStructure(random, WIRE.write(valid));
	}

	/** A valid JSON object with one to three changes to its tree, as above. */
	private static byte[] mutatedStructure(SplittableRandom random, byte[] valid) {
		ObjectNode tree = (ObjectNode) MAPPER.readTree(valid);
		for (int i = 0, n = random.nextInt(1, 4); i < n; i++) {
			List<ObjectNode> objects = new ArrayList<>();
			collectObjects(tree, objects);
			// The message itself as often as all the objects within
			ObjectNode target = random.nextBoolean() ? tree : objects.get(random.nextInt(objects.size()));
			mutateObject(random, target);
		}
		String json = tree.toString();
		if (random.nextInt(8) == 0) {
			// Raw edge numbers that a tree cannot hold, such as 1E400
			json = json.replaceFirst("\"(term|index|round|prevLogIndex)\":-?\\d+",
					"\"$1\":" + EDGE_NUMBERS[random.nextInt(EDGE_NUMBERS.length)]);
		}
		return utf8(json);
	}

	/** {@code node} and every object within it, at any depth. */
	private static void collectObjects(JsonNode node, List<ObjectNode> objects) {
		if (node instanceof ObjectNode object) {
			objects.add(object);
		}
		for (JsonNode child : node.values()) {
			collectObjects(child, objects);
		}
	}

	private static void mutateObject(SplittableRandom random, ObjectNode object) {
		List<String> fields = new ArrayList<>(object.propertyNames());
		if (fields.isEmpty()) {
			object.set(randomFieldName(random), randomJson(random, 2));
			return;
		}
		String field = fields.get(random.nextInt(fields.size()));
		switch (random.nextInt(7)) {
			case 0 -> object.remove(field);
			case 1 -> object.putNull(field);
			case 2 -> object.set(field, randomJson(random, 2));
			case 3 -> object.set("unknown" + random.nextInt(3), randomJson(random, 3));
			case 4 -> object.set(field, NODES.stringNode(ODD_STRINGS[random.nextInt(ODD_STRINGS.length)]));
			case 5 -> {
				JsonNode value = object.get(field);
				if (value instanceof ArrayNode array && !array.isEmpty()) {
					switch (random.nextInt(3)) {
						case 0 -> array.remove(random.nextInt(array.size()));
						case 1 -> array.add(array.get(random.nextInt(array.size())).deepCopy());
						default -> array.insert(0, randomJson(random, 2));
					}
				}
				else {
					object.set(field, MAPPER.readTree(EDGE_NUMBERS[random.nextInt(5, 10)]));
				}
			}
			default -> {
				JsonNode value = object.remove(field);
				object.set(field.toUpperCase(), value);
			}
		}
	}

	/** Some bytes of a valid message flipped, cut, repeated or inserted. */
	static byte[] mutatedBytes(SplittableRandom random, byte[] valid) {
		byte[] bytes = valid.clone();
		for (int i = 0, n = random.nextInt(1, 4); i < n && bytes.length > 0; i++) {
			int at = random.nextInt(bytes.length);
			switch (random.nextInt(5)) {
				case 0 -> bytes[at] = (byte) random.nextInt(256);
				case 1 -> bytes = Arrays.copyOf(bytes, at);
				case 2 -> {
					byte[] longer = new byte[bytes.length + 1];
					System.arraycopy(bytes, 0, longer, 0, at);
					longer[at] = JSON_BYTES[random.nextInt(JSON_BYTES.length)];
					System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
					bytes = longer;
				}
				case 3 -> {
					byte[] doubled = new byte[bytes.length * 2];
					System.arraycopy(bytes, 0, doubled, 0, bytes.length);
					System.arraycopy(bytes, 0, doubled, bytes.length, bytes.length);
					bytes = doubled;
				}
				default -> bytes[at] ^= (byte) (1 << random.nextInt(8));
			}
		}
		return bytes;
	}

	static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
