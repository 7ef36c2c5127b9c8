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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.CRC32C;

import org.jspecify.annotations.Nullable;

/**
 * A {@link RaftStorage} that keeps the state in one file, {@value #FILE_NAME}, in a directory.
 *
 * <p>The file holds two slots, each large enough for a whole state, and every save goes to the
 * slot that does not hold the newest state, with a sequence number one above it. A save
 * overwrites that slot in place and forces only the file's data to disk ({@code fdatasync}): the
 * file keeps its size and place, so no directory entry, size or allocation changes and the file
 * system need not commit its journal. That is what makes a save cheap enough to sit between
 * receiving a vote request and answering it. {@link #load()} takes the valid slot with the higher
 * sequence number, so after a crash in the middle of a save the file holds either the new state
 * or the previous one: a slot whose checksum fails is the save that was interrupted.
 *
 * <p>Only when the file does not exist yet, or the state has outgrown its slots, does a save
 * write a new file with larger slots to {@value #TEMP_FILE_NAME}, force it to disk, rename it
 * atomically over {@value #FILE_NAME} and force the directory. A temporary file left by an
 * interrupted save is never read: {@link #load()} deletes it. Files in the earlier formats are
 * read: format 1 (one state, always replaced by renaming), format 2 (the slots of format 4, with
 * states that predate configurations in the log) and format 3 (states that predate timing in the
 * log and the recorded stickiness); the next save rewrites them in format 4.
 *
 * <p>{@link #load()} never silently resets a node: a file that is truncated, corrupt, of an
 * unknown format, that has no valid slot or whose newest slot holds an invalid state is a
 * {@link StorageException} that names the file, says what is wrong and what an operator can do
 * about it.
 *
 * <h2>File format</h2>
 * All numbers are big-endian, as written by {@link DataOutputStream}.
 * <ol>
 * <li>Header, {@value #BLOCK_BYTES} bytes: magic {@code int} {@code 0x52414654} ({@code "RAFT"}
 * in ASCII), format version {@code int} {@code 4}, slot size {@code int} (a multiple of
 * {@value #BLOCK_BYTES}), a CRC32C checksum {@code int} of those three, zeros.</li>
 * <li>Slot 0 and slot 1, slot size bytes each, so the file is exactly {@value #BLOCK_BYTES} + 2 ×
 * slot size bytes long. A slot holds a sequence number {@code long} ({@code 0}: never written),
 * the length {@code int} of the state that follows, the state, a CRC32C checksum {@code int} of
 * the sequence number, length and state; whatever follows in the slot is ignored.</li>
 * <li>The state: current term {@code long}; vote: {@code boolean} {@code true} if the node voted
 * in the current term, then the member id voted for in
 * {@link DataOutputStream#writeUTF(String) modified UTF-8}, {@code false} and nothing else if it
 * did not; base configuration: {@code boolean} {@code true} and a membership if there is one,
 * {@code false} if not; stickiness in milliseconds {@code long}; entry count {@code int}; each
 * entry: index {@code long}, term {@code long}, type {@code byte} (the ordinal of the
 * {@link EntryType}), for a {@link EntryType#CONFIG} entry its membership, and for a
 * {@link EntryType#TIMING} entry its minimum and maximum election timeout and heartbeat interval
 * in milliseconds ({@code long} each), its level ({@code int}) and its reason (modified UTF-8).</li>
 * <li>A membership: cluster id (modified UTF-8), then the voters, the outgoing voters and the
 * learners, each as a count {@code int} and that many ids (modified UTF-8), then the addresses
 * as a count {@code int} and that many pairs of id and address (modified UTF-8).</li>
 * </ol>
 * Format 3 had neither the stickiness nor timing entries. Format 2 had the same header and slots, and states without the base configuration, whose
 * entries were all {@link EntryType#NOOP}. Format 1 was magic, version {@code 1}, the state of
 * format 2 and a CRC32C checksum of all of them, with nothing after the checksum.
 */
public final class FileStorage implements RaftStorage {

	/** Name of the file that holds the state. */
	public static final String FILE_NAME = "raft-state.bin";

	/** Name of the temporary file a save writes before renaming it to {@link #FILE_NAME}. */
	public static final String TEMP_FILE_NAME = FILE_NAME + ".tmp";

	static final int MAGIC = 0x52414654;

	/** The format this class writes. */
	static final int VERSION = 4;

	/** The first format, still read. */
	static final int VERSION_1 = 1;

	/** The format before configurations were part of the state, still read. */
	static final int VERSION_2 = 2;

	/** The format before timing was part of the state, still read. */
	static final int VERSION_3 = 3;

	/** Size of the header, and the unit of the slot size, so that slots start on a page. */
	static final int BLOCK_BYTES = 4096;

	private static final int HEADER_BYTES = Integer.BYTES + Integer.BYTES;

	private static final int CHECKSUM_BYTES = Integer.BYTES;

	private static final int SLOT_OVERHEAD_BYTES = Long.BYTES + Integer.BYTES + CHECKSUM_BYTES;

	private static final int ENTRY_BYTES = Long.BYTES + Long.BYTES + Byte.BYTES;

	/** Larger files cannot be read into one array, and are far beyond any real log. */
	private static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

	/** Slots of this size keep the file below {@link #MAX_FILE_BYTES}. */
	private static final int MAX_SLOT_BYTES = (int) ((MAX_FILE_BYTES - BLOCK_BYTES) / 2 / BLOCK_BYTES * BLOCK_BYTES);

	private static final EntryType[] ENTRY_TYPES = EntryType.values();

	private static final String WHAT_TO_DO = "Restore it from a backup of this node, or delete it to rejoin "
			+ "the cluster as a fresh member: this node then forgets its vote and log, which is safe only "
			+ "if the node is removed from and re-added to the cluster, since otherwise it may vote twice "
			+ "in one term.";

	private final Path directory;

	private final Path file;

	private final Path tempFile;

	/** The layout of the file as this instance last read or wrote it; {@code null} if unknown. */
	private @Nullable Layout layout;

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
		this.layout = null;
		deleteLeftoverTempFile();
		byte[] bytes = readFile();
		if (bytes == null) {
			return PersistentState.empty();
		}
		Decoded decoded = decode(bytes);
		this.layout = decoded.layout();
		return decoded.state();
	}

	private void deleteLeftoverTempFile() {
		try {
			Files.deleteIfExists(this.tempFile);
		}
		catch (IOException ex) {
			// Harmless: it is never read, and the next save that writes a new file replaces it.
		}
	}

	private byte @Nullable [] readFile() {
		try {
			long size = Files.size(this.file);
			if (size > MAX_FILE_BYTES) {
				throw corrupt("it is " + size + " bytes long, far more than a Raft state file can be");
			}
			return Files.readAllBytes(this.file);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			throw new StorageException("Cannot read the Raft state file " + this.file.toAbsolutePath() + ": " + ex,
					ex);
		}
	}

	@Override
	public synchronized void save(PersistentState state) {
		Objects.requireNonNull(state, "state");
		byte[] content = encodeState(state);
		Layout current = currentLayout();
		long sequence = (current != null) ? current.sequence() + 1 : 1;
		byte[] slot = encodeSlot(sequence, content);
		if (current != null && current.version() == VERSION && slot.length <= current.slotBytes()) {
			int target = 1 - current.newestSlot();
			writeInPlace(BLOCK_BYTES + (long) target * current.slotBytes(), slot);
			this.layout = new Layout(VERSION, current.slotBytes(), target, sequence);
		}
		else {
			replaceFile(slot, sequence);
		}
	}

	/**
	 * The layout of the file, read from it if this instance has not read or written it yet, or
	 * {@code null} if the next save must write a new file: there is none, it is in format 1, or it
	 * cannot be used. A layout of an earlier format than {@link #VERSION} also makes the next
	 * save write a new file.
	 */
	private @Nullable Layout currentLayout() {
		if (this.layout == null) {
			try {
				byte[] bytes = readFile();
				this.layout = (bytes != null) ? decode(bytes).layout() : null;
			}
			catch (StorageException ex) {
				// Unreadable or corrupt: a save replaces it, as a save always has.
				this.layout = null;
			}
		}
		return this.layout;
	}

	private void writeInPlace(long position, byte[] slot) {
		try (FileChannel channel = FileChannel.open(this.file, StandardOpenOption.WRITE)) {
			ByteBuffer buffer = ByteBuffer.wrap(slot);
			while (buffer.hasRemaining()) {
				channel.write(buffer, position + buffer.position());
			}
			// The file keeps its size and blocks: its data is all there is to force.
			channel.force(false);
		}
		catch (IOException ex) {
			// The slot may be half written; the other one still holds the newest state.
			this.layout = null;
			throw new StorageException("Cannot save the Raft state to " + this.file.toAbsolutePath() + ": " + ex, ex);
		}
	}

	private void replaceFile(byte[] slot, long sequence) {
		int slotBytes = slotSizeFor(slot.length);
		byte[] bytes = new byte[BLOCK_BYTES + 2 * slotBytes];
		ByteBuffer header = ByteBuffer.wrap(bytes);
		header.putInt(MAGIC).putInt(VERSION).putInt(slotBytes);
		header.putInt(checksum(bytes, 0, 3 * Integer.BYTES));
		System.arraycopy(slot, 0, bytes, BLOCK_BYTES, slot.length);
		this.layout = null;
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
		this.layout = new Layout(VERSION, slotBytes, 0, sequence);
	}

	/** Room for twice the state, so that the slots are not outgrown at every new term. */
	private int slotSizeFor(int slotLength) {
		long wanted = Math.max(BLOCK_BYTES, 2L * slotLength);
		long rounded = (wanted + BLOCK_BYTES - 1) / BLOCK_BYTES * BLOCK_BYTES;
		if (rounded > MAX_SLOT_BYTES) {
			if (slotLength > MAX_SLOT_BYTES) {
				throw new StorageException("Cannot save the Raft state to " + this.file.toAbsolutePath()
						+ ": it is " + slotLength + " bytes long, more than a state file can hold");
			}
			return MAX_SLOT_BYTES;
		}
		return (int) rounded;
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

	private byte[] encodeState(PersistentState state) {
		long expectedSize = 64L + (long) state.log().size() * ENTRY_BYTES;
		ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(expectedSize, MAX_FILE_BYTES));
		try (DataOutputStream out = new DataOutputStream(bytes)) {
			out.writeLong(state.term());
			@Nullable String votedFor = state.votedFor();
			out.writeBoolean(votedFor != null);
			if (votedFor != null) {
				out.writeUTF(votedFor);
			}
			Membership base = state.base();
			out.writeBoolean(base != null);
			if (base != null) {
				writeMembership(out, base);
			}
			out.writeLong(state.stickinessMillis());
			out.writeInt(state.log().size());
			for (LogEntry entry : state.log()) {
				out.writeLong(entry.index());
				out.writeLong(entry.term());
				out.writeByte(entry.type().ordinal());
				Membership membership = entry.membership();
				if (membership != null) {
					writeMembership(out, membership);
				}
				Timing timing = entry.timing();
				if (timing != null) {
					out.writeLong(timing.electionTimeoutMinMillis());
					out.writeLong(timing.electionTimeoutMaxMillis());
					out.writeLong(timing.heartbeatIntervalMillis());
					out.writeInt(timing.level());
					out.writeUTF(timing.reason());
				}
			}
		}
		catch (UTFDataFormatException ex) {
			throw new StorageException("Cannot save the Raft state to " + this.file.toAbsolutePath()
					+ ": a member id or address is too long to store", ex);
		}
		catch (IOException ex) {
			// A ByteArrayOutputStream does not throw.
			throw new StorageException("Cannot encode the Raft state for " + this.file.toAbsolutePath(), ex);
		}
		return bytes.toByteArray();
	}

	private static void writeMembership(DataOutputStream out, Membership membership) throws IOException {
		out.writeUTF(membership.clusterId());
		writeIds(out, membership.voters());
		writeIds(out, membership.outgoingVoters());
		writeIds(out, membership.learners());
		out.writeInt(membership.addresses().size());
		for (Map.Entry<String, String> address : membership.addresses().entrySet()) {
			out.writeUTF(address.getKey());
			out.writeUTF(address.getValue());
		}
	}

	private static void writeIds(DataOutputStream out, Set<String> ids) throws IOException {
		out.writeInt(ids.size());
		for (String id : ids) {
			out.writeUTF(id);
		}
	}

	private byte[] encodeSlot(long sequence, byte[] content) {
		if (content.length > MAX_SLOT_BYTES - SLOT_OVERHEAD_BYTES) {
			throw new StorageException("Cannot save the Raft state to " + this.file.toAbsolutePath() + ": it is "
					+ content.length + " bytes long, more than a state file can hold");
		}
		byte[] slot = new byte[SLOT_OVERHEAD_BYTES + content.length];
		ByteBuffer buffer = ByteBuffer.wrap(slot);
		buffer.putLong(sequence).putInt(content.length).put(content);
		buffer.putInt(checksum(slot, 0, slot.length - CHECKSUM_BYTES));
		return slot;
	}

	private Decoded decode(byte[] bytes) {
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
		if (version == VERSION_1) {
			return new Decoded(decodeVersion1(bytes), null);
		}
		if (version != VERSION_2 && version != VERSION_3 && version != VERSION) {
			throw corrupt("its format version is " + version + " but this version of raft-core reads only format "
					+ "versions " + VERSION_1 + " to " + VERSION);
		}
		return decodeSlots(bytes, buffer, version);
	}

	private PersistentState decodeVersion1(byte[] bytes) {
		if (bytes.length < HEADER_BYTES + CHECKSUM_BYTES) {
			throw corrupt("it is truncated: only " + bytes.length + " bytes, too short for its checksum");
		}
		int contentLength = bytes.length - CHECKSUM_BYTES;
		if (ByteBuffer.wrap(bytes).getInt(contentLength) != checksum(bytes, 0, contentLength)) {
			throw corrupt("its checksum does not match its content of " + bytes.length
					+ " bytes, so it is truncated or corrupt");
		}
		return decodeState(bytes, HEADER_BYTES, contentLength - HEADER_BYTES, VERSION_1);
	}

	private Decoded decodeSlots(byte[] bytes, ByteBuffer buffer, int version) {
		if (bytes.length < BLOCK_BYTES) {
			throw corrupt("it is truncated: only " + bytes.length + " bytes, too short for its header of "
					+ BLOCK_BYTES + " bytes");
		}
		int slotBytes = buffer.getInt();
		if (buffer.getInt() != checksum(bytes, 0, 3 * Integer.BYTES)) {
			throw corrupt("the checksum of its header does not match, so the header is corrupt");
		}
		if (slotBytes < BLOCK_BYTES || slotBytes % BLOCK_BYTES != 0 || slotBytes > MAX_SLOT_BYTES) {
			throw corrupt("its header announces slots of " + slotBytes + " bytes, which is not a multiple of "
					+ BLOCK_BYTES + " from " + BLOCK_BYTES + " to " + MAX_SLOT_BYTES);
		}
		long expectedLength = BLOCK_BYTES + 2L * slotBytes;
		if (bytes.length < expectedLength) {
			throw corrupt("it is truncated: " + bytes.length + " bytes instead of the " + expectedLength
					+ " its header announces");
		}
		if (bytes.length > expectedLength) {
			throw corrupt("it has " + (bytes.length - expectedLength) + " unexpected bytes after its second slot");
		}
		int newest = -1;
		long newestSequence = 0;
		int written = 0;
		for (int slot = 0; slot < 2; slot++) {
			int offset = BLOCK_BYTES + slot * slotBytes;
			long sequence = buffer.getLong(offset);
			if (sequence == 0) {
				continue;
			}
			written++;
			int length = buffer.getInt(offset + Long.BYTES);
			if (length < 0 || length > slotBytes - SLOT_OVERHEAD_BYTES) {
				continue;
			}
			int checked = Long.BYTES + Integer.BYTES + length;
			if (buffer.getInt(offset + checked) != checksum(bytes, offset, checked)) {
				// The save that was interrupted: the other slot holds the state before it.
				continue;
			}
			if (newest < 0 || sequence > newestSequence) {
				newest = slot;
				newestSequence = sequence;
			}
		}
		if (newest < 0) {
			throw corrupt((written == 0) ? "neither of its slots holds a saved state"
					: "the checksum of neither slot matches its content, so it is truncated or corrupt");
		}
		int offset = BLOCK_BYTES + newest * slotBytes;
		int length = buffer.getInt(offset + Long.BYTES);
		PersistentState state = decodeState(bytes, offset + Long.BYTES + Integer.BYTES, length, version);
		return new Decoded(state, new Layout(version, slotBytes, newest, newestSequence));
	}

	private PersistentState decodeState(byte[] bytes, int offset, int length, int version) {
		DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, offset, length));
		try {
			return decodeContent(in, version);
		}
		catch (EOFException ex) {
			throw corrupt("its content ends before what its counts and lengths announce", ex);
		}
		catch (UTFDataFormatException ex) {
			throw corrupt("a member id or address is not valid modified UTF-8", ex);
		}
		catch (IOException ex) {
			// A ByteArrayInputStream throws nothing else.
			throw corrupt("it cannot be decoded: " + ex, ex);
		}
		catch (IllegalArgumentException ex) {
			throw corrupt("it holds an invalid state: " + ex.getMessage(), ex);
		}
	}

	private PersistentState decodeContent(DataInputStream in, int version) throws IOException {
		long term = in.readLong();
		boolean voted = in.readBoolean();
		@Nullable String votedFor = voted ? in.readUTF() : null;
		Membership base = null;
		if (version >= VERSION_3 && in.readBoolean()) {
			base = readMembership(in, "the base configuration");
		}
		long stickiness = (version >= VERSION) ? in.readLong() : 0;
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
			int types = (version >= VERSION) ? 3 : (version >= VERSION_3) ? 2 : 1;
			if (ordinal >= types) {
				throw corrupt("log entry " + index + " has unknown type " + ordinal);
			}
			EntryType type = ENTRY_TYPES[ordinal];
			Membership membership = (type == EntryType.CONFIG)
					? readMembership(in, "the configuration of log entry " + index) : null;
			Timing timing = (type == EntryType.TIMING) ? readTiming(in, "the timing of log entry " + index) : null;
			log.add(new LogEntry(index, entryTerm, type, membership, timing));
		}
		int trailing = in.available();
		if (trailing != 0) {
			throw corrupt("it has " + trailing + " unexpected bytes after its last log entry");
		}
		return new PersistentState(term, votedFor, log, base, stickiness);
	}

	private Timing readTiming(DataInputStream in, String what) throws IOException {
		long min = in.readLong();
		long max = in.readLong();
		long heartbeat = in.readLong();
		int level = in.readInt();
		String reason = in.readUTF();
		try {
			return new Timing(min, max, heartbeat, level, reason);
		}
		catch (IllegalArgumentException ex) {
			throw corrupt(what + " is invalid: " + ex.getMessage(), ex);
		}
	}

	private Membership readMembership(DataInputStream in, String what) throws IOException {
		String clusterId = in.readUTF();
		Set<String> voters = readIds(in, what);
		Set<String> outgoing = readIds(in, what);
		Set<String> learners = readIds(in, what);
		int count = readCount(in, what, 2 * 2);
		Map<String, String> addresses = new LinkedHashMap<>();
		for (int i = 0; i < count; i++) {
			addresses.put(in.readUTF(), in.readUTF());
		}
		try {
			return new Membership(clusterId, voters, outgoing, learners, addresses);
		}
		catch (IllegalArgumentException ex) {
			throw corrupt(what + " is invalid: " + ex.getMessage(), ex);
		}
	}

	private Set<String> readIds(DataInputStream in, String what) throws IOException {
		int count = readCount(in, what, 2);
		Set<String> ids = new LinkedHashSet<>();
		for (int i = 0; i < count; i++) {
			ids.add(in.readUTF());
		}
		return ids;
	}

	/** Reads a count of items of at least {@code minBytes} bytes each, refusing one that the rest of the content cannot hold. */
	private int readCount(DataInputStream in, String what, int minBytes) throws IOException {
		int count = in.readInt();
		int remaining = in.available();
		if (count < 0 || count > remaining / minBytes) {
			throw corrupt(what + " claims " + count + " items, but only " + remaining + " bytes remain");
		}
		return count;
	}

	/**
	 * Where the newest state is.
	 *
	 * @param version the format of the file
	 * @param slotBytes the size of each slot
	 * @param newestSlot the slot with the newest state, {@code 0} or {@code 1}
	 * @param sequence its sequence number
	 */
	private record Layout(int version, int slotBytes, int newestSlot, long sequence) {
	}

	private record Decoded(PersistentState state, @Nullable Layout layout) {
	}

	private static int checksum(byte[] bytes, int offset, int length) {
		CRC32C crc = new CRC32C();
		crc.update(bytes, offset, length);
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
