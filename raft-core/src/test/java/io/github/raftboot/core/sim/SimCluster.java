package io.github.raftboot.core.sim;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import io.github.raftboot.core.InMemoryStorage;
import io.github.raftboot.core.Membership;
import io.github.raftboot.core.MembershipChangeResult;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.PersistentState;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.RaftNode;
import io.github.raftboot.core.Ready;
import io.github.raftboot.core.Role;
import io.github.raftboot.core.RoleChange;
import io.github.raftboot.core.Status;
import io.github.raftboot.core.TransferResult;
import org.jspecify.annotations.Nullable;

/**
 * A deterministic simulation of a Raft cluster: one virtual clock, a seeded scheduler, a
 * network that delays, loses, duplicates and reorders messages and can be cut link by link, and
 * members that crash and restart from their persisted state. Every member has its own monotonic
 * clock with its own offset (reset at every restart) and rate (within the configured drift).
 *
 * <p>Members start without state and form the cluster themselves. Further nodes can join later
 * ({@link #addNode}), each with its own list of members it would form a cluster with, and the
 * leader can be asked to change the members ({@link #addMember}, {@link #removeMember}).
 *
 * <p>The same seed and the same calls give the same run, event for event. After every event the
 * {@link SafetyChecker} checks election safety, lease safety, log matching, leader completeness,
 * term monotonicity and the rules of membership; a violation throws an {@link AssertionError} that
 * names the seed and ends with the last events.
 */
public final class SimCluster {

	private static final int TRACE_SIZE = 300;

	private final long seed;

	private final SplittableRandom random;

	private final UnaryOperator<RaftConfig.Builder> configurer;

	private final Map<String, SimNode> nodes = new LinkedHashMap<>();

	private final PriorityQueue<Event> queue = new PriorityQueue<>();

	private final Set<String> cutLinks = new HashSet<>();

	private final ArrayDeque<String> trace = new ArrayDeque<>();

	private final SafetyChecker checker;

	private final double maxClockRateDeviation;

	private long now;

	private long sequence;

	private long events;

	private long messagesSent;

	private long earlyRounds;

	// Network behaviour
	private long minDelay = micros(200);

	private long maxDelay = millis(5);

	private double lossRate;

	private double duplicateRate;

	private double longDelayRate;

	private double crashWhilePersistingRate;

	private long longDelayMax = millis(400);

	/** How to replay this run, if not as a {@link ChaosSchedule} of this seed. */
	private @Nullable String replay;

	private final List<Consumer<RoleChangeRecord>> roleChangeListeners = new ArrayList<>();

	private final List<Consumer<Message>> handledListeners = new ArrayList<>();

	private final List<BiConsumer<String, Ready>> readyListeners = new ArrayList<>();

	private SimCluster(long seed, int size, double maxClockRateDeviation, UnaryOperator<RaftConfig.Builder> configurer) {
		this.seed = seed;
		this.random = new SplittableRandom(seed);
		this.configurer = configurer;
		this.maxClockRateDeviation = maxClockRateDeviation;
		this.checker = new SafetyChecker(this);
		List<String> ids = new ArrayList<>();
		for (int i = 1; i <= size; i++) {
			ids.add("n" + i);
		}
		for (String id : ids) {
			this.nodes.put(id, newNode(id, ids));
		}
		for (SimNode node : this.nodes.values()) {
			start(node);
		}
	}

	private SimNode newNode(String id, List<String> proposal) {
		return newNode(id, proposal, true);
	}

	private SimNode newNode(String id, List<String> proposal, boolean autoJoin) {
		Map<String, String> addresses = new LinkedHashMap<>();
		for (String member : proposal) {
			addresses.put(member, "sim://" + member);
		}
		addresses.put(id, "sim://" + id);
		RaftConfig config = this.configurer.apply(RaftConfig.builder(id, proposal).addresses(addresses))
			.autoJoin(autoJoin)
			.build();
		double rate = 1 + (this.random.nextDouble() * 2 - 1) * this.maxClockRateDeviation;
		return new SimNode(id, config, rate);
	}

	/**
	 * Starts a node that has never been part of a cluster, as a replica started with a list of
	 * members would: it forms a cluster only if every one of {@code proposal} has never been part
	 * of one and proposes the same, and otherwise waits until a leader adds it.
	 * @param id the new node's id, not used before
	 * @param proposal the members it would form a cluster with (it is added if missing)
	 */
	public void addNode(String id, List<String> proposal) {
		addNode(id, proposal, true);
	}

	/**
	 * Starts a node as {@link #addNode(String, List)} does.
	 * @param autoJoin whether it asks the leader of the cluster its members belong to to add it
	 */
	public void addNode(String id, List<String> proposal, boolean autoJoin) {
		if (this.nodes.containsKey(id)) {
			throw new IllegalArgumentException(id + " exists already");
		}
		SimNode node = newNode(id, proposal, autoJoin);
		this.nodes.put(id, node);
		record("new node " + id + " proposing " + node.config.members());
		start(node);
	}

	/** Asks {@code leader} to add {@code member} (as a learner first, promoted once caught up). */
	public MembershipChangeResult addMember(String leader, String member) {
		return ask(leader, "add " + member, MembershipChangeResult.NOT_LEADER,
				(raft, local) -> raft.addMember(member, "sim://" + member, local));
	}

	/** Asks {@code leader} to remove {@code member}. */
	public MembershipChangeResult removeMember(String leader, String member) {
		return ask(leader, "remove " + member, MembershipChangeResult.NOT_LEADER,
				(raft, local) -> raft.removeMember(member, local));
	}

	/** The configuration in force on {@code id}: {@code null} if it never joined a cluster, or is down. */
	public @Nullable Membership membership(String id) {
		SimNode node = this.nodes.get(id);
		return (node.raft != null) ? node.raft.membership() : null;
	}

	/**
	 * Whether the configuration {@code id} has in force is committed, not joint and without
	 * learners: no change is under way as far as it knows.
	 */
	public boolean isMembershipSettled(String id) {
		SimNode node = this.nodes.get(id);
		if (node.raft == null) {
			return false;
		}
		Status status = node.raft.status();
		Membership membership = status.membership();
		return membership != null && status.isMembershipCommitted() && !membership.isJoint()
				&& membership.learners().isEmpty();
	}

	/** A cluster of {@code size} members with default settings and clock rates within ±4 %. */
	public static SimCluster create(long seed, int size) {
		return create(seed, size, 0.04, UnaryOperator.identity());
	}

	/**
	 * A cluster of {@code size} members.
	 * @param maxClockRateDeviation each member's clock runs at {@code 1 ± this} of real time
	 * @param configurer adjusts every member's settings
	 */
	public static SimCluster create(long seed, int size, double maxClockRateDeviation,
			UnaryOperator<RaftConfig.Builder> configurer) {
		return new SimCluster(seed, size, maxClockRateDeviation, configurer);
	}

	// Network settings

	public SimCluster delay(Duration min, Duration max) {
		this.minDelay = min.toNanos();
		this.maxDelay = max.toNanos();
		return this;
	}

	public SimCluster lossRate(double lossRate) {
		this.lossRate = lossRate;
		return this;
	}

	public SimCluster duplicateRate(double duplicateRate) {
		this.duplicateRate = duplicateRate;
		return this;
	}

	/**
	 * A share of the inputs whose state must be persisted and whose requests already left
	 * (see {@link Ready#messagesBeforePersisting()}) crash the member before its state is
	 * durable: the requests are on the wire, the state they came from is lost.
	 */
	public SimCluster crashWhilePersistingRate(double rate) {
		this.crashWhilePersistingRate = rate;
		return this;
	}

	/** A share of messages is held back for up to {@code max}: stale messages arrive late. */
	public SimCluster longDelays(double rate, Duration max) {
		this.longDelayRate = rate;
		this.longDelayMax = max.toNanos();
		return this;
	}

	public void onRoleChange(Consumer<RoleChangeRecord> listener) {
		this.roleChangeListeners.add(listener);
	}

	/** Called with every message a member handles, when it handles it (after a pause, for one that was paused). */
	void onMessageHandled(Consumer<Message> listener) {
		this.handledListeners.add(listener);
	}

	/** Called with the {@link Ready} of every input of a member once it is handled (not if it crashed meanwhile). */
	void onReady(BiConsumer<String, Ready> listener) {
		this.readyListeners.add(listener);
	}

	// Faults

	/** Cuts the link from {@code from} to {@code to} (one way). */
	public void cutOneWay(String from, String to) {
		this.cutLinks.add(from + ">" + to);
		record("cut " + from + " -> " + to);
	}

	/** Cuts both directions between the two members. */
	public void cut(String a, String b) {
		cutOneWay(a, b);
		cutOneWay(b, a);
	}

	/** Cuts every link between {@code id} and the rest. */
	public void isolate(String id) {
		for (String other : this.nodes.keySet()) {
			if (!other.equals(id)) {
				cut(id, other);
			}
		}
	}

	/** Splits the cluster so that members talk only within their own group. */
	public void partition(List<Set<String>> groups) {
		for (String a : this.nodes.keySet()) {
			for (String b : this.nodes.keySet()) {
				if (!a.equals(b) && groupOf(groups, a) != groupOf(groups, b)) {
					cutOneWay(a, b);
				}
			}
		}
	}

	private static int groupOf(List<Set<String>> groups, String id) {
		for (int i = 0; i < groups.size(); i++) {
			if (groups.get(i).contains(id)) {
				return i;
			}
		}
		return -1;
	}

	/** Restores every link. */
	public void healNetwork() {
		this.cutLinks.clear();
		record("heal network");
	}

	public boolean isCut(String from, String to) {
		return this.cutLinks.contains(from + ">" + to);
	}

	/** Stops a member at once; what it persisted survives. */
	public void crash(String id) {
		SimNode node = this.nodes.get(id);
		if (node.raft == null) {
			return;
		}
		node.raft = null;
		node.tickVersion++;
		node.paused = false;
		node.deferred.clear();
		this.checker.crashed(node, this.now);
		record("crash " + id);
	}

	/**
	 * Freezes a member for {@code duration}, as a garbage collection, CPU throttling or a stopped
	 * process would: its clock runs on, but it handles nothing; what reaches it meanwhile (its
	 * ticks, the messages) is handled in order once the pause ends.
	 */
	public void pause(String id, Duration duration) {
		SimNode node = this.nodes.get(id);
		if (node.raft == null || node.paused) {
			return;
		}
		node.paused = true;
		node.pausedUntil = this.now + duration.toNanos();
		record("pause " + id + " for " + duration.toMillis() + " ms");
		schedule(node.pausedUntil, () -> resume(node));
	}

	/** Ends every pause now. */
	public void endPauses() {
		for (SimNode node : this.nodes.values()) {
			resume(node);
		}
	}

	private void resume(SimNode node) {
		if (!node.paused) {
			return;
		}
		node.paused = false;
		List<NodeAction> queued = new ArrayList<>(node.deferred);
		node.deferred.clear();
		record("resume " + node.id + " with " + queued.size() + " inputs queued");
		for (NodeAction action : queued) {
			input(node, action);
		}
	}

	/** Starts a crashed member again from its persisted state, with a fresh monotonic clock. */
	public void restart(String id) {
		SimNode node = this.nodes.get(id);
		if (node.raft != null) {
			return;
		}
		start(node);
		record("restart " + id);
	}

	/**
	 * Makes {@code id}'s clock run at {@code rate} times real time from now on, without a jump.
	 * Rates further apart than the configured clock drift bound break the lease's assumption.
	 */
	public void clockRate(String id, double rate) {
		SimNode node = this.nodes.get(id);
		node.offset = node.local(this.now);
		node.bootReal = this.now;
		node.rate = rate;
		if (node.raft != null) {
			// Tick deadlines were converted at the old rate.
			scheduleTick(node);
		}
		record("clock rate of " + id + " = " + rate);
	}

	/**
	 * Asks the leader {@code id} to move the cluster to its configured timing at {@code level}.
	 * @return whether it appended the timing entry
	 */
	public boolean changeTiming(String id, int level) {
		return ask(id, "timing level " + level, false, (raft, local) -> raft.changeTiming(level, local));
	}

	public boolean isUp(String id) {
		return this.nodes.get(id).raft != null;
	}

	/** Asks {@code id} to hand leadership to {@code target}. */
	public TransferResult transfer(String id, String target) {
		return ask(id, "transfer to " + target, TransferResult.NOT_LEADER,
				(raft, local) -> raft.transferLeadership(target, local));
	}

	/** Asks a member something as an input of its own, recorded with the answer. */
	private <T> T ask(String id, String what, T ifDown, NodeCall<T> call) {
		SimNode node = this.nodes.get(id);
		List<T> result = new ArrayList<>(List.of(ifDown));
		if (node.raft != null) {
			input(node, (raft, local) -> result.set(0, call.apply(raft, local)));
		}
		record(what + " via " + id + ": " + result.get(0));
		return result.get(0);
	}

	/** Asks {@code id} to hand leadership to its best peer; returns the target or null. */
	public @Nullable String transferToBest(String id) {
		SimNode node = this.nodes.get(id);
		if (node.raft == null) {
			return null;
		}
		RaftNode.TransferAttempt[] attempt = new RaftNode.TransferAttempt[1];
		input(node, (raft, local) -> attempt[0] = raft.transferLeadershipToBestPeer(local));
		record("transfer " + id + " -> best: " + attempt[0]);
		// A paused member handles the request only once it resumes.
		return (attempt[0] != null && attempt[0].result() == TransferResult.STARTED) ? attempt[0].target() : null;
	}

	/** Holds {@code id}'s elections back for {@code hold}, as a driver of election groups does at a start. */
	void holdElections(String id, Duration hold) {
		input(this.nodes.get(id), (raft, local) -> raft.holdElections(local + hold.toNanos(), local));
	}

	/**
	 * Offers {@code id} to send its next heartbeat round early, as a driver of several election
	 * groups does ({@link RaftNode#tickEarly(long, long)}).
	 */
	void tickEarly(String id, long windowNanos) {
		input(this.nodes.get(id), (raft, local) -> {
			if (raft.tickEarly(windowNanos, local)) {
				this.earlyRounds++;
			}
		});
	}

	/** How many heartbeat rounds {@link #tickEarly} made the members send early. */
	long earlyRounds() {
		return this.earlyRounds;
	}

	/** Whether {@code id} is paused now. */
	boolean isPaused(String id) {
		return this.nodes.get(id).paused;
	}

	// Running

	/** The virtual time of the next event, or {@link Long#MAX_VALUE} if there is none. */
	long nextEventNanos() {
		return this.queue.isEmpty() ? Long.MAX_VALUE : this.queue.peek().time;
	}

	/**
	 * Moves the virtual clock to {@code nanos} without running anything: several clusters that
	 * share one virtual time ({@link SimGroups}) keep their clocks together with it.
	 * @throws IllegalStateException if an event is due before then, or the time would go back
	 */
	void advanceClock(long nanos) {
		if (nanos < this.now || nextEventNanos() < nanos) {
			throw new IllegalStateException("Cannot move the clock from " + this.now + " to " + nanos
					+ " with the next event at " + nextEventNanos());
		}
		this.now = nanos;
	}

	/** Runs the simulation for {@code duration} of virtual time. */
	public void runFor(Duration duration) {
		runUntil(this.now + duration.toNanos(), () -> false);
	}

	/**
	 * Runs until {@code condition} holds (checked after every event) or {@code timeout} passes.
	 * @return whether the condition held
	 */
	public boolean runUntil(BooleanSupplier condition, Duration timeout) {
		return runUntil(this.now + timeout.toNanos(), condition);
	}

	private boolean runUntil(long deadline, BooleanSupplier condition) {
		if (condition.getAsBoolean()) {
			return true;
		}
		while (!this.queue.isEmpty() && this.queue.peek().time <= deadline) {
			Event event = this.queue.poll();
			this.now = event.time;
			event.run();
			this.events++;
			if (condition.getAsBoolean()) {
				return true;
			}
		}
		this.now = Math.max(this.now, deadline);
		return condition.getAsBoolean();
	}

	/**
	 * Runs until some member is an active leader.
	 * @return how long that took, or {@code null} if it did not happen within {@code timeout}
	 */
	public @Nullable Duration awaitActiveLeader(Duration timeout) {
		long start = this.now;
		if (!runUntil(() -> activeLeader() != null, timeout)) {
			return null;
		}
		return Duration.ofNanos(this.now - start);
	}

	/** The member that is an active leader right now, or {@code null}. */
	public @Nullable String activeLeader() {
		for (SimNode node : this.nodes.values()) {
			if (node.raft != null && node.raft.isActiveLeader(node.local(this.now))) {
				return node.id;
			}
		}
		return null;
	}

	/** Members that believe they are leader (active or not). */
	public List<String> leaders() {
		List<String> leaders = new ArrayList<>();
		for (SimNode node : this.nodes.values()) {
			if (node.raft != null && node.raft.role() == Role.LEADER) {
				leaders.add(node.id);
			}
		}
		return leaders;
	}

	public Status status(String id) {
		SimNode node = this.nodes.get(id);
		if (node.raft == null) {
			throw new IllegalStateException(id + " is down");
		}
		return node.raft.status();
	}

	public boolean isActiveLeader(String id) {
		SimNode node = this.nodes.get(id);
		return node.raft != null && node.raft.isActiveLeader(node.local(this.now));
	}

	/** What {@code id} has persisted, readable even while it is down; null for an unknown id. */
	@Nullable PersistentState persistedState(String id) {
		SimNode node = this.nodes.get(id);
		return (node != null) ? node.storage.load() : null;
	}

	/** The persisted term of a member, readable even while it is down. */
	public long persistedTerm(String id) {
		return this.nodes.get(id).storage.load().term();
	}

	public List<String> ids() {
		return List.copyOf(this.nodes.keySet());
	}

	public long seed() {
		return this.seed;
	}

	public long nowNanos() {
		return this.now;
	}

	public long events() {
		return this.events;
	}

	public long messagesSent() {
		return this.messagesSent;
	}

	public SafetyChecker checker() {
		return this.checker;
	}

	SplittableRandom random() {
		return this.random;
	}

	/** Names how a failure of this run is replayed, for a run that is not a {@link ChaosSchedule}. */
	void replay(String how) {
		this.replay = how;
	}

	/** Fails with the seed and the last events. */
	AssertionError failure(String message) {
		StringBuilder text = new StringBuilder();
		text.append(message)
			.append("\n  seed ")
			.append(this.seed)
			.append(" (replay: ")
			.append((this.replay != null) ? this.replay
					: "./mvnw -pl raft-core test -Dtest=SimulationTests -Draft.sim.seed=" + this.seed)
			.append(")\n  at virtual time ")
			.append(Duration.ofNanos(this.now))
			.append("; last events:\n");
		for (String line : this.trace) {
			text.append("    ").append(line).append('\n');
		}
		return new AssertionError(text.toString());
	}

	// Internals

	private void start(SimNode node) {
		node.offset = this.random.nextLong(-(1L << 60), 1L << 60);
		node.bootReal = this.now;
		node.raft = new RaftNode(node.config, node.storage.load(), new SplittableRandom(this.random.nextLong()),
				node.local(this.now));
		this.checker.started(node);
		afterInput(node);
	}

	private void input(SimNode node, NodeAction action) {
		RaftNode raft = node.raft;
		if (raft == null) {
			return;
		}
		if (node.paused) {
			// As a driver's executor would: everything waits, and runs in order once the pause ends.
			node.deferred.add(action);
			return;
		}
		action.apply(raft, node.local(this.now));
		afterInput(node);
	}

	private void afterInput(SimNode node) {
		RaftNode raft = node.raft;
		Ready ready = raft.ready();
		List<Message> afterPersisting = ready.messages();
		boolean crashes = false;
		if (ready.toPersist() != null) {
			// As the driver does: requests go out while the state is being persisted.
			List<Message> beforePersisting = ready.messagesBeforePersisting();
			for (Message message : beforePersisting) {
				send(message);
			}
			afterPersisting = ready.messagesAfterPersisting();
			crashes = this.crashWhilePersistingRate > 0 && !beforePersisting.isEmpty()
					&& this.random.nextDouble() < this.crashWhilePersistingRate;
			if (!crashes) {
				node.storage.save(ready.toPersist());
			}
		}
		Membership before = node.lastMembership;
		Membership after = ready.status().membership();
		if (after != null && !after.equals(before)) {
			record(node.id + " now in " + after + " (index " + ready.status().membershipIndex() + ")");
		}
		node.lastMembership = after;
		for (RoleChange change : ready.roleChanges()) {
			record(node.id + " " + change.from() + " -> " + change.to() + " term " + change.term() + " ("
					+ change.reason() + ")");
			RoleChangeRecord changeRecord = new RoleChangeRecord(node.id, change, this.now);
			for (Consumer<RoleChangeRecord> listener : this.roleChangeListeners) {
				listener.accept(changeRecord);
			}
		}
		if (crashes) {
			// As with the driver, whose status is published only once the state is durable, nothing
			// of this input was ever seen but the requests that left early.
			record(node.id + " crashes before its state is durable");
			crash(node.id);
			return;
		}
		this.checker.observe(node, ready.status(), this.now);
		for (Message message : afterPersisting) {
			send(message);
		}
		scheduleTick(node);
		for (BiConsumer<String, Ready> listener : this.readyListeners) {
			listener.accept(node.id, ready);
		}
	}

	private void scheduleTick(SimNode node) {
		long version = ++node.tickVersion;
		long at = Math.max(node.realAtLeast(node.raft.nextTickNanos()), this.now + 1);
		schedule(at, () -> {
			if (node.tickVersion == version && node.raft != null) {
				input(node, RaftNode::tick);
			}
		});
	}

	private void send(Message message) {
		this.messagesSent++;
		if (isCut(message.from(), message.to()) || this.random.nextDouble() < this.lossRate) {
			return;
		}
		deliverLater(message);
		if (this.random.nextDouble() < this.duplicateRate) {
			deliverLater(message);
		}
	}

	private void deliverLater(Message message) {
		long delay = (this.random.nextDouble() < this.longDelayRate) ? this.random.nextLong(this.minDelay, this.longDelayMax + 1)
				: this.random.nextLong(this.minDelay, this.maxDelay + 1);
		schedule(this.now + delay, () -> {
			SimNode target = this.nodes.get(message.to());
			if (target.raft != null && !isCut(message.from(), message.to())) {
				input(target, (raft, local) -> {
					raft.step(message, local);
					for (Consumer<Message> listener : this.handledListeners) {
						listener.accept(message);
					}
				});
			}
		});
	}

	private void schedule(long time, Runnable action) {
		this.queue.add(new Event(time, this.sequence++, action));
	}

	void record(String line) {
		if (this.trace.size() == TRACE_SIZE) {
			this.trace.removeFirst();
		}
		this.trace.addLast(String.format("%10.3f ms  %s", this.now / 1e6, line));
	}

	double maxClockRateDeviation() {
		return this.maxClockRateDeviation;
	}

	static long millis(long millis) {
		return Duration.ofMillis(millis).toNanos();
	}

	static long micros(long micros) {
		return Duration.ofNanos(micros * 1000).toNanos();
	}

	@FunctionalInterface
	private interface NodeCall<T> {

		T apply(RaftNode raft, long localNanos);

	}

	@FunctionalInterface
	private interface NodeAction {

		void apply(RaftNode raft, long localNanos);

	}

	/** A role change seen at a virtual instant. */
	public record RoleChangeRecord(String nodeId, RoleChange change, long atNanos) {
	}

	/** One simulated member. */
	static final class SimNode {

		final String id;

		final RaftConfig config;

		double rate;

		final InMemoryStorage storage = new InMemoryStorage();

		@Nullable RaftNode raft;

		long offset;

		long bootReal;

		long tickVersion;

		@Nullable Membership lastMembership;

		/** While paused: until when, and the inputs that came meanwhile, in order. */
		long pausedUntil;

		boolean paused;

		final List<NodeAction> deferred = new ArrayList<>();

		SimNode(String id, RaftConfig config, double rate) {
			this.id = id;
			this.config = config;
			this.rate = rate;
		}

		/** The member's monotonic clock at virtual instant {@code real}. */
		long local(long real) {
			return this.offset + (long) Math.floor((real - this.bootReal) * this.rate);
		}

		/** The earliest virtual instant at which the member's clock reads at least {@code local}. */
		long realAtLeast(long local) {
			return this.bootReal + (long) Math.ceil((local - this.offset) / this.rate) + 1;
		}

		/** The virtual instant at which the member's clock reads {@code local}, rounded down. */
		long realAtMost(long local) {
			return this.bootReal + (long) Math.floor((local - this.offset) / this.rate) - 1;
		}

	}

	private record Event(long time, long sequence, Runnable action) implements Comparable<Event> {

		void run() {
			this.action.run();
		}

		@Override
		public int compareTo(Event other) {
			int byTime = Long.compare(this.time, other.time);
			return (byTime != 0) ? byTime : Long.compare(this.sequence, other.sequence);
		}

	}

}
