package io.github.raftboot.core;

/**
 * A message between two members of the cluster. Every message carries the sender's term, and
 * the receiver compares it with its own before anything else.
 */
public sealed interface Message permits RequestVote, RequestVoteResponse, AppendEntries, AppendEntriesResponse, TimeoutNow {

	/** The sending member's id. */
	String from();

	/** The receiving member's id. */
	String to();

	/** The sender's term; for a pre-vote request, the term the sender would campaign in. */
	long term();

	static void check(String from, String to, long term) {
		if (from == null || from.isEmpty()) {
			throw new IllegalArgumentException("Message sender id must not be empty");
		}
		if (to == null || to.isEmpty()) {
			throw new IllegalArgumentException("Message receiver id must not be empty");
		}
		if (term < 0) {
			throw new IllegalArgumentException("Message term must not be negative, was " + term);
		}
	}

	static void checkIndex(String name, long value) {
		if (value < 0) {
			throw new IllegalArgumentException(name + " must not be negative, was " + value);
		}
	}

}
