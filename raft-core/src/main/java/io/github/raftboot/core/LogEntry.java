package io.github.raftboot.core;

import java.util.Objects;

/**
 * One entry of the replicated log.
 *
 * @param index position in the log, from 1 to {@link Message#MAX_VALUE}
 * @param term term of the leader that created the entry, from 1 to {@link Message#MAX_VALUE}
 * @param type what the entry is
 */
public record LogEntry(long index, long term, EntryType type) {

	public LogEntry {
		if (index < 1 || index > Message.MAX_VALUE) {
			throw new IllegalArgumentException("Log entry index must be from 1 to 2^53, was " + index);
		}
		if (term < 1 || term > Message.MAX_VALUE) {
			throw new IllegalArgumentException("Log entry term must be from 1 to 2^53, was " + term);
		}
		Objects.requireNonNull(type, "type");
	}

}
