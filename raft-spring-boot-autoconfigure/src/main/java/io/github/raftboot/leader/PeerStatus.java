package io.github.raftboot.leader;

import java.net.URI;
import java.time.Duration;
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
 * @param listed whether this replica's {@code raft.peers} lists it: a member it does not list,
 * or a listed one that is no member, is a difference between {@code raft.peers} and the
 * configuration in force
 * @param lastError why the last RPC to it that failed failed, such as
 * {@code append-entries: HTTP 401 "A valid 'Authorization: Bearer <token>' header is required"}
 * or {@code request-vote: ConnectException: Connection refused}; {@code null} if none did
 * @param lastErrorAt when that was, or {@code null}
 * @param roundTrip while this replica leads: how long the member took to answer its latest
 * heartbeat round; otherwise {@code null}
 */
public record PeerStatus(String id, @Nullable URI url, @Nullable Instant lastContact, @Nullable String circuitBreaker,
		@Nullable Long matchIndex, RaftStatus.Standing standing, boolean listed, @Nullable String lastError,
		@Nullable Instant lastErrorAt, @Nullable Duration roundTrip) {

	/** The status of a member whose round trip is not known, for tests. */
	public PeerStatus(String id, @Nullable URI url, @Nullable Instant lastContact, @Nullable String circuitBreaker,
			@Nullable Long matchIndex, RaftStatus.Standing standing, boolean listed, @Nullable String lastError,
			@Nullable Instant lastErrorAt) {
		this(id, url, lastContact, circuitBreaker, matchIndex, standing, listed, lastError, lastErrorAt, null);
	}

	/** The status of a member to which no RPC failed, for tests. */
	public PeerStatus(String id, @Nullable URI url, @Nullable Instant lastContact, @Nullable String circuitBreaker,
			@Nullable Long matchIndex, RaftStatus.Standing standing, boolean listed) {
		this(id, url, lastContact, circuitBreaker, matchIndex, standing, listed, null, null, null);
	}

	/** The status of a voter that {@code raft.peers} lists and that never failed, for tests. */
	public PeerStatus(String id, @Nullable URI url, @Nullable Instant lastContact, @Nullable String circuitBreaker,
			@Nullable Long matchIndex) {
		this(id, url, lastContact, circuitBreaker, matchIndex, RaftStatus.Standing.VOTER, true, null, null, null);
	}

}
