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
 * transport nor its statistics are touched: the warm-up has no reference to any of them. Their
 * timing is fixed (no adaptive timing), so that the rounds take as long on a busy machine as on
 * a quiet one and no timing change is logged. The HTTP client and server are not exercised: the
 * keep-warm probes of the transport keep the client's connections and most of its code in use.
 *
 * <p>{@link #run()} blocks until done, or until {@link #cancel()}. Its cost is bounded three
 * ways: by the number of rounds; by a time limit, after which it ends with the rounds left; and
 * by giving up after {@value #MAX_MISSED_IN_A_ROW} rounds in a row that moved no leadership (the
 * machine is too busy for it to help). After each round it rests as long as the round took, so
 * that it keeps its threads busy at most half of the time and leaves the machine to the real
 * member and the application; its threads inherit the priority of the thread that runs it.
 */
public final class ElectionWarmUp {

	/** Rounds of {@link #ElectionWarmUp(RaftJson)}: hand-overs, and every tenth a failover. */
	public static final int DEFAULT_ROUNDS = 300;

	/**
	 * Time limit of {@link #ElectionWarmUp(RaftJson)}: on a quiet machine its rounds take 3 to 6
	 * seconds, resting as long again.
	 */
	public static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(60);

	private static final int FAILOVER_EVERY = 10;

	/** Rounds that may fail in a row before the warm-up gives up: the machine is too busy. */
	private static final int MAX_MISSED_IN_A_ROW = 5;

	private static final List<String> MEMBERS = List.of("warm-up-1", "warm-up-2", "warm-up-3");

	private static final Duration ELECTION_TIMEOUT_MIN = Duration.ofMillis(25);

	private static final Duration ELECTION_TIMEOUT_MAX = Duration.ofMillis(250);

	private static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(5);

	/** How long one round may take, and a request thread waits for a member's answer. */
	private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(1);

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

	private volatile boolean cancelled;

	private final Object restLock = new Object();

	/**
	 * Creates a warm-up of {@link #DEFAULT_ROUNDS} rounds within {@link #DEFAULT_TIME_LIMIT}.
	 * @param json the wire format, normally the one the member's transport and endpoints use
	 */
	public ElectionWarmUp(RaftJson json) {
		this(json, DEFAULT_ROUNDS, DEFAULT_TIME_LIMIT);
	}

	/**
	 * Creates a warm-up.
	 * @param json the wire format, normally the one the member's transport and endpoints use
	 * @param rounds how many times leadership moves, at least 1
	 * @param timeLimit how long it may take, positive: no round starts after it
	 */
	public ElectionWarmUp(RaftJson json, int rounds, Duration timeLimit) {
		this.json = Objects.requireNonNull(json, "json");
		this.timeLimit = Objects.requireNonNull(timeLimit, "timeLimit");
		if (rounds < 1) {
			throw new IllegalArgumentException("rounds must be at least 1, was " + rounds);
		}
		if (timeLimit.isNegative() || timeLimit.isZero()) {
			throw new IllegalArgumentException("timeLimit must be positive, was " + timeLimit);
		}
		this.rounds = rounds;
	}

	/**
	 * Runs the warm-up on the calling thread (its members have threads of their own, which end
	 * before this method returns or soon after).
	 * @return what it did
	 * @throws InterruptedException if the calling thread is interrupted: the warm-up stops
	 */
	public Result run() throws InterruptedException {
		long startedAt = System.nanoTime();
		long cpuBefore = processCpuNanos();
		LoopbackTransport transport = new LoopbackTransport(this.json, ROUND_TIMEOUT, "raft-warm-up-rpc");
		Map<String, Member> members = new LinkedHashMap<>();
		Tally tally = new Tally();
		long deadline = startedAt + this.timeLimit.toNanos();
		Ending ending = Ending.ALL_ROUNDS;
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
				if (this.cancelled) {
					ending = Ending.CANCELLED;
					break;
				}
				if (missedInARow >= MAX_MISSED_IN_A_ROW) {
					ending = Ending.TOO_BUSY;
					break;
				}
				long roundStartedAt = System.nanoTime();
				if (roundStartedAt - deadline >= 0) {
					ending = Ending.TIME_LIMIT;
					break;
				}
				boolean done = (round % FAILOVER_EVERY == 0) ? failover(all, transport, tally)
						: handOver(all, members, tally);
				missedInARow = done ? 0 : missedInARow + 1;
				if (!done) {
					tally.missed++;
				}
				long roundNanos = System.nanoTime() - roundStartedAt;
				tally.inRoundsNanos += roundNanos;
				tally.restedNanos += rest(roundNanos);
			}
		}
		finally {
			for (Member member : members.values()) {
				member.stop();
			}
			transport.close();
		}
		long cpuAfter = processCpuNanos();
		return new Result(tally.handOvers, tally.failovers, tally.missed,
				ending, Duration.ofNanos(System.nanoTime() - startedAt), Duration.ofNanos(tally.inRoundsNanos),
				Duration.ofNanos(tally.restedNanos),
				(cpuBefore >= 0 && cpuAfter >= 0) ? Duration.ofNanos(cpuAfter - cpuBefore) : null);
	}

	/** Rests as long as the round took, unless cancelled meanwhile; returns how long it rested. */
	private long rest(long roundNanos) throws InterruptedException {
		long from = System.nanoTime();
		long until = from + roundNanos;
		synchronized (this.restLock) {
			for (long left = roundNanos; left > 0 && !this.cancelled; left = until - System.nanoTime()) {
				TimeUnit.NANOSECONDS.timedWait(this.restLock, left);
			}
		}
		return System.nanoTime() - from;
	}

	/** Stops a running warm-up after its current round, or at once while it rests. */
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
		boolean done = target.board.await(target::isActiveLeader, ROUND_TIMEOUT);
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
		return all.get(0).board.await(met, ROUND_TIMEOUT) && !this.cancelled;
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
	 * @param rested how much of that it rested after its rounds: as long as they took, unless
	 * cancelled
	 * @param processCpu the CPU time the whole process used meanwhile (the JIT compiler
	 * included), or {@code null} if the JVM does not tell
	 */
	public record Result(int handOvers, int failovers, int missed, Ending ending, Duration elapsed, Duration inRounds,
			Duration rested, @Nullable Duration processCpu) {

	}

	/** Why a warm-up ended. */
	public enum Ending {

		/** It ran all its rounds. */
		ALL_ROUNDS,

		/** It reached its time limit with rounds left. */
		TIME_LIMIT,

		/** Rounds in a row moved no leadership: the machine is too busy for it. */
		TOO_BUSY,

		/** It was {@linkplain ElectionWarmUp#cancel() cancelled}. */
		CANCELLED

	}

	private static final class Tally {

		int handOvers;

		int failovers;

		int missed;

		long inRoundsNanos;

		long restedNanos;

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
