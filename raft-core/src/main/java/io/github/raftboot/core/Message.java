package io.github.raftboot.core;

/**
 * A message between two members of the cluster. Every message carries the sender's term, and
 * the receiver compares it with its own before anything else.
 */
public sealed interface Message
		permits RequestVote, RequestVoteResponse, AppendEntries, AppendEntriesResponse, TimeoutNow, JoinRequest, JoinResponse {

	/** The sending member's id. */
	String from();

	/** The receiving member's id. */
	String to();

	/** The sender's term; for a pre-vote request, the term the sender would campaign in. */
	long term();

	/**
	 * The largest term, log index or heartbeat round a message (or a {@link LogEntry} or a
	 * {@link PersistentState}) may carry: 2<sup>53</sup>.
	 *
	 * <p>The bound is enforced here, in the constructors of the core records, rather than by one
	 * wire format, so that every transport and the state file share it, and so that the
	 * arithmetic of {@link RaftNode} ({@code term + 1} for a pre-vote or a campaign,
	 * {@code prevLogIndex + 1}, {@code prevLogIndex + entries.size()}) can never overflow, whatever
	 * a sender claims. No real cluster comes near it: one election every millisecond would take
	 * 285,000 years to reach it. It is also the largest integer that JSON readers based on
	 * doubles, such as JavaScript's, read exactly, so a larger value on the wire is a sign of a
	 * broken or hostile sender, never of a long-lived cluster.
	 */
	long MAX_VALUE = 1L << 53;

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
		if (term > MAX_VALUE) {
			throw new IllegalArgumentException("Message term must be at most 2^53, was " + term);
		}
	}

	static void checkIndex(String name, long value) {
		if (value < 0) {
			throw new IllegalArgumentException(name + " must not be negative, was " + value);
		}
		if (value > MAX_VALUE) {
			throw new IllegalArgumentException(name + " must be at most 2^53, was " + value);
		}
	}

}
