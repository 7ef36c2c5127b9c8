package io.github.raftboot.transport;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Why a member refuses a request before handling it: answered with an HTTP status and a JSON
 * error body that carries the message, and the code if there is one.
 *
 * @param status the HTTP status, such as {@code 403} or {@code 409}
 * @param message what is wrong, safe to show to the sender
 * @param code a stable name of the problem that a sender may act on, such as
 * {@link #DUPLICATE_MEMBER_ID}, or {@code null}
 */
public record RpcRefusal(int status, String message, @Nullable String code) {

	/** Two processes send as the same member at once: each is told so. */
	public static final String DUPLICATE_MEMBER_ID = "duplicate-member-id";

	public RpcRefusal {
		Objects.requireNonNull(message, "message");
		if (status < 400 || status > 499) {
			throw new IllegalArgumentException("A refusal is a client error status, was " + status);
		}
	}

	/** How much of a member id a refusal repeats. */
	private static final int MAX_ECHOED_ID_LENGTH = 64;

	/**
	 * A member id as a refusal may repeat it: at most its first 64 characters, since it is the
	 * sender's claim, of any length.
	 * @param id the id
	 * @return the id, shortened if need be
	 */
	public static String echo(String id) {
		return (id.length() <= MAX_ECHOED_ID_LENGTH) ? id : id.substring(0, MAX_ECHOED_ID_LENGTH) + "...";
	}

	/** A {@code 403}: the sender is not accepted. */
	public static RpcRefusal forbidden(String message) {
		return new RpcRefusal(403, message, null);
	}

}
