package io.github.raftboot.core;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One entry of the replicated log.
 *
 * @param index position in the log, from 1 to {@link Message#MAX_VALUE}
 * @param term term of the leader that created the entry, from 1 to {@link Message#MAX_VALUE}
 * @param type what the entry is
 * @param membership the configuration a {@link EntryType#CONFIG} entry brings in; {@code null}
 * for every other type
 * @param timing the timing a {@link EntryType#TIMING} entry brings in; {@code null} for every
 * other type
 */
public record LogEntry(long index, long term, EntryType type, @Nullable Membership membership,
		@Nullable Timing timing) {

	public LogEntry {
		if (index < 1 || index > Message.MAX_VALUE) {
			throw new IllegalArgumentException("Log entry index must be from 1 to 2^53, was " + index);
		}
		if (term < 1 || term > Message.MAX_VALUE) {
			throw new IllegalArgumentException("Log entry term must be from 1 to 2^53, was " + term);
		}
		Objects.requireNonNull(type, "type");
		if ((type == EntryType.CONFIG) != (membership != null)) {
			throw new IllegalArgumentException("Log entry " + index + " of type " + type
					+ ((membership != null) ? " must not carry a membership" : " must carry a membership"));
		}
		if ((type == EntryType.TIMING) != (timing != null)) {
			throw new IllegalArgumentException("Log entry " + index + " of type " + type
					+ ((timing != null) ? " must not carry a timing" : " must carry a timing"));
		}
	}

	/** An entry without a timing. */
	public LogEntry(long index, long term, EntryType type, @Nullable Membership membership) {
		this(index, term, type, membership, null);
	}

	/** An entry that carries no data, such as a {@link EntryType#NOOP}. */
	public LogEntry(long index, long term, EntryType type) {
		this(index, term, type, null, null);
	}

	/** A {@link EntryType#CONFIG} entry. */
	public static LogEntry config(long index, long term, Membership membership) {
		return new LogEntry(index, term, EntryType.CONFIG, Objects.requireNonNull(membership, "membership"), null);
	}

	/** A {@link EntryType#TIMING} entry. */
	public static LogEntry timing(long index, long term, Timing timing) {
		return new LogEntry(index, term, EntryType.TIMING, null, Objects.requireNonNull(timing, "timing"));
	}

}
