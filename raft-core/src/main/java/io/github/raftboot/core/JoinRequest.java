package io.github.raftboot.core;

import java.util.Objects;

/**
 * Asks a leader to add the sender to the cluster: sent by a member that has never joined a
 * cluster, whose attempt to form one was refused because some of its proposed members belong to
 * a cluster already (see {@link RaftConfig#autoJoin()}). The leader adds it as it would with
 * {@link RaftNode#addMember(String, String, long)}; it changes no term.
 *
 * @param from the member that asks to join
 * @param to the member asked, normally the leader
 * @param term the sender's term, which nobody adopts
 * @param address where the sender can be reached (see {@link Membership#addresses()})
 */
public record JoinRequest(String from, String to, long term, String address) implements Message {

	public JoinRequest {
		Message.check(from, to, term);
		Objects.requireNonNull(address, "address");
		if (address.isBlank()) {
			throw new IllegalArgumentException("A join request needs the address of the member that asks to join");
		}
	}

}
