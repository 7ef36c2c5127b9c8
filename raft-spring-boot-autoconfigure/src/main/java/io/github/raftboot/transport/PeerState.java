package io.github.raftboot.transport;

import java.net.URI;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What a transport knows of one member.
 *
 * @param url the member's base URL, or {@code null}
 * @param lastContact when a request to it last succeeded, or {@code null} if never
 * @param circuitBreaker the state of the circuit breaker guarding it, or {@code null}
 */
public record PeerState(@Nullable URI url, @Nullable Instant lastContact, @Nullable String circuitBreaker) {

	/** Nothing known. */
	public static final PeerState UNKNOWN = new PeerState(null, null, null);

}
