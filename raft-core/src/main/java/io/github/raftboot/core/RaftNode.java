package io.github.raftboot.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

import org.jspecify.annotations.Nullable;

/**
 * One member of a Raft cluster, as a pure state machine.
 *
 * <p>Not thread-safe and never blocks: one thread owns it and feeds it the time
 * ({@link #tick(long)}, on the node's monotonic clock in nanoseconds) and the messages it
 * receives ({@link #step(Message, long)}). After each input, {@link #ready()} hands out what to
 * persist, what to send and how the role changed. The node never reads a clock and takes its
 * randomness from an injected generator, so a run is reproducible from its inputs.
 *
 * <p>Role changes happen only in {@code becomeFollower}, {@code becomePreCandidate},
 * {@code becomeCandidate} and {@code becomeLeader}; the term of every message is compared once,
 * in {@link #step(Message, long)}, before role-specific handling. Modelled on etcd-io/raft.
 *
 * <h2>Leader lease</h2> A leader is <em>active</em> only once the no-op entry of its term is
 * committed and while {@code sendTime(latest round acknowledged by a majority) + electionTimeoutMin
 * × (1 − clockDriftBound)} lies ahead. A follower that acknowledges a round refuses every
 * (pre-)vote for {@code electionTimeoutMin} after receiving it, and a node that just started
 * refuses them for {@code electionTimeoutMin}, so no other member can be elected, let alone
 * become active, before the lease ends. The one exception, a leadership transfer, is asked for
 * by the leader itself after it stopped being active, and it never becomes active again in that
 * term.
 */
public final class RaftNode {

	private final RaftConfig config;

	private final String id;

	/** The other members, sorted. */
	private final List<String> peers;

	private final int quorum;

	private final RandomGenerator random;

	private final long minNanos;

	private final long maxNanos;

	private final long heartbeatNanos;

	private final long leaseNanos;

	private final long startedAt;

	// Persistent state
	private long term;

	private @Nullable String votedFor;

	private final RaftLog log;

	// Volatile state
	private Role role = Role.FOLLOWER;

	private @Nullable String leaderId;

	private long commitIndex;

	private long lastLeaderContact;

	private long electionDeadline;

	/** The last pre-vote request this node granted, and when. */
	private @Nullable RequestVote preVoteGranted;

	private long preVoteGrantedAt;

	private final Set<String> granted = new HashSet<>();

	private final Set<String> rejected = new HashSet<>();

	// Leader state
	private final Map<String, Progress> progress = new LinkedHashMap<>();

	private long leaderSince;

	private long noopIndex;

	private long nextHeartbeatAt;

	private long currentRound;

	/** Send time of each heartbeat round that may still extend the lease. */
	private final TreeMap<Long, Long> roundSendTimes = new TreeMap<>();

	private boolean hasLeaseEnd;

	private long leaseEnd;

	private @Nullable String transferee;

	private long transferDeadline;

	private boolean timeoutNowSent;

	// Output
	private boolean persistNeeded;

	private final List<Message> outbox = new ArrayList<>();

	private final List<RoleChange> roleChanges = new ArrayList<>();

	/**
	 * Creates a node that starts as a follower, or, in a one-member cluster, as leader at once.
	 * @param config the settings
	 * @param state the state loaded from storage
	 * @param random the source of randomized election timeouts
	 * @param nowNanos the current time on the node's monotonic clock
	 */
	public RaftNode(RaftConfig config, PersistentState state, RandomGenerator random, long nowNanos) {
		this.config = Objects.requireNonNull(config, "config");
		this.random = Objects.requireNonNull(random, "random");
		this.id = config.nodeId();
		this.peers = config.members().stream().filter((member) -> !member.equals(this.id)).sorted().toList();
		this.quorum = config.quorum();
		this.minNanos = config.electionTimeoutMin().toNanos();
		this.maxNanos = config.electionTimeoutMax().toNanos();
		this.heartbeatNanos = config.heartbeatInterval().toNanos();
		this.leaseNanos = config.leaseDuration().toNanos();
		this.term = state.term();
		this.votedFor = state.votedFor();
		this.log = new RaftLog(state.log());
		this.startedAt = nowNanos;
		resetElectionTimer(nowNanos);
		if (this.peers.isEmpty()) {
			campaign(nowNanos, false, RoleChange.Reason.ELECTION_TIMEOUT);
		}
	}

	/** This node's id. */
	public String id() {
		return this.id;
	}

	/** The settings this node runs with. */
	public RaftConfig config() {
		return this.config;
	}

	/**
	 * Advances time: times out elections, sends heartbeats, checks the quorum and aborts a
	 * transfer that took too long.
	 * @param nowNanos the current time on the node's monotonic clock
	 */
	public void tick(long nowNanos) {
		if (this.role == Role.LEADER) {
			tickLeader(nowNanos);
		}
		else if (nowNanos - this.electionDeadline >= 0) {
			campaign(nowNanos, false, RoleChange.Reason.ELECTION_TIMEOUT);
		}
	}

	/**
	 * The earliest time at which {@link #tick(long)} has something to do, assuming no message
	 * arrives before then. A driver may tick more often; ticking later delays heartbeats.
	 */
	public long nextTickNanos() {
		if (this.role != Role.LEADER) {
			return this.electionDeadline;
		}
		if (this.transferee != null && this.transferDeadline - this.nextHeartbeatAt < 0) {
			return this.transferDeadline;
		}
		return this.nextHeartbeatAt;
	}

	/**
	 * Handles a message from another member.
	 * @param message the message; it must be addressed to this node and come from a member
	 * @param nowNanos the current time on the node's monotonic clock
	 * @throws IllegalArgumentException if the message is not addressed to this node, does not
	 * come from another member, or is an AppendEntries of a current or newer term that contradicts
	 * an entry this node knows to be committed (which no correct leader sends); the node is then
	 * unchanged
	 */
	public void step(Message message, long nowNanos) {
		if (!message.to().equals(this.id)) {
			throw new IllegalArgumentException(
					"Message addressed to '" + message.to() + "' delivered to '" + this.id + "'");
		}
		if (!this.peers.contains(message.from())) {
			throw new IllegalArgumentException("Message from '" + message.from() + "', which is not another member of "
					+ this.config.members());
		}
		if (message instanceof AppendEntries append && append.term() >= this.term) {
			checkCommittedEntriesAreKept(append);
		}
		if (message.term() > this.term) {
			if (message instanceof RequestVote request && !request.transfer() && inLease(nowNanos)) {
				// A leader is alive (or this node may have acknowledged one just before it
				// restarted): refuse to take part in an election, and keep the term.
				return;
			}
			if (message instanceof RequestVote request && request.preVote()) {
				// A pre-vote never changes the voter's term.
			}
			else if (message instanceof RequestVoteResponse response && response.preVote() && response.granted()) {
				// A granted pre-vote carries the term the node would campaign in.
			}
			else {
				String leader = (message instanceof AppendEntries) ? message.from() : null;
				becomeFollower(nowNanos, message.term(), leader, RoleChange.Reason.HIGHER_TERM);
			}
		}
		else if (message.term() < this.term) {
			if (message instanceof AppendEntries append) {
				// Tell a stale leader about the newer term so that it steps down.
				send(new AppendEntriesResponse(this.id, append.from(), this.term, false, append.prevLogIndex(),
						this.log.lastIndex(), append.round()));
			}
			else if (message instanceof RequestVote request && request.preVote()) {
				send(new RequestVoteResponse(this.id, request.from(), this.term, false, true));
			}
			return;
		}
		if (message instanceof RequestVote request) {
			handleRequestVote(request, nowNanos);
		}
		else if (message instanceof RequestVoteResponse response) {
			handleVoteResponse(response, nowNanos);
		}
		else if (message instanceof AppendEntries append) {
			handleAppendEntries(append, nowNanos);
		}
		else if (message instanceof AppendEntriesResponse response) {
			handleAppendResponse(response, nowNanos);
		}
		else if (message instanceof TimeoutNow timeoutNow) {
			handleTimeoutNow(timeoutNow, nowNanos);
		}
	}

	/**
	 * Starts handing leadership to {@code target}: this node stops acting as leader at once,
	 * brings the target's log up to date and then tells it to campaign. If the target has not
	 * taken over within the minimum election timeout, the transfer is aborted.
	 * @param target the member to hand over to
	 * @param nowNanos the current time on the node's monotonic clock
	 * @return whether the transfer started, and if not, why
	 */
	public TransferResult transferLeadership(String target, long nowNanos) {
		if (this.role != Role.LEADER) {
			return TransferResult.NOT_LEADER;
		}
		if (target.equals(this.id)) {
			return TransferResult.TARGET_IS_SELF;
		}
		if (!this.peers.contains(target)) {
			return TransferResult.UNKNOWN_MEMBER;
		}
		if (this.transferee != null) {
			return target.equals(this.transferee) ? TransferResult.IN_PROGRESS
					: TransferResult.OTHER_TRANSFER_IN_PROGRESS;
		}
		this.transferee = target;
		this.transferDeadline = nowNanos + this.minNanos;
		this.timeoutNowSent = false;
		Progress targetProgress = this.progress.get(target);
		if (targetProgress.match == this.log.lastIndex()) {
			sendTimeoutNow(target);
		}
		else {
			sendAppend(target);
		}
		return TransferResult.STARTED;
	}

	/**
	 * Hands leadership to the most up-to-date member that answered within the minimum election
	 * timeout (ties go to the one heard from last).
	 * @param nowNanos the current time on the node's monotonic clock
	 * @return the chosen target and the outcome; no target if this node does not lead or no
	 * member is reachable
	 */
	public TransferAttempt transferLeadershipToBestPeer(long nowNanos) {
		if (this.role != Role.LEADER) {
			return new TransferAttempt(null, TransferResult.NOT_LEADER);
		}
		Optional<Progress> best = this.progress.values()
			.stream()
			.filter((peer) -> peer.heardFrom && nowNanos - peer.lastContact < this.minNanos)
			.max(Comparator.<Progress>comparingLong((peer) -> peer.match)
				.thenComparingLong((peer) -> peer.lastContact - nowNanos));
		if (best.isEmpty()) {
			return new TransferAttempt(null, TransferResult.NO_REACHABLE_MEMBER);
		}
		String target = best.get().id;
		return new TransferAttempt(target, transferLeadership(target, nowNanos));
	}

	/** Whether this node may act as leader at {@code nowNanos}: see the class description. */
	public boolean isActiveLeader(long nowNanos) {
		Lease lease = lease();
		return lease != null && lease.isValidAt(nowNanos);
	}

	/** The current lease, or {@code null} if this node must not act as leader whatever the time. */
	public @Nullable Lease lease() {
		if (this.role != Role.LEADER || this.commitIndex < this.noopIndex || this.transferee != null) {
			return null;
		}
		if (this.peers.isEmpty()) {
			return new Lease(this.term, this.leaseEnd, true);
		}
		return this.hasLeaseEnd ? new Lease(this.term, this.leaseEnd, false) : null;
	}

	/** A snapshot of this node's state. */
	public Status status() {
		List<PeerProgress> peerProgress = (this.role != Role.LEADER) ? List.of()
				: this.progress.values()
					.stream()
					.map((peer) -> new PeerProgress(peer.id, peer.match, peer.next,
							peer.heardFrom ? peer.lastContact : null))
					.toList();
		return new Status(this.id, this.role, this.term, this.leaderId, this.votedFor, this.commitIndex,
				this.log.lastIndex(), this.log.lastTerm(), lease(),
				(this.role == Role.LEADER) ? this.leaderSince : null, this.transferee, peerProgress);
	}

	/** The current role. */
	public Role role() {
		return this.role;
	}

	/** The current term. */
	public long term() {
		return this.term;
	}

	/** The leader known in this term, or {@code null}. */
	public @Nullable String leaderId() {
		return this.leaderId;
	}

	/** The highest index known to be committed. */
	public long commitIndex() {
		return this.commitIndex;
	}

	/** Index of the last log entry. */
	public long lastLogIndex() {
		return this.log.lastIndex();
	}

	/** The term of the log entry at {@code index}: 0 for index 0, -1 if there is no such entry. */
	public long termAt(long index) {
		return this.log.termAt(index);
	}

	/**
	 * Hands out what the inputs since the previous call produced: the state to persist (persist
	 * it before sending, except the requests {@link Ready#messagesBeforePersisting()} lists),
	 * the messages to send and the role changes.
	 */
	public Ready ready() {
		PersistentState toPersist = this.persistNeeded
				? new PersistentState(this.term, this.votedFor, this.log.snapshot()) : null;
		Ready ready = new Ready(toPersist, this.outbox, this.roleChanges, status());
		this.persistNeeded = false;
		this.outbox.clear();
		this.roleChanges.clear();
		return ready;
	}

	// Role changes

	private void becomeFollower(long now, long newTerm, @Nullable String leader, RoleChange.Reason reason) {
		Role previous = this.role;
		if (newTerm != this.term) {
			this.term = newTerm;
			this.votedFor = null;
			this.persistNeeded = true;
		}
		this.role = Role.FOLLOWER;
		this.leaderId = leader;
		if (leader != null) {
			this.lastLeaderContact = now;
		}
		resetLeaderState();
		resetElectionTimer(now);
		if (previous != Role.FOLLOWER) {
			this.roleChanges.add(new RoleChange(previous, Role.FOLLOWER, this.term, reason));
		}
	}

	private void becomePreCandidate(long now, RoleChange.Reason reason) {
		Role previous = this.role;
		this.role = Role.PRE_CANDIDATE;
		this.leaderId = null;
		resetLeaderState();
		resetVotes();
		resetElectionTimer(now);
		this.roleChanges.add(new RoleChange(previous, Role.PRE_CANDIDATE, this.term, reason));
	}

	private void becomeCandidate(long now, RoleChange.Reason reason) {
		Role previous = this.role;
		this.role = Role.CANDIDATE;
		this.term++;
		this.votedFor = this.id;
		this.persistNeeded = true;
		this.leaderId = null;
		resetLeaderState();
		resetVotes();
		resetElectionTimer(now);
		this.roleChanges.add(new RoleChange(previous, Role.CANDIDATE, this.term, reason));
	}

	private void becomeLeader(long now) {
		Role previous = this.role;
		this.role = Role.LEADER;
		this.leaderId = this.id;
		this.leaderSince = now;
		resetLeaderState();
		for (String peer : this.peers) {
			this.progress.put(peer, new Progress(peer, this.log.lastIndex() + 1));
		}
		this.noopIndex = this.log.append(this.term, EntryType.NOOP).index();
		this.persistNeeded = true;
		this.roleChanges.add(new RoleChange(previous, Role.LEADER, this.term, RoleChange.Reason.ELECTION_WON));
		maybeCommit();
		broadcastHeartbeat(now);
	}

	// Elections

	private void campaign(long now, boolean transfer, RoleChange.Reason reason) {
		if (this.term >= Message.MAX_VALUE) {
			// No term is left to campaign in; only a hostile member can have pushed the term this far.
			resetElectionTimer(now);
			return;
		}
		if (this.config.preVote() && !transfer) {
			becomePreCandidate(now, reason);
			requestVotes(true, false);
			if (this.granted.size() + 1 >= this.quorum) {
				becomeCandidate(now, RoleChange.Reason.PRE_VOTE_WON);
				requestVotes(false, false);
			}
		}
		else {
			becomeCandidate(now, reason);
			requestVotes(false, transfer);
		}
		if (this.role == Role.CANDIDATE && this.granted.size() + 1 >= this.quorum) {
			becomeLeader(now);
		}
	}

	private void requestVotes(boolean preVote, boolean transfer) {
		long requestedTerm = preVote ? this.term + 1 : this.term;
		for (String peer : this.peers) {
			send(new RequestVote(this.id, peer, requestedTerm, this.log.lastIndex(), this.log.lastTerm(), preVote,
					transfer));
		}
	}

	private void handleRequestVote(RequestVote request, long now) {
		// Here request.term() >= this.term: a vote for a higher term has made this node a
		// follower of that term already, a pre-vote has left the term alone.
		boolean canVote = request.from().equals(this.votedFor) || (this.votedFor == null && this.leaderId == null)
				|| (request.preVote() && request.term() > this.term);
		if (canVote && this.log.isUpToDate(request.lastLogIndex(), request.lastLogTerm())
				&& !outranksRivalPreCandidate(request) && !preVotedForRival(request, now)) {
			send(new RequestVoteResponse(this.id, request.from(), request.term(), true, request.preVote()));
			if (request.preVote()) {
				this.preVoteGranted = request;
				this.preVoteGrantedAt = now;
			}
			else {
				if (!request.from().equals(this.votedFor)) {
					this.votedFor = request.from();
					this.persistNeeded = true;
				}
				resetElectionTimer(now);
			}
		}
		else {
			send(new RequestVoteResponse(this.id, request.from(), this.term, false, request.preVote()));
		}
	}

	/**
	 * Whether this pre-candidate refuses the pre-vote of a rival that campaigns for the same term
	 * with an equal log, because its own id ranks first. Without this, two members that time out
	 * within one round trip of each other both pass the pre-vote, both raise their term, vote for
	 * themselves and split the vote: in a three-member cluster that lost its leader, that costs
	 * a whole further election timeout. Ranking only breaks ties between equals; a rival with a
	 * more up-to-date log still gets the pre-vote. Pre-votes decide nothing about safety.
	 */
	private boolean outranksRivalPreCandidate(RequestVote request) {
		return request.preVote() && this.role == Role.PRE_CANDIDATE && request.term() == this.term + 1
				&& request.lastLogIndex() == this.log.lastIndex() && request.lastLogTerm() == this.log.lastTerm()
				&& this.id.compareTo(request.from()) < 0;
	}

	/**
	 * Whether this node granted, less than the minimum election timeout ago, a pre-vote for the
	 * same term to a rival whose id ranks first and whose log is at least as up to date. When the
	 * leader dies, the followers' timers run out within milliseconds of each other; two of them
	 * that both pass the pre-vote raise their term together and split the real vote, and the
	 * cluster waits a whole further election timeout. Refusing the second one its pre-votes makes
	 * it give up at once without raising its term. Only a rival that ranks first holds a
	 * pre-candidate back, so the first-ranked of any group of pre-candidates is never refused for
	 * this reason and they cannot hold one another back in turn; one that then fails to campaign
	 * holds the others back for at most that minimum timeout, as a leader that just died does.
	 * Pre-votes decide nothing about safety.
	 */
	private boolean preVotedForRival(RequestVote request, long now) {
		RequestVote granted = this.preVoteGranted;
		if (!request.preVote() || granted == null || granted.from().equals(request.from())
				|| granted.term() != request.term() || now - this.preVoteGrantedAt >= this.minNanos
				|| granted.from().compareTo(request.from()) > 0) {
			return false;
		}
		return RaftLog.isAtLeastAsUpToDate(granted.lastLogIndex(), granted.lastLogTerm(), request.lastLogIndex(),
				request.lastLogTerm());
	}

	private void handleVoteResponse(RequestVoteResponse response, long now) {
		boolean expected = (this.role == Role.PRE_CANDIDATE && response.preVote())
				|| (this.role == Role.CANDIDATE && !response.preVote());
		if (!expected) {
			return;
		}
		if (response.preVote() && response.granted() && response.term() != this.term + 1) {
			// A grant left over from a pre-vote for an earlier term.
			return;
		}
		if (response.granted()) {
			this.granted.add(response.from());
		}
		else {
			this.rejected.add(response.from());
		}
		if (this.granted.size() + 1 >= this.quorum) {
			if (this.role == Role.PRE_CANDIDATE) {
				becomeCandidate(now, RoleChange.Reason.PRE_VOTE_WON);
				requestVotes(false, false);
			}
			else {
				becomeLeader(now);
			}
		}
		else if (this.rejected.size() > this.peers.size() + 1 - this.quorum) {
			becomeFollower(now, this.term, null, RoleChange.Reason.ELECTION_LOST);
		}
	}

	private void handleTimeoutNow(TimeoutNow timeoutNow, long now) {
		if (this.role == Role.FOLLOWER) {
			campaign(now, true, RoleChange.Reason.TRANSFER_REQUESTED);
		}
	}

	/**
	 * Whether this node must refuse to take part in an election for a higher term: it leads, or
	 * heard from a leader within the minimum election timeout, or started less than that ago (it
	 * may have acknowledged a leader just before it stopped).
	 */
	private boolean inLease(long now) {
		if (this.peers.isEmpty()) {
			return false;
		}
		return this.role == Role.LEADER || (this.leaderId != null && now - this.lastLeaderContact < this.minNanos)
				|| now - this.startedAt < this.minNanos;
	}

	// Replication

	private void handleAppendEntries(AppendEntries append, long now) {
		if (this.role == Role.LEADER) {
			// Two leaders in one term cannot happen; drop rather than corrupt the log.
			return;
		}
		if (this.role != Role.FOLLOWER) {
			becomeFollower(now, this.term, append.from(), RoleChange.Reason.LEADER_DISCOVERED);
		}
		this.leaderId = append.from();
		this.lastLeaderContact = now;
		resetElectionTimer(now);
		long prev = append.prevLogIndex();
		if (prev > this.log.lastIndex() || this.log.termAt(prev) != append.prevLogTerm()) {
			send(new AppendEntriesResponse(this.id, append.from(), this.term, false, prev, this.log.lastIndex(),
					append.round()));
			return;
		}
		for (LogEntry entry : append.entries()) {
			long existing = this.log.termAt(entry.index());
			if (existing == entry.term()) {
				continue;
			}
			if (existing != -1) {
				if (entry.index() <= this.commitIndex) {
					throw new IllegalStateException("Leader " + append.from() + " of term " + append.term()
							+ " conflicts with committed entry " + entry.index() + " of " + this.id);
				}
				this.log.truncateFrom(entry.index());
			}
			this.log.append(entry);
			this.persistNeeded = true;
		}
		long lastNew = append.lastIndex();
		long newCommit = Math.min(append.leaderCommit(), lastNew);
		if (newCommit > this.commitIndex) {
			this.commitIndex = newCommit;
		}
		send(new AppendEntriesResponse(this.id, append.from(), this.term, true, lastNew, this.log.lastIndex(),
				append.round()));
	}

	/**
	 * Refuses, before anything changes, an AppendEntries that would replace a committed entry. A
	 * leader of this node's term or a newer one holds every committed entry (Raft §5.4), so only
	 * a broken or hostile sender does this; a stale leader's conflicting entries are answered
	 * with the newer term instead, so that it steps down.
	 */
	private void checkCommittedEntriesAreKept(AppendEntries append) {
		for (LogEntry entry : append.entries()) {
			if (entry.index() > this.commitIndex) {
				return;
			}
			if (this.log.termAt(entry.index()) != entry.term()) {
				throw new IllegalArgumentException("AppendEntries from '" + append.from() + "' in term " + append.term()
						+ " conflicts with committed entry " + entry.index() + " of '" + this.id + "'");
			}
		}
	}

	private void handleAppendResponse(AppendEntriesResponse response, long now) {
		if (this.role != Role.LEADER) {
			return;
		}
		Progress peer = this.progress.get(response.from());
		peer.heardFrom = true;
		peer.lastContact = now;
		if (response.round() > peer.ackedRound && response.round() <= this.currentRound) {
			peer.ackedRound = response.round();
			updateLease(now);
		}
		if (response.success()) {
			if (response.index() > peer.match) {
				peer.match = Math.min(response.index(), this.log.lastIndex());
				maybeCommit();
			}
			peer.next = Math.max(peer.next, peer.match + 1);
		}
		else if (response.index() == peer.next - 1 && response.index() > peer.match) {
			peer.next = Math.max(peer.match + 1, Math.min(response.index(), response.lastLogIndex() + 1));
		}
		else {
			return;
		}
		if (response.from().equals(this.transferee) && !this.timeoutNowSent && peer.match == this.log.lastIndex()) {
			sendTimeoutNow(peer.id);
		}
		else if (peer.next <= this.log.lastIndex()) {
			sendAppend(peer.id);
		}
	}

	private void tickLeader(long now) {
		if (this.transferee != null && now - this.transferDeadline >= 0) {
			if (this.timeoutNowSent) {
				// The target may still campaign on our TimeoutNow and bypass the followers'
				// stickiness, so this node must never act as leader in this term again.
				becomeFollower(now, this.term, null, RoleChange.Reason.TRANSFER_ABORTED);
				return;
			}
			this.transferee = null;
		}
		if (now - this.nextHeartbeatAt >= 0) {
			if (this.config.checkQuorum() && now - this.leaderSince >= this.minNanos && !quorumActive(now)) {
				becomeFollower(now, this.term, null, RoleChange.Reason.QUORUM_LOST);
				return;
			}
			broadcastHeartbeat(now);
		}
	}

	private boolean quorumActive(long now) {
		int active = 1;
		for (Progress peer : this.progress.values()) {
			if (peer.heardFrom && now - peer.lastContact < this.minNanos) {
				active++;
			}
		}
		return active >= this.quorum;
	}

	private void broadcastHeartbeat(long now) {
		this.currentRound++;
		this.roundSendTimes.put(this.currentRound, now);
		this.nextHeartbeatAt = now + this.heartbeatNanos;
		for (String peer : this.peers) {
			sendAppend(peer);
		}
		updateLease(now);
	}

	private void sendAppend(String peer) {
		Progress target = this.progress.get(peer);
		long prev = target.next - 1;
		send(new AppendEntries(this.id, peer, this.term, prev, this.log.termAt(prev),
				this.log.slice(target.next, this.config.maxEntriesPerMessage()), this.commitIndex, this.currentRound));
	}

	private void sendTimeoutNow(String peer) {
		this.timeoutNowSent = true;
		send(new TimeoutNow(this.id, peer, this.term));
	}

	private void maybeCommit() {
		long[] matches = new long[this.peers.size() + 1];
		int i = 0;
		matches[i++] = this.log.lastIndex();
		for (Progress peer : this.progress.values()) {
			matches[i++] = peer.match;
		}
		Arrays.sort(matches);
		long candidate = matches[matches.length - this.quorum];
		// Only entries of the current term are committed by counting replicas (Raft §5.4.2).
		if (candidate > this.commitIndex && this.log.termAt(candidate) == this.term) {
			this.commitIndex = candidate;
		}
	}

	/** Extends the lease to the send time of the latest round a majority acknowledged. */
	private void updateLease(long now) {
		long[] acked = new long[this.peers.size() + 1];
		int i = 0;
		acked[i++] = this.currentRound;
		for (Progress peer : this.progress.values()) {
			acked[i++] = peer.ackedRound;
		}
		Arrays.sort(acked);
		long round = acked[acked.length - this.quorum];
		Long sentAt = this.roundSendTimes.get(round);
		if (round > 0 && sentAt != null) {
			long end = sentAt + this.leaseNanos;
			if (!this.hasLeaseEnd || end - this.leaseEnd > 0) {
				this.leaseEnd = end;
				this.hasLeaseEnd = true;
			}
		}
		// Rounds before the majority's cannot extend the lease any more, nor can rounds whose
		// lease would already have ended.
		this.roundSendTimes.headMap(round).clear();
		while (!this.roundSendTimes.isEmpty() && this.roundSendTimes.firstKey() < this.currentRound
				&& this.roundSendTimes.firstEntry().getValue() + this.leaseNanos - now <= 0) {
			this.roundSendTimes.pollFirstEntry();
		}
	}

	// Helpers

	private void resetElectionTimer(long now) {
		this.electionDeadline = now + this.minNanos + this.random.nextLong(this.maxNanos - this.minNanos);
	}

	private void resetVotes() {
		this.granted.clear();
		this.rejected.clear();
	}

	private void resetLeaderState() {
		this.progress.clear();
		this.roundSendTimes.clear();
		this.hasLeaseEnd = false;
		this.transferee = null;
		this.timeoutNowSent = false;
		this.noopIndex = 0;
	}

	private void send(Message message) {
		this.outbox.add(message);
	}

	/**
	 * The outcome of {@link #transferLeadershipToBestPeer(long)}.
	 *
	 * @param target the member chosen, or {@code null} if none could be
	 * @param result whether the transfer started
	 */
	public record TransferAttempt(@Nullable String target, TransferResult result) {
	}

	/** What the leader knows of one follower. */
	private static final class Progress {

		private final String id;

		private long match;

		private long next;

		private boolean heardFrom;

		private long lastContact;

		private long ackedRound;

		private Progress(String id, long next) {
			this.id = id;
			this.next = next;
		}

	}

}
