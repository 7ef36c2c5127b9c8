package io.github.raftboot.core;

import org.jspecify.annotations.Nullable;

/**
 * What a leader knows of one follower.
 *
 * @param id the follower
 * @param matchIndex the highest index known to match the leader's log
 * @param nextIndex the next index the leader will send
 * @param lastContactNanos when the follower last answered in this term, or {@code null} if it has not
 */
public record PeerProgress(String id, long matchIndex, long nextIndex, @Nullable Long lastContactNanos) {
}
