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
 * @param lastError why the last request to it that failed failed (an HTTP status with the
 * member's own words, a timeout, a refused connection), or {@code null} if none did
 * @param lastErrorAt when that was, or {@code null}
 */
public record PeerState(@Nullable URI url, @Nullable Instant lastContact, @Nullable String circuitBreaker,
		@Nullable String lastError, @Nullable Instant lastErrorAt) {

	/** Nothing known. */
	public static final PeerState UNKNOWN = new PeerState(null, null, null, null, null);

	/** A state without errors. */
	public PeerState(@Nullable URI url, @Nullable Instant lastContact, @Nullable String circuitBreaker) {
		this(url, lastContact, circuitBreaker, null, null);
	}

}
