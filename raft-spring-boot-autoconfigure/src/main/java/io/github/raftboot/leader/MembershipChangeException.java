package io.github.raftboot.leader;

import java.util.Objects;

import io.github.raftboot.core.MembershipChangeResult;
import org.jspecify.annotations.Nullable;

/**
 * A change of the cluster's members was refused: it did not start, and nothing changed. The
 * {@linkplain #getResult() result} says why, the message what to do.
 */
public class MembershipChangeException extends RuntimeException {

	private final MembershipChangeResult result;

	private final @Nullable String leaderId;

	public MembershipChangeException(MembershipChangeResult result, @Nullable String leaderId, String message) {
		super(message);
		this.result = Objects.requireNonNull(result, "result");
		this.leaderId = leaderId;
	}

	/** Why the change was refused. */
	public MembershipChangeResult getResult() {
		return this.result;
	}

	/** The leader known to the replica that refused, to ask instead, or {@code null}. */
	public @Nullable String getLeaderId() {
		return this.leaderId;
	}

}
