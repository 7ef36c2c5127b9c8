package io.github.raftboot.runtime;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import io.github.raftboot.core.InMemoryStorage;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.PersistentState;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.RaftNode;
import io.github.raftboot.core.TransferResult;
import io.github.raftboot.leader.RaftStatus;
import io.github.raftboot.transport.LoopbackTransport;
import io.github.raftboot.transport.RaftJson;
import io.github.raftboot.transport.RaftRpcHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Runs the code of elections and of leadership in this JVM before its member needs it. A member
 * that has only ever followed has never run the code of a candidate or of a leader: when it takes
 * over, on a hand-over or a failover, that code is loaded, linked and interpreted for the first
 * time, which costs tens of milliseconds exactly when leadership moves (issue 13 measured about
 * 100 ms more for a hand-over to a replica that had never led).
 *
 * <p>The warm-up forms a throwaway cluster of three members in memory, each a
 * {@link CoreLoop} with its own threads, {@link InMemoryStorage} and statistics, connected by a
 * {@link LoopbackTransport} (the wire format and the dispatcher of the RPC endpoints, without
 * HTTP), with short timeouts; then it hands leadership from member to member, as a stopping
 * leader does, and now and then cuts the leader off so that the others elect a new one with
 * pre-votes, as after a crash. Its members have ids of their own ({@code warm-up-1} to
 * {@code warm-up-3}), their events go nowhere, and neither the real member, its storage, its
 * transport nor its statistics are touched: of the real member the warm-up only reads, if given,
 * whether it leads and how many pauses its JVM had. Their timing is fixed (no adaptive timing), so
 * that the rounds take as long on a busy machine as on a quiet one and no timing change is
 * logged. The HTTP client and server are not exercised: the keep-warm probes of the transport
 * keep the client's connections and most of its code in use.
 *
 * <p>{@link #run()} blocks until done, or until {@link #cancel()}. It competes for the CPU with
 * the real member, whose lease lapses when its heartbeats are late, so it makes way for it:
 * <ul>
 * <li>After each round it rests three times as long as the round took, so that it keeps its
 * threads busy at most a quarter of the time. On a quiet machine that only makes it take longer,
 * which costs nothing. Its members are held while it rests ({@link CoreLoop#hold()}): no timer of
 * theirs fires, so they send nothing (idle, their 5 ms heartbeats took about a sixth of a core);
 * the next round resumes them and waits for the leader's lease to be renewed. Its threads inherit the priority of the thread that runs it, which Linux
 * ignores unless the JVM runs with {@code -XX:ThreadPriorityPolicy=1}.</li>
 * <li>It ends as soon as the real member {@linkplain Ending#LEADING leads}, before its first round
 * too: the member's own leadership runs that code, and a leader needs the CPU most.</li>
 * <li>Before each round it waits until the JVM went 2 seconds without a pause (as counted by the
 * member's pause monitor, see {@code PauseMonitor}): a JVM that does not get the CPU when it
 * needs it has none to spare. Before its first round, if the member took part in the election of
 * the leader it follows (it voted in that term, and the term began after the member started: the
 * replicas started together, or a leader failed), it also waits until it has followed that leader for
 * {@value #SETTLED_SECONDS} seconds: right after an election the cluster is at its most fragile
 * (a new leader's lease lapses when the JVMs beside it take its CPU: the busy bench saw a leader
 * lose it six times in the first five seconds of a cluster while the others warmed up), and the
 * next change of leadership, which the warm-up prepares for, is not imminent; and before its
 * first round it waits its turn, {@value #TURN_SECONDS} seconds for each voter whose id comes
 * before its own (replicas that start together learn of their first leader together, and their
 * warm-ups, all at once, took the leader's CPU: the busy bench saw its lease lapse twice as four
 * ended together). A member that joined a leadership already established (a restart into a
 * running cluster) does not wait for it, and later rounds wait only for a quiet JVM and a known
 * leader: a restarted replica is the one a hand-over prefers, and on the quiet bench, where
 * leadership moved every few seconds, waiting for each leadership to settle left it cold
 * (hand-overs 30 ms slower). It starts its throwaway members only then.</li>
 * </ul>
 * Its cost is bounded three ways: by the number of rounds; by a time limit, after which it ends
 * with the rounds left (waiting for a quiet JVM included); and by giving up after 3 rounds in a
 * row that moved no leadership (the machine is too busy for it to help). It waits and rests in
 * steps of at most 100 ms, checking between them whether the member leads.
 */
public final class ElectionWarmUp {

	/** Rounds of {@link #ElectionWarmUp(RaftJson)}: hand-overs, and every tenth a failover. */
	public static final int DEFAULT_ROUNDS = 300;

	/**
	 * Time limit of {@link #ElectionWarmUp(RaftJson)}: on a quiet machine its rounds take 3 to 6
	 * seconds, resting three times as long again.
	 */
	public static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(60);

	private static final int FAILOVER_EVERY = 10;

	/** Rounds that may fail in a row before the warm-up gives up: the machine is too busy. */
	static final int MAX_MISSED_IN_A_ROW = 3;

	/**
	 * How many times as long as a round the warm-up rests after it: its threads are busy at most
	 * a quarter of the time, and leave the rest to the real member and the application.
	 */
	static final int REST_PER_ROUND = 3;

	/** How long the JVM must have gone without a pause before a round starts. */
	static final int QUIET_SECONDS = 2;

	private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(QUIET_SECONDS);

	/** How long the member must have followed one leader before a round starts. */
	static final int SETTLED_SECONDS = 10;

	private static final long SETTLED_NANOS = TimeUnit.SECONDS.toNanos(SETTLED_SECONDS);

	/**
	 * How much longer each member waits before its first round than the voter before it in the
	 * order of their ids: replicas that start together (and all learn of their first leader at
	 * once) then warm up one after the other rather than all at once.
	 */
	static final int TURN_SECONDS = 5;

	private static final long TURN_NANOS = TimeUnit.SECONDS.toNanos(TURN_SECONDS);

	/** The longest step of a rest or a wait for a quiet JVM: how soon it notices that the member leads. */
	static final int STEP_MILLIS = 100;

	private static final long STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(STEP_MILLIS);

	private static final List<String> MEMBERS = List.of("warm-up-1", "warm-up-2", "warm-up-3");

	private static final Duration ELECTION_TIMEOUT_MIN = Duration.ofMillis(25);

	private static final Duration ELECTION_TIMEOUT_MAX = Duration.ofMillis(250);

	private static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(5);

	/** How long one round may take, and a request thread waits for a member's answer. */
	private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(1);

	private static final BooleanSupplier NEVER_LEADS = () -> false;

	private static final LongSupplier NO_PAUSES = () -> 0;

	/** A leadership that is always known and never changes: no settling to wait for. */
	private static final LongSupplier SETTLED = () -> 0;

	/** The first in line: no turn to wait for. */
	private static final IntSupplier FIRST = () -> 0;

	/**
	 * Where the throwaway members log (their role changes and lease lapses at DEBUG): a category
	 * of its own, so that they never read as the real member's in its log.
	 */
	private static final Log THROWAWAY_LOG = LogFactory.getLog(ElectionWarmUp.class);

	private static final CoreLoop.PublicationListener NOT_LISTENING = new CoreLoop.PublicationListener() {

		@Override
		public boolean listening() {
			return false;
		}

		@Override
		public void published(StatusSnapshot snapshot) {
		}

	};

	private final RaftJson json;

	private final int rounds;

	private final Duration timeLimit;

	private final BooleanSupplier memberLeads;

	private final LongSupplier memberPauses;

	private final LongSupplier memberLeadership;

	/** The pauses counted when the warm-up was created. */
	private final long pausesAtCreation;

	/** The leadership the member followed when the warm-up was created. */
	private final long leadershipAtCreation;

	private final IntSupplier memberTurn;

	private final Duration roundTimeout;

	private final LongSupplier nanoClock;

	private final PauseMonitor.Sleeper sleeper;

	private volatile boolean cancelled;

	private final Object restLock = new Object();

	/**
	 * Creates a warm-up of {@link #DEFAULT_ROUNDS} rounds within {@link #DEFAULT_TIME_LIMIT} that
	 * heeds no real member.
	 * @param json the wire format, normally the one the member's transport and endpoints use
	 */
	public ElectionWarmUp(RaftJson json) {
		this(json, DEFAULT_ROUNDS, DEFAULT_TIME_LIMIT);
	}

	/**
	 * Creates a warm-up of {@link #DEFAULT_ROUNDS} rounds within {@link #DEFAULT_TIME_LIMIT} that
	 * makes way for a real member: it ends once that member leads any of its election groups,
	 * waits for a quiet JVM by the pauses that member's pause monitor counts, and, if the member
	 * took part in the election of the leader of its default group that it follows, for it to
	 * have followed that leader for {@value #SETTLED_SECONDS} seconds, and for its turn.
	 * @param json the wire format, normally the one the member's transport and endpoints use
	 * @param member the member of this JVM, the default group's server
	 */
	public ElectionWarmUp(RaftJson json, RaftServer member) {
		this(json, DEFAULT_ROUNDS, DEFAULT_TIME_LIMIT, leadsAnyGroup(member), member.statistics()::pauses,
				leadership(member), turn(member), ROUND_TIMEOUT, System::nanoTime, null);
	}

	/**
	 * Creates a warm-up that heeds no real member.
	 * @param json the wire format, normally the one the member's transport and endpoints use
	 * @param rounds how many times leadership moves, at least 1
	 * @param timeLimit how long it may take, positive: no round starts after it
	 */
	public ElectionWarmUp(RaftJson json, int rounds, Duration timeLimit) {
		this(json, rounds, timeLimit, NEVER_LEADS, NO_PAUSES);
	}

	/**
	 * Creates a warm-up that makes way for a real member.
	 * @param json the wire format, normally the one the member's transport and endpoints use
	 * @param rounds how many times leadership moves, at least 1
	 * @param timeLimit how long it may take, positive: no round starts after it
	 * @param memberLeads whether the real member leads: the warm-up then ends; asked before each
	 * round and every 100 ms of a rest or a wait, so it must be quick
	 * @param memberPauses how many pauses the JVM had so far (a count that only grows, such as
	 * {@link RaftStatistics#pauses()}): no round starts within 2 seconds of one; asked as often
	 */
	public ElectionWarmUp(RaftJson json, int rounds, Duration timeLimit, BooleanSupplier memberLeads,
			LongSupplier memberPauses) {
		this(json, rounds, timeLimit, memberLeads, memberPauses, SETTLED, FIRST, ROUND_TIMEOUT, System::nanoTime, null);
	}

	/**
	 * Creates a warm-up whose pace is measured on the given clock.
	 * @param memberLeadership which leadership the real member follows: a value that changes
	 * whenever the leader it knows changes, negative while it knows none; no round starts until
	 * it has stayed the same, not negative, for {@value #SETTLED_SECONDS} seconds
	 * @param memberTurn the member's place among the voters, from 0, while it took part in the
	 * election of the leadership it follows: its first round waits for that leadership to have
	 * lasted {@value #SETTLED_SECONDS} seconds plus that many times {@value #TURN_SECONDS}; -1 while
	 * it joined a leadership already established: its first round does not wait for it to settle
	 * @param roundTimeout how long a round waits for leadership to move before it counts as missed
	 * @param nanoClock the clock of its time limit, of the length of its rounds, rests and waits
	 * @param sleeper how it rests and waits, in steps of at most 100 ms; {@code null} to wait on a
	 * lock that {@link #cancel()} wakes up
	 */
	ElectionWarmUp(RaftJson json, int rounds, Duration timeLimit, BooleanSupplier memberLeads,
			LongSupplier memberPauses, LongSupplier memberLeadership, IntSupplier memberTurn, Duration roundTimeout,
			LongSupplier nanoClock,
			PauseMonitor.@Nullable Sleeper sleeper) {
		this.json = Objects.requireNonNull(json, "json");
		this.timeLimit = Objects.requireNonNull(timeLimit, "timeLimit");
		if (rounds < 1) {
			throw new IllegalArgumentException("rounds must be at least 1, was " + rounds);
		}
		if (timeLimit.isNegative() || timeLimit.isZero()) {
			throw new IllegalArgumentException("timeLimit must be positive, was " + timeLimit);
		}
		this.rounds = rounds;
		this.memberLeads = Objects.requireNonNull(memberLeads, "memberLeads");
		this.memberPauses = Objects.requireNonNull(memberPauses, "memberPauses");
		this.memberLeadership = Objects.requireNonNull(memberLeadership, "memberLeadership");
		this.memberTurn = Objects.requireNonNull(memberTurn, "memberTurn");
		this.roundTimeout = Objects.requireNonNull(roundTimeout, "roundTimeout");
		this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
		this.sleeper = (sleeper != null) ? sleeper : this::restOnLock;
		this.pausesAtCreation = memberPauses.getAsLong();
		this.leadershipAtCreation = memberLeadership.getAsLong();
	}

	/**
	 * Which leadership of the default group the member follows: its count of leader changes, -1
	 * while it knows no leader.
	 */
	private static LongSupplier leadership(RaftServer member) {
		return () -> member.leaderId().isPresent() ? member.statistics().leaderChanges() : -1;
	}

	/**
	 * The member's place among the voters of its configuration in force, in the order of their
	 * ids (0 while it knows none), if it took part in the election of the leadership it follows;
	 * -1 if it joined a leadership already established.
	 */
	private static IntSupplier turn(RaftServer member) {
		return () -> !member.votedSinceStart() ? -1
				: member.membership().map((membership) -> membership.voters().headSet(member.nodeId()).size()).orElse(0);
	}

	/** Whether the member leads the default group or any other of its groups. */
	private static BooleanSupplier leadsAnyGroup(RaftServer member) {
		Objects.requireNonNull(member, "member");
		return () -> member.groups().stream().anyMatch(member::isLeader);
	}

	/**
	 * Runs the warm-up on the calling thread (its members have threads of their own, which end
	 * before this method returns or soon after). If the real member leads already, it runs no
	 * round and starts no member.
	 * @return what it did
	 * @throws InterruptedException if the calling thread is interrupted: the warm-up stops
	 */
	public Result run() throws InterruptedException {
		long startedAt = this.nanoClock.getAsLong();
		long cpuBefore = processCpuNanos();
		Tally tally = new Tally();
		// A pause since the warm-up was created (while the application started) counts as one now
		tally.pauses = this.pausesAtCreation;
		// Settled long since, unless it changed after the warm-up was created (a member that
		// started meanwhile: it knew no leader then)
		tally.leadership = this.leadershipAtCreation;
		tally.leadershipSince = startedAt - SETTLED_NANOS;
		observeMember(tally, startedAt);
		long deadline = startedAt + this.timeLimit.toNanos();
		Ending ending = stopNow();
		if (ending == null) {
			// Before the throwaway members start (they would heartbeat meanwhile), and in turn
			ending = holdBack(deadline, tally, true);
		}
		if (ending == null) {
			ending = runRounds(deadline, tally);
		}
		long cpuAfter = processCpuNanos();
		return new Result(tally.handOvers, tally.failovers, tally.missed, ending,
				Duration.ofNanos(this.nanoClock.getAsLong() - startedAt), Duration.ofNanos(tally.inRoundsNanos),
				Duration.ofNanos(tally.restedNanos), Duration.ofNanos(tally.heldBackNanos),
				(cpuBefore >= 0 && cpuAfter >= 0) ? Duration.ofNanos(cpuAfter - cpuBefore) : null);
	}

	private Ending runRounds(long deadline, Tally tally) throws InterruptedException {
		LoopbackTransport transport = new LoopbackTransport(this.json, ROUND_TIMEOUT, "raft-warm-up-rpc");
		Map<String, Member> members = new LinkedHashMap<>();
		try {
			for (String id : MEMBERS) {
				Member member = new Member(id, transport);
				members.put(id, member);
				transport.register(member);
			}
			for (Member member : members.values()) {
				member.start();
			}
			List<Member> all = List.copyOf(members.values());
			awaitAny(all, all, Member::isActiveLeader);
			int missedInARow = 0;
			for (int round = 1; round <= this.rounds; round++) {
				if (missedInARow >= MAX_MISSED_IN_A_ROW) {
					return Ending.TOO_BUSY;
				}
				Ending stop = holdBack(deadline, tally, false);
				if (stop != null) {
					return stop;
				}
				long roundStartedAt = this.nanoClock.getAsLong();
				if (round > 1) {
					// Held while it rested: the leader's next round renews its lease
					all.forEach(Member::resume);
					awaitAny(all, all, Member::isActiveLeader);
				}
				boolean done = (round % FAILOVER_EVERY == 0) ? failover(all, transport, tally)
						: handOver(all, members, tally);
				missedInARow = done ? 0 : missedInARow + 1;
				if (!done) {
					tally.missed++;
				}
				long roundNanos = this.nanoClock.getAsLong() - roundStartedAt;
				tally.inRoundsNanos += roundNanos;
				all.forEach(Member::hold);
				tally.restedNanos += rest(REST_PER_ROUND * roundNanos, tally);
			}
			return Ending.ALL_ROUNDS;
		}
		finally {
			for (Member member : members.values()) {
				member.stop();
			}
			transport.close();
		}
	}

	/** Why the warm-up must end at once, or {@code null} if it may go on. */
	private @Nullable Ending stopNow() {
		if (this.cancelled) {
			return Ending.CANCELLED;
		}
		return this.memberLeads.getAsBoolean() ? Ending.LEADING : null;
	}

	/**
	 * Before a round: waits until the JVM went {@link #QUIET_SECONDS} seconds without a pause and
	 * the member knows a leader. Before the first round, if the member took part in that leader's
	 * election, also until it has followed it for {@link #SETTLED_SECONDS} seconds (a cluster that
	 * has just elected a leader is at its most fragile: the new leader's lease lapses when others
	 * take its CPU, and the next change of leadership, which the warm-up prepares for, is not
	 * imminent) plus its turn: {@value #TURN_SECONDS} seconds for each voter before it. Returns why
	 * the warm-up must end instead of running the round, or {@code null} to run it.
	 */
	private @Nullable Ending holdBack(long deadline, Tally tally, boolean first) throws InterruptedException {
		long from = this.nanoClock.getAsLong();
		boolean waited = false;
		try {
			while (true) {
				Ending stop = stopNow();
				if (stop != null) {
					return stop;
				}
				long now = this.nanoClock.getAsLong();
				if (now - deadline >= 0) {
					return Ending.TIME_LIMIT;
				}
				observeMember(tally, now);
				long settled = first ? settledBeforeFirstRound() : 0;
				long quietIn = Math.max(tally.pausedYet ? tally.lastPauseAt + QUIET_NANOS - now : 0,
						(tally.leadership < 0) ? STEP_NANOS : tally.leadershipSince + settled - now);
				if (quietIn <= 0) {
					return null;
				}
				waited = true;
				this.sleeper.sleep(Math.min(STEP_NANOS, Math.min(quietIn, deadline - now)));
			}
		}
		finally {
			if (waited) {
				tally.heldBackNanos += this.nanoClock.getAsLong() - from;
			}
		}
	}

	/**
	 * How long the leadership the member follows must have lasted before the first round: 10 s
	 * plus its turn if the member took part in its election, else nothing. Asked only then: it
	 * reads the member's membership.
	 */
	private long settledBeforeFirstRound() {
		int turn = this.memberTurn.getAsInt();
		return (turn < 0) ? 0 : SETTLED_NANOS + turn * TURN_NANOS;
	}

	/**
	 * Rests that long, in steps, unless cancelled or the member leads meanwhile; notes the pauses
	 * of the JVM meanwhile. Returns how long it rested.
	 */
	private long rest(long nanos, Tally tally) throws InterruptedException {
		long from = this.nanoClock.getAsLong();
		long until = from + nanos;
		for (long left = nanos; left > 0 && stopNow() == null; left = until - this.nanoClock.getAsLong()) {
			this.sleeper.sleep(Math.min(left, STEP_NANOS));
			observeMember(tally, this.nanoClock.getAsLong());
		}
		return this.nanoClock.getAsLong() - from;
	}

	/** Notes the real member's pauses and the leadership it follows, as seen at {@code now}. */
	private void observeMember(Tally tally, long now) {
		tally.notePauses(this.memberPauses.getAsLong(), now);
		tally.noteLeadership(this.memberLeadership.getAsLong(), now);
	}

	/** The default way to rest: on a lock that {@link #cancel()} wakes up. */
	private void restOnLock(long nanos) throws InterruptedException {
		synchronized (this.restLock) {
			if (!this.cancelled) {
				TimeUnit.NANOSECONDS.timedWait(this.restLock, nanos);
			}
		}
	}

	/** Stops a running warm-up after its current round, or at once while it rests or waits. */
	public void cancel() {
		this.cancelled = true;
		synchronized (this.restLock) {
			this.restLock.notifyAll();
		}
	}

	/** The leader hands over to the most up-to-date member, as it does when it stops. */
	private boolean handOver(List<Member> all, Map<String, Member> members, Tally tally) throws InterruptedException {
		Member leader = activeLeader(all);
		if (leader == null) {
			// No leader to hand over from: the round only waits for one
			awaitAny(all, all, Member::isActiveLeader);
			return false;
		}
		RaftNode.TransferAttempt attempt = leader.loop.call(
				(node, now) -> node.transferLeadershipToBestPeer(now),
				new RaftNode.TransferAttempt(null, TransferResult.NOT_LEADER));
		Member target = (attempt.target() != null) ? members.get(attempt.target()) : null;
		if (attempt.result() != TransferResult.STARTED || target == null) {
			return false;
		}
		boolean done = target.board.await(target::isActiveLeader, this.roundTimeout);
		if (done) {
			tally.handOvers++;
		}
		return done;
	}

	/** The leader is cut off until another member leads: pre-votes, an election, a new lease. */
	private boolean failover(List<Member> all, LoopbackTransport transport, Tally tally) throws InterruptedException {
		Member leader = activeLeader(all);
		if (leader == null) {
			awaitAny(all, all, Member::isActiveLeader);
			return false;
		}
		List<Member> others = all.stream().filter((member) -> member != leader).toList();
		transport.cut(leader.id());
		try {
			boolean done = awaitAny(all, others, Member::isActiveLeader);
			if (done) {
				tally.failovers++;
			}
			return done;
		}
		finally {
			transport.heal(leader.id());
		}
	}

	private static @Nullable Member activeLeader(List<Member> members) {
		return members.stream().filter(Member::isActiveLeader).findFirst().orElse(null);
	}

	/** Waits until one of {@code candidates} meets the condition, woken by any member's publications. */
	private boolean awaitAny(List<Member> all, List<Member> candidates, Predicate<Member> condition)
			throws InterruptedException {
		BooleanSupplier met = () -> this.cancelled || candidates.stream().anyMatch(condition);
		// Each board wakes its waiter on its own publications and at least every 10 ms
		return all.get(0).board.await(met, this.roundTimeout) && !this.cancelled;
	}

	private static long processCpuNanos() {
		OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		return (os instanceof com.sun.management.OperatingSystemMXBean hotSpot) ? hotSpot.getProcessCpuTime() : -1;
	}

	/**
	 * What a warm-up did.
	 *
	 * @param handOvers how many times leadership was handed over
	 * @param failovers how many times a new leader was elected after the leader was cut off
	 * @param missed rounds that moved no leadership: no new leader in time, or no leader to
	 * start from
	 * @param ending why it ended
	 * @param elapsed how long it took
	 * @param inRounds how much of that its rounds took
	 * @param rested how much of that it rested after its rounds: three times as long as they
	 * took, unless it ended meanwhile
	 * @param heldBack how much of that it waited before its rounds for the JVM to go without pauses
	 * @param processCpu the CPU time the whole process used meanwhile (the JIT compiler
	 * included), or {@code null} if the JVM does not tell
	 */
	public record Result(int handOvers, int failovers, int missed, Ending ending, Duration elapsed, Duration inRounds,
			Duration rested, Duration heldBack, @Nullable Duration processCpu) {

		/** How many rounds it ran: none if the member led before the first. */
		public int rounds() {
			return this.handOvers + this.failovers + this.missed;
		}

	}

	/** Why a warm-up ended. */
	public enum Ending {

		/** It ran all its rounds. */
		ALL_ROUNDS,

		/** It reached its time limit with rounds left. */
		TIME_LIMIT,

		/** Rounds in a row moved no leadership: the machine is too busy for it. */
		TOO_BUSY,

		/**
		 * The real member leads, before the first round or after some: its leadership runs the
		 * code that the warm-up would, and the warm-up leaves it the CPU.
		 */
		LEADING,

		/** It was {@linkplain ElectionWarmUp#cancel() cancelled}. */
		CANCELLED

	}

	private static final class Tally {

		int handOvers;

		int failovers;

		int missed;

		long inRoundsNanos;

		long restedNanos;

		long heldBackNanos;

		/** The pauses of the JVM counted when last looked at. */
		long pauses;

		boolean pausedYet;

		/** When a change of the pauses was last noticed. */
		long lastPauseAt;

		/** The leadership the member followed when last looked at, and since when. */
		long leadership;

		long leadershipSince;

		void noteLeadership(long current, long now) {
			if (current != this.leadership) {
				this.leadership = current;
				this.leadershipSince = now;
			}
		}

		void notePauses(long counted, long now) {
			if (counted != this.pauses) {
				this.pauses = counted;
				this.pausedYet = true;
				this.lastPauseAt = now;
			}
		}

	}

	/** A throwaway member: a core loop, its board and statistics, and the handler its RPCs reach. */
	private final class Member implements RaftRpcHandler {

		private final String id;

		private final StatusBoard board;

		private final CoreLoop loop;

		Member(String id, LoopbackTransport transport) {
			this.id = id;
			Map<String, String> addresses = new LinkedHashMap<>();
			MEMBERS.forEach((member) -> addresses.put(member, "http://" + member + ".invalid"));
			RaftConfig config = RaftConfig.builder(id, MEMBERS)
				.addresses(addresses)
				.electionTimeout(ELECTION_TIMEOUT_MIN, ELECTION_TIMEOUT_MAX)
				.heartbeatInterval(HEARTBEAT_INTERVAL)
				.adaptiveTiming(false)
				.build();
			this.board = new StatusBoard(StatusSnapshot.initial(id), System::nanoTime);
			this.loop = new CoreLoop(config, new InMemoryStorage(), transport, System::nanoTime, Clock.systemUTC(),
					this.board, new SnapshotDerivation(id, ElectionWarmUp.this), new RaftStatistics(), (event) -> {
					}, NOT_LISTENING, (failure) -> {
					}, THROWAWAY_LOG);
		}

		void start() {
			this.loop.start(PersistentState.empty());
		}

		/** No timer of this member fires until {@link #resume()}: it costs nothing while the warm-up rests. */
		void hold() {
			this.loop.hold();
		}

		void resume() {
			this.loop.resume();
		}

		void stop() {
			this.loop.stop();
			this.loop.drainEvents();
		}

		String id() {
			return this.id;
		}

		boolean isActiveLeader() {
			StatusSnapshot snapshot = this.board.snapshot();
			return snapshot.state() == RaftStatus.State.RUNNING
					&& snapshot.status().isActiveLeaderAt(System.nanoTime());
		}

		@Override
		public String nodeId() {
			return this.id;
		}

		@Override
		public boolean acceptsSender(String memberId) {
			return !memberId.equals(this.id) && MEMBERS.contains(memberId);
		}

		@Override
		public CompletableFuture<Optional<Message>> receive(Message request) {
			return this.loop.receive(request);
		}

	}

	@Override
	public String toString() {
		return "ElectionWarmUp[" + this.rounds + " rounds within " + this.timeLimit + "]";
	}

}
