package io.github.raftboot.actuate;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.raftboot.core.Formation;
import io.github.raftboot.core.MembershipChangeResult;
import io.github.raftboot.core.Role;
import io.github.raftboot.core.TransferResult;
import io.github.raftboot.leader.MembershipChangeException;
import io.github.raftboot.leader.PeerStatus;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.leader.RaftMembership;
import io.github.raftboot.leader.RaftStatus;
import io.github.raftboot.leader.RaftTiming;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.util.StringUtils;

/**
 * {@link Endpoint @Endpoint} that exposes this replica's Raft state and lets an operator hand
 * leadership over.
 *
 * <p>A read returns a {@link RaftDescriptor} built from {@link RaftLeadership#status()} only;
 * instants are ISO-8601 and {@code peers[].millisSinceLastContact} is the age, in milliseconds,
 * of the last successful RPC to that peer; {@code peers[].lastError} and {@code lastErrorAt} tell
 * why and when the last RPC to it that failed failed. Unknown values are written as {@code null} rather
 * than left out, so that every response has the same shape. The top-level fields describe the
 * default election group; {@code groups} describes every group by name, the default one
 * included, so that a client reads each group the same way whether {@code raft.groups} names
 * others or not.
 *
 * <p>A write ({@code POST} with an optional {@code target}) hands leadership to that member,
 * or to the most up-to-date reachable one, and returns a {@link TransferDescriptor}. A
 * {@code POST /members/{id}} with a {@code url} adds a member, a {@code DELETE /members/{id}}
 * removes one; both answer at once with a {@link MembershipChangeDescriptor}. They are write
 * operations like the transfer: {@code management.endpoint.raft.access=read-only} refuses them.
 */
@Endpoint(id = "raft")
public class RaftEndpoint {

	private static final String MEMBERS = "members";

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
		RaftMembership membership = status.membership();
		Formation formation = status.formation();
		return new RaftDescriptor(status.nodeId(), status.state(), status.role(), status.term(), status.leaderId(),
				status.leader(), status.leaderSince(), status.votedFor(), status.commitIndex(), status.lastLogIndex(),
				status.lastLeaderContact(), status.standing(),
				(membership != null) ? MembershipDescriptor.of(membership) : null,
				(formation != null) ? new FormationDescriptor(formation.granted(), formation.refused(),
						formation.unanswered()) : null,
				TimingDescriptor.of(status.timing()), peers, groups());
	}

	/** Every election group, the default one first, by name. */
	private Map<String, GroupDescriptor> groups() {
		Map<String, GroupDescriptor> groups = new LinkedHashMap<>();
		for (String name : this.leadership.groups()) {
			groups.put(name, GroupDescriptor.of(this.leadership.group(name)));
		}
		return groups;
	}

	/**
	 * Adds a member to the cluster ({@code POST /actuator/raft/members/{id}} with
	 * {@code {"url": "http://..."}}): on the leader, it joins as a learner and becomes a voter
	 * once it has caught up. Answers at once; {@code GET /actuator/raft} shows the progress.
	 * @param members the path segment {@code members}
	 * @param id the member's id
	 * @param url its base URL
	 * @return the outcome, or {@code null} for another path than {@code members} (over HTTP, the
	 * {@link RaftEndpointWebExtension} answers 404)
	 */
	@WriteOperation
	public @Nullable MembershipChangeDescriptor addMember(@Selector String members, @Selector String id,
			@Nullable String url) {
		if (!MEMBERS.equals(members)) {
			return null;
		}
		URI parsed = httpUrl(url);
		if (parsed == null) {
			String problem = StringUtils.hasText(url)
					? "The URL of '" + id + "' is '" + url + "', which is not an absolute http or https URL"
					: "No URL given for '" + id + "'";
			return new MembershipChangeDescriptor(MembershipChangeResult.INVALID, this.leadership.nodeId(), id,
					problem + ": send its base URL in the body's url field, such as http://10.0.0.4:8080", null,
					currentMembership());
		}
		return describe(this.leadership.addMember(id, parsed), id);
	}

	/**
	 * Removes a member from the cluster ({@code DELETE /actuator/raft/members/{id}}): on the
	 * leader, through a joint configuration. Answers at once; {@code GET /actuator/raft} shows the
	 * progress.
	 * @param members the path segment {@code members}
	 * @param id the member's id
	 * @return the outcome, or {@code null} for another path than {@code members} (over HTTP, the
	 * {@link RaftEndpointWebExtension} answers 404)
	 */
	@DeleteOperation
	public @Nullable MembershipChangeDescriptor removeMember(@Selector String members, @Selector String id) {
		if (!MEMBERS.equals(members)) {
			return null;
		}
		return describe(this.leadership.removeMember(id), id);
	}

	private static @Nullable URI httpUrl(@Nullable String url) {
		if (!StringUtils.hasText(url)) {
			return null;
		}
		try {
			URI parsed = new URI(url.trim());
			boolean http = "http".equalsIgnoreCase(parsed.getScheme()) || "https".equalsIgnoreCase(parsed.getScheme());
			return (http && parsed.getHost() != null) ? parsed : null;
		}
		catch (URISyntaxException ex) {
			return null;
		}
	}

	private MembershipChangeDescriptor describe(CompletableFuture<RaftMembership> change, String id) {
		String from = this.leadership.nodeId();
		if (change.isCompletedExceptionally()) {
			Throwable failure = change.handle((membership, ex) -> ex).join();
			Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
					? failure.getCause() : failure;
			if (cause instanceof MembershipChangeException refused) {
				return new MembershipChangeDescriptor(refused.getResult(), from, id, refused.getMessage(),
						refused.getLeaderId(), currentMembership());
			}
			// Not a refusal: an error, which must not pass for one
			throw (cause instanceof RuntimeException unexpected) ? unexpected
					: new IllegalStateException("Changing the members failed", cause);
		}
		return new MembershipChangeDescriptor(MembershipChangeResult.STARTED, from, id,
				"Started; GET /actuator/raft shows the configuration as it changes", null, currentMembership());
	}

	private @Nullable MembershipDescriptor currentMembership() {
		return this.leadership.membership().map(MembershipDescriptor::of).orElse(null);
	}

	/**
	 * Hands the default group's leadership over.
	 * @param target the member to hand over to, or {@code null} for the most up-to-date
	 * reachable member
	 * @return the outcome
	 */
	public TransferDescriptor transfer(@Nullable String target) {
		return transfer(target, null);
	}

	/**
	 * Hands leadership over, of the default group or of another.
	 * @param target the member to hand over to, or {@code null} for the most up-to-date
	 * reachable member
	 * @param group the election group, or {@code null} for the default group
	 * @return the outcome
	 * @throws InvalidEndpointRequestException (answered {@code 400}) if there is no such group
	 */
	@WriteOperation
	public TransferDescriptor transfer(@Nullable String target, @Nullable String group) {
		String member = StringUtils.hasText(target) ? target.trim() : null;
		RaftLeadership leadership = this.leadership;
		if (StringUtils.hasText(group)) {
			try {
				leadership = this.leadership.group(group.trim());
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidEndpointRequestException(String.valueOf(ex.getMessage()), "No such election group");
			}
		}
		TransferResult result = (member != null) ? leadership.transferLeadership(member)
				: leadership.transferLeadership();
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
	 * @param standing this replica's place in the cluster: {@code VOTER}, {@code LEARNER},
	 * {@code JOINING} (not a member yet) or {@code REMOVED}
	 * @param membership the configuration in force, or {@code null} while it has joined no cluster
	 * @param formation while it has joined no cluster: how its last attempt to form one went
	 * @param timing the election timing in force, the configured one, and the trouble counted
	 * @param peers the other members, and the replicas {@code raft.peers} lists besides
	 * @param groups every election group by name, the default one ({@code "default"}, which the
	 * fields above describe too) first, then those of {@code raft.groups}: each has a leader and
	 * a term of its own
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record RaftDescriptor(String nodeId, RaftStatus.State state, Role role, long term, @Nullable String leaderId,
			boolean leader, @Nullable Instant leaderSince, @Nullable String votedFor, long commitIndex,
			long lastLogIndex, @Nullable Instant lastLeaderContact, RaftStatus.Standing standing,
			@Nullable MembershipDescriptor membership, @Nullable FormationDescriptor formation,
			@Nullable TimingDescriptor timing, List<PeerDescriptor> peers,
			Map<String, GroupDescriptor> groups) implements OperationResponseBody {

	}

	/**
	 * Description of one election group, as this replica sees it.
	 *
	 * @param role this replica's role in the group's current term
	 * @param term the group's current term
	 * @param leaderId the group's leader known in this term, or {@code null}
	 * @param leader whether this replica is the group's active leader now (its lease holds)
	 * @param leaderSince when this replica's current active leadership of the group began, or
	 * {@code null}
	 * @param fencingToken the fencing token of that leadership (the group's term) while this
	 * replica is the group's active leader, else {@code null}; tokens of different groups are not
	 * comparable
	 * @param lastLeaderContact when a leader of the group was last known, or {@code null} if never
	 * @param timing the group's election timing in force, as the top-level {@code timing}
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record GroupDescriptor(Role role, long term, @Nullable String leaderId, boolean leader,
			@Nullable Instant leaderSince, @Nullable Long fencingToken, @Nullable Instant lastLeaderContact,
			@Nullable TimingDescriptor timing) {

		static GroupDescriptor of(RaftLeadership group) {
			// From one snapshot, so that the token and the leadership agree
			RaftStatus status = group.status();
			return new GroupDescriptor(status.role(), status.term(), status.leaderId(), status.leader(),
					status.leaderSince(), status.leader() ? status.term() : null, status.lastLeaderContact(),
					TimingDescriptor.of(status.timing()));
		}

	}

	/**
	 * Description of the election timing, in milliseconds.
	 *
	 * @param electionTimeoutMin the minimum election timeout in force (the lease rests on it)
	 * @param electionTimeoutMax the maximum election timeout in force
	 * @param heartbeatInterval the heartbeat interval in force
	 * @param level how many times the configured timing was doubled (0: as configured)
	 * @param reason why the timing is what it is
	 * @param index the log entry that brought it in, 0 for the configured timing
	 * @param committed whether that entry is known to be committed
	 * @param configured this replica's configured timing
	 * @param incidents what this replica counted since it started
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record TimingDescriptor(long electionTimeoutMin, long electionTimeoutMax, long heartbeatInterval, int level,
			String reason, long index, boolean committed, Configured configured, Incidents incidents) {

		static @Nullable TimingDescriptor of(@Nullable RaftTiming timing) {
			if (timing == null) {
				return null;
			}
			RaftTiming.Incidents incidents = timing.incidents();
			return new TimingDescriptor(timing.electionTimeoutMin().toMillis(), timing.electionTimeoutMax().toMillis(),
					timing.heartbeatInterval().toMillis(), timing.level(), timing.reason(), timing.index(),
					timing.committed(),
					new Configured(timing.configuredElectionTimeoutMin().toMillis(),
							timing.configuredElectionTimeoutMax().toMillis(), timing.configuredHeartbeatInterval().toMillis()),
					new Incidents(incidents.leaseLapses(), incidents.lateRounds(), incidents.campaignsWhileLeading(),
							incidents.pauses(), incidents.longestPause().toMillis(), incidents.timingChanges()));
		}

		/**
		 * This replica's {@code raft.election-timeout-min}, {@code -max} and {@code raft.heartbeat-interval}.
		 *
		 * @param electionTimeoutMin milliseconds
		 * @param electionTimeoutMax milliseconds
		 * @param heartbeatInterval milliseconds
		 */
		public record Configured(long electionTimeoutMin, long electionTimeoutMax, long heartbeatInterval) {
		}

		/**
		 * The trouble this replica counted since it started (see {@link RaftTiming.Incidents}).
		 *
		 * @param leaseLapses leases that lapsed while it led (flaps)
		 * @param lateRounds heartbeat rounds acknowledged after half the lease
		 * @param campaignsWhileLeading vote requests from voters while it led
		 * @param pauses times it was not run for longer than expected
		 * @param longestPause the longest, in milliseconds
		 * @param timingChanges timing entries it wrote as leader
		 */
		public record Incidents(long leaseLapses, long lateRounds, long campaignsWhileLeading, long pauses,
				long longestPause, long timingChanges) {
		}

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
	 * @param standing its place in the configuration in force: {@code VOTER}, {@code LEARNER},
	 * {@code REMOVED} (leaving, or left) or {@code JOINING} (listed in {@code raft.peers}, no member)
	 * @param listed whether this replica's {@code raft.peers} lists it
	 * @param lastError why the last request to it that failed failed (the RPC, then an HTTP status
	 * with the member's own words, a timeout or a connection error), or {@code null} if none did;
	 * it still holds while {@code lastErrorAt} is later than {@code lastContact}
	 * @param lastErrorAt when that was, or {@code null}
	 * @param roundTripMillis while this replica leads: how long the member took to answer the latest
	 * heartbeat round, in milliseconds (fractional); otherwise {@code null}
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record PeerDescriptor(String id, @Nullable URI url, @Nullable Instant lastContact,
			@Nullable Long millisSinceLastContact, @Nullable String circuitBreaker, @Nullable Long matchIndex,
			RaftStatus.Standing standing, boolean listed, @Nullable String lastError, @Nullable Instant lastErrorAt,
			@Nullable Double roundTripMillis) {

		static PeerDescriptor of(PeerStatus peer, Instant now) {
			Instant lastContact = peer.lastContact();
			Long sinceLastContact = (lastContact != null)
					? Math.max(0, now.toEpochMilli() - lastContact.toEpochMilli()) : null;
			return new PeerDescriptor(peer.id(), peer.url(), lastContact, sinceLastContact, peer.circuitBreaker(),
					peer.matchIndex(), peer.standing(), peer.listed(), peer.lastError(), peer.lastErrorAt(),
					(peer.roundTrip() != null) ? peer.roundTrip().toNanos() / 1e6 : null);
		}

	}

	/**
	 * Description of the configuration in force.
	 *
	 * @param clusterId the cluster's id
	 * @param voters the voters (while joint, those being moved to)
	 * @param outgoingVoters while joint, the voters being left
	 * @param learners members catching up, not voting yet
	 * @param joint whether a change of voters is under way
	 * @param index the log index of the configuration
	 * @param committed whether it is known to be committed
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record MembershipDescriptor(String clusterId, Set<String> voters, Set<String> outgoingVoters,
			Set<String> learners, boolean joint, long index, boolean committed) {

		static MembershipDescriptor of(RaftMembership membership) {
			return new MembershipDescriptor(membership.clusterId(), membership.voters(), membership.outgoingVoters(),
					membership.learners(), membership.joint(), membership.index(), membership.committed());
		}

	}

	/**
	 * How the last attempt of a replica that has joined no cluster to form one went.
	 *
	 * @param granted members of {@code raft.peers} that would form the same cluster
	 * @param refused members that would not (they belong to a cluster, or list other members)
	 * @param unanswered members that did not answer
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record FormationDescriptor(Set<String> granted, Set<String> refused, Set<String> unanswered) {

	}

	/**
	 * Description of a request to change the members.
	 *
	 * @param result whether the change started, and if not, why
	 * @param from the replica that was asked
	 * @param member the member to add or remove
	 * @param message what happened, and what to do if it was refused
	 * @param leaderId the leader to ask instead, or {@code null}
	 * @param membership the configuration in force on the replica asked, or {@code null}
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record MembershipChangeDescriptor(MembershipChangeResult result, String from, String member, String message,
			@Nullable String leaderId, @Nullable MembershipDescriptor membership) implements OperationResponseBody {

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
