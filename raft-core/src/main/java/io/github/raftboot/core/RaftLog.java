package io.github.raftboot.core;

import java.util.ArrayList;
import java.util.List;

/** The in-memory log of a node. Indices start at 1; index 0 stands for the empty prefix (term 0). */
final class RaftLog {

	private final ArrayList<LogEntry> entries;

	RaftLog(List<LogEntry> entries) {
		this.entries = new ArrayList<>(entries);
	}

	long lastIndex() {
		return this.entries.size();
	}

	long lastTerm() {
		return termAt(lastIndex());
	}

	/** The term of the entry at {@code index}, 0 for index 0, -1 if there is no such entry. */
	long termAt(long index) {
		if (index == 0) {
			return 0;
		}
		if (index < 0 || index > this.entries.size()) {
			return -1;
		}
		return this.entries.get((int) (index - 1)).term();
	}

	/** Whether a log ending at ({@code index}, {@code term}) is at least as up to date as this one. */
	boolean isUpToDate(long index, long term) {
		return isAtLeastAsUpToDate(index, term, lastIndex(), lastTerm());
	}

	/**
	 * Whether a log whose last entry has {@code index} and {@code term} is at least as up to
	 * date as one whose last entry has {@code otherIndex} and {@code otherTerm} (Raft §5.4.1).
	 */
	static boolean isAtLeastAsUpToDate(long index, long term, long otherIndex, long otherTerm) {
		return term > otherTerm || (term == otherTerm && index >= otherIndex);
	}

	LogEntry append(long term, EntryType type) {
		LogEntry entry = new LogEntry(lastIndex() + 1, term, type);
		this.entries.add(entry);
		return entry;
	}

	LogEntry appendConfig(long term, Membership membership) {
		LogEntry entry = LogEntry.config(lastIndex() + 1, term, membership);
		this.entries.add(entry);
		return entry;
	}

	LogEntry appendTiming(long term, Timing timing) {
		LogEntry entry = LogEntry.timing(lastIndex() + 1, term, timing);
		this.entries.add(entry);
		return entry;
	}

	/** The entry at {@code index}, which must exist. */
	LogEntry entry(long index) {
		return this.entries.get((int) (index - 1));
	}

	/** Index of the last {@link EntryType#CONFIG} entry at or before {@code index}, or 0 if there is none. */
	long lastConfigIndex(long index) {
		for (long i = Math.min(index, lastIndex()); i >= 1; i--) {
			if (this.entries.get((int) (i - 1)).type() == EntryType.CONFIG) {
				return i;
			}
		}
		return 0;
	}

	/** Index of the last {@link EntryType#TIMING} entry at or before {@code index}, or 0 if there is none. */
	long lastTimingIndex(long index) {
		for (long i = Math.min(index, lastIndex()); i >= 1; i--) {
			if (this.entries.get((int) (i - 1)).type() == EntryType.TIMING) {
				return i;
			}
		}
		return 0;
	}

	void append(LogEntry entry) {
		if (entry.index() != lastIndex() + 1) {
			throw new IllegalStateException("Entry " + entry.index() + " does not follow last index " + lastIndex());
		}
		this.entries.add(entry);
	}

	/** Removes the entry at {@code index} and every entry after it. */
	void truncateFrom(long index) {
		this.entries.subList((int) (index - 1), this.entries.size()).clear();
	}

	/**
	 * Up to {@code max} entries starting at {@code from}, of which at most {@code maxConfigs} are
	 * {@link EntryType#CONFIG} or {@link EntryType#TIMING} entries (but at least the first entry),
	 * so that a message stays small however many configurations and timings follow one another.
	 */
	List<LogEntry> slice(long from, int max, int maxConfigs) {
		if (from > lastIndex()) {
			return List.of();
		}
		int start = (int) (from - 1);
		int end = (int) Math.min(this.entries.size(), start + (long) max);
		int configs = 0;
		for (int i = start; i < end; i++) {
			if (this.entries.get(i).type() != EntryType.NOOP && ++configs > maxConfigs && i > start) {
				end = i;
				break;
			}
		}
		return List.copyOf(this.entries.subList(start, end));
	}

	List<LogEntry> snapshot() {
		return List.copyOf(this.entries);
	}

}
