package io.github.raftboot.transport;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How the Raft RPCs are authenticated: not at all, or with a shared bearer token that every
 * request carries as {@code Authorization: Bearer <token>}.
 *
 * <p>A receiver accepts the current token and, during a rotation, the previous one; a sender
 * sends only the current one. Tokens are compared in constant time: the SHA-256 digests of the
 * presented and the expected token (their UTF-8 bytes) are compared with
 * {@link MessageDigest#isEqual(byte[], byte[])}, and always against both accepted tokens, so that
 * the time taken reveals neither the content nor the length of a token, nor which one matched.
 */
public final class RpcAuthentication {

	private static final String BEARER = "bearer";

	private static final RpcAuthentication NONE = new RpcAuthentication(null, null);

	private final @Nullable String token;

	private final byte @Nullable [] tokenDigest;

	private final byte @Nullable [] previousTokenDigest;

	private RpcAuthentication(@Nullable String token, @Nullable String previousToken) {
		this.token = token;
		this.tokenDigest = (token != null) ? digest(token) : null;
		this.previousTokenDigest = (previousToken != null) ? digest(previousToken) : null;
	}

	/** RPCs are neither authenticated nor sent with a token. */
	public static RpcAuthentication none() {
		return NONE;
	}

	/**
	 * RPCs must carry a bearer token.
	 * @param token the token this member sends and accepts
	 * @param previousToken a token this member still accepts but no longer sends, during a
	 * rotation; {@code null} for none
	 * @return the authentication
	 * @throws IllegalArgumentException if a token is empty or holds characters other than
	 * visible ASCII (which an HTTP header cannot carry unchanged)
	 */
	public static RpcAuthentication bearerToken(String token, @Nullable String previousToken) {
		Objects.requireNonNull(token, "token");
		checkToken("token", token);
		if (previousToken != null) {
			checkToken("previousToken", previousToken);
		}
		return new RpcAuthentication(token, previousToken);
	}

	private static void checkToken(String name, String token) {
		if (token.isEmpty()) {
			throw new IllegalArgumentException(name + " must not be empty");
		}
		for (int i = 0; i < token.length(); i++) {
			char c = token.charAt(i);
			if (c < 0x21 || c > 0x7E) {
				throw new IllegalArgumentException(
						name + " must consist of visible ASCII characters (no spaces), but has one at position " + i);
			}
		}
	}

	/** Whether requests must carry a token. */
	public boolean isRequired() {
		return this.token != null;
	}

	/**
	 * The value of the {@code Authorization} header that this member sends.
	 * @return {@code Bearer <token>}, or {@code null} if no token is configured
	 */
	public @Nullable String authorizationHeader() {
		return (this.token != null) ? "Bearer " + this.token : null;
	}

	/**
	 * Whether a request with the given {@code Authorization} header may be handled.
	 * @param authorization the header's value, or {@code null} if the request has none
	 * @return {@code true} if no token is required, or if the header is {@code Bearer} followed
	 * by the token or the previous token
	 */
	public boolean isAuthorized(@Nullable String authorization) {
		if (this.tokenDigest == null) {
			return true;
		}
		String presented = bearerCredentials(authorization);
		// Digest and compare even when there is nothing to compare, so that a missing or
		// malformed header takes as long as a wrong token.
		byte[] digest = digest((presented != null) ? presented : "");
		boolean current = MessageDigest.isEqual(digest, this.tokenDigest);
		boolean previous = this.previousTokenDigest != null && MessageDigest.isEqual(digest, this.previousTokenDigest);
		return presented != null & (current | previous);
	}

	/** The credentials of a {@code Bearer} header (the scheme is case-insensitive), or {@code null}. */
	private static @Nullable String bearerCredentials(@Nullable String authorization) {
		if (authorization == null || authorization.length() <= BEARER.length()
				|| !authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)
				|| authorization.charAt(BEARER.length()) != ' ') {
			return null;
		}
		String credentials = authorization.substring(BEARER.length() + 1).strip();
		return credentials.isEmpty() ? null : credentials;
	}

	private static byte[] digest(String token) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			// Every Java platform must support SHA-256.
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public String toString() {
		// Never the token itself.
		if (this.token == null) {
			return "RpcAuthentication[none]";
		}
		return "RpcAuthentication[bearer token" + ((this.previousTokenDigest != null) ? ", previous token" : "") + "]";
	}

}
