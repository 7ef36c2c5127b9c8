package io.github.raftboot.core;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.jspecify.annotations.Nullable;

/**
 * Drives one {@link RaftNode} by hand: keeps the time fed to it and hands back the
 * {@link Ready} produced by each input. No clock is read and no thread is started.
 */
final class NodeHarness {

	static final long MS = 1_000_000L;

	/** The default start time of a node, in nanoseconds. */
	static final long START = 1_000_000_000L;

	static final long MIN = 150 * MS;

	static final long MAX = 300 * MS;

	static final long HEARTBEAT = 50 * MS;

	/** {@code MIN × (1 − 0.1)}. */
	static final long LEASE = 135 * MS;

	/** The stickiness a leader of the default timing asks for, and a follower of it records, in milliseconds. */
	static final long STICKINESS = 150;

	static final List<String> THREE = List.of("a", "b", "c");

	static final List<String> FIVE = List.of("a", "b", "c", "d", "e");

	private final RaftNode node;

	private long now;

	private NodeHarness(RaftNode node, long now) {
		this.node = node;
		this.now = now;
	}

	static RaftConfig config(String id, List<String> members) {
		return RaftConfig.builder(id, members).build();
	}

	/**
	 * Starts a node of the cluster formed with {@code config.members()}: a state without a base
	 * configuration gets the one {@code config} proposes (see {@link #startFresh} for a node that
	 * never joined a cluster, and {@link #startRaw} for a state taken as it is).
	 */
	static NodeHarness start(RaftConfig config, PersistentState state, long now) {
		return startRaw(config, (state.base() != null) ? state : withBase(state, config.initialMembership()), now);
	}

	/** Starts a node from exactly {@code state}. */
	static NodeHarness startRaw(RaftConfig config, PersistentState state, long now) {
		return new NodeHarness(new RaftNode(config, state, new SplittableRandom(42), now), now);
	}

	/**
	 * {@code state} with {@code base}, and, unless it says otherwise, the stickiness a node of the
	 * default timing has recorded once it followed a leader (so that following one again changes
	 * nothing to persist).
	 */
	static PersistentState withBase(PersistentState state, Membership base) {
		return new PersistentState(state.term(), state.votedFor(), state.log(), base,
				(state.stickinessMillis() != 0) ? state.stickinessMillis() : STICKINESS);
	}

	/** The configuration of the cluster formed with {@code members}, at no addresses. */
	static Membership membersOf(List<String> members) {
		return config(members.get(0), members).initialMembership();
	}

	/** Starts a node that never joined a cluster: it proposes {@code members} and waits to form or join one. */
	static NodeHarness startFresh(String id, List<String> members) {
		return new NodeHarness(
				new RaftNode(config(id, members), PersistentState.empty(), new SplittableRandom(42), START), START);
	}

	static NodeHarness start(String id, List<String> members, PersistentState state) {
		return start(config(id, members), state, START);
	}

	static NodeHarness start(String id, List<String> members) {
		return start(id, members, PersistentState.empty());
	}

	/** A log whose entry {@code i + 1} has term {@code terms[i]}. */
	static List<LogEntry> log(long... terms) {
		List<LogEntry> entries = new ArrayList<>();
		for (int i = 0; i < terms.length; i++) {
			entries.add(new LogEntry(i + 1, terms[i], EntryType.NOOP));
		}
		return List.copyOf(entries);
	}

	static LogEntry entry(long index, long term) {
		return new LogEntry(index, term, EntryType.NOOP);
	}

	/** The messages of the given type in {@code ready}, in order. */
	static <T extends Message> List<T> sent(Ready ready, Class<T> type) {
		return ready.messages().stream().filter(type::isInstance).map(type::cast).toList();
	}

	/** The round carried by the AppendEntries of {@code ready} (all must carry the same). */
	static long round(Ready ready) {
		List<Long> rounds = sent(ready, AppendEntries.class).stream().map(AppendEntries::round).distinct().toList();
		if (rounds.size() != 1) {
			throw new IllegalStateException("Expected AppendEntries of one round, got " + ready.messages());
		}
		return rounds.get(0);
	}

	/** The state of a cluster that {@code config} has just formed. */
	static PersistentState formed(RaftConfig config) {
		return PersistentState.formed(config.initialMembership());
	}

	/** What this node would persist with that term, vote and log, and the base it was started with. */
	PersistentState persisted(long term, @Nullable String votedFor, List<LogEntry> log) {
		return new PersistentState(term, votedFor, log, this.node.config().initialMembership(),
				this.node.config().electionTimeoutMin().toMillis());
	}

	RaftNode node() {
		return this.node;
	}

	long now() {
		return this.now;
	}

	String id() {
		return this.node.id();
	}

	Ready tick(long time) {
		advanceTo(time);
		this.node.tick(time);
		return this.node.ready();
	}

	/**
	 * Offers the node to send its next heartbeat round early, as a driver of several election
	 * groups does ({@link RaftNode#tickEarly(long, long)}).
	 */
	EarlyTick tickEarly(long window, long time) {
		advanceTo(time);
		boolean sent = this.node.tickEarly(window, time);
		return new EarlyTick(sent, this.node.ready());
	}

	/** When the node next has work (its next heartbeat, if it leads), but not before now. */
	long nextHeartbeat() {
		return Math.max(this.now, this.node.nextTickNanos());
	}

	/** Ticks exactly when the node says it has work. */
	Ready tickWhenDue() {
		return tick(this.node.nextTickNanos());
	}

	Ready step(Message message) {
		this.node.step(message, this.now);
		return this.node.ready();
	}

	Ready step(Message message, long time) {
		advanceTo(time);
		return step(message);
	}

	/** A successful answer from {@code from} to this leader, matching up to {@code index}. */
	Ready ack(String from, long index, long round, long time) {
		return step(new AppendEntriesResponse(from, id(), this.node.term(), true, index, index, round), time);
	}

	Ready transferLeadership(String target, long time) {
		advanceTo(time);
		TransferResult result = this.node.transferLeadership(target, time);
		if (result != TransferResult.STARTED) {
			throw new IllegalStateException("Transfer to " + target + " did not start: " + result);
		}
		return this.node.ready();
	}

	/**
	 * Lets the election timeout elapse and answers the (pre-)vote requests with grants from
	 * just enough peers (the first in id order) to win.
	 * @return the {@link Ready} of the input that made the node leader
	 */
	Ready electLeader() {
		tickWhenDue();
		List<String> voters = this.node.config()
			.members()
			.stream()
			.filter((member) -> !member.equals(id()))
			.sorted()
			.limit(this.node.config().quorum() - 1)
			.toList();
		if (this.node.role() == Role.PRE_CANDIDATE) {
			long requested = this.node.term() + 1;
			for (String voter : voters) {
				step(new RequestVoteResponse(voter, id(), requested, true, true));
			}
		}
		Ready won = null;
		for (String voter : voters) {
			won = step(new RequestVoteResponse(voter, id(), this.node.term(), true, false));
		}
		if (this.node.role() != Role.LEADER) {
			throw new IllegalStateException("Node " + id() + " did not win: " + this.node.status());
		}
		return won;
	}

	private void advanceTo(long time) {
		if (time - this.now < 0) {
			throw new IllegalArgumentException("Time must not go backwards: " + time + " < " + this.now);
		}
		this.now = time;
	}

	/** What {@link #tickEarly(long, long)} answered, and the {@link Ready} of that input. */
	record EarlyTick(boolean sent, Ready ready) {
	}

}
