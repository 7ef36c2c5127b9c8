package io.github.raftboot.core;

/**
 * Answers a {@link RequestVote}.
 *
 * @param from the voter
 * @param to the candidate
 * @param term the voter's term, or the requested term for a granted pre-vote
 * @param granted whether the (pre-)vote is granted
 * @param preVote whether this answers a pre-vote
 */
public record RequestVoteResponse(String from, String to, long term, boolean granted, boolean preVote)
		implements Message {

	public RequestVoteResponse {
		Message.check(from, to, term);
	}

}
