package io.github.raftboot.core;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a node must keep across restarts: its current term, the vote it cast in that term, and
 * its log. A driver writes it durably before it sends the messages of the same {@link Ready},
 * except those {@link Ready#messagesBeforePersisting()} lists.
 *
 * @param term the latest term the node has seen, 0 for a fresh node, at most
 * {@link Message#MAX_VALUE}
 * @param votedFor the member voted for in {@code term}, or {@code null}
 * @param log the log, indices contiguous from 1, terms non-decreasing and not above {@code term}
 */
public record PersistentState(long term, @Nullable String votedFor, List<LogEntry> log) {

	private static final PersistentState EMPTY = new PersistentState(0, null, List.of());

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

	/** The state of a node that has never run. */
	public static PersistentState empty() {
		return EMPTY;
	}

}
