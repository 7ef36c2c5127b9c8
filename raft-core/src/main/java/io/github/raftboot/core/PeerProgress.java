package io.github.raftboot.core;

import org.jspecify.annotations.Nullable;

/**
 * What a leader knows of one follower.
 *
 * @param id the follower
 * @param matchIndex the highest index known to match the leader's log
 * @param nextIndex the next index the leader will send
 * @param lastContactNanos when the follower last answered in this term, or {@code null} if it has not
 * @param roundTripNanos how long its latest answer to a heartbeat round took, from the round's
 * send time, or {@code null} if none is known
 */
public record PeerProgress(String id, long matchIndex, long nextIndex, @Nullable Long lastContactNanos,
		@Nullable Long roundTripNanos) {

	/** Progress without a known round trip. */
	public PeerProgress(String id, long matchIndex, long nextIndex, @Nullable Long lastContactNanos) {
		this(id, matchIndex, nextIndex, lastContactNanos, null);
	}

}
