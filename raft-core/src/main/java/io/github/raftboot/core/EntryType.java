package io.github.raftboot.core;

/** The kinds of log entry. */
public enum EntryType {
	/** The empty entry each new leader appends, and commits before it becomes active. */
	NOOP
}
