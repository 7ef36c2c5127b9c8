package io.github.raftboot.transport;

import java.io.IOException;

import org.jspecify.annotations.Nullable;

/**
 * A member answered an RPC with an error status instead of an answer: it refused the request
 * (for example {@code 401} for a wrong token, {@code 403} for an unknown sender, {@code 409} for a
 * member of another cluster) or could not handle it ({@code 503}).
 */
public class RpcRefusedException extends IOException {

	private final String memberId;

	private final int status;

	private final @Nullable String reason;

	private final @Nullable String code;

	/**
	 * Creates an exception.
	 * @param memberId the member that answered
	 * @param rpc the name of the RPC, such as {@code append-entries}
	 * @param status the HTTP status it answered
	 * @param reason the {@code message} of its error answer, if it gave one
	 * @param code the {@code code} of its error answer, such as
	 * {@link RpcRefusal#DUPLICATE_MEMBER_ID}, if it gave one
	 */
	public RpcRefusedException(String memberId, String rpc, int status, @Nullable String reason,
			@Nullable String code) {
		super("Raft member '" + memberId + "' answered " + rpc + " with HTTP status " + status
				+ ((reason != null) ? ": " + reason : ""));
		this.memberId = memberId;
		this.status = status;
		this.reason = reason;
		this.code = code;
	}

	/** The member that answered. */
	public String getMemberId() {
		return this.memberId;
	}

	/** The HTTP status it answered. */
	public int getStatus() {
		return this.status;
	}

	/** Its own words, the {@code message} of its error answer, if it gave one. */
	public @Nullable String getReason() {
		return this.reason;
	}

	/** The {@code code} of its error answer, if it gave one. */
	public @Nullable String getCode() {
		return this.code;
	}

}
