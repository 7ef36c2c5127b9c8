package io.github.raftboot.transport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.AppendEntriesResponse;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.RequestVoteResponse;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Property: for every message type and whatever the body, {@link RaftJson#read(byte[], Class)}
 * returns a valid message of that type, which writes back to an equal message, or throws an
 * {@link RaftJson.InvalidMessageException} with a short message that names no internals; never
 * another exception. The same for a batch ({@link RaftJson#readBatch(byte[], java.util.Map)}) and
 * its replies ({@link RaftJson#readBatchReplies(byte[], List)}), and a message in a batch is read
 * as it is alone.
 *
 * <p>Each case has its own seed, named by a failure; {@code -Draft.fuzz.seed=S} changes the first
 * seed and {@code -Draft.fuzz.cases=N} the number of cases per type.
 */
class RaftJsonFuzzTests {

	private static final long FIRST_SEED = Long.getLong("raft.fuzz.seed", 0);

	private static final int CASES = Integer.getInteger("raft.fuzz.cases", 3000);

	static final Iterable<Class<? extends Message>> types = HostileBodies.TYPES;

	static final Iterable<Class<? extends Message>> requestTypes = HostileBodies.REQUEST_TYPES;

	/** The replies a batch expects: {@code null} for a request that has none. */
	private static final List<@Nullable Class<? extends Message>> REPLY_TYPES = Arrays.asList(RequestVoteResponse.class,
			AppendEntriesResponse.class, null);

	private final RaftJson json = new RaftJson();

	@ParameterizedTest(name = "{0}")
	@FieldSource("types")
	void everyBodyIsAValidMessageOrAnInvalidMessageException(Class<? extends Message> type) {
		int valid = 0;
		int invalid = 0;
		int validConfigurations = 0;
		int invalidConfigurations = 0;
		for (int i = 0; i < CASES; i++) {
			long seed = FIRST_SEED + i;
			SplittableRandom random = new SplittableRandom(seed);
			byte[] body = HostileBodies.any(random, HostileBodies.validMessage(random, type, "n1", "n2"));
			try {
				Message message = this.json.read(body, type);
				assertThat(message).as("seed %d", seed).isInstanceOf(type);
				assertThat(this.json.read(this.json.write(message), type)).as("seed %d", seed).isEqualTo(message);
				valid++;
				if (carriesAConfiguration(message)) {
					validConfigurations++;
				}
			}
			catch (RaftJson.InvalidMessageException ex) {
				assertThat(ex.getMessage()).as("seed %d", seed)
					.isNotBlank()
					.hasSizeLessThan(200)
					.doesNotContain("tools.jackson", "io.github", "Exception", "java.");
				invalid++;
				if (ex.getMessage().contains("base") || ex.getMessage().contains("membership")) {
					invalidConfigurations++;
				}
			}
			catch (RuntimeException | Error ex) {
				fail("seed " + seed + ": read(" + type.getSimpleName() + ") threw " + ex + " for "
						+ Arrays.toString(body), ex);
			}
		}
		// Both outcomes must occur often, or the generator tests nothing.
		assertThat(valid).as("valid bodies").isGreaterThan(CASES / 50);
		assertThat(invalid).as("invalid bodies").isGreaterThan(CASES / 2);
		if (type == AppendEntries.class) {
			// And so must configurations, valid and invalid
			assertThat(validConfigurations).as("valid bodies with a configuration").isGreaterThan(CASES / 100);
			assertThat(invalidConfigurations).as("bodies refused for their configuration")
				.isGreaterThan(CASES / 100);
		}
	}

	@Test
	void everyBatchBodyIsAValidBatchOrAnInvalidMessageException() {
		int valid = 0;
		int invalid = 0;
		for (int i = 0; i < CASES; i++) {
			long seed = FIRST_SEED + i;
			byte[] body = HostileBodies.anyBatch(new SplittableRandom(seed));
			try {
				List<RaftJson.BatchRequest> batch = this.json.readBatch(body, RaftJsonBatchTests.REQUEST_TYPES);
				for (RaftJson.BatchRequest request : batch) {
					assertThat(request.group()).as("seed %d", seed).isNotEmpty();
					assertThat(request.message()).as("seed %d", seed)
						.isInstanceOf(RaftJsonBatchTests.REQUEST_TYPES.get(request.rpc()));
				}
				assertThat(this.json.readBatch(this.json.writeBatch(batch), RaftJsonBatchTests.REQUEST_TYPES))
					.as("seed %d", seed)
					.isEqualTo(batch);
				valid++;
			}
			catch (RaftJson.InvalidMessageException ex) {
				assertClientSafe(ex, seed);
				invalid++;
			}
			catch (RuntimeException | Error ex) {
				fail("seed " + seed + ": readBatch threw " + ex + " for " + Arrays.toString(body), ex);
			}
		}
		assertThat(valid).as("valid batches").isGreaterThan(CASES / 50);
		assertThat(invalid).as("invalid batches").isGreaterThan(CASES / 2);
	}

	@Test
	void everyBodyOfBatchRepliesIsValidRepliesOrAnInvalidMessageException() {
		int valid = 0;
		int invalid = 0;
		for (int i = 0; i < CASES; i++) {
			long seed = FIRST_SEED + i;
			SplittableRandom random = new SplittableRandom(seed);
			List<@Nullable Class<? extends Message>> types = new ArrayList<>();
			for (int n = random.nextInt(1, 4); types.size() < n;) {
				types.add(REPLY_TYPES.get(random.nextInt(REPLY_TYPES.size())));
			}
			byte[] body = HostileBodies.anyBatchReplies(random, types);
			try {
				List<RaftJson.BatchReply> replies = this.json.readBatchReplies(body, types);
				assertThat(replies).as("seed %d", seed).hasSameSizeAs(types);
				for (int j = 0; j < replies.size(); j++) {
					RaftJson.BatchReply reply = replies.get(j);
					if (reply.message() != null) {
						assertThat(reply.status()).as("seed %d", seed).isEqualTo(200);
						assertThat(reply.message()).as("seed %d", seed).isInstanceOf(types.get(j));
					}
					else if (reply.status() != 200 && reply.status() != 204) {
						assertThat(reply.error()).as("seed %d", seed).isNotNull();
						// What the transport reads from it, leniently
						this.json.readErrorMessage(reply.error());
						this.json.readErrorCode(reply.error());
					}
				}
				valid++;
			}
			catch (RaftJson.InvalidMessageException ex) {
				assertClientSafe(ex, seed);
				invalid++;
			}
			catch (RuntimeException | Error ex) {
				fail("seed " + seed + ": readBatchReplies threw " + ex + " for " + Arrays.toString(body), ex);
			}
		}
		assertThat(valid).as("valid replies").isGreaterThan(CASES / 50);
		assertThat(invalid).as("invalid replies").isGreaterThan(CASES / 10);
	}

	/**
	 * Property: a message in a batch is read as it is alone, whatever its body: valid in the
	 * batch if and only if valid alone, and then the same message. The batch reads its items
	 * from a tree, the lone message from the stream: the two must not drift apart.
	 */
	@ParameterizedTest(name = "{0}")
	@FieldSource("requestTypes")
	void aMessageInABatchIsReadAsItIsAlone(Class<? extends Message> type) {
		String rpc = RaftRpc.of(HostileBodies.validMessage(new SplittableRandom(0), type, "n1", "n2")).rpcName();
		int valid = 0;
		int invalid = 0;
		for (int i = 0; i < CASES; i++) {
			long seed = FIRST_SEED + i;
			SplittableRandom random = new SplittableRandom(seed);
			byte[] body = HostileBodies.any(random, HostileBodies.validMessage(random, type, "n1", "n2"));
			if (body.length >= 3 && body[0] == (byte) 0xEF && body[1] == (byte) 0xBB && body[2] == (byte) 0xBF) {
				// A byte order mark starts a body, never a value within one
				continue;
			}
			byte[] batch = concat(utf8("{\"items\":[{\"group\":\"billing\",\"rpc\":\"" + rpc + "\",\"message\":"), body,
					utf8("}]}"));
			Message alone = null;
			try {
				alone = this.json.read(body, type);
			}
			catch (RaftJson.InvalidMessageException ex) {
				// invalid alone
			}
			List<RaftJson.BatchRequest> read = null;
			try {
				read = this.json.readBatch(batch, RaftJsonBatchTests.REQUEST_TYPES);
			}
			catch (RaftJson.InvalidMessageException ex) {
				assertClientSafe(ex, seed);
			}
			if (read != null && read.size() != 1) {
				// The body closed the item and added others: not a message alone any more
				continue;
			}
			if (alone == null) {
				assertThat(read).as("seed %d: valid in a batch, invalid alone: %s", seed, utf8(body)).isNull();
				invalid++;
			}
			else {
				assertThat(read).as("seed %d: valid alone, invalid in a batch: %s", seed, utf8(body)).isNotNull();
				assertThat(read.get(0).message()).as("seed %d", seed).isEqualTo(alone);
				valid++;
			}
		}
		assertThat(valid).as("valid bodies").isGreaterThan(CASES / 50);
		assertThat(invalid).as("invalid bodies").isGreaterThan(CASES / 2);
	}

	private static void assertClientSafe(RaftJson.InvalidMessageException ex, long seed) {
		assertThat(ex.getMessage()).as("seed %d", seed)
			.isNotBlank()
			.hasSizeLessThan(200)
			.doesNotContain("tools.jackson", "io.github", "Exception", "java.");
	}

	private static byte[] concat(byte[]... parts) {
		int length = 0;
		for (byte[] part : parts) {
			length += part.length;
		}
		byte[] result = new byte[length];
		int at = 0;
		for (byte[] part : parts) {
			System.arraycopy(part, 0, result, at, part.length);
			at += part.length;
		}
		return result;
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String utf8(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	private static boolean carriesAConfiguration(Message message) {
		return message instanceof AppendEntries append
				&& (append.base() != null || append.entries().stream().anyMatch((entry) -> entry.membership() != null));
	}

}
