package io.github.raftboot.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.CRC32C;

import org.jspecify.annotations.Nullable;

/**
 * A {@link RaftStorage} that keeps the state in one file, {@value #FILE_NAME}, in a directory.
 *
 * <p>{@link #save(PersistentState)} writes the whole state to {@value #TEMP_FILE_NAME} in the
 * same directory, forces it to disk, renames it atomically over {@value #FILE_NAME} and then
 * forces the directory, so after a crash the file holds either the new state or the previous
 * one. A temporary file left by an interrupted save is ignored by {@link #load()} and overwritten
 * by the next save.
 *
 * <p>{@link #load()} never silently resets a node: a file that is truncated, corrupt, of an
 * unknown format or that holds an invalid state is a {@link StorageException} that names the
 * file, says what is wrong and what an operator can do about it.
 *
 * <h2>File format</h2>
 * All numbers are big-endian, as written by {@link DataOutputStream}:
 * <ol>
 * <li>magic, {@code int} {@code 0x52414654} ({@code "RAFT"} in ASCII)</li>
 * <li>format version, {@code int} {@code 1}</li>
 * <li>current term, {@code long}</li>
 * <li>vote: {@code boolean} {@code true} if the node voted in the current term, then the member
 * id voted for in {@link DataOutputStream#writeUTF(String) modified UTF-8}; {@code false} and
 * nothing else if it did not</li>
 * <li>entry count, {@code int}</li>
 * <li>each entry: index {@code long}, term {@code long}, type {@code byte} (the ordinal of the
 * {@link EntryType})</li>
 * <li>a CRC32C checksum, {@code int}, of all the preceding bytes</li>
 * </ol>
 * Nothing may follow the checksum.
 */
public final class FileStorage implements RaftStorage {

	/** Name of the file that holds the state. */
	public static final String FILE_NAME = "raft-state.bin";

	/** Name of the temporary file a save writes before renaming it to {@link #FILE_NAME}. */
	public static final String TEMP_FILE_NAME = FILE_NAME + ".tmp";

	static final int MAGIC = 0x52414654;

	static final int VERSION = 1;

	private static final int HEADER_BYTES = Integer.BYTES + Integer.BYTES;

	private static final int CHECKSUM_BYTES = Integer.BYTES;

	private static final int ENTRY_BYTES = Long.BYTES + Long.BYTES + Byte.BYTES;

	/** Larger files cannot be read into one array, and are far beyond any real log. */
	private static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

	private static final EntryType[] ENTRY_TYPES = EntryType.values();

	private static final String WHAT_TO_DO = "Restore it from a backup of this node, or delete it to rejoin "
			+ "the cluster as a fresh member: this node then forgets its vote and log, which is safe only "
			+ "if the node is removed from and re-added to the cluster, since otherwise it may vote twice "
			+ "in one term.";

	private final Path directory;

	private final Path file;

	private final Path tempFile;

	/**
	 * Creates a storage that keeps its state in {@value #FILE_NAME} in the given directory.
	 * @param directory the directory of the state file, created if missing
	 * @throws StorageException if the directory cannot be created or is not writable
	 */
	public FileStorage(Path directory) {
		Objects.requireNonNull(directory, "directory");
		try {
			Files.createDirectories(directory);
		}
		catch (IOException ex) {
			throw new StorageException("Cannot create the Raft state directory " + directory.toAbsolutePath()
					+ " (" + ex + "): create it, or configure a directory this process can create", ex);
		}
		if (!Files.isWritable(directory)) {
			throw new StorageException("The Raft state directory " + directory.toAbsolutePath()
					+ " is not writable: grant this process write access to it, or configure another directory");
		}
		this.directory = directory;
		this.file = directory.resolve(FILE_NAME);
		this.tempFile = directory.resolve(TEMP_FILE_NAME);
	}

	/** The file that holds the state. */
	public Path file() {
		return this.file;
	}

	@Override
	public synchronized PersistentState load() {
		byte[] bytes;
		try {
			long size = Files.size(this.file);
			if (size > MAX_FILE_BYTES) {
				throw corrupt("it is " + size + " bytes long, far more than a Raft state file can be");
			}
			bytes = Files.readAllBytes(this.file);
		}
		catch (NoSuchFileException ex) {
			return PersistentState.empty();
		}
		catch (IOException ex) {
			throw new StorageException("Cannot read the Raft state file " + this.file.toAbsolutePath() + ": " + ex,
					ex);
		}
		return decode(bytes);
	}

	@Override
	public synchronized void save(PersistentState state) {
		Objects.requireNonNull(state, "state");
		byte[] bytes = encode(state);
		try {
			try (FileChannel channel = FileChannel.open(this.tempFile, StandardOpenOption.CREATE,
					StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
				ByteBuffer buffer = ByteBuffer.wrap(bytes);
				while (buffer.hasRemaining()) {
					channel.write(buffer);
				}
				channel.force(true);
			}
			Files.move(this.tempFile, this.file, StandardCopyOption.ATOMIC_MOVE,
					StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			deleteTempFileQuietly(ex);
			throw new StorageException("Cannot save the Raft state to " + this.file.toAbsolutePath() + ": " + ex, ex);
		}
		forceDirectory();
	}

	private void forceDirectory() {
		try (FileChannel channel = FileChannel.open(this.directory, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			if (!directoryForceUnsupported()) {
				throw new StorageException("Saved the Raft state to " + this.file.toAbsolutePath()
						+ " but could not force its directory to disk, so the save may not survive a crash: " + ex,
						ex);
			}
		}
	}

	private static boolean directoryForceUnsupported() {
		// Windows cannot open a directory as a FileChannel, so there its entry cannot be forced.
		return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
	}

	private void deleteTempFileQuietly(IOException failure) {
		try {
			Files.deleteIfExists(this.tempFile);
		}
		catch (IOException ex) {
			failure.addSuppressed(ex);
		}
	}

	private byte[] encode(PersistentState state) {
		long expectedSize = HEADER_BYTES + 64L + (long) state.log().size() * ENTRY_BYTES + CHECKSUM_BYTES;
		ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(expectedSize, MAX_FILE_BYTES));
		try (DataOutputStream out = new DataOutputStream(bytes)) {
			out.writeInt(MAGIC);
			out.writeInt(VERSION);
			out.writeLong(state.term());
			@Nullable String votedFor = state.votedFor();
			out.writeBoolean(votedFor != null);
			if (votedFor != null) {
				out.writeUTF(votedFor);
			}
			out.writeInt(state.log().size());
			for (LogEntry entry : state.log()) {
				out.writeLong(entry.index());
				out.writeLong(entry.term());
				out.writeByte(entry.type().ordinal());
			}
			out.flush();
			out.writeInt(checksum(bytes.toByteArray(), bytes.size()));
		}
		catch (UTFDataFormatException ex) {
			throw new StorageException("Cannot save the Raft state to " + this.file.toAbsolutePath()
					+ ": the member id voted for is too long to store", ex);
		}
		catch (IOException ex) {
			// A ByteArrayOutputStream does not throw.
			throw new StorageException("Cannot encode the Raft state for " + this.file.toAbsolutePath(), ex);
		}
		return bytes.toByteArray();
	}

	private PersistentState decode(byte[] bytes) {
		if (bytes.length < HEADER_BYTES) {
			throw corrupt("it is truncated: only " + bytes.length + " bytes, too short for its header");
		}
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		int magic = buffer.getInt();
		if (magic != MAGIC) {
			throw corrupt("it does not start with the Raft state magic number 0x" + Integer.toHexString(MAGIC)
					+ " but with 0x" + Integer.toHexString(magic) + ", so it is not a Raft state file");
		}
		int version = buffer.getInt();
		if (version != VERSION) {
			throw corrupt("its format version is " + version + " but this version of raft-core reads only format "
					+ "version " + VERSION);
		}
		if (bytes.length < HEADER_BYTES + CHECKSUM_BYTES) {
			throw corrupt("it is truncated: only " + bytes.length + " bytes, too short for its checksum");
		}
		int contentLength = bytes.length - CHECKSUM_BYTES;
		if (buffer.getInt(contentLength) != checksum(bytes, contentLength)) {
			throw corrupt("its checksum does not match its content of " + bytes.length
					+ " bytes, so it is truncated or corrupt");
		}
		DataInputStream in = new DataInputStream(
				new ByteArrayInputStream(bytes, HEADER_BYTES, contentLength - HEADER_BYTES));
		try {
			return decodeContent(in);
		}
		catch (EOFException ex) {
			throw corrupt("its content ends before what its counts and lengths announce", ex);
		}
		catch (UTFDataFormatException ex) {
			throw corrupt("the member id voted for is not valid modified UTF-8", ex);
		}
		catch (IOException ex) {
			// A ByteArrayInputStream throws nothing else.
			throw corrupt("it cannot be decoded: " + ex, ex);
		}
		catch (IllegalArgumentException ex) {
			throw corrupt("it holds an invalid state: " + ex.getMessage(), ex);
		}
	}

	private PersistentState decodeContent(DataInputStream in) throws IOException {
		long term = in.readLong();
		boolean voted = in.readBoolean();
		@Nullable String votedFor = voted ? in.readUTF() : null;
		int count = in.readInt();
		// On a ByteArrayInputStream, available() is exactly what is left of the content.
		int remaining = in.available();
		if (count < 0 || count > remaining / ENTRY_BYTES) {
			throw corrupt("it claims " + count + " log entries, but only " + remaining
					+ " bytes remain before its checksum, enough for at most " + (remaining / ENTRY_BYTES));
		}
		List<LogEntry> log = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			long index = in.readLong();
			long entryTerm = in.readLong();
			int ordinal = in.readUnsignedByte();
			if (ordinal >= ENTRY_TYPES.length) {
				throw corrupt("log entry " + index + " has unknown type " + ordinal);
			}
			log.add(new LogEntry(index, entryTerm, ENTRY_TYPES[ordinal]));
		}
		int trailing = in.available();
		if (trailing != 0) {
			throw corrupt("it has " + trailing + " unexpected bytes after its last log entry");
		}
		return new PersistentState(term, votedFor, log);
	}

	private static int checksum(byte[] bytes, int length) {
		CRC32C crc = new CRC32C();
		crc.update(bytes, 0, length);
		return (int) crc.getValue();
	}

	private StorageException corrupt(String problem) {
		return new StorageException(corruptMessage(problem));
	}

	private StorageException corrupt(String problem, Throwable cause) {
		return new StorageException(corruptMessage(problem), cause);
	}

	private String corruptMessage(String problem) {
		return "The Raft state file " + this.file.toAbsolutePath() + " cannot be used: " + problem + ". "
				+ WHAT_TO_DO;
	}

}
