package io.github.raftboot.core;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a node must keep across restarts: its current term, the vote it cast in that term, its
 * log, and the configuration its log starts from. A driver writes it durably before it sends the
 * messages of the same {@link Ready}, except those {@link Ready#messagesBeforePersisting()} lists.
 *
 * @param term the latest term the node has seen, 0 for a fresh node, at most
 * {@link Message#MAX_VALUE}
 * @param votedFor the member voted for in {@code term}, or {@code null}
 * @param log the log, indices contiguous from 1, terms non-decreasing and not above {@code term}
 * @param base the configuration in force before the first entry of the log: the one the cluster
 * was formed with, or the one a leader sent along with the first entries; {@code null} for a node
 * that never joined a cluster, and for a node whose state was written before configurations
 * were part of the state (its log then starts without one, and the node's own list of members
 * stands in for it)
 * @param stickinessMillis the longest a member may still have to refuse other candidates for, in
 * milliseconds, from any moment: at least the stickiness of every promise of loyalty it has made
 * that may not have run out yet. A node that restarts refuses to vote for that long. 0: unknown
 * (a state written before stickiness was recorded); the node's configured minimum election
 * timeout stands in
 */
public record PersistentState(long term, @Nullable String votedFor, List<LogEntry> log, @Nullable Membership base,
		long stickinessMillis) {

	private static final PersistentState EMPTY = new PersistentState(0, null, List.of(), null, 0);

	public PersistentState {
		if (term < 0) {
			throw new IllegalArgumentException("Term must not be negative, was " + term);
		}
		if (term > Message.MAX_VALUE) {
			throw new IllegalArgumentException("Term must be at most 2^53, was " + term);
		}
		if (votedFor != null && votedFor.isEmpty()) {
			throw new IllegalArgumentException("votedFor must be null or a member id, was empty");
		}
		if (stickinessMillis < 0 || stickinessMillis > Timing.MAX_MILLIS) {
			throw new IllegalArgumentException(
					"stickinessMillis must be from 0 to " + Timing.MAX_MILLIS + ", was " + stickinessMillis);
		}
		log = List.copyOf(Objects.requireNonNull(log, "log"));
		long previousTerm = 0;
		for (int i = 0; i < log.size(); i++) {
			LogEntry entry = log.get(i);
			if (entry.index() != i + 1) {
				throw new IllegalArgumentException(
						"Log indices must be contiguous from 1: entry " + (i + 1) + " has index " + entry.index());
			}
			if (entry.term() < previousTerm || entry.term() > term) {
				throw new IllegalArgumentException("Log entry " + entry.index() + " has term " + entry.term()
						+ ", which is below its predecessor's or above the current term " + term);
			}
			previousTerm = entry.term();
		}
	}

	/** A state without a base configuration. */
	public PersistentState(long term, @Nullable String votedFor, List<LogEntry> log) {
		this(term, votedFor, log, null, 0);
	}

	/** A state without a recorded stickiness. */
	public PersistentState(long term, @Nullable String votedFor, List<LogEntry> log, @Nullable Membership base) {
		this(term, votedFor, log, base, 0);
	}

	/** The state of a node that has formed a cluster with {@code base} and has done nothing else yet. */
	public static PersistentState formed(Membership base) {
		return new PersistentState(0, null, List.of(), base, 0);
	}

	/** Whether this is the state of a node that never joined a cluster: no log and no base configuration. */
	public boolean isFresh() {
		return this.log.isEmpty() && this.base == null;
	}

	/** The state of a node that has never run. */
	public static PersistentState empty() {
		return EMPTY;
	}

}
