package io.github.raftboot.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Property: whatever bytes the state file holds, {@link FileStorage#load()} either returns a valid
 * state or throws a {@link StorageException} that names the file, never another exception.
 * Random bytes mostly stop at the magic number, and mutated files mostly at the checksum, so
 * half of the mutated files get their checksum recomputed: those reach every part of the decoder.
 *
 * <p>Each case has its own seed, named by a failure; {@code -Draft.fuzz.seed=S} changes the first
 * seed and {@code -Draft.fuzz.cases=N} the number of cases per property.
 */
class FileStorageFuzzTests {

	private static final long FIRST_SEED = Long.getLong("raft.fuzz.seed", 0);

	private static final int CASES = Integer.getInteger("raft.fuzz.cases", 1500);

	private static final int MUTATIONS_PER_STATE = 20;

	private static final long[] INTERESTING_LONGS = { 0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, Message.MAX_VALUE,
			Message.MAX_VALUE + 1, Integer.MAX_VALUE, 0x52414654 };

	private static final int[] INTERESTING_INTS = { 0, 1, -1, 2, Integer.MAX_VALUE, Integer.MIN_VALUE, 0xFFFF, 17 };

	@TempDir
	Path directory;

	private FileStorage storage;

	@BeforeEach
	void createStorage() {
		this.storage = new FileStorage(this.directory);
	}

	@Test
	void randomBytesAreRejectedWithAStorageExceptionNamingTheFile() throws IOException {
		for (int i = 0; i < CASES; i++) {
			long seed = FIRST_SEED + i;
			SplittableRandom random = new SplittableRandom(seed);
			byte[] bytes = new byte[random.nextInt(0, 200)];
			random.nextBytes(bytes);
			if (random.nextBoolean() && bytes.length >= 8) {
				// Give most of them a valid header, so that they get past the magic number.
				ByteBuffer.wrap(bytes).putInt(FileStorage.MAGIC).putInt(FileStorage.VERSION);
			}
			if (random.nextBoolean()) {
				bytes = withRecomputedChecksum(bytes);
			}
			loadIsAValidStateOrAStorageException(seed, bytes, null);
		}
	}

	@Test
	void mutatedValidFilesAreLoadedAsAValidStateOrRejectedWithAStorageException() throws IOException {
		int decoded = 0;
		PersistentState original = null;
		byte[] valid = null;
		for (int i = 0; i < CASES; i++) {
			long seed = FIRST_SEED + i;
			SplittableRandom random = new SplittableRandom(seed);
			if (i % MUTATIONS_PER_STATE == 0) {
				// A save forces the disk, which is slow on a busy machine: one per many mutations.
				original = randomState(random);
				this.storage.save(original);
				valid = Files.readAllBytes(this.storage.file());
			}
			byte[] mutated = mutate(random, valid);
			if (random.nextBoolean()) {
				mutated = withRecomputedChecksum(mutated);
			}
			if (loadIsAValidStateOrAStorageException(seed, mutated, Arrays.equals(mutated, valid) ? original : null)) {
				decoded++;
			}
		}
		// The property means little if every file failed at the checksum.
		assertThat(decoded).as("mutated files that still decoded").isPositive();
	}

	/** Returns whether the file loaded as a state. */
	private boolean loadIsAValidStateOrAStorageException(long seed, byte[] bytes, PersistentState expected)
			throws IOException {
		Files.write(this.storage.file(), bytes);
		try {
			PersistentState loaded = this.storage.load();
			assertThat(loaded).as("seed %d", seed).isNotNull();
			// The record validates itself on construction; re-creating it must succeed too.
			assertThat(new PersistentState(loaded.term(), loaded.votedFor(), loaded.log())).isEqualTo(loaded);
			if (expected != null) {
				assertThat(loaded).as("seed %d: an unchanged file", seed).isEqualTo(expected);
			}
			return true;
		}
		catch (StorageException ex) {
			assertThat(ex.getMessage()).as("seed %d", seed)
				.contains(this.storage.file().toAbsolutePath().toString());
			return false;
		}
		catch (RuntimeException | Error ex) {
			fail("seed " + seed + ": load() threw " + ex + " for " + Arrays.toString(bytes), ex);
			return false;
		}
	}

	static PersistentState randomState(SplittableRandom random) {
		long term = random.nextBoolean() ? random.nextLong(0, 1000) : Message.MAX_VALUE - random.nextLong(0, 3);
		String vote = switch (random.nextInt(4)) {
			case 0 -> null;
			case 1 -> "n" + random.nextInt(10);
			case 2 -> "nœud-\u00e9t\u00e9-\uD83D\uDE80";
			default -> "x".repeat(random.nextInt(1, 300));
		};
		List<LogEntry> log = new ArrayList<>();
		long entryTerm = 1;
		int entries = (term == 0) ? 0 : random.nextInt(0, 20);
		for (int i = 1; i <= entries; i++) {
			entryTerm = Math.min(term, entryTerm + random.nextLong(0, 3));
			log.add(new LogEntry(i, entryTerm, EntryType.NOOP));
		}
		return new PersistentState(term, vote, log);
	}

	static byte[] mutate(SplittableRandom random, byte[] original) {
		byte[] bytes = original.clone();
		int mutations = random.nextInt(1, 4);
		for (int m = 0; m < mutations; m++) {
			bytes = mutateOnce(random, bytes);
		}
		return bytes;
	}

	private static byte[] mutateOnce(SplittableRandom random, byte[] bytes) {
		if (bytes.length == 0) {
			return new byte[] { (byte) random.nextInt() };
		}
		int at = random.nextInt(bytes.length);
		switch (random.nextInt(8)) {
			case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
			case 1 -> bytes[at] = (byte) random.nextInt(256);
			case 2 -> {
				return Arrays.copyOf(bytes, at);
			}
			case 3 -> {
				byte[] inserted = new byte[random.nextInt(1, 16)];
				random.nextBytes(inserted);
				return splice(bytes, at, 0, inserted);
			}
			case 4 -> {
				return splice(bytes, at, random.nextInt(1, bytes.length - at + 1), new byte[0]);
			}
			case 5 -> {
				if (at + Long.BYTES <= bytes.length) {
					ByteBuffer.wrap(bytes).putLong(at, INTERESTING_LONGS[random.nextInt(INTERESTING_LONGS.length)]);
				}
			}
			case 6 -> {
				if (at + Integer.BYTES <= bytes.length) {
					ByteBuffer.wrap(bytes).putInt(at, INTERESTING_INTS[random.nextInt(INTERESTING_INTS.length)]);
				}
			}
			default -> {
				int length = random.nextInt(1, Math.min(32, bytes.length - at) + 1);
				return splice(bytes, at, 0, Arrays.copyOfRange(bytes, at, at + length));
			}
		}
		return bytes;
	}

	private static byte[] splice(byte[] bytes, int at, int remove, byte[] insert) {
		byte[] result = new byte[bytes.length - remove + insert.length];
		System.arraycopy(bytes, 0, result, 0, at);
		System.arraycopy(insert, 0, result, at, insert.length);
		System.arraycopy(bytes, at + remove, result, at + insert.length, bytes.length - at - remove);
		return result;
	}

	private static byte[] withRecomputedChecksum(byte[] bytes) {
		if (bytes.length < 12) {
			return bytes;
		}
		CRC32C crc = new CRC32C();
		crc.update(bytes, 0, bytes.length - 4);
		byte[] fixed = bytes.clone();
		ByteBuffer.wrap(fixed).putInt(bytes.length - 4, (int) crc.getValue());
		return fixed;
	}

}
