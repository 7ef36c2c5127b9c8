package io.github.raftboot.core;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link FileStorage}.
 */
class FileStorageTests {

	private static final PersistentState STATE = new PersistentState(7, "node-b",
			List.of(new LogEntry(1, 1, EntryType.NOOP), new LogEntry(2, 3, EntryType.NOOP),
					new LogEntry(3, 7, EntryType.NOOP)));

	private static final Membership BASE = new Membership("c1", Set.of("node-a", "node-b"), Set.of(), Set.of(),
			Map.of("node-a", "http://a:8080", "node-b", "http://b:8080"));

	private static final Membership JOINT = new Membership("c1", Set.of("node-a", "node-b", "node-c"),
			Set.of("node-a", "node-b"), Set.of("node-d"), Map.of("node-a", "http://a:8080", "node-b", "http://b:8080",
					"node-c", "http://c:8080", "node-d", "http://d:8080"));

	private static final Timing WIDENED = new Timing(300, 600, 100, 1, "widened after 2 lease lapses within 30 s");

	/**
	 * A state with every part of the current format: a vote, a base configuration, a configuration
	 * entry, a timing entry and a stickiness.
	 */
	private static final PersistentState FULL_STATE = new PersistentState(7, "node-b",
			List.of(new LogEntry(1, 1, EntryType.NOOP), LogEntry.config(2, 3, JOINT), new LogEntry(3, 7, EntryType.NOOP),
					LogEntry.timing(4, 7, WIDENED)),
			BASE, 300);

	@TempDir
	Path directory;

	@Test
	void loadsEmptyStateWhenNoFileExists() {
		FileStorage storage = new FileStorage(this.directory);
		assertThat(storage.load()).isEqualTo(PersistentState.empty());
		assertThat(storage.file()).doesNotExist();
	}

	@Test
	void fileIsRaftStateBinInTheDirectory() {
		assertThat(new FileStorage(this.directory).file()).isEqualTo(this.directory.resolve("raft-state.bin"));
	}

	@Test
	void savedStateIsLoadedBackEqual() {
		FileStorage storage = new FileStorage(this.directory);
		storage.save(STATE);
		assertThat(storage.file()).isRegularFile();
		PersistentState loaded = storage.load();
		assertThat(loaded).isEqualTo(STATE);
		assertThat(loaded.term()).isEqualTo(7);
		assertThat(loaded.votedFor()).isEqualTo("node-b");
		assertThat(loaded.log()).extracting(LogEntry::term).containsExactly(1L, 3L, 7L);
	}

	@Test
	void stateWithoutAVoteOrLogIsLoadedBackEqual() {
		FileStorage storage = new FileStorage(this.directory);
		PersistentState state = new PersistentState(4, null, List.of());
		storage.save(state);
		assertThat(storage.load()).isEqualTo(state);
	}

	@Test
	void memberIdOutsideAsciiIsLoadedBackEqual() {
		FileStorage storage = new FileStorage(this.directory);
		PersistentState state = new PersistentState(2, "nœud-\u00e9t\u00e9-\uD83D\uDE80", List.of());
		storage.save(state);
		assertThat(storage.load()).isEqualTo(state);
	}

	@Test
	void stateWithConfigurationsIsLoadedBackEqual() {
		FileStorage storage = new FileStorage(this.directory);
		storage.save(FULL_STATE);
		assertThat(new FileStorage(this.directory).load()).isEqualTo(FULL_STATE);
		PersistentState formed = PersistentState.formed(BASE);
		storage.save(formed);
		assertThat(new FileStorage(this.directory).load()).isEqualTo(formed);
	}

	@Test
	void fileFormatIsAsDocumented() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		storage.save(FULL_STATE);
		byte[] file = Files.readAllBytes(storage.file());
		assertThat(file).hasSize(4096 + 2 * 4096);
		ByteBuffer header = ByteBuffer.allocate(16).putInt(0x52414654).putInt(4).putInt(4096);
		header.putInt(crc(header.array(), 0, 12));
		assertThat(Arrays.copyOfRange(file, 0, 16)).isEqualTo(header.array());
		assertThat(Arrays.copyOfRange(file, 16, 4096)).containsOnly(0);
		byte[] state = bytes(FileStorageTests::writeFullState);
		byte[] slot = withChecksum((out) -> {
			out.writeLong(1);
			out.writeInt(state.length);
			out.write(state);
		});
		assertThat(Arrays.copyOfRange(file, 4096, 4096 + slot.length)).isEqualTo(slot);
		assertThat(Arrays.copyOfRange(file, 4096 + slot.length, file.length)).containsOnly(0);
		assertThat(new String(file, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RAFT");
		storage.save(new PersistentState(8, null, FULL_STATE.log(), BASE));
		file = Files.readAllBytes(storage.file());
		assertThat(ByteBuffer.wrap(file).getLong(2 * 4096)).as("sequence number of the second save, in slot 1")
			.isEqualTo(2);
		assertThat(Arrays.copyOfRange(file, 4096, 4096 + slot.length)).as("slot 0 untouched").isEqualTo(slot);
	}

	@Test
	void laterSavesOverwriteTheSameFileInPlace() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		storage.save(STATE);
		Object fileKey = Files.readAttributes(storage.file(), BasicFileAttributes.class).fileKey();
		assumeTrue(fileKey != null, "needs file keys (inode numbers)");
		for (long term = 8; term < 12; term++) {
			PersistentState next = new PersistentState(term, (term % 2 == 0) ? "node-a" : null, STATE.log());
			storage.save(next);
			assertThat(Files.readAttributes(storage.file(), BasicFileAttributes.class).fileKey())
				.as("same file after saving term %d", term)
				.isEqualTo(fileKey);
			assertThat(new FileStorage(this.directory).load()).isEqualTo(next);
			assertThat(storage.load()).isEqualTo(next);
		}
		assertThat(fileNames()).containsExactly("raft-state.bin");
	}

	@Test
	void saveInterruptedAtAnyByteLeavesThePreviousStateLoadable() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		storage.save(STATE);
		PersistentState second = new PersistentState(8, "node-c", STATE.log());
		storage.save(second);
		byte[] beforeThird = Files.readAllBytes(storage.file());
		// The third save goes to slot 0; a crash tears it after some of its bytes.
		PersistentState third = new PersistentState(9, "node-a", STATE.log());
		storage.save(third);
		byte[] afterThird = Files.readAllBytes(storage.file());
		int slotLength = 8 + 4 + ByteBuffer.wrap(afterThird).getInt(4096 + 8) + 4;
		for (int written = 0; written <= slotLength; written++) {
			byte[] torn = beforeThird.clone();
			System.arraycopy(afterThird, 4096, torn, 4096, written);
			Files.write(storage.file(), torn);
			FileStorage restarted = new FileStorage(this.directory);
			// Complete once every byte that differs is written (the last bytes may happen to match the old ones).
			boolean complete = Arrays.equals(Arrays.copyOfRange(torn, 4096, 4096 + slotLength),
					Arrays.copyOfRange(afterThird, 4096, 4096 + slotLength));
			PersistentState expected = complete ? third : second;
			assertThat(restarted.load()).as("slot 0 torn after %d of %d bytes", written, slotLength)
				.isEqualTo(expected);
			PersistentState fourth = new PersistentState(10, null, STATE.log());
			restarted.save(fourth);
			assertThat(new FileStorage(this.directory).load()).isEqualTo(fourth);
			if (expected == second) {
				assertThat(Arrays.copyOfRange(Files.readAllBytes(storage.file()), 2 * 4096, 3 * 4096))
					.as("the newest complete state is kept until a newer one is complete")
					.isEqualTo(Arrays.copyOfRange(beforeThird, 2 * 4096, 3 * 4096));
			}
		}
	}

	@Test
	void stateThatOutgrowsItsSlotsMovesToANewFileWithLargerSlots() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		storage.save(STATE);
		List<LogEntry> log = new ArrayList<>();
		for (int i = 1; i <= 1000; i++) {
			log.add(new LogEntry(i, i, EntryType.NOOP));
		}
		PersistentState large = new PersistentState(1000, "node-b", log);
		storage.save(large);
		// 17 bytes per entry, twice over, rounded up to 4 KB
		assertThat(Files.size(storage.file())).isEqualTo(4096 + 2 * 36864);
		assertThat(new FileStorage(this.directory).load()).isEqualTo(large);
		PersistentState next = new PersistentState(1001, null, log);
		storage.save(next);
		assertThat(new FileStorage(this.directory).load()).isEqualTo(next);
		assertThat(fileNames()).containsExactly("raft-state.bin");
	}

	@Test
	void fileInTheEarlierFormatIsReadAndRewrittenInTheCurrentOneByTheNextSave() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		Files.write(storage.file(), withChecksum((out) -> {
			writeHeader(out);
			writeState(out);
		}));
		assertThat(storage.load()).isEqualTo(STATE);
		PersistentState next = new PersistentState(8, null, STATE.log());
		storage.save(next);
		assertThat(ByteBuffer.wrap(Files.readAllBytes(storage.file())).getInt(4)).isEqualTo(4);
		assertThat(new FileStorage(this.directory).load()).isEqualTo(next);
	}

	@Test
	void fileOfFormat3IsReadWithoutStickinessAndRewrittenInTheCurrentFormatByTheNextSave() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		Files.write(storage.file(), slotFile(3, bytes((out) -> writeFullState(out, false))));
		PersistentState withoutTiming = new PersistentState(7, "node-b", FULL_STATE.log().subList(0, 3), BASE);
		assertThat(storage.load()).isEqualTo(withoutTiming);
		assertThat(storage.load().stickinessMillis()).isZero();
		storage.save(FULL_STATE);
		assertThat(ByteBuffer.wrap(Files.readAllBytes(storage.file())).getInt(4)).isEqualTo(4);
		assertThat(new FileStorage(this.directory).load()).isEqualTo(FULL_STATE);
	}

	@Test
	void fileOfFormat3WithATimingEntryIsRejected() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		byte[] state = bytes((out) -> {
			out.writeLong(1);
			out.writeBoolean(false);
			out.writeBoolean(false);
			out.writeInt(1);
			out.writeLong(1);
			out.writeLong(1);
			out.writeByte(EntryType.TIMING.ordinal());
		});
		Files.write(storage.file(), slotFile(3, state));
		assertThatExceptionOfType(StorageException.class).isThrownBy(storage::load)
			.withMessageContaining("log entry 1 has unknown type 2");
	}

	@Test
	void fileOfFormat2IsReadWithoutABaseConfigurationAndRewrittenInTheCurrentFormatByTheNextSave() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		Files.write(storage.file(), format2File(bytes(FileStorageTests::writeState)));
		assertThat(storage.load()).isEqualTo(STATE);
		assertThat(storage.load().base()).isNull();
		PersistentState next = new PersistentState(8, null, STATE.log(), BASE);
		storage.save(next);
		assertThat(ByteBuffer.wrap(Files.readAllBytes(storage.file())).getInt(4)).isEqualTo(4);
		assertThat(new FileStorage(this.directory).load()).isEqualTo(next);
	}

	@Test
	void fileOfFormat2WithAnEntryTypeItCouldNotHoldIsRejected() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		byte[] state = bytes((out) -> {
			out.writeLong(1);
			out.writeBoolean(false);
			out.writeInt(1);
			out.writeLong(1);
			out.writeLong(1);
			out.writeByte(EntryType.CONFIG.ordinal());
		});
		Files.write(storage.file(), format2File(state));
		assertThatExceptionOfType(StorageException.class).isThrownBy(storage::load)
			.withMessageContaining("log entry 1 has unknown type 1");
	}

	@Test
	void invalidConfigurationIsRejectedWithWhatIsWrong() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		storage.save(PersistentState.formed(BASE));
		byte[] file = Files.readAllBytes(storage.file());
		// Blank out the cluster id and write a valid checksum, so that only the configuration is wrong.
		int length = ByteBuffer.wrap(file).getInt(4096 + 8);
		byte[] content = Arrays.copyOfRange(file, 4096 + 12, 4096 + 12 + length);
		// term 0 (8), no vote (1), base present (1), cluster id length (2) then "c1"
		content[8 + 1 + 1 + 2] = ' ';
		content[8 + 1 + 1 + 3] = ' ';
		byte[] slot = withChecksum((out) -> {
			out.writeLong(5);
			out.writeInt(content.length);
			out.write(content);
		});
		ByteBuffer.wrap(file).put(4096, slot);
		Files.write(storage.file(), file);
		assertThatExceptionOfType(StorageException.class).isThrownBy(() -> new FileStorage(this.directory).load())
			.withMessageContaining("the base configuration is invalid")
			.withMessageContaining("cluster id must not be blank");
	}

	@Test
	void garbageInTheSlotWithoutTheNewestStateIsIgnored() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		storage.save(STATE);
		byte[] file = Files.readAllBytes(storage.file());
		ByteBuffer.wrap(file).putLong(2 * 4096, 5).putInt(2 * 4096 + 8, 40);
		Files.write(storage.file(), file);
		assertThat(new FileStorage(this.directory).load()).isEqualTo(STATE);
	}

	@Test
	void fileWhoseSlotsWereNeverWrittenIsAClearError() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		storage.save(STATE);
		byte[] file = Files.readAllBytes(storage.file());
		Arrays.fill(file, 4096, file.length, (byte) 0);
		Files.write(storage.file(), file);
		assertThatExceptionOfType(StorageException.class).isThrownBy(storage::load)
			.withMessageContaining(storage.file().toAbsolutePath().toString())
			.withMessageContaining("neither of its slots holds a saved state");
	}

	@Test
	void saveReplacesPreviousStateAtomically() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		storage.save(STATE);
		PersistentState next = new PersistentState(9, null,
				List.of(new LogEntry(1, 1, EntryType.NOOP), new LogEntry(2, 9, EntryType.NOOP)));
		storage.save(next);
		assertThat(storage.load()).isEqualTo(next);
		assertThat(fileNames()).containsExactly("raft-state.bin");
	}

	@Test
	void stateSurvivesANewInstanceOnTheSameDirectory() {
		new FileStorage(this.directory).save(STATE);
		assertThat(new FileStorage(this.directory).load()).isEqualTo(STATE);
	}

	@Test
	void truncatedFileIsAClearErrorNamingTheFile() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		storage.save(STATE);
		byte[] saved = Files.readAllBytes(storage.file());
		for (int length = 0; length < saved.length; length += (length < 64) ? 1 : 61) {
			Files.write(storage.file(), Arrays.copyOf(saved, length));
			int truncatedTo = length;
			assertThatExceptionOfType(StorageException.class).as("file truncated to %d bytes", truncatedTo)
				.isThrownBy(storage::load)
				.withMessageContaining(storage.file().toAbsolutePath().toString())
				.withMessageContaining("truncated")
				.withMessageContaining("from a backup")
				.withMessageContaining("delete it");
		}
	}

	@Test
	void flippedByteIsDetectedByTheChecksums() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		storage.save(STATE);
		byte[] saved = Files.readAllBytes(storage.file());
		int slotLength = 8 + 4 + ByteBuffer.wrap(saved).getInt(4096 + 8) + 4;
		for (int position = 0; position < 4096 + slotLength; position = (position == 15) ? 4096 : position + 1) {
			for (int bit = 0; bit < 8; bit++) {
				byte[] corrupted = saved.clone();
				corrupted[position] ^= (byte) (1 << bit);
				Files.write(storage.file(), corrupted);
				assertThatExceptionOfType(StorageException.class)
					.as("bit %d of byte %d flipped", bit, position)
					.isThrownBy(storage::load)
					.withMessageContaining(storage.file().toAbsolutePath().toString());
			}
		}
		// Past the header's magic number and version, only the checksums can tell.
		byte[] corrupted = saved.clone();
		corrupted[4096 + 12] ^= 0x01;
		Files.write(storage.file(), corrupted);
		assertThatExceptionOfType(StorageException.class).isThrownBy(storage::load)
			.withMessageContaining("checksum of neither slot");
		corrupted = saved.clone();
		corrupted[9] ^= 0x01;
		Files.write(storage.file(), corrupted);
		assertThatExceptionOfType(StorageException.class).isThrownBy(storage::load)
			.withMessageContaining("checksum of its header");
	}

	@Test
	void bytesAfterTheLastSlotAreRejected() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		storage.save(STATE);
		byte[] saved = Files.readAllBytes(storage.file());
		Files.write(storage.file(), Arrays.copyOf(saved, saved.length + 1));
		assertThatExceptionOfType(StorageException.class).isThrownBy(storage::load)
			.withMessageContaining(storage.file().toAbsolutePath().toString())
			.withMessageContaining("unexpected bytes");
	}

	@Test
	void bytesAfterTheChecksumOfAFileInTheEarlierFormatAreRejected() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		byte[] version1 = withChecksum((out) -> {
			writeHeader(out);
			writeEmptyState(out);
		});
		Files.write(storage.file(), version1);
		assertThat(storage.load()).isEqualTo(PersistentState.empty());
		Files.write(storage.file(), Arrays.copyOf(version1, version1.length + 1));
		assertThatExceptionOfType(StorageException.class).isThrownBy(storage::load)
			.withMessageContaining(storage.file().toAbsolutePath().toString());
	}

	@Test
	void wrongMagicOrVersionIsRejected() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		Files.write(storage.file(), withChecksum((out) -> {
			out.writeInt(0x52414655);
			out.writeInt(1);
			writeEmptyState(out);
		}));
		assertThatExceptionOfType(StorageException.class).isThrownBy(storage::load)
			.withMessageContaining(storage.file().toAbsolutePath().toString())
			.withMessageContaining("magic")
			.withMessageContaining("not a Raft state file");
		Files.write(storage.file(), withChecksum((out) -> {
			out.writeInt(0x52414654);
			out.writeInt(5);
			writeEmptyState(out);
		}));
		assertThatExceptionOfType(StorageException.class).isThrownBy(storage::load)
			.withMessageContaining(storage.file().toAbsolutePath().toString())
			.withMessageContaining("format version is 5");
		Files.writeString(storage.file(), "{\"term\": 3}");
		assertThatExceptionOfType(StorageException.class).isThrownBy(storage::load)
			.withMessageContaining("magic");
	}

	@Test
	void rejectsHugeEntryCount() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		for (int count : new int[] { Integer.MAX_VALUE, 1_000_000, 2, -1, Integer.MIN_VALUE }) {
			Files.write(storage.file(), withChecksum((out) -> {
				writeHeader(out);
				out.writeLong(5);
				out.writeBoolean(false);
				out.writeInt(count);
				out.writeLong(1);
				out.writeLong(1);
				out.writeByte(EntryType.NOOP.ordinal());
			}));
			assertThatExceptionOfType(StorageException.class).as("entry count %d", count)
				.isThrownBy(storage::load)
				.withMessageContaining(storage.file().toAbsolutePath().toString())
				.withMessageContaining("claims " + count + " log entries");
		}
	}

	@Test
	void rejectsVoteLongerThanTheFile() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		Files.write(storage.file(), withChecksum((out) -> {
			writeHeader(out);
			out.writeLong(5);
			out.writeBoolean(true);
			out.writeShort(60_000);
			out.writeBytes("node-a");
		}));
		assertThatExceptionOfType(StorageException.class).isThrownBy(storage::load)
			.withMessageContaining(storage.file().toAbsolutePath().toString());
	}

	@Test
	void rejectsUnknownEntryType() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		Files.write(storage.file(), withChecksum((out) -> {
			writeHeader(out);
			out.writeLong(5);
			out.writeBoolean(false);
			out.writeInt(1);
			out.writeLong(1);
			out.writeLong(1);
			out.writeByte(EntryType.values().length);
		}));
		assertThatExceptionOfType(StorageException.class).isThrownBy(storage::load)
			.withMessageContaining(storage.file().toAbsolutePath().toString())
			.withMessageContaining("unknown type " + EntryType.values().length);
	}

	@Test
	void rejectsBytesAfterTheLastEntry() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		Files.write(storage.file(), withChecksum((out) -> {
			writeHeader(out);
			writeEmptyState(out);
			out.writeByte(0);
		}));
		assertThatExceptionOfType(StorageException.class).isThrownBy(storage::load)
			.withMessageContaining(storage.file().toAbsolutePath().toString())
			.withMessageContaining("1 unexpected bytes");
	}

	@Test
	void rejectsAnInvalidStateEvenWithAValidChecksum() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		Files.write(storage.file(), withChecksum((out) -> {
			writeHeader(out);
			out.writeLong(5);
			out.writeBoolean(false);
			out.writeInt(2);
			out.writeLong(1);
			out.writeLong(1);
			out.writeByte(EntryType.NOOP.ordinal());
			out.writeLong(3);
			out.writeLong(1);
			out.writeByte(EntryType.NOOP.ordinal());
		}));
		assertThatExceptionOfType(StorageException.class).isThrownBy(storage::load)
			.withMessageContaining(storage.file().toAbsolutePath().toString())
			.withMessageContaining("invalid state")
			.withMessageContaining("contiguous")
			.withCauseInstanceOf(IllegalArgumentException.class);
		Files.write(storage.file(), withChecksum((out) -> {
			writeHeader(out);
			out.writeLong(-1);
			out.writeBoolean(false);
			out.writeInt(0);
		}));
		assertThatExceptionOfType(StorageException.class).isThrownBy(storage::load)
			.withMessageContaining("invalid state")
			.withMessageContaining("Term must not be negative");
		Files.write(storage.file(), withChecksum((out) -> {
			writeHeader(out);
			out.writeLong(1);
			out.writeBoolean(true);
			out.writeUTF("");
			out.writeInt(0);
		}));
		assertThatExceptionOfType(StorageException.class).isThrownBy(storage::load)
			.withMessageContaining("invalid state")
			.withMessageContaining("votedFor");
	}

	@Test
	void rejectsATermAboveTwoToTheFiftyThirdEvenWithAValidChecksum() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		for (long term : new long[] { Message.MAX_VALUE + 1, Long.MAX_VALUE }) {
			Files.write(storage.file(), withChecksum((out) -> {
				writeHeader(out);
				out.writeLong(term);
				out.writeBoolean(false);
				out.writeInt(0);
			}));
			assertThatExceptionOfType(StorageException.class).isThrownBy(storage::load)
				.withMessageContaining(storage.file().toAbsolutePath().toString())
				.withMessageContaining("invalid state")
				.withMessageContaining("at most 2^53");
		}
	}

	@Test
	void leftoverTempFileFromAnInterruptedSaveIsIgnored() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		Path temp = this.directory.resolve("raft-state.bin.tmp");
		Files.write(temp, new byte[] { 0x52, 0x41, 0x46 });
		assertThat(storage.load()).isEqualTo(PersistentState.empty());
		storage.save(STATE);
		Files.write(temp, new byte[] { 0x52, 0x41, 0x46 });
		FileStorage restarted = new FileStorage(this.directory);
		assertThat(restarted.load()).isEqualTo(STATE);
		PersistentState next = new PersistentState(8, "node-c", STATE.log());
		restarted.save(next);
		assertThat(restarted.load()).isEqualTo(next);
		assertThat(fileNames()).containsExactly("raft-state.bin");
	}

	@Test
	void createsMissingDirectory() {
		Path nested = this.directory.resolve("data").resolve("raft");
		FileStorage storage = new FileStorage(nested);
		assertThat(nested).isDirectory();
		assertThat(storage.file()).isEqualTo(nested.resolve("raft-state.bin"));
		storage.save(STATE);
		assertThat(new FileStorage(nested).load()).isEqualTo(STATE);
	}

	@Test
	void directoryThatIsARegularFileIsAClearError() throws IOException {
		Path notADirectory = Files.writeString(this.directory.resolve("raft"), "not a directory");
		assertThatExceptionOfType(StorageException.class).isThrownBy(() -> new FileStorage(notADirectory))
			.withMessageContaining(notADirectory.toAbsolutePath().toString());
	}

	@Test
	void unwritableDirectoryIsAClearError() throws IOException {
		assumeTrue(Files.getFileAttributeView(this.directory, PosixFileAttributeView.class) != null,
				"needs POSIX permissions");
		Path readOnly = Files.createDirectory(this.directory.resolve("read-only"));
		Set<PosixFilePermission> original = Files.getPosixFilePermissions(readOnly);
		Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
		try {
			assumeFalse(Files.isWritable(readOnly), "permissions are not enforced for this user (root?)");
			assertThatExceptionOfType(StorageException.class).isThrownBy(() -> new FileStorage(readOnly))
				.withMessageContaining(readOnly.toAbsolutePath().toString())
				.withMessageContaining("not writable");
			Path below = readOnly.resolve("raft");
			assertThatExceptionOfType(StorageException.class).isThrownBy(() -> new FileStorage(below))
				.withMessageContaining(below.toAbsolutePath().toString());
		}
		finally {
			Files.setPosixFilePermissions(readOnly, original);
		}
	}

	@Test
	void failedSaveIsAClearErrorNamingTheFileAndKeepsNoTempFile() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		// A non-empty directory in the way of the state file makes the rename fail, even for root.
		Files.createDirectories(storage.file().resolve("blocker"));
		assertThatExceptionOfType(StorageException.class).isThrownBy(() -> storage.save(STATE))
			.withMessageContaining(storage.file().toAbsolutePath().toString());
		assertThat(this.directory.resolve("raft-state.bin.tmp")).doesNotExist();
		assertThatExceptionOfType(StorageException.class).isThrownBy(storage::load)
			.withMessageContaining(storage.file().toAbsolutePath().toString());
	}

	private List<String> fileNames() throws IOException {
		try (Stream<Path> files = Files.list(this.directory)) {
			return files.map((path) -> path.getFileName().toString()).toList();
		}
	}

	private static void writeHeader(DataOutputStream out) throws IOException {
		out.writeInt(0x52414654);
		out.writeInt(1);
	}

	/** {@link #STATE} as a file of either format holds it. */
	private static void writeState(DataOutputStream out) throws IOException {
		out.writeLong(7);
		out.writeBoolean(true);
		out.writeUTF("node-b");
		out.writeInt(3);
		for (long[] entry : new long[][] { { 1, 1 }, { 2, 3 }, { 3, 7 } }) {
			out.writeLong(entry[0]);
			out.writeLong(entry[1]);
			out.writeByte(EntryType.NOOP.ordinal());
		}
	}

	/** A file of format 2 whose slot 0 holds {@code state}, encoded as format 2 did. */
	private static byte[] format2File(byte[] state) {
		return slotFile(2, state);
	}

	/** A file of a format with slots ({@code version} 2 or later) whose slot 0 holds {@code state}. */
	private static byte[] slotFile(int version, byte[] state) {
		byte[] slot = withChecksum((out) -> {
			out.writeLong(1);
			out.writeInt(state.length);
			out.write(state);
		});
		ByteBuffer file = ByteBuffer.allocate(3 * 4096).putInt(0x52414654).putInt(version).putInt(4096);
		file.putInt(crc(file.array(), 0, 12));
		file.put(4096, slot);
		return file.array();
	}

	/** {@link #FULL_STATE} as a file of the current format holds it. */
	private static void writeFullState(DataOutputStream out) throws IOException {
		writeFullState(out, true);
	}

	/** {@link #FULL_STATE} as format 4 holds it, or without its stickiness and timing entry as format 3 did. */
	private static void writeFullState(DataOutputStream out, boolean format4) throws IOException {
		out.writeLong(7);
		out.writeBoolean(true);
		out.writeUTF("node-b");
		out.writeBoolean(true);
		writeMembership(out, "c1", List.of("node-a", "node-b"), List.of(), List.of(),
				List.of("node-a", "http://a:8080", "node-b", "http://b:8080"));
		if (format4) {
			out.writeLong(300);
		}
		out.writeInt(format4 ? 4 : 3);
		out.writeLong(1);
		out.writeLong(1);
		out.writeByte(EntryType.NOOP.ordinal());
		out.writeLong(2);
		out.writeLong(3);
		out.writeByte(EntryType.CONFIG.ordinal());
		writeMembership(out, "c1", List.of("node-a", "node-b", "node-c"), List.of("node-a", "node-b"),
				List.of("node-d"), List.of("node-a", "http://a:8080", "node-b", "http://b:8080", "node-c",
						"http://c:8080", "node-d", "http://d:8080"));
		out.writeLong(3);
		out.writeLong(7);
		out.writeByte(EntryType.NOOP.ordinal());
		if (format4) {
			out.writeLong(4);
			out.writeLong(7);
			out.writeByte(EntryType.TIMING.ordinal());
			out.writeLong(300);
			out.writeLong(600);
			out.writeLong(100);
			out.writeInt(1);
			out.writeUTF("widened after 2 lease lapses within 30 s");
		}
	}

	private static void writeMembership(DataOutputStream out, String clusterId, List<String> voters,
			List<String> outgoing, List<String> learners, List<String> addressPairs) throws IOException {
		out.writeUTF(clusterId);
		for (List<String> ids : List.of(voters, outgoing, learners)) {
			out.writeInt(ids.size());
			for (String id : ids) {
				out.writeUTF(id);
			}
		}
		out.writeInt(addressPairs.size() / 2);
		for (String text : addressPairs) {
			out.writeUTF(text);
		}
	}

	private static void writeEmptyState(DataOutputStream out) throws IOException {
		out.writeLong(0);
		out.writeBoolean(false);
		out.writeInt(0);
	}

	/** The content followed by its CRC32C, as in format 1 files and in slots. */
	private static byte[] withChecksum(Content content) {
		byte[] bytes = bytes(content);
		return ByteBuffer.allocate(bytes.length + 4).put(bytes).putInt(crc(bytes, 0, bytes.length)).array();
	}

	private static byte[] bytes(Content content) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (DataOutputStream out = new DataOutputStream(bytes)) {
			content.writeTo(out);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

	private static int crc(byte[] bytes, int offset, int length) {
		CRC32C crc = new CRC32C();
		crc.update(bytes, offset, length);
		return (int) crc.getValue();
	}

	@FunctionalInterface
	private interface Content {

		void writeTo(DataOutputStream out) throws IOException;

	}

}
