package io.github.raftboot.core;

/** The kinds of log entry. */
public enum EntryType {
	/** The empty entry each new leader appends, and commits before it becomes active. */
	NOOP,
	/** A new configuration of the cluster ({@link LogEntry#membership()}), in force from the moment it is in the log. */
	CONFIG,
	/** A new timing of the cluster ({@link LogEntry#timing()}), in force from the moment it is in the log. */
	TIMING
}
