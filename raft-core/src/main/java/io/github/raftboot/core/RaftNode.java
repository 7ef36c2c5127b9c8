package io.github.raftboot.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
 *
 * <h2>Members</h2> Who votes is data in the log (Raft thesis ch. 4): every node uses the latest
 * {@link EntryType#CONFIG} entry in its log, committed or not, or else the configuration its log
 * starts from ({@link PersistentState#base()}), for elections, pre-votes, commitment, the
 * check-quorum and the lease. Voters change through a joint configuration that needs majorities
 * of the old and of the new voters ({@link Quorum}); new members catch up as learners first and
 * are promoted once their log has caught up; the leader makes one change at a time, and only once
 * it has committed an entry of its own term. {@link RaftConfig#members()} only proposes: a node
 * that never joined a cluster forms one with those members only when every one of them has never
 * joined a cluster either and proposes the same members ({@link RequestVote#bootstrap()});
 * otherwise it waits, never campaigns, and follows whichever leader adds it.
 */
public final class RaftNode {

	private final RaftConfig config;

	/**
	 * How long a leader keeps sending to a member that a configuration removed, so that it learns
	 * that it was removed and stops campaigning, if it does not acknowledge that configuration
	 * earlier.
	 */
	private static final long DEPARTURE_GRACE_TIMEOUTS = 20;

	/**
	 * The most configuration and timing entries one AppendEntries carries together, besides its
	 * base configuration: with {@link RaftConfig#maxEntriesPerMessage()}, it bounds the size of a
	 * message.
	 */
	public static final int MAX_CONFIGURATIONS_PER_MESSAGE = 4;

	/** Lapses of a lease count as in a row while each comes within this many maximum election timeouts of the last. */
	private static final long LAPSE_STREAK_TIMEOUTS = 10;

	/**
	 * How many maximum election timeouts at most a lease that lapsed while its leadership settled
	 * waits for the widening: see {@link #awaitsWidening}.
	 */
	private static final long AWAIT_WIDENING_TIMEOUTS = 3;

	/** The longest run of lapses that still doubles the time a lease is held back: 2^(6-1) - 1 = 31 heartbeat intervals. */
	private static final int MAX_LAPSE_BACK_OFF = 6;

	/** How many of the latest rounds' send times a leader keeps, to measure its members' round trips. */
	private static final int RECENT_ROUNDS = 64;

	private final String id;

	/** The configuration this node would form a cluster with: its {@link RaftConfig#members()}. */
	private final Membership proposal;

	private final RandomGenerator random;

	/** The timing this node's settings propose: the cluster's until a log entry says otherwise. */
	private final Timing baseline;

	/** The configured minimum election timeout: how long a node that just started refuses votes, at least. */
	private final long configuredMinNanos;

	private final double leaseFactor;

	private final long startedAt;

	// The timing in force: derived from the log, else the baseline

	private Timing timing;

	private long timingIndex;

	private long minNanos;

	private long maxNanos;

	private long heartbeatNanos;

	// Loyalty: the promises this node made, by acknowledging a leader, to refuse other candidates

	private boolean loyal;

	/** Until when this node must refuse to vote for, or become, any other candidate than a transfer's. */
	private long loyalUntil;

	/** The persisted bound of what {@link #loyalUntil} may still be from any moment on: see {@link PersistentState#stickinessMillis()}. */
	private long stickinessBoundMillis;

	// A hold on its first campaign: see holdElections

	private boolean electionsHeld;

	private long electionsHeldUntil;

	// Incidents

	private final TimingPolicy policy;

	private long leaseLapses;

	private long lateRounds;

	private long campaignsWhileLeading;

	private long pauses;

	private long longestPauseNanos;

	/** Whether a pause was noticed, and the due time it was late for ({@link #noticePause}). */
	private boolean pauseNoticed;

	private long pauseNoticedDue;

	private long timingChanges;

	// Persistent state
	private long term;

	private @Nullable String votedFor;

	private final RaftLog log;

	private @Nullable Membership base;

	// The configuration in force: derived from the log and the base

	private @Nullable Membership membership;

	private long membershipIndex;

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

	// Forming a cluster, while this node never joined one

	private boolean probing;

	private long formationTerm;

	private final Set<String> formationGranted = new TreeSet<>();

	private final Set<String> formationRefused = new TreeSet<>();

	private @Nullable Formation formation;

	/** The member to ask to join next: the leader an answer named. */
	private @Nullable String joinTarget;

	private long joinAttempts;

	// Leader state
	private final Map<String, Progress> progress = new TreeMap<>();

	private long leaderSince;

	private long noopIndex;

	private long nextHeartbeatAt;

	private long currentRound;

	/** Each heartbeat round that may still extend the lease: its send time and the lease it can give. */
	private final TreeMap<Long, Round> rounds = new TreeMap<>();

	/** Send times of the latest rounds, for the members' round trips. */
	private final TreeMap<Long, Long> recentSendTimes = new TreeMap<>();

	/** The latest round a majority acknowledged. */
	private long majorityRound;

	private boolean hasLeaseEnd;

	private long leaseEnd;

	/** Whether the lease was last seen active: so that a lapse is counted once. */
	private boolean leaseSeenActive;

	/**
	 * Whether the lease lapsed and is held back until a renewal lasts at least a heartbeat
	 * interval: see {@link #lease()}.
	 */
	private boolean leaseHeldBack;

	/** How many times in a row the lease of this leadership lapsed, each within a few election timeouts of the last. */
	private int lapseStreak;

	private long lastLapseAt;

	/** A lease held back is withheld at least until then: see {@link #observeLease(long)}. */
	private long heldBackUntil;

	/**
	 * Whether a lease that lapsed while this leadership settled at the configured timing stays
	 * withheld until a round asking for more than {@link #wideningFromMillis} of stickiness, the
	 * widening that lapse brings, renews it: see {@link #observeLease(long)}.
	 */
	private boolean awaitingWidening;

	/** The stickiness a round must ask for more than to end {@link #awaitingWidening}. */
	private long wideningFromMillis;

	/** {@link #awaitingWidening} ends then at the latest, widened or not. */
	private long awaitingWideningUntil;

	/** Whether the lease ended during a pause of this node: see {@link #catchUpUntil}. */
	private boolean catchingUp;

	/**
	 * Until when the end of a lease that ended during a pause does not count as a lapse: the
	 * answers queued behind the pause may still renew it. See {@link Lease#lapseReportedFromNanos()}.
	 */
	private long catchUpUntil;

	/** Check-quorum waits until then: after a pause, the members' answers may still be queued. */
	private long quorumCheckFrom;

	private @Nullable String transferee;

	private long transferDeadline;

	private boolean timeoutNowSent;

	// Output
	private boolean persistNeeded;

	/**
	 * The commit index when {@link #ready()} was last called: everything it relied on is durable
	 * by now, unlike what the current input appended.
	 */
	private long durableCommitIndex;

	/** The last log index when {@link #ready()} was last called: every entry up to it is durable by now. */
	private long durableLastIndex;

	private final List<Message> outbox = new ArrayList<>();

	private final List<RoleChange> roleChanges = new ArrayList<>();

	/**
	 * Creates a node that starts as a follower, or, if it is the only voter, as leader at once. A
	 * node that never joined a cluster and whose {@link RaftConfig#members()} is itself alone forms
	 * a one-member cluster at once.
	 * @param config the settings
	 * @param state the state loaded from storage
	 * @param random the source of randomized election timeouts
	 * @param nowNanos the current time on the node's monotonic clock
	 */
	public RaftNode(RaftConfig config, PersistentState state, RandomGenerator random, long nowNanos) {
		this.config = Objects.requireNonNull(config, "config");
		this.random = Objects.requireNonNull(random, "random");
		this.id = config.nodeId();
		this.proposal = config.initialMembership();
		this.baseline = config.baselineTiming();
		this.configuredMinNanos = config.electionTimeoutMin().toNanos();
		this.leaseFactor = 1 - config.clockDriftBound();
		this.policy = new TimingPolicy(config.timingQuietPeriod(), random);
		this.policy.startStormsPass(false);
		this.term = state.term();
		this.votedFor = state.votedFor();
		this.log = new RaftLog(state.log());
		this.base = state.base();
		this.durableLastIndex = this.log.lastIndex();
		this.startedAt = nowNanos;
		this.timing = this.baseline;
		applyTiming(this.baseline);
		refreshTiming(nowNanos);
		this.stickinessBoundMillis = state.stickinessMillis();
		if (!state.isFresh()) {
			// It may have promised a leader its loyalty just before it stopped: keep that promise.
			this.loyal = true;
			this.loyalUntil = nowNanos + millisToNanos(
					Math.max(state.stickinessMillis(), this.baseline.electionTimeoutMinMillis()));
		}
		refreshMembership(nowNanos);
		resetElectionTimer(nowNanos);
		if (this.membership == null && this.proposal.isSoleVoter(this.id)) {
			form(nowNanos);
		}
		else if (this.membership != null && this.membership.isSoleVoter(this.id)) {
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
		if (noticePause(nowNanos) && this.role != Role.LEADER) {
			// Not run for a while: the leader's heartbeats may be queued behind this tick. Wait a
			// whole election timeout for them rather than campaign on a stale timer.
			return;
		}
		observeLease(nowNanos);
		if (this.role == Role.LEADER) {
			tickLeader(nowNanos);
		}
		else if (nowNanos - this.electionDeadline >= 0) {
			if (this.membership == null) {
				probeFormation(nowNanos);
			}
			else if (this.membership.isVoter(this.id)) {
				campaign(nowNanos, false, RoleChange.Reason.ELECTION_TIMEOUT);
			}
			else {
				// A learner, or not a member: it waits to be added and never campaigns.
				resetElectionTimer(nowNanos);
			}
		}
	}

	/**
	 * Sends the next heartbeat round now rather than at its due time, if this node leads and the
	 * round is due within {@code windowNanos}: exactly what {@link #tick(long)} does once the round
	 * comes due (check-quorum included), and the round after it is due a heartbeat interval later.
	 * A driver that runs several nodes (one per election group) on one transport uses it to send
	 * the rounds of every group it leads together, pulled forward to the moment one of them is
	 * sent. Sending a round early never lengthens the gap between two rounds, so it cannot make a
	 * lease lapse; the lease counts from the early round's send time, like any other.
	 *
	 * <p>A window wider than half the heartbeat interval in force counts as half of it, so that
	 * a round is never pulled forward to less than half an interval after the previous one: nodes
	 * that pull one another's rounds forward cannot keep each other sending. A round already
	 * overdue is sent as {@link #tick(long)} would send it, which notices a pause as usual.
	 * @param windowNanos how far ahead of its due time a round may be sent, not negative
	 * @param nowNanos the current time on the node's monotonic clock
	 * @return whether a round was sent (a leader whose check-quorum fails steps down instead)
	 * @throws IllegalArgumentException if {@code windowNanos} is negative
	 */
	public boolean tickEarly(long windowNanos, long nowNanos) {
		if (windowNanos < 0) {
			throw new IllegalArgumentException("windowNanos must not be negative: " + windowNanos);
		}
		if (this.role != Role.LEADER || this.nextHeartbeatAt - nowNanos > Math.min(windowNanos, this.heartbeatNanos / 2)) {
			return false;
		}
		if (this.nextHeartbeatAt - nowNanos > 0) {
			// Due soon but not yet: the node was not late, so there is no pause to notice.
			this.nextHeartbeatAt = nowNanos;
		}
		long round = this.currentRound;
		tick(nowNanos);
		return this.role == Role.LEADER && this.currentRound != round;
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
	 * A message may come from any other node, member or not: a leader of a configuration this node
	 * has not seen yet, a candidate this node does not know, a member that was removed. Its term
	 * and log decide, as always; only the members of the configuration in force count.
	 * @param message the message; it must be addressed to this node and come from another node
	 * @param nowNanos the current time on the node's monotonic clock
	 * @throws IllegalArgumentException if the message is not addressed to this node, comes from
	 * this node itself, or is an AppendEntries of a current or newer term that contradicts an
	 * entry this node knows to be committed (which no correct leader sends); the node is then
	 * unchanged
	 */
	public void step(Message message, long nowNanos) {
		if (!message.to().equals(this.id)) {
			throw new IllegalArgumentException(
					"Message addressed to '" + message.to() + "' delivered to '" + this.id + "'");
		}
		if (message.from().equals(this.id)) {
			throw new IllegalArgumentException("Message from '" + message.from() + "' to itself");
		}
		noticePause(nowNanos);
		observeLease(nowNanos);
		if (message instanceof RequestVote request && request.asksToForm()) {
			// Changes nothing, whatever the terms: only tells whether this node would form the same cluster.
			answerFormation(request);
			return;
		}
		if (this.probing && message instanceof RequestVoteResponse response && response.preVote()
				&& response.term() == this.formationTerm) {
			handleFormationResponse(response, nowNanos);
			return;
		}
		if (message instanceof JoinRequest request) {
			// Asks for a membership change, not for a vote: whatever the terms, nobody adopts one.
			handleJoinRequest(request, nowNanos);
			return;
		}
		if (message instanceof JoinResponse response) {
			handleJoinResponse(response);
			return;
		}
		if (message instanceof AppendEntries append && append.term() >= this.term) {
			checkCommittedEntriesAreKept(append);
		}
		if (message.term() > this.term) {
			if (message instanceof RequestVote request && !request.transfer() && inLease(nowNanos)) {
				// A leader is alive (or this node may have acknowledged one just before it
				// restarted): refuse to take part in an election, and keep the term.
				if (this.role == Role.LEADER && this.membership != null && this.membership.isVoter(request.from())
						&& wasInTouch(request.from(), nowNanos)) {
					// A voter that answered lately stopped hearing from this leader although it is alive.
					this.campaignsWhileLeading++;
					this.policy.incident(TimingPolicy.Kind.CAMPAIGN_WHILE_LEADING, nowNanos);
				}
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
	 * Holds this node's elections back until {@code untilNanos}, unless it hears from a leader
	 * first: until then its election timeout does not fire (nor does it probe to form a cluster),
	 * while it still votes, answers and can be asked to take over by a transfer. It ends early as
	 * soon as the node knows a leader or campaigns for any reason; a node that knows a leader or
	 * leads already ignores it.
	 *
	 * <p>For a driver that runs several election groups on the same members: at a cold start every
	 * member would campaign in every group at once, and on a busy machine the rounds fail one
	 * another for seconds. Held everywhere but on one member per group, each group is campaigned
	 * for by that member alone, and the leaders are spread from the start. Holding only delays
	 * elections, so it cannot make two leaders.
	 * @param untilNanos until when, on the node's monotonic clock
	 * @param nowNanos the current time on the node's monotonic clock
	 */
	public void holdElections(long untilNanos, long nowNanos) {
		if (this.role != Role.FOLLOWER || this.leaderId != null || untilNanos - nowNanos <= 0) {
			return;
		}
		this.electionsHeld = true;
		this.electionsHeldUntil = untilNanos;
		if (this.electionDeadline - untilNanos < 0) {
			this.electionDeadline = untilNanos;
		}
	}

	/**
	 * Tells this node that it is one of several election groups its replica runs on the same
	 * members, which start together. With adaptive timing, a lease that lapses while a new
	 * leadership settles at the configured timing widens the cluster's timing; for a node of
	 * several groups that widening is tentative and narrows again after 30 to 45 s without trouble
	 * (the cold start of many groups lapses leases on a quiet machine too, a storm that passes
	 * within seconds); for a node of one group (the default) it narrows only after the quiet period,
	 * like any widening, since a single group's lease seldom lapses at its start on a quiet
	 * machine.
	 * @param several whether the replica runs several election groups
	 */
	public void oneOfSeveralGroups(boolean several) {
		this.policy.startStormsPass(several);
	}

	/** Whether {@link #holdElections(long, long)} still holds this node's elections back. */
	public boolean electionsHeld() {
		return this.electionsHeld;
	}

	/**
	 * Starts handing leadership to {@code target}: this node stops acting as leader at once,
	 * brings the target's log up to date and then tells it to campaign. If the target has not
	 * taken over within the minimum election timeout, the transfer is aborted.
	 * @param target the member to hand over to, a voter of the configuration in force
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
		Membership current = requireMembership();
		if (!current.contains(target)) {
			return TransferResult.UNKNOWN_MEMBER;
		}
		if (!current.voters().contains(target)) {
			return TransferResult.NOT_A_VOTER;
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
	 * Hands leadership to the most up-to-date voter that answered within the minimum election
	 * timeout. Among equally up-to-date ones it prefers a voter that came back after a silence
	 * longer than the maximum election timeout during this leadership, the one back most
	 * recently: in a rolling restart that is the replica restarted just before this leader's turn,
	 * so that leadership moves once and not again when the target's own turn comes. A voter that
	 * came back earlier in a long leadership (a crash, a restart before the roll) may not have
	 * been restarted in this roll yet: preferring the one back for longest picked such voters (the
	 * busy bench's rolls after its follower restarts moved leadership twice). Further ties go to
	 * the one heard from last.
	 * @param nowNanos the current time on the node's monotonic clock
	 * @return the chosen target and the outcome; no target if this node does not lead or no
	 * voter is reachable
	 */
	public TransferAttempt transferLeadershipToBestPeer(long nowNanos) {
		if (this.role != Role.LEADER) {
			return new TransferAttempt(null, TransferResult.NOT_LEADER);
		}
		Optional<Progress> best = bestVoter(nowNanos);
		if (best.isEmpty()) {
			return new TransferAttempt(null, TransferResult.NO_REACHABLE_MEMBER);
		}
		String target = best.get().id;
		return new TransferAttempt(target, transferLeadership(target, nowNanos));
	}

	/**
	 * Whether this leader heard from {@code member} within twice the maximum election timeout:
	 * a follower that stops hearing a live leader campaigns within about one election timeout
	 * of its last answer. One that was silent for longer, or never answered this leader, was
	 * away (a restart, a replica starting with the cluster): its campaign on its return, before
	 * the leader's heartbeats reach it again, says nothing about the timing.
	 */
	private boolean wasInTouch(String member, long now) {
		Progress peer = this.progress.get(member);
		return peer != null && peer.heardFrom && now - peer.lastContact <= 2 * this.maxNanos;
	}

	private Optional<Progress> bestVoter(long now) {
		Set<String> voters = requireMembership().voters();
		return this.progress.values()
			.stream()
			.filter((peer) -> voters.contains(peer.id) && peer.heardFrom && now - peer.lastContact < this.minNanos)
			.max(Comparator.<Progress>comparingLong((peer) -> peer.match)
				.thenComparing((peer) -> peer.cameBack)
				.thenComparingLong((peer) -> peer.cameBack ? peer.cameBackAt - now : 0)
				.thenComparingLong((peer) -> peer.lastContact - now));
	}

	// Membership changes

	/**
	 * Starts adding {@code member} to the cluster: it joins the configuration as a learner at
	 * once, receives the log, and once it has caught up with the commit index the leader promotes
	 * it to voter through a joint configuration. The change is done when a configuration in which
	 * it is a voter and which is not joint is committed ({@link Status#membership()}).
	 * @param member the id of the new member
	 * @param address where it can be reached (see {@link Membership#addresses()})
	 * @param nowNanos the current time on the node's monotonic clock
	 * @return whether the change started, and if not, why
	 */
	public MembershipChangeResult addMember(String member, String address, long nowNanos) {
		MembershipChangeResult refusal = changeRefusal();
		if (refusal != null) {
			return refusal;
		}
		if (member == null || member.isBlank() || address == null) {
			return MembershipChangeResult.INVALID;
		}
		Membership current = requireMembership();
		if (current.contains(member)) {
			return MembershipChangeResult.ALREADY_MEMBER;
		}
		if (!current.learners().isEmpty()) {
			return MembershipChangeResult.CHANGE_IN_PROGRESS;
		}
		appendConfig(nowNanos, current.withLearner(member, address));
		return MembershipChangeResult.STARTED;
	}

	/**
	 * Starts removing {@code member} from the cluster. A learner leaves at once; a voter leaves
	 * through a joint configuration, which needs majorities of the voters with and without it. The
	 * change is done when a configuration without it is committed. A leader that removes itself
	 * leads the joint configuration to its end, then hands over to a remaining voter.
	 * @param member the member to remove
	 * @param nowNanos the current time on the node's monotonic clock
	 * @return whether the change started, and if not, why
	 */
	public MembershipChangeResult removeMember(String member, long nowNanos) {
		MembershipChangeResult refusal = changeRefusal();
		if (refusal != null) {
			return refusal;
		}
		Membership current = requireMembership();
		if (member == null || !current.contains(member)) {
			return MembershipChangeResult.UNKNOWN_MEMBER;
		}
		if (current.isLearner(member)) {
			appendConfig(nowNanos, current.withoutLearner(member));
			return MembershipChangeResult.STARTED;
		}
		if (!current.learners().isEmpty()) {
			return MembershipChangeResult.CHANGE_IN_PROGRESS;
		}
		Set<String> remaining = new TreeSet<>(current.voters());
		remaining.remove(member);
		if (remaining.isEmpty() || !mostlyReachable(current.voters(), nowNanos)
				|| !mostlyReachable(remaining, nowNanos)) {
			return MembershipChangeResult.WOULD_LOSE_QUORUM;
		}
		appendConfig(nowNanos, current.enterJoint(remaining));
		return MembershipChangeResult.STARTED;
	}

	/** Why this node cannot start a membership change now, or {@code null} if it can. */
	private @Nullable MembershipChangeResult changeRefusal() {
		if (this.role != Role.LEADER) {
			return MembershipChangeResult.NOT_LEADER;
		}
		if (this.transferee != null) {
			return MembershipChangeResult.TRANSFER_IN_PROGRESS;
		}
		if (this.commitIndex < this.noopIndex) {
			// Until an entry of its own term is committed, a new leader may not know every
			// configuration that was committed before it: one change at a time is safe only then.
			return MembershipChangeResult.NOT_READY;
		}
		Membership current = requireMembership();
		if (this.membershipIndex > this.commitIndex || current.isJoint()) {
			return MembershipChangeResult.CHANGE_IN_PROGRESS;
		}
		return null;
	}

	/** Whether a majority of {@code voters} is this node or was heard from within the minimum election timeout. */
	private boolean mostlyReachable(Set<String> voters, long now) {
		int reachable = 0;
		for (String voter : voters) {
			Progress peer = this.progress.get(voter);
			if (voter.equals(this.id) || (peer != null && peer.heardFrom && now - peer.lastContact < this.minNanos)) {
				reachable++;
			}
		}
		return reachable >= Quorum.majority(voters.size());
	}

	private void appendConfig(long now, Membership next) {
		long index = this.log.appendConfig(this.term, next).index();
		this.persistNeeded = true;
		refreshMembership(now);
		for (Progress peer : this.progress.values()) {
			if (peer.next <= index) {
				sendAppend(peer.id);
			}
		}
		maybeCommit(now);
	}

	/**
	 * Takes the next step of a membership change once the configuration in force is committed:
	 * leaves a joint configuration, promotes the learners that caught up, or, if this leader is no
	 * voter of the configuration to come, hands over to one that is.
	 *
	 * <p>A leader that is not among the incoming voters hands over as soon as the joint
	 * configuration is committed, and leaves appending the final configuration to its successor:
	 * the final configuration must be appended by one of its own voters. Otherwise a removed leader
	 * that appended it and crashed before any remaining voter received it would, once restarted,
	 * hold the most up-to-date log of the cluster without being allowed to campaign, while the
	 * remaining voters, still in the joint configuration, need its vote and are refused it for their
	 * shorter log: with two voters, the cluster would be stuck for good.
	 */
	private void advanceMembership(long now) {
		if (this.role != Role.LEADER || this.transferee != null || this.commitIndex < this.noopIndex
				|| this.membershipIndex > this.commitIndex) {
			return;
		}
		Membership current = requireMembership();
		if (!current.voters().contains(this.id)) {
			handOverAfterRemoval(now);
		}
		else if (current.isJoint()) {
			appendConfig(now, current.leaveJoint());
		}
		else if (!current.learners().isEmpty()) {
			Set<String> caughtUp = new TreeSet<>();
			for (String learner : current.learners()) {
				Progress peer = this.progress.get(learner);
				if (peer != null && peer.match >= this.commitIndex && peer.heardFrom
						&& now - peer.lastContact < this.minNanos) {
					caughtUp.add(learner);
				}
			}
			if (!caughtUp.isEmpty()) {
				Set<String> voters = new TreeSet<>(current.voters());
				voters.addAll(caughtUp);
				appendConfig(now, current.enterJoint(voters));
			}
		}
	}

	private void handOverAfterRemoval(long now) {
		Optional<Progress> best = bestVoter(now);
		if (best.isPresent()) {
			transferLeadership(best.get().id, now);
		}
		else {
			becomeFollower(now, this.term, null, RoleChange.Reason.REMOVED);
		}
	}

	// State

	/** Whether this node may act as leader at {@code nowNanos}: see the class description. */
	public boolean isActiveLeader(long nowNanos) {
		Lease lease = lease();
		return lease != null && lease.isValidAt(nowNanos);
	}

	/**
	 * The current lease, or {@code null} if this node must not act as leader whatever the time.
	 * A new leadership's first lease, and a lease that has lapsed, stay withheld until a renewal
	 * lasts at least a heartbeat interval, until the next round is sent: acknowledgements that
	 * arrive late renew it for a few milliseconds each, and each would otherwise make the
	 * application's leadership flap (stopped, started, stopped again within milliseconds). Lapses in a row (each within ten
	 * maximum election timeouts of the last, in one leadership) back off: the k-th withholds the
	 * lease for at least 2^(k-1) - 1 heartbeat intervals, up to 31. A lease that lapses while the
	 * leadership settles at the configured timing, with adaptive timing on, stays withheld until a
	 * round of the widened timing that lapse brings renews it (at most three maximum election
	 * timeouts), so that the second lapse of a too tight timing does not come before the widening.
	 * Withholding a lease only ever makes this node act as leader less.
	 *
	 * <p>A lease that ended while this node was paused is neither withheld nor counted as a lapse
	 * (the pause is the incident): its end counts as a lapse only half a heartbeat interval after
	 * the node noticed the pause ({@link Lease#lapseReportedFromNanos()}), unless the answers queued
	 * behind the pause renew it before that. It does not hold meanwhile.
	 */
	public @Nullable Lease lease() {
		if (this.role != Role.LEADER || this.commitIndex < this.noopIndex || this.transferee != null) {
			return null;
		}
		if (requireMembership().isSoleVoter(this.id)) {
			return new Lease(this.term, this.leaseEnd, true);
		}
		if (!this.hasLeaseEnd || this.leaseHeldBack) {
			return null;
		}
		long lapseReportedFrom = (this.catchingUp && this.catchUpUntil - this.leaseEnd > 0) ? this.catchUpUntil
				: this.leaseEnd;
		return new Lease(this.term, this.leaseEnd, false, lapseReportedFrom);
	}

	/** A snapshot of this node's state. */
	public Status status() {
		List<PeerProgress> peerProgress = (this.role != Role.LEADER) ? List.of()
				: this.progress.values()
					.stream()
					.map((peer) -> new PeerProgress(peer.id, peer.match, peer.next,
							peer.heardFrom ? peer.lastContact : null, peer.hasRoundTrip ? peer.roundTrip : null))
					.toList();
		return new Status(this.id, this.role, this.term, this.leaderId, this.votedFor, this.commitIndex,
				this.log.lastIndex(), this.log.lastTerm(), lease(),
				(this.role == Role.LEADER) ? this.leaderSince : null, this.transferee, peerProgress, this.membership,
				this.membershipIndex, (this.membership == null) ? this.formation : null, isRemoved(), this.timing,
				this.timingIndex, new Incidents(this.leaseLapses, this.lateRounds, this.campaignsWhileLeading, this.pauses,
						this.longestPauseNanos, this.timingChanges));
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

	/** The log entry at {@code index}, or {@code null} if there is none. */
	public @Nullable LogEntry entryAt(long index) {
		return (index >= 1 && index <= this.log.lastIndex()) ? this.log.entry(index) : null;
	}

	/** The configuration in force, or {@code null} while this node has never joined a cluster. */
	public @Nullable Membership membership() {
		return this.membership;
	}

	/**
	 * Hands out what the inputs since the previous call produced: the state to persist (persist
	 * it before sending, except the requests {@link Ready#messagesBeforePersisting()} lists),
	 * the messages to send and the role changes.
	 */
	public Ready ready() {
		PersistentState toPersist = this.persistNeeded
				? new PersistentState(this.term, this.votedFor, this.log.snapshot(), this.base, this.stickinessBoundMillis)
				: null;
		Ready ready = new Ready(toPersist, this.outbox, this.roleChanges, status());
		this.persistNeeded = false;
		this.durableCommitIndex = this.commitIndex;
		this.durableLastIndex = this.log.lastIndex();
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
		// A leadership becomes active only with a lease that lasts at least a heartbeat interval,
		// like a lease that lapsed: on a busy machine the answers that commit the no-op may come so
		// late that the lease they give would end within milliseconds of the leadership beginning.
		this.leaseHeldBack = true;
		this.heldBackUntil = now;
		this.quorumCheckFrom = now;
		this.policy.start(now, this.timing);
		long next = this.log.lastIndex() + 1;
		this.noopIndex = this.log.append(this.term, EntryType.NOOP).index();
		this.persistNeeded = true;
		if (this.base == null && this.log.lastConfigIndex(this.log.lastIndex()) == 0) {
			// A log written before configurations were part of it: make the one it ran with explicit.
			this.log.appendConfig(this.term, requireMembership());
		}
		refreshMembership(now);
		refreshTiming(now);
		trackMembers(next);
		trackDepartures(now);
		this.roleChanges.add(new RoleChange(previous, Role.LEADER, this.term, RoleChange.Reason.ELECTION_WON));
		maybeCommit(now);
		broadcastHeartbeat(now);
	}

	// Forming a cluster

	/**
	 * Asks every other member this node would form a cluster with whether it would form the same
	 * one: a pre-vote that changes nothing anywhere. The node forms the cluster only once all of
	 * them granted.
	 */
	private void probeFormation(long now) {
		Set<String> others = new TreeSet<>(this.proposal.members());
		others.remove(this.id);
		if (this.probing) {
			Set<String> unanswered = new TreeSet<>(others);
			unanswered.removeAll(this.formationGranted);
			unanswered.removeAll(this.formationRefused);
			this.formation = new Formation(this.formationGranted, this.formationRefused, unanswered);
			askToJoin(this.formation);
		}
		this.probing = true;
		this.formationGranted.clear();
		this.formationRefused.clear();
		this.formationTerm = Math.min(this.term + 1, Message.MAX_VALUE);
		for (String other : others) {
			send(new RequestVote(this.id, other, this.formationTerm, 0, 0, true, false, this.proposal.clusterId()));
		}
		resetElectionTimer(now);
	}

	private void handleJoinRequest(JoinRequest request, long now) {
		MembershipChangeResult result = addMember(request.from(), request.address(), now);
		String leader = (this.leaderId != null) ? this.leaderId : "";
		send(new JoinResponse(this.id, request.from(), this.term, result, leader));
	}

	private void handleJoinResponse(JoinResponse response) {
		if (this.membership == null && response.result() == MembershipChangeResult.NOT_LEADER
				&& !response.leaderId().isEmpty() && !response.leaderId().equals(this.id)) {
			this.joinTarget = response.leaderId();
		}
	}

	/**
	 * Asks one member to add this node, if {@link RaftConfig#autoJoin()} and the last attempt to
	 * form a cluster was refused by some member: that member belongs to a cluster (or proposes
	 * other members). Asks the leader named by an earlier answer, or else each refusing member in
	 * turn; one request per election timeout.
	 */
	private void askToJoin(Formation last) {
		String address = this.config.addresses().get(this.id);
		if (!this.config.autoJoin() || last.refused().isEmpty() || address == null || address.isEmpty()) {
			return;
		}
		String target = this.joinTarget;
		if (target == null || !this.proposal.contains(target)) {
			List<String> refused = List.copyOf(last.refused());
			target = refused.get((int) (this.joinAttempts % refused.size()));
		}
		this.joinAttempts++;
		this.joinTarget = null;
		send(new JoinRequest(this.id, target, this.term, address));
	}

	private void answerFormation(RequestVote request) {
		boolean granted = this.membership == null && request.bootstrap().equals(this.proposal.clusterId());
		send(new RequestVoteResponse(this.id, request.from(), request.term(), granted, true));
	}

	private void handleFormationResponse(RequestVoteResponse response, long now) {
		if (!this.proposal.contains(response.from())) {
			return;
		}
		if (response.granted()) {
			this.formationGranted.add(response.from());
			this.formationRefused.remove(response.from());
		}
		else {
			this.formationRefused.add(response.from());
			this.formationGranted.remove(response.from());
		}
		if (this.formationGranted.size() == this.proposal.members().size() - 1) {
			form(now);
		}
	}

	/**
	 * Forms the cluster of {@link #proposal} and campaigns at once, unless this node has meanwhile
	 * voted for a candidate or heard from a leader of that cluster (another member formed it
	 * first): it then waits for its election timeout like any follower.
	 */
	private void form(long now) {
		this.base = this.proposal;
		this.persistNeeded = true;
		refreshMembership(now);
		if (this.votedFor == null && this.leaderId == null) {
			campaign(now, false, RoleChange.Reason.ELECTION_TIMEOUT);
		}
	}

	// Elections

	private void campaign(long now, boolean transfer, RoleChange.Reason reason) {
		if (this.term >= Message.MAX_VALUE || this.membership == null || !this.membership.isVoter(this.id)) {
			// No term is left to campaign in (only a hostile member can have pushed the term this
			// far), or this node does not vote.
			resetElectionTimer(now);
			return;
		}
		if (!transfer && isLoyal(now) && !this.membership.isSoleVoter(this.id)) {
			// It promised a leader not to help elect anyone else until then: itself included.
			resetElectionTimer(now);
			return;
		}
		if (this.config.preVote() && !transfer) {
			becomePreCandidate(now, reason);
			requestVotes(true, false);
			if (voteResult() == Quorum.VoteResult.WON) {
				becomeCandidate(now, RoleChange.Reason.PRE_VOTE_WON);
				requestVotes(false, false);
			}
		}
		else {
			becomeCandidate(now, reason);
			requestVotes(false, transfer);
		}
		if (this.role == Role.CANDIDATE && voteResult() == Quorum.VoteResult.WON) {
			becomeLeader(now);
		}
	}

	private void requestVotes(boolean preVote, boolean transfer) {
		long requestedTerm = preVote ? this.term + 1 : this.term;
		for (String voter : requireMembership().allVoters()) {
			if (!voter.equals(this.id)) {
				send(new RequestVote(this.id, voter, requestedTerm, this.log.lastIndex(), this.log.lastTerm(), preVote,
						transfer));
			}
		}
	}

	private Quorum.VoteResult voteResult() {
		return Quorum.voteResult(requireMembership(),
				(voter) -> voter.equals(this.id) || this.granted.contains(voter), this.rejected::contains);
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
		Quorum.VoteResult result = voteResult();
		if (result == Quorum.VoteResult.WON) {
			if (this.role == Role.PRE_CANDIDATE) {
				becomeCandidate(now, RoleChange.Reason.PRE_VOTE_WON);
				requestVotes(false, false);
			}
			else {
				becomeLeader(now);
			}
		}
		else if (result == Quorum.VoteResult.LOST) {
			becomeFollower(now, this.term, null, RoleChange.Reason.ELECTION_LOST);
		}
	}

	private void handleTimeoutNow(TimeoutNow timeoutNow, long now) {
		if (this.role == Role.FOLLOWER && this.membership != null && this.membership.isVoter(this.id)) {
			campaign(now, true, RoleChange.Reason.TRANSFER_REQUESTED);
		}
	}

	/**
	 * Whether this node must refuse to take part in an election for a higher term: it leads, or
	 * heard from a leader within the minimum election timeout, or started less than that ago (it
	 * may have acknowledged a leader just before it stopped).
	 */
	private boolean inLease(long now) {
		if (this.membership != null && this.membership.isSoleVoter(this.id)) {
			return false;
		}
		return this.role == Role.LEADER || isLoyal(now) || now - this.startedAt < this.configuredMinNanos;
	}

	private boolean isLoyal(long now) {
		return this.loyal && now - this.loyalUntil < 0;
	}

	/**
	 * Promises the leader of this term to refuse other candidates for the longer of what it asked
	 * for and this node's own timing's minimum election timeout, from now. The bound persisted for
	 * a restart grows first if needed (the answer that carries the promise leaves only once it is
	 * durable), and shrinks once no longer promise can still be running.
	 */
	private void promiseLoyalty(long now, long askedMillis) {
		long millis = Math.min(Timing.MAX_MILLIS, Math.max(askedMillis, this.timing.electionTimeoutMinMillis()));
		long nanos = millisToNanos(millis);
		if (!this.loyal || now + nanos - this.loyalUntil > 0) {
			this.loyalUntil = now + nanos;
			this.loyal = true;
		}
		if (millis > this.stickinessBoundMillis
				|| (millis < this.stickinessBoundMillis && this.loyalUntil - now <= nanos)) {
			this.stickinessBoundMillis = millis;
			this.persistNeeded = true;
		}
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
		// Every answer to this leader, a refusal too, counts towards its lease.
		promiseLoyalty(now, append.stickinessMillis());
		resetElectionTimer(now);
		long prev = append.prevLogIndex();
		if (prev > this.log.lastIndex() || this.log.termAt(prev) != append.prevLogTerm()) {
			send(new AppendEntriesResponse(this.id, append.from(), this.term, false, prev, this.log.lastIndex(),
					append.round()));
			return;
		}
		boolean changed = false;
		Membership leaderBase = append.base();
		if (leaderBase != null && !leaderBase.equals(this.base)) {
			// The leader's log, which this one now follows from its start, starts from this configuration.
			this.base = leaderBase;
			this.persistNeeded = true;
			changed = true;
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
			changed = true;
		}
		if (changed) {
			refreshMembership(now);
			refreshTiming(now);
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
		if (peer == null) {
			// Not a member of the configuration in force, nor one that is being told it left.
			return;
		}
		if (peer.heardFrom && now - peer.lastContact > this.maxNanos) {
			peer.cameBack = true;
			peer.cameBackAt = now;
		}
		peer.heardFrom = true;
		peer.lastContact = now;
		Long sentAt = this.recentSendTimes.get(response.round());
		if (sentAt != null) {
			peer.roundTrip = now - sentAt;
			peer.hasRoundTrip = true;
		}
		if (response.round() > peer.ackedRound && response.round() <= this.currentRound) {
			peer.ackedRound = response.round();
			updateLease(now);
		}
		if (response.success()) {
			if (response.index() > peer.match) {
				peer.match = Math.min(response.index(), this.log.lastIndex());
				maybeCommit(now);
				if (this.role != Role.LEADER) {
					return;
				}
			}
			peer.next = Math.max(peer.next, peer.match + 1);
		}
		else if (response.index() == peer.next - 1 && response.index() > peer.match) {
			peer.next = Math.max(peer.match + 1, Math.min(response.index(), response.lastLogIndex() + 1));
		}
		else {
			return;
		}
		if (peer.departsAt > 0 && peer.match >= peer.departsAt && this.commitIndex >= peer.departsAt) {
			// It has the configuration that removed it; once it has also acknowledged a round that
			// told it that configuration is committed, it knows all there is to know.
			if (peer.departureRound == 0) {
				peer.departureRound = this.currentRound + 1;
			}
			else if (peer.ackedRound >= peer.departureRound) {
				this.progress.remove(peer.id);
				return;
			}
		}
		if (response.from().equals(this.transferee) && !this.timeoutNowSent && peer.match == this.log.lastIndex()) {
			sendTimeoutNow(peer.id);
		}
		else if (peer.next <= this.log.lastIndex()) {
			sendAppend(peer.id);
		}
		advanceMembership(now);
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
			if (this.config.checkQuorum() && now - this.leaderSince >= this.minNanos
					&& now - this.quorumCheckFrom >= 0 && !quorumActive(now)) {
				becomeFollower(now, this.term, null, RoleChange.Reason.QUORUM_LOST);
				return;
			}
			this.progress.values().removeIf((peer) -> peer.departsAt > 0 && now - peer.departureDeadline >= 0);
			broadcastHeartbeat(now);
			advanceMembership(now);
			adaptTiming(now);
		}
	}

	private boolean quorumActive(long now) {
		return Quorum.isReached(requireMembership(), (voter) -> {
			if (voter.equals(this.id)) {
				return true;
			}
			Progress peer = this.progress.get(voter);
			return peer != null && peer.heardFrom && now - peer.lastContact < this.minNanos;
		});
	}

	private void broadcastHeartbeat(long now) {
		this.currentRound++;
		long announced = this.timing.electionTimeoutMinMillis();
		this.rounds.put(this.currentRound,
				new Round(now, (long) Math.floor(millisToNanos(announced) * this.leaseFactor), announced));
		this.recentSendTimes.put(this.currentRound, now);
		if (this.recentSendTimes.size() > RECENT_ROUNDS) {
			this.recentSendTimes.pollFirstEntry();
		}
		this.nextHeartbeatAt = now + this.heartbeatNanos;
		for (String peer : List.copyOf(this.progress.keySet())) {
			sendAppend(peer);
		}
		updateLease(now);
	}

	private void sendAppend(String peer) {
		Progress target = this.progress.get(peer);
		long prev = target.next - 1;
		Membership leaderBase = (prev == 0) ? ((this.base != null) ? this.base : requireMembershipAt(0)) : null;
		List<LogEntry> entries = this.log.slice(target.next, this.config.maxEntriesPerMessage(), MAX_CONFIGURATIONS_PER_MESSAGE);
		Round round = this.rounds.get(this.currentRound);
		long stickiness = (round != null) ? round.stickinessMillis() : this.timing.electionTimeoutMinMillis();
		send(new AppendEntries(this.id, peer, this.term, prev, this.log.termAt(prev), withoutUnsavedConfigs(entries),
				announcedCommitIndex(), this.currentRound, leaderBase, stickiness));
	}

	/**
	 * The entries up to the first configuration entry that this input appended: an AppendEntries
	 * leaves while this node's own state is saved ({@link Ready#messagesBeforePersisting()}), and a
	 * configuration must reach no other member before it is durable on the leader that appended
	 * it, one of its voters. Otherwise a crash of that leader could leave the configuration only on
	 * members that it made non-voters, and they would refuse to vote for the voters that lack it.
	 * The rest follows once the state is saved, with the answer to this message.
	 */
	private List<LogEntry> withoutUnsavedConfigs(List<LogEntry> entries) {
		if (!this.persistNeeded) {
			return entries;
		}
		for (int i = 0; i < entries.size(); i++) {
			LogEntry entry = entries.get(i);
			if (entry.type() == EntryType.CONFIG && entry.index() > this.durableLastIndex) {
				return entries.subList(0, i);
			}
		}
		return entries;
	}

	/**
	 * The commit index an AppendEntries may carry. It leaves while this node's own state is saved
	 * ({@link Ready#messagesBeforePersisting()}), so while this input appended entries that are not
	 * durable yet, it must not announce a commit that counted them: a leader that is the only voter
	 * commits its own entries at once, and would otherwise tell its learners about a commit that a
	 * crash could undo.
	 */
	private long announcedCommitIndex() {
		return this.persistNeeded ? Math.min(this.commitIndex, this.durableCommitIndex) : this.commitIndex;
	}

	private void sendTimeoutNow(String peer) {
		this.timeoutNowSent = true;
		send(new TimeoutNow(this.id, peer, this.term));
	}

	private void maybeCommit(long now) {
		long candidate = Quorum.agreedValue(requireMembership(), (member) -> {
			if (member.equals(this.id)) {
				return this.log.lastIndex();
			}
			Progress peer = this.progress.get(member);
			return (peer != null) ? peer.match : 0;
		});
		// Only entries of the current term are committed by counting replicas (Raft §5.4.2).
		if (candidate > this.commitIndex && this.log.termAt(candidate) == this.term) {
			this.commitIndex = candidate;
			advanceMembership(now);
		}
	}

	/** Extends the lease to the send time of the latest round a majority acknowledged. */
	private void updateLease(long now) {
		long round = Quorum.agreedValue(requireMembership(), (member) -> {
			if (member.equals(this.id)) {
				return this.currentRound;
			}
			Progress peer = this.progress.get(member);
			return (peer != null) ? peer.ackedRound : 0;
		});
		Round acknowledged = this.rounds.get(round);
		if (round > 0 && acknowledged != null) {
			long end = acknowledged.sentAt() + acknowledged.leaseNanos();
			if (!this.hasLeaseEnd || end - this.leaseEnd > 0) {
				this.leaseEnd = end;
				this.hasLeaseEnd = true;
			}
			if (this.leaseHeldBack && this.leaseEnd - now >= this.heartbeatNanos && now - this.heldBackUntil >= 0
					&& !awaitsWidening(acknowledged, now)) {
				this.leaseHeldBack = false;
			}
			if (round > this.majorityRound && round < this.currentRound + 1 && !requireMembership().isSoleVoter(this.id)) {
				long roundTrip = now - acknowledged.sentAt();
				this.policy.majorityRoundTrip(roundTrip, now);
				if (roundTrip > acknowledged.leaseNanos() / 2) {
					this.lateRounds++;
					this.policy.incident(TimingPolicy.Kind.LATE_ROUND, now);
				}
			}
		}
		this.majorityRound = Math.max(this.majorityRound, round);
		// Rounds before the majority's cannot extend the lease any more, nor can rounds whose
		// lease would already have ended.
		this.rounds.headMap(round).clear();
		while (!this.rounds.isEmpty() && this.rounds.firstKey() < this.currentRound
				&& this.rounds.firstEntry().getValue().sentAt() + this.rounds.firstEntry().getValue().leaseNanos()
						- now <= 0) {
			this.rounds.pollFirstEntry();
		}
		observeLease(now);
	}

	/** Counts a lease lapse when the lease, last seen active, has run out without a hand-over. */
	private void observeLease(long now) {
		Lease current = lease();
		if (current == null || current.unbounded()) {
			this.leaseSeenActive = false;
			return;
		}
		boolean active = current.isValidAt(now);
		if (this.leaseSeenActive && !active) {
			this.leaseLapses++;
			this.policy.incident(TimingPolicy.Kind.LEASE_LAPSE, now);
			this.leaseHeldBack = true;
			// Lapses in a row back off: the k-th within LAPSE_STREAK_TIMEOUTS maximum election
			// timeouts of the one before withholds the lease for at least 2^(k-1) - 1 heartbeat
			// intervals (the first as before, up to 31), so that a leader on a machine too busy for
			// its timing stops and starts the application's leader-only work a few times, not every
			// few milliseconds.
			this.lapseStreak = (this.lapseStreak > 0 && now - this.lastLapseAt < LAPSE_STREAK_TIMEOUTS * this.maxNanos)
					? Math.min(this.lapseStreak + 1, MAX_LAPSE_BACK_OFF) : 1;
			this.lastLapseAt = now;
			this.heldBackUntil = now + (this.heartbeatNanos << (this.lapseStreak - 1)) - this.heartbeatNanos;
			// A lapse while the leadership settles at the configured timing widens the timing as
			// soon as a majority answers again (TimingPolicy): the lease comes back with the wider
			// timing, not with the one just seen to be too tight for this machine, whose next lapse
			// would be the second stop and start of the application's leader-only work within a
			// second (the start flaps of the busy bench, 0.2 s apart, the second one before the
			// widening was in force). Bounded, in case the widening does not come.
			if (this.config.adaptiveTiming() && this.timing.level() == 0 && maxTimingLevel() > 0
					&& this.policy.lapsedWhileSettling()) {
				this.awaitingWidening = true;
				this.wideningFromMillis = this.timing.electionTimeoutMinMillis();
				this.awaitingWideningUntil = now + AWAIT_WIDENING_TIMEOUTS * this.maxNanos;
			}
		}
		this.leaseSeenActive = active;
	}

	/**
	 * Whether the lease stays withheld for the widening a lapse while the leadership settled
	 * brings, now that {@code acknowledged} renewed it: until a round that asks for the wider
	 * stickiness does, or {@link #AWAIT_WIDENING_TIMEOUTS} maximum election timeouts have passed.
	 */
	private boolean awaitsWidening(Round acknowledged, long now) {
		if (this.awaitingWidening && (acknowledged.stickinessMillis() > this.wideningFromMillis
				|| now - this.awaitingWideningUntil >= 0)) {
			this.awaitingWidening = false;
		}
		return this.awaitingWidening;
	}

	private int maxTimingLevel() {
		return this.baseline.maxLevel(this.config.timingCeiling().toMillis());
	}

	// Timing

	/**
	 * Derives the timing in force from the log: the latest timing entry, else the configured
	 * timing. A leader switches to a new heartbeat interval at once.
	 */
	private void refreshTiming(long now) {
		long index = this.log.lastTimingIndex(this.log.lastIndex());
		Timing next = (index > 0) ? Objects.requireNonNull(this.log.entry(index).timing()) : this.baseline;
		this.timingIndex = index;
		if (next.equals(this.timing)) {
			return;
		}
		this.timing = next;
		applyTiming(next);
		if (this.role == Role.LEADER && this.nextHeartbeatAt - (now + this.heartbeatNanos) > 0) {
			this.nextHeartbeatAt = now + this.heartbeatNanos;
		}
	}

	private void applyTiming(Timing next) {
		this.minNanos = millisToNanos(next.electionTimeoutMinMillis());
		this.maxNanos = millisToNanos(next.electionTimeoutMaxMillis());
		this.heartbeatNanos = millisToNanos(next.heartbeatIntervalMillis());
	}

	/**
	 * As leader, once ready and with no timing change under way: widens or narrows the timing as
	 * {@link TimingPolicy} decides, if adaptive timing is on; off, it brings the cluster back to
	 * the configured timing. A log that has a timing entry gets this leader's configured timing at
	 * the level in force, if it differs (another leader's settings wrote it); a log without one is
	 * left alone until the timing must change.
	 */
	private void adaptTiming(long now) {
		if (this.role != Role.LEADER || this.transferee != null || this.commitIndex < this.noopIndex
				|| this.timingIndex > this.commitIndex) {
			return;
		}
		int maxLevel = maxTimingLevel();
		int level = Math.min(this.timing.level(), maxLevel);
		TimingPolicy.Decision decision = null;
		if (!this.config.adaptiveTiming()) {
			level = 0;
		}
		else {
			long narrowerHeartbeat = millisToNanos(scaled(Math.max(0, level - 1), "").heartbeatIntervalMillis());
			decision = this.policy.decide(level, maxLevel, narrowerHeartbeat, now);
		}
		Timing target;
		if (decision != null) {
			target = scaled(decision.level(), decision.reason());
		}
		else {
			if (this.timingIndex == 0) {
				// No timing was ever adapted: every member runs its configured one.
				return;
			}
			target = scaled(level, (level == 0) ? this.baseline.reason() : this.baseline.reason() + ", widened "
					+ level + ((level == 1) ? " time" : " times"));
			if (target.sameValues(this.timing)) {
				return;
			}
		}
		appendTiming(now, target);
		this.policy.changed(decision, this.timing.level(), now);
	}

	/**
	 * Moves the cluster to the configured timing scaled to {@code level}, as leader: for tests
	 * and simulations that change the timing at will.
	 * @param level the level, from 0 to {@link Timing#MAX_LEVEL}
	 * @param nowNanos the current time on the node's monotonic clock
	 * @return whether a timing entry was appended: only by a leader that is ready (an entry of
	 * its term committed) and has no timing change under way
	 */
	public boolean changeTiming(int level, long nowNanos) {
		if (this.role != Role.LEADER || this.commitIndex < this.noopIndex || this.timingIndex > this.commitIndex) {
			return false;
		}
		appendTiming(nowNanos, scaled(level, "set to level " + level + " by hand"));
		this.policy.changed(null, this.timing.level(), nowNanos);
		return true;
	}

	private Timing scaled(int level, String reason) {
		return this.baseline.scaled(level, this.config.timingCeiling().toMillis(), reason);
	}

	private void appendTiming(long now, Timing next) {
		long index = this.log.appendTiming(this.term, next).index();
		this.persistNeeded = true;
		this.timingChanges++;
		refreshTiming(now);
		for (Progress peer : this.progress.values()) {
			if (peer.next <= index) {
				sendAppend(peer.id);
			}
		}
		maybeCommit(now);
	}

	/**
	 * Notices that this node was not run for a while: an input came much later than the node
	 * expected one ({@link #nextTickNanos()}). A follower or candidate then restarts its election
	 * timer, so that it does not campaign before it has had a chance to hear from the others; a
	 * leader puts off check-quorum for as long, since the members' answers may still be queued.
	 * @return whether the node was paused
	 */
	private boolean noticePause(long now) {
		long due = nextTickNanos();
		long late = now - due;
		if (late <= Math.max(this.heartbeatNanos, this.minNanos / 3)
				|| (this.pauseNoticed && this.pauseNoticedDue == due)) {
			// Not late, or late for a due time already noticed: a leader's next round stays due
			// until it ticks, and the answers queued behind the pause come before that tick. One
			// pause, one count (and one incident).
			return false;
		}
		this.pauseNoticed = true;
		this.pauseNoticedDue = due;
		this.pauses++;
		this.longestPauseNanos = Math.max(this.longestPauseNanos, late);
		if (this.role == Role.LEADER) {
			this.quorumCheckFrom = now + this.minNanos;
			this.policy.incident(TimingPolicy.Kind.PAUSE, now);
			Lease current = lease();
			if (this.leaseSeenActive && current != null && !current.isValidAt(now)) {
				// The lease ended while this node was not run; the answers that would have renewed
				// it may be queued behind the pause. Report the lapse only if they do not renew it
				// within half a heartbeat interval: it does not hold meanwhile.
				this.catchingUp = true;
				this.catchUpUntil = now + this.heartbeatNanos / 2;
			}
			// A lease that ran out meanwhile lapsed because of the pause: one incident, not two.
			this.leaseSeenActive = false;
		}
		else {
			resetElectionTimer(now);
		}
		return true;
	}

	private static long millisToNanos(long millis) {
		return millis * 1_000_000L;
	}

	// Membership bookkeeping

	/**
	 * Derives the configuration in force from the log and the base: the latest configuration
	 * entry, else the base, else, for a log written before configurations were part of it, this
	 * node's own {@link RaftConfig#members()}; {@code null} for a node that never joined a cluster.
	 * A leader then tracks every member of it.
	 */
	private void refreshMembership(long now) {
		long index = this.log.lastConfigIndex(this.log.lastIndex());
		Membership previous = this.membership;
		this.membershipIndex = index;
		this.membership = requireMembershipAtOrNull(index);
		if (this.membership != null) {
			this.probing = false;
			this.formation = null;
		}
		if (this.role == Role.LEADER && !Objects.equals(previous, this.membership)) {
			trackMembers(this.log.lastIndex());
			trackDepartures(now);
		}
	}

	/**
	 * Whether a configuration removed this node: it is no member of the configuration in force,
	 * but of the base configuration or of an earlier configuration entry it is.
	 */
	private boolean isRemoved() {
		if (this.membership == null || this.membership.contains(this.id)) {
			return false;
		}
		if (this.base != null && this.base.contains(this.id)) {
			return true;
		}
		for (long index = this.log.lastConfigIndex(this.membershipIndex - 1); index > 0;
				index = this.log.lastConfigIndex(index - 1)) {
			if (this.log.entry(index).membership().contains(this.id)) {
				return true;
			}
		}
		return false;
	}

	/** The configuration in force up to {@code configIndex}, an index of a configuration entry or 0. */
	private @Nullable Membership requireMembershipAtOrNull(long configIndex) {
		if (configIndex > 0) {
			return this.log.entry(configIndex).membership();
		}
		if (this.base != null) {
			return this.base;
		}
		return (this.log.lastIndex() > 0) ? this.proposal : null;
	}

	private Membership requireMembershipAt(long configIndex) {
		return Objects.requireNonNull(requireMembershipAtOrNull(configIndex), "membership");
	}

	private Membership requireMembership() {
		return Objects.requireNonNull(this.membership, "membership");
	}

	/** Adds progress for every member of the configuration in force that has none, starting at {@code next}. */
	private void trackMembers(long next) {
		for (String member : requireMembership().members()) {
			if (!member.equals(this.id)) {
				Progress peer = this.progress.get(member);
				if (peer == null) {
					this.progress.put(member, new Progress(member, next));
				}
				else {
					peer.departsAt = 0;
					peer.departureRound = 0;
				}
			}
		}
	}

	/**
	 * Keeps sending, for a while, to the members that the configuration in force removed (those of
	 * the configuration before it that are not in it), until they have that configuration and
	 * know they left: otherwise a removed member that missed it would go on campaigning.
	 */
	private void trackDepartures(long now) {
		Membership current = requireMembership();
		Set<String> departing = new TreeSet<>();
		for (String member : this.progress.keySet()) {
			if (!current.contains(member)) {
				departing.add(member);
			}
		}
		if (this.membershipIndex > 0) {
			Membership before = requireMembershipAtOrNull(this.log.lastConfigIndex(this.membershipIndex - 1));
			if (before != null) {
				for (String member : before.members()) {
					if (!current.contains(member) && !member.equals(this.id)) {
						departing.add(member);
					}
				}
			}
		}
		for (String member : departing) {
			Progress peer = this.progress.computeIfAbsent(member,
					(key) -> new Progress(key, Math.max(1, this.membershipIndex)));
			if (peer.departsAt == 0 || peer.departsAt < this.membershipIndex) {
				peer.departsAt = Math.max(1, this.membershipIndex);
				peer.departureDeadline = now + DEPARTURE_GRACE_TIMEOUTS * this.maxNanos;
				peer.departureRound = 0;
			}
		}
	}

	// Helpers

	private void resetElectionTimer(long now) {
		this.electionDeadline = now + this.minNanos + this.random.nextLong(this.maxNanos - this.minNanos);
		if (this.electionsHeld) {
			if (this.role != Role.FOLLOWER || this.leaderId != null || now - this.electionsHeldUntil >= 0) {
				// It knows a leader, campaigns, or the hold is over: its timer is its own again.
				this.electionsHeld = false;
			}
			else if (this.electionDeadline - this.electionsHeldUntil < 0) {
				this.electionDeadline = this.electionsHeldUntil;
			}
		}
		if (this.loyal && this.electionDeadline - this.loyalUntil < 0
				&& (this.membership == null || !this.membership.isSoleVoter(this.id))) {
			// Never time out before the loyalty promised to a leader has run out.
			this.electionDeadline = this.loyalUntil;
		}
	}

	private void resetVotes() {
		this.granted.clear();
		this.rejected.clear();
	}

	private void resetLeaderState() {
		this.progress.clear();
		this.rounds.clear();
		this.recentSendTimes.clear();
		this.majorityRound = 0;
		this.leaseSeenActive = false;
		this.hasLeaseEnd = false;
		this.leaseHeldBack = false;
		this.awaitingWidening = false;
		this.catchingUp = false;
		this.lapseStreak = 0;
		this.transferee = null;
		this.timeoutNowSent = false;
		this.noopIndex = 0;
	}

	private void send(Message message) {
		this.outbox.add(message);
	}

	/**
	 * A heartbeat round: when it was sent, the lease it gives once a majority acknowledges it,
	 * and the stickiness it asked the members for.
	 */
	private record Round(long sentAt, long leaseNanos, long stickinessMillis) {
	}

	/**
	 * The outcome of {@link #transferLeadershipToBestPeer(long)}.
	 *
	 * @param target the member chosen, or {@code null} if none could be
	 * @param result whether the transfer started
	 */
	public record TransferAttempt(@Nullable String target, TransferResult result) {
	}

	/** What the leader knows of one follower, learner or departing member. */
	private static final class Progress {

		private final String id;

		private long match;

		private long next;

		private boolean heardFrom;

		private long lastContact;

		private long ackedRound;

		private long roundTrip;

		private boolean hasRoundTrip;

		/**
		 * Whether it fell silent for longer than the maximum election timeout during this
		 * leadership and answered again (the last time at {@link #cameBackAt}): restarted, or
		 * partitioned away.
		 */
		private boolean cameBack;

		private long cameBackAt;

		/**
		 * For a member that a configuration removed: the index of that configuration, which it
		 * must receive; 0 for a member of the configuration in force.
		 */
		private long departsAt;

		private long departureDeadline;

		/** The first round whose AppendEntries told a departing member that its removal is committed. */
		private long departureRound;

		private Progress(String id, long next) {
			this.id = id;
			this.next = next;
		}

	}

}
