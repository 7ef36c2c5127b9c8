package io.github.raftboot.core;

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
 */
public record RequestVote(String from, String to, long term, long lastLogIndex, long lastLogTerm, boolean preVote,
		boolean transfer) implements Message {

	public RequestVote {
		Message.check(from, to, term);
		Message.checkIndex("lastLogIndex", lastLogIndex);
		Message.checkIndex("lastLogTerm", lastLogTerm);
	}

}
