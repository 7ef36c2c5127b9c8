package io.github.raftboot.runtime;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.AppendEntriesResponse;
import io.github.raftboot.core.Incidents;
import io.github.raftboot.core.JoinRequest;
import io.github.raftboot.core.JoinResponse;
import io.github.raftboot.core.Lease;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.PeerProgress;
import io.github.raftboot.core.PersistentState;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.RaftNode;
import io.github.raftboot.core.RaftStorage;
import io.github.raftboot.core.Ready;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.core.RequestVoteResponse;
import io.github.raftboot.core.Role;
import io.github.raftboot.core.RoleChange;
import io.github.raftboot.core.Status;
import io.github.raftboot.core.Timing;
import io.github.raftboot.event.LeadershipRevokedEvent;
import io.github.raftboot.event.RaftEvent;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.leader.RaftStatus;
import io.github.raftboot.transport.RaftTransport;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One run of a member, from {@link #start} to {@link #stop}: a single thread, the core thread,
 * owns the {@link RaftNode} and is fed by timers, inbound requests and the replies to outbound
 * ones. After every input it persists the node's state <em>before</em> it sends the answers that
 * depend on it (its own requests leave during the save, see
 * {@link Ready#messagesBeforePersisting()}), publishes the next snapshot on the
 * {@link StatusBoard} <em>before</em> it sends anything else, and hands the events to the
 * listeners on another thread, the event thread, so that a slow listener never delays a
 * heartbeat.
 */
final class CoreLoop {

	// The driver's log category, as before the loop had a class of its own
	/** The driver's log category, unless the loop is given another one. */
	private static final Log DRIVER_LOG = LogFactory.getLog(RaftServer.class);

	private final Log logger;

	private final RaftConfig config;

	private final RaftStorage storage;

	private final RaftTransport transport;

	private final LongSupplier nanoClock;

	private final Clock clock;

	private final StatusBoard board;

	private final SnapshotDerivation derivation;

	private final RaftStatistics statistics;

	private final Consumer<RaftEvent> eventSink;

	private final ScheduledThreadPoolExecutor core;

	private final ExecutorService events;

	/** Tells the transport whom to reach: the default group's loop only. */
	private final @Nullable MembershipWatch membershipWatch;

	private final PublicationListener published;

	private final Consumer<Throwable> refused;

	// Owned by the core thread

	private @Nullable RaftNode node;

	private @Nullable ScheduledFuture<?> nextTick;

	private long nextTickAt;

	/** The timing and incidents last logged; core thread only. */
	private @Nullable Timing loggedTiming;

	private Incidents loggedIncidents = Incidents.none();

	private final TimingAdvice timingAdvice;

	/** See {@link #timeoutFactor(Timing)}; written and read on the core thread. */
	private double timeoutFactor = 1;

	private final long baselineHeartbeatMillis;

	/** The election group this loop runs, named in its log lines unless it is the default one. */
	private final String group;

	/** Where requests go when several groups share the threads, to be sent together; else {@code null}. */
	private final @Nullable GroupThreads shared;

	/** Set once stopping or failed: inbound requests are refused from then on. */
	private volatile boolean shuttingDown;

	/**
	 * Set while a stopping leader hands over: from then on this member starts no election of its
	 * own (it still votes and answers), or it could win again while it waits for the new leader.
	 */
	private volatile boolean handingOver;

	/** Whether the node gets no tick until {@link #resume()}: see {@link #hold()}. Core thread only. */
	private boolean held;

	/**
	 * Creates the threads of a run; nothing runs until {@link #start(PersistentState)}.
	 * @param config the node's settings
	 * @param storage where the node's state is persisted
	 * @param transport carries the node's requests
	 * @param nanoClock the monotonic clock that feeds the node
	 * @param clock the wall clock, for the instants in the snapshots
	 * @param board where the snapshots are published
	 * @param derivation derives the snapshots and the events
	 * @param statistics counts elections and leader changes
	 * @param eventSink receives the events, on the event thread
	 * @param published told of every snapshot once it is published and its events delivered, on
	 * the event thread, while it is listening
	 * @param failed told of every request that failed, on a transport thread; must be quick
	 */
	CoreLoop(RaftConfig config, RaftStorage storage, RaftTransport transport, LongSupplier nanoClock, Clock clock,
			StatusBoard board, SnapshotDerivation derivation, RaftStatistics statistics,
			Consumer<RaftEvent> eventSink, PublicationListener published, Consumer<Throwable> failed) {
		this(config, storage, transport, nanoClock, clock, board, derivation, statistics, eventSink, published, failed,
				DRIVER_LOG);
	}

	/**
	 * Creates the loop of a member that logs to a category of its own, such as the throwaway
	 * members of {@link ElectionWarmUp}, whose role changes and lease lapses at DEBUG must not
	 * read as the real member's.
	 * @param log where the loop logs
	 */
	CoreLoop(RaftConfig config, RaftStorage storage, RaftTransport transport, LongSupplier nanoClock, Clock clock,
			StatusBoard board, SnapshotDerivation derivation, RaftStatistics statistics,
			Consumer<RaftEvent> eventSink, PublicationListener published, Consumer<Throwable> failed, Log log) {
		this(config, storage, transport, nanoClock, clock, board, derivation, statistics, eventSink, published, failed,
				log, null, RaftLeadership.DEFAULT_GROUP);
	}

	/**
	 * Creates the loop of one of a member's election groups, on the threads that all its groups
	 * share: its requests leave together with the other groups' ({@link GroupThreads}), and only
	 * the default group's loop tells the transport whom to reach (the members of the other
	 * groups follow the default group's).
	 * @param shared the threads and the outbox of the member's groups, or {@code null} for
	 * threads of this loop's own
	 * @param group the group
	 */
	CoreLoop(RaftConfig config, RaftStorage storage, RaftTransport transport, LongSupplier nanoClock, Clock clock,
			StatusBoard board, SnapshotDerivation derivation, RaftStatistics statistics,
			Consumer<RaftEvent> eventSink, PublicationListener published, Consumer<Throwable> failed, Log log,
			@Nullable GroupThreads shared, String group) {
		this.logger = log;
		this.group = group;
		this.shared = shared;
		this.config = config;
		this.storage = storage;
		this.transport = transport;
		this.nanoClock = nanoClock;
		this.clock = clock;
		this.board = board;
		this.derivation = derivation;
		this.statistics = statistics;
		this.eventSink = eventSink;
		this.published = published;
		this.refused = failed;
		this.membershipWatch = RaftLeadership.DEFAULT_GROUP.equals(group) ? new MembershipWatch(config, transport, clock)
				: null;
		this.baselineHeartbeatMillis = config.baselineTiming().heartbeatIntervalMillis();
		this.timingAdvice = new TimingAdvice(config);
		if (shared != null) {
			this.core = shared.core();
			this.events = shared.events();
		}
		else {
			this.core = newCoreThread(config.nodeId());
			this.events = newEventThread(config.nodeId());
		}
	}

	// Lifecycle

	/**
	 * Creates the node on the core thread and waits until its first output is persisted,
	 * published and sent.
	 * @param state the persisted state to start from
	 */
	void start(PersistentState state) {
		start(state, (node, now) -> {
		});
	}

	/**
	 * Creates the node on the core thread, lets {@code prepare} make its first input, and waits
	 * until the node's first output is persisted, published and sent.
	 * @param state the persisted state to start from
	 * @param prepare called on the core thread with the new node and the time, before its first
	 * output is handled
	 */
	void start(PersistentState state, Prepare prepare) {
		runOnCore(() -> {
			RaftNode created = new RaftNode(this.config, state, new SplittableRandom(), this.nanoClock.getAsLong());
			this.node = created;
			prepare.accept(created, this.nanoClock.getAsLong());
			afterInput(null);
		}).join();
	}

	/** A first input for a node just created: see {@link #start(PersistentState, Prepare)}. */
	@FunctionalInterface
	interface Prepare {

		void accept(RaftNode node, long nowNanos);

	}

	/** From now on, no election timeout of this member fires: it is handing over before it stops. */
	void stopCampaigning() {
		this.handingOver = true;
	}

	/**
	 * From now on the node gets no tick until {@link #resume()}: no timer of it fires, so a
	 * leader sends no heartbeat and a follower never campaigns; messages still arriving are
	 * handled. For the members of {@link ElectionWarmUp}'s throwaway cluster while it rests: idle,
	 * with their 5 ms heartbeat, the three took about a sixth of a core, and thread wake-ups by
	 * the hundred each second, from the real member beside them.
	 */
	void hold() {
		runOnCore(() -> {
			this.held = true;
			cancelTick();
		}).join();
	}

	/**
	 * Ticks the node at once and as it asks from then on, after {@link #hold()}. It notices the
	 * time it was held as a pause: a follower restarts its election timer, a leader sends its
	 * next round at once and its answers renew the lease.
	 */
	void resume() {
		runOnCore(() -> {
			this.held = false;
			tick();
		}).join();
	}

	/**
	 * Refuses further requests, drops the node on the core thread, publishing that the member is
	 * {@linkplain RaftStatus.State#STOPPED stopped}, and ends the core thread. The event thread
	 * keeps running until {@link #drainEvents()}.
	 */
	void stop() {
		this.shuttingDown = true;
		try {
			runOnCore(() -> {
				cancelTick();
				this.node = null;
				publishStopped(RaftStatus.State.STOPPED, LeadershipRevokedEvent.Reason.SHUTDOWN);
			}).get(this.config.electionTimeoutMax().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("Raft member '" + member() + "' did not stop cleanly", ex);
		}
		if (this.shared == null) {
			this.core.shutdownNow();
		}
	}

	/** Delivers the events still queued, waiting up to 5 seconds, and ends the event thread. */
	void drainEvents() {
		if (this.shared != null) {
			// The other groups' events share the thread: wait for this loop's only.
			try {
				CompletableFuture.runAsync(() -> {
				}, this.events).get(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (ExecutionException | TimeoutException | RejectedExecutionException ex) {
				// Shut down meanwhile, or a listener is slow: nothing more to wait for.
			}
			return;
		}
		this.events.shutdown();
		try {
			this.events.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	// Inputs

	/**
	 * Hands a request from another member to the node, on the core thread.
	 * @param request the request
	 * @return completes as {@link RaftServer#receive(Message)} describes
	 */
	CompletableFuture<Optional<Message>> receive(Message request) {
		CompletableFuture<Optional<Message>> reply = new CompletableFuture<>();
		if (this.shuttingDown) {
			reply.completeExceptionally(notRunning(this.config.nodeId(), this.board.snapshot()));
			return reply;
		}
		try {
			this.core.execute(() -> handleOnCore(request, reply));
		}
		catch (RejectedExecutionException ex) {
			reply.completeExceptionally(notRunning(this.config.nodeId(), this.board.snapshot()));
		}
		return reply;
	}

	/**
	 * Calls the node on the core thread, then persists, publishes and sends what it produced.
	 * @param <T> the type of result
	 * @param call what to ask of the node
	 * @param fallback the result if the node does not run or did not answer within the maximum
	 * election timeout
	 * @return its result, or {@code fallback}
	 */
	<T> T call(Call<T> call, T fallback) {
		CompletableFuture<T> result = new CompletableFuture<>();
		try {
			runOnCore(() -> {
				RaftNode current = this.node;
				if (current == null) {
					result.complete(fallback);
					return;
				}
				result.complete(call.apply(current, this.nanoClock.getAsLong()));
				afterInput(null);
			});
			return result.get(this.config.electionTimeoutMax().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return fallback;
		}
		catch (ExecutionException | TimeoutException | RejectedExecutionException ex) {
			return fallback;
		}
	}

	/**
	 * Runs a task on the event thread, after the events already handed to it.
	 * @param task the task
	 */
	void afterEvents(Runnable task) {
		try {
			this.events.execute(task);
		}
		catch (RejectedExecutionException ex) {
			task.run();
		}
	}

	private void handleOnCore(Message request, CompletableFuture<Optional<Message>> reply) {
		RaftNode current = this.node;
		if (current == null) {
			reply.completeExceptionally(notRunning(this.config.nodeId(), this.board.snapshot()));
			return;
		}
		try {
			current.step(request, this.nanoClock.getAsLong());
		}
		catch (IllegalArgumentException ex) {
			reply.completeExceptionally(ex);
			return;
		}
		catch (RuntimeException ex) {
			// Never leave the caller waiting; persist and send whatever the node did before it threw.
			logger.error("Raft member '" + member() + "' failed to handle "
					+ request.getClass().getSimpleName() + " from '" + request.from() + "'", ex);
			afterInput(null);
			reply.completeExceptionally(
					new IllegalStateException("Raft member '" + member() + "' could not handle the request"));
			return;
		}
		Message answer = afterInput(request);
		if (this.node == null) {
			// Persisting failed: the answer must not suggest that the request was handled.
			reply.completeExceptionally(notRunning(this.config.nodeId(), this.board.snapshot()));
			return;
		}
		reply.complete(Optional.ofNullable(answer));
	}

	private void onReply(Message request, Optional<Message> reply, @Nullable Throwable failure) {
		if (failure != null) {
			this.refused.accept(failure);
			if (logger.isTraceEnabled()) {
				logger.trace("No reply from '" + request.to() + "' to " + request.getClass().getSimpleName(), failure);
			}
			return;
		}
		Optional<Message> valid = reply.filter((message) -> message.from().equals(request.to())
				&& message.to().equals(this.config.nodeId()));
		if (valid.isEmpty()) {
			return;
		}
		runOnCoreQuietly(() -> {
			RaftNode current = this.node;
			if (current != null) {
				current.step(valid.get(), this.nanoClock.getAsLong());
				afterInput(null);
			}
		});
	}

	private void tick() {
		RaftNode current = this.node;
		if (current != null && this.handingOver && current.role() != Role.LEADER) {
			// Stopping: no election timeout of ours may fire any more.
			return;
		}
		if (current != null) {
			current.tick(this.nanoClock.getAsLong());
			afterInput(null);
		}
	}

	// Core thread: persist, publish, send

	/**
	 * Sends, persists and publishes what the last input produced: the requests that may precede
	 * persisting (a leader's AppendEntries, a candidate's votes asked for) go out first, so that
	 * the fsync overlaps their round trip; answers and TimeoutNow only once the state is durable
	 * and published (a leader handing over must read as inactive before its TimeoutNow can make
	 * another member leader). No answer to those requests can be handled before the save
	 * returns: this thread handles it.
	 * @return the reply to {@code inbound}, if the node produced one
	 */
	private @Nullable Message afterInput(@Nullable Message inbound) {
		RaftNode current = Objects.requireNonNull(this.node);
		Ready ready = current.ready();
		this.timeoutFactor = timeoutFactor(ready.status().timing(), this.baselineHeartbeatMillis);
		List<Message> afterPersisting = ready.messages();
		if (ready.toPersist() != null) {
			for (Message message : ready.messagesBeforePersisting()) {
				send(message);
			}
			afterPersisting = ready.messagesAfterPersisting();
			try {
				this.storage.save(ready.toPersist());
			}
			catch (RuntimeException ex) {
				fail(ex);
				return null;
			}
		}
		for (RoleChange change : ready.roleChanges()) {
			this.statistics.record(change);
		}
		publish(this.derivation.running(this.board.snapshot(), ready, this.nanoClock.getAsLong(),
				this.clock.instant()));
		Message reply = null;
		for (Message message : afterPersisting) {
			if (reply == null && inbound != null && isReplyTo(message, inbound)) {
				reply = message;
			}
			else {
				send(message);
			}
		}
		if (logger.isDebugEnabled()) {
			for (RoleChange change : ready.roleChanges()) {
				logger.debug("Raft member '" + member() + "': " + change);
			}
		}
		logTiming(ready.status());
		scheduleTick(current);
		return reply;
	}

	/**
	 * When each peer last answered this leader, and how long its latest answer to a heartbeat
	 * round took, for the log line of a lease lapse: it names the followers that were slow or
	 * silent, so that a user who sees the leadership flap knows which replica lacks CPU (or
	 * network) rather than only that a majority did.
	 * @param peers what the leader knows of its followers
	 * @param now the monotonic clock reading the ages count to
	 * @return {@code "; last answers: n2 12 ms ago (round trip 3 ms), n3 none in this term"}, or
	 * nothing without peers
	 */
	static String lastAnswers(List<PeerProgress> peers, long now) {
		if (peers.isEmpty()) {
			return "";
		}
		StringJoiner answers = new StringJoiner(", ", "; last answers: ", "");
		for (PeerProgress peer : peers) {
			Long contact = peer.lastContactNanos();
			if (contact == null) {
				answers.add(peer.id() + " none in this term");
				continue;
			}
			Long roundTrip = peer.roundTripNanos();
			answers.add(peer.id() + " " + Math.max(0, now - contact) / 1_000_000 + " ms ago"
					+ ((roundTrip != null) ? " (round trip " + roundTrip / 1_000_000 + " ms)" : ""));
		}
		return answers.toString();
	}

	/**
	 * Says when the timing in force changes (INFO), and, at DEBUG, when this member's lease lapsed
	 * while it led or it noticed it had not run for a while.
	 */
	private void logTiming(Status status) {
		Timing timing = status.timing();
		Incidents incidents = status.incidents();
		Timing previous = this.loggedTiming;
		if (timing != null && !timing.equals(previous) && (previous != null || status.timingIndex() > 0)) {
			logger.info("Raft member '" + member() + "' runs with a " + timing.electionTimeoutMinMillis()
					+ "-" + timing.electionTimeoutMaxMillis() + " ms election timeout and a "
					+ timing.heartbeatIntervalMillis() + " ms heartbeat from now on (level " + timing.level()
					+ ", configured " + this.config.electionTimeoutMin().toMillis() + "-"
					+ this.config.electionTimeoutMax().toMillis() + " ms and "
					+ this.config.heartbeatInterval().toMillis() + " ms): " + timing.reason());
		}
		this.loggedTiming = timing;
		if (logger.isDebugEnabled() && incidents.leaseLapses() > this.loggedIncidents.leaseLapses()) {
			logger.debug("Raft member '" + member() + "' lost its lease in term " + status.term()
					+ ": no majority acknowledged a heartbeat in time (lease lapse " + incidents.leaseLapses() + ")"
					+ lastAnswers(status.peers(), this.nanoClock.getAsLong()));
		}
		if (logger.isDebugEnabled() && incidents.pauses() > this.loggedIncidents.pauses()) {
			Lease lease = status.lease();
			long now = this.nanoClock.getAsLong();
			String catchUp = catchingUp(lease, now)
					? "; its lease ended meanwhile: it reports the leadership lost unless the answers queued behind the pause renew it within "
							+ Math.max(0, (lease.lapseReportedFromNanos() - now) / 1_000_000) + " ms"
					: "";
			logger.debug("Raft member '" + member() + "' was not run for a while (pause "
					+ incidents.pauses() + ", the longest so far " + incidents.longestPauseNanos() / 1_000_000
					+ " ms): it waits to hear from the others before it acts on its timers" + catchUp);
		}
		this.loggedIncidents = incidents;
		String advice = this.timingAdvice.advise(timing, incidents, this.nanoClock.getAsLong());
		if (advice != null) {
			logger.warn(advice);
		}
	}

	private void send(Message message) {
		CompletableFuture<Optional<Message>> answer = (this.shared != null)
				? this.shared.outbox().send(this.group, message, this.timeoutFactor)
				: this.transport.send(message, this.timeoutFactor);
		answer.whenComplete((reply, failure) -> onReply(message, reply, failure));
	}

	/**
	 * Sends this group's next heartbeat now if this member leads it and it is due within the
	 * window, so that it leaves with the other groups' (see {@link GroupThreads}). Core thread only.
	 * @param windowNanos how early at most
	 */
	void heartbeatEarly(long windowNanos) {
		RaftNode current = this.node;
		if (current != null && current.tickEarly(windowNanos, this.nanoClock.getAsLong())) {
			afterInput(null);
		}
	}

	/**
	 * Calls the node on the core thread, from the core thread, then persists, publishes and sends
	 * what it produced: for the coordination of the groups, which runs there.
	 * @param <T> the type of result
	 * @param call what to ask of the node
	 * @param fallback the result if the node does not run
	 * @return its result, or {@code fallback}
	 */
	<T> T callHere(Call<T> call, T fallback) {
		RaftNode current = this.node;
		if (current == null) {
			return fallback;
		}
		T result = call.apply(current, this.nanoClock.getAsLong());
		afterInput(null);
		return result;
	}

	/** The node, for a read on the core thread, or {@code null} while it does not run. */
	@Nullable RaftNode nodeHere() {
		return this.node;
	}

	/** The member, and the group unless it is the default one, as the log lines name them. */
	private String member() {
		return memberLabel(this.config.nodeId(), this.group);
	}

	/**
	 * A member of a group as the log lines name it, between the quotes of {@code Raft member '…'}:
	 * {@code n1}, or {@code n1' in group 'billing} for another group than the default one.
	 */
	static String memberLabel(String nodeId, String group) {
		return RaftLeadership.DEFAULT_GROUP.equals(group) ? nodeId : nodeId + "' in group '" + group;
	}

	/**
	 * How much the timing in force stretches the configured one, and with it the time a member
	 * may take to answer: the sender's wait and the receiver's.
	 */
	static double timeoutFactor(@Nullable Timing timing, long baselineHeartbeatMillis) {
		if (timing == null || baselineHeartbeatMillis <= 0) {
			return 1;
		}
		return Math.max(1, (double) timing.heartbeatIntervalMillis() / baselineHeartbeatMillis);
	}

	private static boolean isReplyTo(Message message, Message inbound) {
		boolean matchingType = (inbound instanceof RequestVote && message instanceof RequestVoteResponse)
				|| (inbound instanceof AppendEntries && message instanceof AppendEntriesResponse)
				|| (inbound instanceof JoinRequest && message instanceof JoinResponse);
		return matchingType && message.to().equals(inbound.from());
	}

	private void scheduleTick(RaftNode current) {
		if (this.held) {
			return;
		}
		long now = this.nanoClock.getAsLong();
		long at = current.nextTickNanos();
		Lease lease = current.lease();
		if (lease != null && !lease.unbounded() && lease.isValidAt(now) && lease.endNanos() - at < 0) {
			// Wake up when the lease ends, to tell the listeners.
			at = lease.endNanos();
		}
		else if (catchingUp(lease, now) && lease.lapseReportedFromNanos() - at < 0) {
			// Catching up after a pause: wake up when the lapse counts, to tell the listeners.
			at = lease.lapseReportedFromNanos();
		}
		if (this.nextTick != null && !this.nextTick.isDone() && this.nextTickAt == at) {
			return;
		}
		cancelTick();
		if (this.core.isShutdown()) {
			return;
		}
		this.nextTickAt = at;
		this.nextTick = this.core.schedule(this::tickSafely, Math.max(0, at - now), TimeUnit.NANOSECONDS);
	}

	/**
	 * Whether a lease has ended but does not count as lapsed yet: the catch-up after a pause (see
	 * {@link Lease#lapseReportedFromNanos()}).
	 */
	private static boolean catchingUp(@Nullable Lease lease, long now) {
		return lease != null && !lease.isValidAt(now) && !lease.hasLapsedAt(now);
	}

	private void tickSafely() {
		try {
			tick();
		}
		catch (RuntimeException ex) {
			logger.error("Raft member '" + member() + "' failed to tick", ex);
		}
	}

	private void cancelTick() {
		if (this.nextTick != null) {
			this.nextTick.cancel(false);
			this.nextTick = null;
		}
	}

	private void fail(RuntimeException failure) {
		logger.error("Raft member '" + member() + "' could not persist its state and stops voting and "
				+ "leading until it is restarted", failure);
		cancelTick();
		this.node = null;
		this.shuttingDown = true;
		publishStopped(RaftStatus.State.FAILED, LeadershipRevokedEvent.Reason.FAILURE);
	}

	private void publishStopped(RaftStatus.State state, LeadershipRevokedEvent.Reason reason) {
		publish(this.derivation.stopped(this.board.snapshot(), state, reason, this.clock.instant()));
	}

	/** Publishes the snapshot and, after it, hands the events to the event thread. */
	private void publish(SnapshotDerivation.Publication publication) {
		if (publication.leaderChanged()) {
			this.statistics.leaderChanged();
		}
		this.board.publish(publication.snapshot());
		if (this.membershipWatch != null) {
			this.membershipWatch.published(publication.snapshot().status());
		}
		if (!publication.events().isEmpty()) {
			dispatch(publication.events());
		}
		if (this.published.listening()) {
			StatusSnapshot snapshot = publication.snapshot();
			afterEvents(() -> this.published.published(snapshot));
		}
	}

	private void dispatch(List<RaftEvent> events) {
		try {
			this.events.execute(() -> {
				for (RaftEvent event : events) {
					try {
						this.eventSink.accept(event);
					}
					catch (RuntimeException ex) {
						logger.error("Raft event listener failed on " + event, ex);
					}
				}
			});
		}
		catch (RejectedExecutionException ex) {
			logger.debug("Raft events dropped after shutdown: " + events);
		}
	}

	private CompletableFuture<Void> runOnCore(Runnable task) {
		return CompletableFuture.runAsync(task, this.core);
	}

	private void runOnCoreQuietly(Runnable task) {
		try {
			this.core.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// Stopped meanwhile.
		}
	}

	/**
	 * The failure of a request to a member that does not run.
	 * @param nodeId the member
	 * @param snapshot its snapshot, which tells whether it has failed or is stopped
	 * @return the exception, whose message may be shown to the sender
	 */
	static IllegalStateException notRunning(String nodeId, StatusSnapshot snapshot) {
		if (snapshot.state() == RaftStatus.State.FAILED) {
			return new IllegalStateException("Raft member '" + nodeId
					+ "' has failed: it could not persist its state and neither votes nor leads until restarted");
		}
		return new IllegalStateException("Raft member '" + nodeId + "' is not running");
	}

	/** A core thread: one thread that runs tasks and timers, and forgets cancelled timers at once. */
	static ScheduledThreadPoolExecutor newCoreThread(String nodeId) {
		ScheduledThreadPoolExecutor core = new ScheduledThreadPoolExecutor(1, threadFactory("raft-" + nodeId));
		core.setRemoveOnCancelPolicy(true);
		return core;
	}

	/** The event thread of a member: one thread that hands the events to the listeners, in order. */
	static ExecutorService newEventThread(String nodeId) {
		return Executors.newSingleThreadExecutor(threadFactory("raft-events-" + nodeId));
	}

	private static ThreadFactory threadFactory(String name) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	/** Told of the snapshots published, only while it listens: a member publishes dozens a second. */
	interface PublicationListener {

		/** Whether it wants to be told of the next snapshots; asked on the core thread, so it must be quick. */
		boolean listening();

		/**
		 * A snapshot was published and its events delivered.
		 * @param snapshot the snapshot
		 */
		void published(StatusSnapshot snapshot);

	}

	/**
	 * Something asked of the node on the core thread.
	 *
	 * @param <T> the type of result
	 */
	@FunctionalInterface
	interface Call<T> {

		/**
		 * Asks the node.
		 * @param node the node
		 * @param nowNanos the monotonic clock now
		 * @return the result
		 */
		T apply(RaftNode node, long nowNanos);

	}

}
