package io.github.raftboot.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Replicates log entries from the leader; with no entries it is a heartbeat.
 *
 * @param from the leader
 * @param to the follower
 * @param term the leader's term
 * @param prevLogIndex index of the entry just before {@code entries}
 * @param prevLogTerm term of that entry
 * @param entries entries to append, indices contiguous from {@code prevLogIndex + 1}
 * @param leaderCommit the leader's commit index
 * @param round the leader's heartbeat round; echoed in the response so the leader knows which
 * round a majority acknowledged (its lease counts from that round's send time)
 * @param base when {@code prevLogIndex} is 0, the configuration the leader's log starts from (see
 * {@link PersistentState#base()}), so that a member that receives the log from its start also
 * knows the configuration in force before its first entry; otherwise {@code null}
 * @param stickinessMillis how long, in milliseconds from receiving this message, the member must
 * refuse to vote for any other candidate (its loyalty to this leader, on which the leader's lease
 * rests): the minimum election timeout of the leader's timing. A member stays loyal for the
 * longer of this and its own timing's minimum election timeout. 0 asks for nothing beyond the
 * member's own timing
 */
public record AppendEntries(String from, String to, long term, long prevLogIndex, long prevLogTerm,
		List<LogEntry> entries, long leaderCommit, long round, @Nullable Membership base, long stickinessMillis)
		implements Message {

	public AppendEntries {
		Message.check(from, to, term);
		Message.checkIndex("prevLogIndex", prevLogIndex);
		Message.checkIndex("prevLogTerm", prevLogTerm);
		Message.checkIndex("leaderCommit", leaderCommit);
		Message.checkIndex("round", round);
		if (stickinessMillis < 0 || stickinessMillis > Timing.MAX_MILLIS) {
			throw new IllegalArgumentException(
					"stickinessMillis must be from 0 to " + Timing.MAX_MILLIS + ", was " + stickinessMillis);
		}
		entries = List.copyOf(entries);
		long expected = prevLogIndex + 1;
		long previousTerm = prevLogTerm;
		for (LogEntry entry : entries) {
			if (entry.index() != expected) {
				throw new IllegalArgumentException(
						"Entries must be contiguous from prevLogIndex + 1 = " + (prevLogIndex + 1) + ": found index "
								+ entry.index() + " where " + expected + " was expected");
			}
			if (entry.term() < previousTerm || entry.term() > term) {
				throw new IllegalArgumentException("Entry " + entry.index() + " has term " + entry.term()
						+ ", below its predecessor's or above the leader's term " + term);
			}
			previousTerm = entry.term();
			expected++;
		}
		if (base != null && prevLogIndex != 0) {
			throw new IllegalArgumentException("Only an AppendEntries from the start of the log (prevLogIndex 0) carries a base configuration");
		}
	}

	/** An AppendEntries without a base configuration that asks for no stickiness beyond the member's own. */
	public AppendEntries(String from, String to, long term, long prevLogIndex, long prevLogTerm, List<LogEntry> entries,
			long leaderCommit, long round) {
		this(from, to, term, prevLogIndex, prevLogTerm, entries, leaderCommit, round, null, 0);
	}

	/** An AppendEntries that asks for no stickiness beyond the member's own. */
	public AppendEntries(String from, String to, long term, long prevLogIndex, long prevLogTerm, List<LogEntry> entries,
			long leaderCommit, long round, @Nullable Membership base) {
		this(from, to, term, prevLogIndex, prevLogTerm, entries, leaderCommit, round, base, 0);
	}

	/** Index of the last entry this message covers. */
	public long lastIndex() {
		return this.prevLogIndex + this.entries.size();
	}

}
