package io.github.raftboot.core;

import java.util.Objects;

/**
 * Answers a {@link JoinRequest}.
 *
 * @param from the member asked
 * @param to the member that asks to join
 * @param term the term of the member asked, which nobody adopts
 * @param result whether the change that adds the sender started, and if not, why
 * @param leaderId the leader the member asked knows of, to ask instead; empty if none
 */
public record JoinResponse(String from, String to, long term, MembershipChangeResult result, String leaderId)
		implements Message {

	public JoinResponse {
		Message.check(from, to, term);
		Objects.requireNonNull(result, "result");
		Objects.requireNonNull(leaderId, "leaderId");
	}

}
