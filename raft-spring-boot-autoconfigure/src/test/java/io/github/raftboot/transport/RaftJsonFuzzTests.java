package io.github.raftboot.transport;

import java.util.Arrays;
import java.util.SplittableRandom;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.Message;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Property: for every message type and whatever the body, {@link RaftJson#read(byte[], Class)}
 * returns a valid message of that type, which writes back to an equal message, or throws an
 * {@link RaftJson.InvalidMessageException} with a short message that names no internals; never
 * another exception.
 *
 * <p>Each case has its own seed, named by a failure; {@code -Draft.fuzz.seed=S} changes the first
 * seed and {@code -Draft.fuzz.cases=N} the number of cases per type.
 */
class RaftJsonFuzzTests {

	private static final long FIRST_SEED = Long.getLong("raft.fuzz.seed", 0);

	private static final int CASES = Integer.getInteger("raft.fuzz.cases", 3000);

	static final Iterable<Class<? extends Message>> types = HostileBodies.TYPES;

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

	private static boolean carriesAConfiguration(Message message) {
		return message instanceof AppendEntries append
				&& (append.base() != null || append.entries().stream().anyMatch((entry) -> entry.membership() != null));
	}

}
