package io.github.raftboot.core;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
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
	void fileFormatIsAsDocumented() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		storage.save(STATE);
		byte[] expected = withChecksum((out) -> {
			out.writeInt(0x52414654);
			out.writeInt(1);
			out.writeLong(7);
			out.writeBoolean(true);
			out.writeUTF("node-b");
			out.writeInt(3);
			for (long[] entry : new long[][] { { 1, 1 }, { 2, 3 }, { 3, 7 } }) {
				out.writeLong(entry[0]);
				out.writeLong(entry[1]);
				out.writeByte(EntryType.NOOP.ordinal());
			}
		});
		assertThat(Files.readAllBytes(storage.file())).isEqualTo(expected);
		assertThat(new String(expected, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RAFT");
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
		for (int length = 0; length < saved.length; length++) {
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
	void flippedByteIsDetectedByTheChecksum() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		storage.save(STATE);
		byte[] saved = Files.readAllBytes(storage.file());
		for (int position = 0; position < saved.length; position++) {
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
		// Past the magic number and version, only the checksum can tell.
		byte[] corrupted = saved.clone();
		corrupted[12] ^= 0x01;
		Files.write(storage.file(), corrupted);
		assertThatExceptionOfType(StorageException.class).isThrownBy(storage::load)
			.withMessageContaining("checksum");
	}

	@Test
	void bytesAfterTheChecksumAreRejected() throws IOException {
		FileStorage storage = new FileStorage(this.directory);
		storage.save(STATE);
		byte[] saved = Files.readAllBytes(storage.file());
		Files.write(storage.file(), Arrays.copyOf(saved, saved.length + 1));
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
			out.writeInt(2);
			writeEmptyState(out);
		}));
		assertThatExceptionOfType(StorageException.class).isThrownBy(storage::load)
			.withMessageContaining(storage.file().toAbsolutePath().toString())
			.withMessageContaining("format version is 2");
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

	private static void writeEmptyState(DataOutputStream out) throws IOException {
		out.writeLong(0);
		out.writeBoolean(false);
		out.writeInt(0);
	}

	private static byte[] withChecksum(Content content) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (DataOutputStream out = new DataOutputStream(bytes)) {
			content.writeTo(out);
			out.flush();
			CRC32C crc = new CRC32C();
			crc.update(bytes.toByteArray());
			out.writeInt((int) crc.getValue());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

	@FunctionalInterface
	private interface Content {

		void writeTo(DataOutputStream out) throws IOException;

	}

}
