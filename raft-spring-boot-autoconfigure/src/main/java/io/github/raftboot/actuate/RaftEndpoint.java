package io.github.raftboot.actuate;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.raftboot.core.Role;
import io.github.raftboot.core.TransferResult;
import io.github.raftboot.leader.PeerStatus;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.leader.RaftStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.util.StringUtils;

/**
 * {@link Endpoint @Endpoint} that exposes this replica's Raft state and lets an operator hand
 * leadership over.
 *
 * <p>A read returns a {@link RaftDescriptor} built from {@link RaftLeadership#status()} only;
 * instants are ISO-8601 and {@code peers[].millisSinceLastContact} is the age, in milliseconds,
 * of the last successful RPC to that peer. Unknown values are written as {@code null} rather
 * than left out, so that every response has the same shape.
 *
 * <p>A write ({@code POST} with an optional {@code target}) hands leadership to that member,
 * or to the most up-to-date reachable one, and returns a {@link TransferDescriptor}.
 */
@Endpoint(id = "raft")
public class RaftEndpoint {

	private final RaftLeadership leadership;

	private final Clock clock;

	/**
	 * Creates an endpoint.
	 * @param leadership this replica's view of leadership
	 * @param clock the wall clock, to compute how long ago a peer was last reached
	 */
	public RaftEndpoint(RaftLeadership leadership, Clock clock) {
		this.leadership = Objects.requireNonNull(leadership, "leadership");
		this.clock = Objects.requireNonNull(clock, "clock");
	}

	/**
	 * Returns this replica's Raft state.
	 * @return the state
	 */
	@ReadOperation
	public RaftDescriptor raft() {
		RaftStatus status = this.leadership.status();
		Instant now = this.clock.instant();
		List<PeerDescriptor> peers = status.peers().stream().map((peer) -> PeerDescriptor.of(peer, now)).toList();
		return new RaftDescriptor(status.nodeId(), status.state(), status.role(), status.term(), status.leaderId(),
				status.leader(), status.leaderSince(), status.votedFor(), status.commitIndex(), status.lastLogIndex(),
				status.lastLeaderContact(), peers);
	}

	/**
	 * Hands leadership over.
	 * @param target the member to hand over to, or {@code null} for the most up-to-date
	 * reachable member
	 * @return the outcome
	 */
	@WriteOperation
	public TransferDescriptor transfer(@Nullable String target) {
		String member = StringUtils.hasText(target) ? target.trim() : null;
		TransferResult result = (member != null) ? this.leadership.transferLeadership(member)
				: this.leadership.transferLeadership();
		return new TransferDescriptor(result, this.leadership.nodeId(), member);
	}

	/**
	 * Description of one replica's Raft state.
	 *
	 * @param nodeId this replica
	 * @param state whether it takes part in elections
	 * @param role its role in the current term
	 * @param term the current term
	 * @param leaderId the leader known in this term, or {@code null}
	 * @param leader whether this replica is the active leader now
	 * @param leaderSince when its current active leadership began, or {@code null}
	 * @param votedFor whom it voted for in this term, or {@code null}
	 * @param commitIndex highest log index known to be committed
	 * @param lastLogIndex index of the last log entry
	 * @param lastLeaderContact when a leader was last known, or {@code null} if never
	 * @param peers the other members
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record RaftDescriptor(String nodeId, RaftStatus.State state, Role role, long term, @Nullable String leaderId,
			boolean leader, @Nullable Instant leaderSince, @Nullable String votedFor, long commitIndex,
			long lastLogIndex, @Nullable Instant lastLeaderContact,
			List<PeerDescriptor> peers) implements OperationResponseBody {

	}

	/**
	 * Description of another member, as this replica sees it.
	 *
	 * @param id the member's id
	 * @param url its base URL, or {@code null}
	 * @param lastContact when an RPC to it last succeeded, or {@code null} if never
	 * @param millisSinceLastContact milliseconds since {@code lastContact}, or {@code null} if
	 * never
	 * @param circuitBreaker the state of the circuit breaker guarding calls to it, or
	 * {@code null}
	 * @param matchIndex while this replica leads, the highest log index known to match;
	 * otherwise {@code null}
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record PeerDescriptor(String id, @Nullable URI url, @Nullable Instant lastContact,
			@Nullable Long millisSinceLastContact, @Nullable String circuitBreaker, @Nullable Long matchIndex) {

		static PeerDescriptor of(PeerStatus peer, Instant now) {
			Instant lastContact = peer.lastContact();
			Long sinceLastContact = (lastContact != null)
					? Math.max(0, now.toEpochMilli() - lastContact.toEpochMilli()) : null;
			return new PeerDescriptor(peer.id(), peer.url(), lastContact, sinceLastContact, peer.circuitBreaker(),
					peer.matchIndex());
		}

	}

	/**
	 * Description of a leadership transfer request.
	 *
	 * @param result whether the handover started, and if not, why
	 * @param from the replica that was asked to hand over
	 * @param target the member requested, or {@code null} when the most up-to-date reachable
	 * member was asked for
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record TransferDescriptor(TransferResult result, String from,
			@Nullable String target) implements OperationResponseBody {

	}

}
