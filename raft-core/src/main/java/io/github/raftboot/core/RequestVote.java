package io.github.raftboot.core;

import java.util.Objects;

/**
 * Asks for a vote (or, with {@code preVote}, whether a vote would be granted).
 *
 * @param from the candidate
 * @param to the voter
 * @param term the candidate's term; for a pre-vote, the term it would campaign in
 * @param lastLogIndex index of the candidate's last log entry
 * @param lastLogTerm term of the candidate's last log entry
 * @param preVote whether this is a pre-vote that changes no state on the voter
 * @param transfer whether the campaign was started by a leadership transfer, which lets voters
 * ignore a leader they still hear from (that leader asked for the transfer and is no longer active)
 * @param bootstrap empty, except in the pre-vote of a member that has never joined a cluster and
 * asks whether every member it would form one with is in the same position: then the
 * {@linkplain Membership#clusterIdOf(java.util.Map) cluster id} of the cluster it would form. Such
 * a pre-vote is granted only by a member that has never joined a cluster either and would form
 * the same one.
 */
public record RequestVote(String from, String to, long term, long lastLogIndex, long lastLogTerm, boolean preVote,
		boolean transfer, String bootstrap) implements Message {

	public RequestVote {
		Message.check(from, to, term);
		Message.checkIndex("lastLogIndex", lastLogIndex);
		Message.checkIndex("lastLogTerm", lastLogTerm);
		Objects.requireNonNull(bootstrap, "bootstrap");
		if (!bootstrap.isEmpty() && (!preVote || transfer)) {
			throw new IllegalArgumentException("Only a pre-vote that is not a transfer can ask to form a cluster");
		}
	}

	/** A request that does not ask to form a cluster. */
	public RequestVote(String from, String to, long term, long lastLogIndex, long lastLogTerm, boolean preVote,
			boolean transfer) {
		this(from, to, term, lastLogIndex, lastLogTerm, preVote, transfer, "");
	}

	/** Whether this is the pre-vote of a member that asks to form a new cluster. */
	public boolean asksToForm() {
		return !this.bootstrap.isEmpty();
	}

}
