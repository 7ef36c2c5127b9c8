package io.github.raftboot.core;

import java.util.Objects;

/**
 * One entry of the replicated log.
 *
 * @param index position in the log, starting at 1
 * @param term term of the leader that created the entry, at least 1
 * @param type what the entry is
 */
public record LogEntry(long index, long term, EntryType type) {

	public LogEntry {
		if (index < 1) {
			throw new IllegalArgumentException("Log entry index must be at least 1, was " + index);
		}
		if (term < 1) {
			throw new IllegalArgumentException("Log entry term must be at least 1, was " + term);
		}
		Objects.requireNonNull(type, "type");
	}

}
