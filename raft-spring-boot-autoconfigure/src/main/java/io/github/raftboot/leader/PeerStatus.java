package io.github.raftboot.leader;

import java.net.URI;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What one replica knows of another member.
 *
 * @param id the member's id
 * @param url the member's base URL, or {@code null} if the transport has none
 * @param lastContact when an RPC to the member last succeeded, or {@code null} if never
 * @param circuitBreaker the state of the circuit breaker guarding calls to the member
 * ({@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}, ...), or {@code null} if there is none
 * @param matchIndex while this replica leads: the highest log index known to match; otherwise
 * {@code null}
 * @param standing the member's place in the configuration in force on this replica:
 * {@code VOTER}, {@code LEARNER}, {@code REMOVED} (it left, or is leaving) or {@code JOINING}
 * (listed in {@code raft.peers} but no member)
 */
public record PeerStatus(String id, @Nullable URI url, @Nullable Instant lastContact, @Nullable String circuitBreaker,
		@Nullable Long matchIndex, RaftStatus.Standing standing) {

	/** A voter's status, for tests. */
	public PeerStatus(String id, @Nullable URI url, @Nullable Instant lastContact, @Nullable String circuitBreaker,
			@Nullable Long matchIndex) {
		this(id, url, lastContact, circuitBreaker, matchIndex, RaftStatus.Standing.VOTER);
	}

}
