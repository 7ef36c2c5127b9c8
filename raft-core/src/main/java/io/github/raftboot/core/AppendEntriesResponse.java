package io.github.raftboot.core;

/**
 * Answers an {@link AppendEntries}. Any answer in the leader's term, accepted or not, shows that
 * the follower recognised the leader when it received the round.
 *
 * @param from the follower
 * @param to the leader
 * @param term the follower's term
 * @param success whether the entries matched and were appended
 * @param index on success, the index up to which the follower's log matches the leader's; on
 * failure, the {@code prevLogIndex} that did not match
 * @param lastLogIndex the follower's last log index, a hint for the leader on failure
 * @param round the round of the request being answered
 */
public record AppendEntriesResponse(String from, String to, long term, boolean success, long index,
		long lastLogIndex, long round) implements Message {

	public AppendEntriesResponse {
		Message.check(from, to, term);
		Message.checkIndex("index", index);
		Message.checkIndex("lastLogIndex", lastLogIndex);
		Message.checkIndex("round", round);
	}

}
