package io.github.raftboot.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.AppendEntriesResponse;
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
import io.github.raftboot.core.TransferResult;
import io.github.raftboot.event.LeaderChangedEvent;
import io.github.raftboot.event.LeadershipAcquiredEvent;
import io.github.raftboot.event.LeadershipRevokedEvent;
import io.github.raftboot.event.RaftEvent;
import io.github.raftboot.leader.PeerStatus;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.leader.RaftStatus;
import io.github.raftboot.transport.PeerState;
import io.github.raftboot.transport.RaftRpcHandler;
import io.github.raftboot.transport.RaftTransport;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Runs one {@link RaftNode}: a single thread owns it and is fed by timers, inbound RPCs and
 * replies to outbound RPCs. After every input it persists the node's state <em>before</em> it
 * sends the answers that depend on it (its own requests leave during the save, see
 * {@link io.github.raftboot.core.Ready#messagesBeforePersisting()}), publishes an immutable
 * snapshot, and hands events to listeners on another thread, so that a slow listener never
 * delays a heartbeat.
 *
 * <p>{@link #isLeader()} compares the lease of the latest snapshot with the caller's own
 * reading of the monotonic clock, so it turns {@code false} the instant the lease ends, even if
 * the driver thread is late.
 *
 * <p>On {@link #stop()} a leader hands over to the most up-to-date reachable member first and
 * waits (up to the maximum election timeout) until another leader is known. It runs in phase
 * {@link #PHASE}, so it starts after the web server and stops before it.
 */
public final class RaftServer implements RaftLeadership, RaftRpcHandler, SmartLifecycle {

	/** Starts after, and stops before, the web server (Boot's web server lifecycles use lower phases). */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	private static final Log logger = LogFactory.getLog(RaftServer.class);

	private final RaftConfig config;

	private final RaftStorage storage;

	private final RaftTransport transport;

	private final Consumer<RaftEvent> eventSink;

	private final LongSupplier nanoClock;

	private final Clock clock;

	private final RaftStatistics statistics = new RaftStatistics();

	/** Serializes start and stop. */
	private final Object lifecycleLock = new Object();

	/** Notified whenever a new snapshot is published. */
	private final Object monitor = new Object();

	private volatile Snapshot snapshot;

	// Owned by the core thread
	private @Nullable RaftNode node;

	private @Nullable ScheduledThreadPoolExecutor coreExecutor;

	private @Nullable ExecutorService eventExecutor;

	private @Nullable ScheduledFuture<?> nextTick;

	private long nextTickAt;

	private boolean wasActive;

	private long activeTerm;

	private @Nullable String lastLeaderId;

	private long lastTerm = -1;

	private @Nullable Instant leaderSince;

	private @Nullable Instant lastLeaderContact;

	private volatile boolean shuttingDown;

	/**
	 * Set while a stopping leader hands over: from then on this member starts no election of its
	 * own (it still votes and answers), or it could win again while it waits for the new leader.
	 */
	private volatile boolean handingOver;

	/**
	 * Creates a driver. Nothing runs until {@link #start()}.
	 * @param config the node's settings
	 * @param storage where term, vote and log are persisted
	 * @param transport carries RPCs to the other members
	 * @param eventSink receives events, on the event thread
	 * @param nanoClock the monotonic clock, normally {@link System#nanoTime()}
	 * @param clock the wall clock, for the instants in the status
	 */
	public RaftServer(RaftConfig config, RaftStorage storage, RaftTransport transport, Consumer<RaftEvent> eventSink,
			LongSupplier nanoClock, Clock clock) {
		this.config = Objects.requireNonNull(config, "config");
		this.storage = Objects.requireNonNull(storage, "storage");
		this.transport = Objects.requireNonNull(transport, "transport");
		this.eventSink = Objects.requireNonNull(eventSink, "eventSink");
		this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
		this.clock = Objects.requireNonNull(clock, "clock");
		this.snapshot = Snapshot.initial(config.nodeId());
	}

	/** Creates a driver on the system clocks. */
	public RaftServer(RaftConfig config, RaftStorage storage, RaftTransport transport, Consumer<RaftEvent> eventSink) {
		this(config, storage, transport, eventSink, System::nanoTime, Clock.systemUTC());
	}

	// Lifecycle

	/**
	 * Loads the persisted state and starts taking part in elections.
	 * @throws io.github.raftboot.core.StorageException if the persisted state cannot be read
	 */
	@Override
	public void start() {
		synchronized (this.lifecycleLock) {
			if (this.coreExecutor != null) {
				return;
			}
			PersistentState state = this.storage.load();
			String id = this.config.nodeId();
			ScheduledThreadPoolExecutor core = new ScheduledThreadPoolExecutor(1, threadFactory("raft-" + id));
			core.setRemoveOnCancelPolicy(true);
			this.coreExecutor = core;
			this.eventExecutor = Executors.newSingleThreadExecutor(threadFactory("raft-events-" + id));
			this.shuttingDown = false;
			this.handingOver = false;
			runOnCore(() -> {
				long now = this.nanoClock.getAsLong();
				this.node = new RaftNode(this.config, state, new SplittableRandom(), now);
				afterInput(null);
			}).join();
			logger.info("Raft member '" + id + "' started in term " + state.term() + " with members "
					+ this.config.members());
		}
	}

	/**
	 * Stops taking part in elections. A leader first hands over to the most up-to-date reachable
	 * member and waits, up to the maximum election timeout, until another leader is known.
	 */
	@Override
	public void stop() {
		synchronized (this.lifecycleLock) {
			ScheduledThreadPoolExecutor core = this.coreExecutor;
			if (core == null) {
				return;
			}
			if (this.snapshot.status().role() == Role.LEADER) {
				handOverBeforeStopping();
			}
			this.shuttingDown = true;
			try {
				runOnCore(() -> {
					cancelTick();
					this.node = null;
					publish(null, RaftStatus.State.STOPPED, LeadershipRevokedEvent.Reason.SHUTDOWN);
				}).get(this.config.electionTimeoutMax().toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (ExecutionException | TimeoutException ex) {
				logger.warn("Raft member '" + this.config.nodeId() + "' did not stop cleanly", ex);
			}
			core.shutdownNow();
			ExecutorService events = this.eventExecutor;
			this.coreExecutor = null;
			this.eventExecutor = null;
			if (events != null) {
				events.shutdown();
				try {
					events.awaitTermination(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			// The transport is not closed here: it is a bean of its own (closed with the
			// context), and a stopped server may be started again.
			logger.info("Raft member '" + this.config.nodeId() + "' stopped");
		}
	}

	/**
	 * Hands leadership over if this member leads, as {@link #stop()} would, and waits up to the
	 * maximum election timeout until another leader is known; the member keeps running and
	 * {@link #stop()} later does not hand over again. Called as the application context starts
	 * to close, so that the hand-over waits for no other component to stop first.
	 */
	public void handOverBeforeShutdown() {
		synchronized (this.lifecycleLock) {
			if (this.coreExecutor != null && this.snapshot.status().role() == Role.LEADER) {
				handOverBeforeStopping();
			}
		}
	}

	private void handOverBeforeStopping() {
		this.handingOver = true;
		TransferResult result = transferLeadership();
		if (result != TransferResult.STARTED) {
			logger.info("Raft member '" + this.config.nodeId() + "' leads but could not hand over before stopping: "
					+ result);
			return;
		}
		long deadline = System.nanoTime() + this.config.electionTimeoutMax().toNanos();
		synchronized (this.monitor) {
			while (!handedOver() && deadline - System.nanoTime() > 0) {
				try {
					this.monitor.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
		logger.info("Raft member '" + this.config.nodeId() + "' handed leadership over before stopping"
				+ (handedOver() ? " to '" + this.snapshot.status().leaderId() + "'" : ", but no new leader was seen in time"));
	}

	private boolean handedOver() {
		String leader = this.snapshot.status().leaderId();
		return leader != null && !leader.equals(this.config.nodeId());
	}

	@Override
	public boolean isRunning() {
		return this.coreExecutor != null;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	// Inputs

	/**
	 * Handles a request from another member on the core thread.
	 * @param request the request
	 * @return completes with the reply, or empty if the node does not answer this request;
	 * exceptionally with {@link IllegalArgumentException} if the request is invalid, or
	 * {@link IllegalStateException} if this member does not run: it is stopped, or it has
	 * {@linkplain RaftStatus.State#FAILED failed} (also when persisting the state that this very
	 * request changed failed), or it could not handle the request
	 */
	@Override
	public CompletableFuture<Optional<Message>> receive(Message request) {
		CompletableFuture<Optional<Message>> reply = new CompletableFuture<>();
		ScheduledThreadPoolExecutor core = this.coreExecutor;
		if (core == null || this.shuttingDown) {
			reply.completeExceptionally(notRunning());
			return reply;
		}
		try {
			core.execute(() -> handleOnCore(request, reply));
		}
		catch (RejectedExecutionException ex) {
			reply.completeExceptionally(notRunning());
		}
		return reply;
	}

	/**
	 * Whether requests from that member are handled: whether it is another member of the
	 * cluster.
	 * @param memberId the sender of a request
	 * @return {@code true} if it is a member and not this one
	 */
	@Override
	public boolean acceptsSender(String memberId) {
		return this.config.members().contains(memberId) && !memberId.equals(this.config.nodeId());
	}

	private void handleOnCore(Message request, CompletableFuture<Optional<Message>> reply) {
		RaftNode current = this.node;
		if (current == null) {
			reply.completeExceptionally(notRunning());
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
			logger.error("Raft member '" + this.config.nodeId() + "' failed to handle "
					+ request.getClass().getSimpleName() + " from '" + request.from() + "'", ex);
			afterInput(null);
			reply.completeExceptionally(
					new IllegalStateException("Raft member '" + this.config.nodeId() + "' could not handle the request"));
			return;
		}
		Message answer = afterInput(request);
		if (this.node == null) {
			// Persisting failed: the answer must not suggest that the request was handled.
			reply.completeExceptionally(notRunning());
			return;
		}
		reply.complete(Optional.ofNullable(answer));
	}

	private IllegalStateException notRunning() {
		if (this.snapshot.state() == RaftStatus.State.FAILED) {
			return new IllegalStateException("Raft member '" + this.config.nodeId()
					+ "' has failed: it could not persist its state and neither votes nor leads until restarted");
		}
		return new IllegalStateException("Raft member '" + this.config.nodeId() + "' is not running");
	}

	private void onReply(Message request, Optional<Message> reply, @Nullable Throwable failure) {
		if (failure != null) {
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
		publish(ready, RaftStatus.State.RUNNING, null);
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
				logger.debug("Raft member '" + this.config.nodeId() + "': " + change);
			}
		}
		scheduleTick(current);
		return reply;
	}

	private void send(Message message) {
		this.transport.send(message).whenComplete((answer, failure) -> onReply(message, answer, failure));
	}

	private static boolean isReplyTo(Message message, Message inbound) {
		boolean matchingType = (inbound instanceof RequestVote && message instanceof RequestVoteResponse)
				|| (inbound instanceof AppendEntries && message instanceof AppendEntriesResponse);
		return matchingType && message.to().equals(inbound.from());
	}

	private void scheduleTick(RaftNode current) {
		long now = this.nanoClock.getAsLong();
		long at = current.nextTickNanos();
		Lease lease = current.lease();
		if (lease != null && !lease.unbounded() && lease.isValidAt(now) && lease.endNanos() - at < 0) {
			// Wake up when the lease ends, to tell the listeners.
			at = lease.endNanos();
		}
		if (this.nextTick != null && !this.nextTick.isDone() && this.nextTickAt == at) {
			return;
		}
		cancelTick();
		ScheduledThreadPoolExecutor core = this.coreExecutor;
		if (core == null || core.isShutdown()) {
			return;
		}
		this.nextTickAt = at;
		this.nextTick = core.schedule(this::tickSafely, Math.max(0, at - now), TimeUnit.NANOSECONDS);
	}

	private void tickSafely() {
		try {
			tick();
		}
		catch (RuntimeException ex) {
			logger.error("Raft member '" + this.config.nodeId() + "' failed to tick", ex);
		}
	}

	private void cancelTick() {
		if (this.nextTick != null) {
			this.nextTick.cancel(false);
			this.nextTick = null;
		}
	}

	private void fail(RuntimeException failure) {
		logger.error("Raft member '" + this.config.nodeId() + "' could not persist its state and stops voting and "
				+ "leading until it is restarted", failure);
		cancelTick();
		this.node = null;
		this.shuttingDown = true;
		publish(null, RaftStatus.State.FAILED, LeadershipRevokedEvent.Reason.FAILURE);
	}

	/**
	 * Publishes a new snapshot and, after it, the events of the change.
	 * @param ready what the node produced, or {@code null} when it stops
	 */
	private void publish(@Nullable Ready ready, RaftStatus.State state,
			LeadershipRevokedEvent.@Nullable Reason stopReason) {
		long now = this.nanoClock.getAsLong();
		Instant wallNow = this.clock.instant();
		Status status = (ready != null) ? ready.status() : withoutLeadership(this.snapshot.status());
		boolean active = ready != null && status.isActiveLeaderAt(now);
		List<RaftEvent> events = new ArrayList<>();
		String id = this.config.nodeId();
		if (this.wasActive && !active) {
			LeadershipRevokedEvent.Reason reason = (stopReason != null) ? stopReason : revocationReason(ready, status);
			events.add(new LeadershipRevokedEvent(this, id, this.activeTerm, reason));
			this.leaderSince = null;
		}
		if (!this.wasActive && active) {
			this.activeTerm = status.term();
			this.leaderSince = wallNow;
			events.add(new LeadershipAcquiredEvent(this, id, status.term()));
		}
		this.wasActive = active;
		String leaderId = status.leaderId();
		if (leaderId != null) {
			this.lastLeaderContact = wallNow;
		}
		if (!Objects.equals(leaderId, this.lastLeaderId) || (leaderId != null && status.term() != this.lastTerm)) {
			events.add(new LeaderChangedEvent(this, id, status.term(), leaderId));
			this.statistics.leaderChanged();
		}
		this.lastLeaderId = leaderId;
		this.lastTerm = status.term();
		this.snapshot = new Snapshot(status, state, active ? this.leaderSince : null, this.lastLeaderContact);
		synchronized (this.monitor) {
			this.monitor.notifyAll();
		}
		if (!events.isEmpty()) {
			dispatch(events);
		}
	}

	private static Status withoutLeadership(Status status) {
		return new Status(status.nodeId(), Role.FOLLOWER, status.term(), null, status.votedFor(), status.commitIndex(),
				status.lastLogIndex(), status.lastLogTerm(), null, null, null, List.of());
	}

	private static LeadershipRevokedEvent.Reason revocationReason(@Nullable Ready ready, Status status) {
		if (ready != null) {
			for (RoleChange change : ready.roleChanges()) {
				if (change.from() == Role.LEADER && change.reason() == RoleChange.Reason.HIGHER_TERM) {
					return LeadershipRevokedEvent.Reason.HIGHER_TERM;
				}
			}
		}
		if (status.role() == Role.LEADER && status.transferTarget() != null) {
			return LeadershipRevokedEvent.Reason.TRANSFER;
		}
		return LeadershipRevokedEvent.Reason.LEASE_LOST;
	}

	private void dispatch(List<RaftEvent> events) {
		ExecutorService executor = this.eventExecutor;
		if (executor == null) {
			return;
		}
		try {
			executor.execute(() -> {
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

	// Application view (any thread)

	@Override
	public String nodeId() {
		return this.config.nodeId();
	}

	@Override
	public boolean isLeader() {
		Snapshot current = this.snapshot;
		return current.state() == RaftStatus.State.RUNNING && current.status().isActiveLeaderAt(this.nanoClock.getAsLong());
	}

	@Override
	public OptionalLong fencingToken() {
		Snapshot current = this.snapshot;
		Lease lease = current.status().lease();
		if (lease == null || current.state() != RaftStatus.State.RUNNING || !lease.isValidAt(this.nanoClock.getAsLong())) {
			return OptionalLong.empty();
		}
		return OptionalLong.of(lease.term());
	}

	@Override
	public long currentTerm() {
		return this.snapshot.status().term();
	}

	@Override
	public Optional<String> leaderId() {
		return Optional.ofNullable(this.snapshot.status().leaderId());
	}

	@Override
	public RaftStatus status() {
		Snapshot current = this.snapshot;
		Status status = current.status();
		boolean leader = isLeader();
		List<PeerStatus> peers = new ArrayList<>();
		for (String member : this.config.members().stream().sorted().toList()) {
			if (member.equals(this.config.nodeId())) {
				continue;
			}
			PeerState state = this.transport.peerState(member);
			Long match = status.peers()
				.stream()
				.filter((progress) -> progress.id().equals(member))
				.map(PeerProgress::matchIndex)
				.findFirst()
				.orElse(null);
			peers.add(new PeerStatus(member, state.url(), state.lastContact(), state.circuitBreaker(), match));
		}
		return new RaftStatus(status.nodeId(), current.state(), status.role(), status.term(), status.leaderId(), leader,
				leader ? current.leaderSince() : null, status.votedFor(), status.commitIndex(), status.lastLogIndex(),
				current.lastLeaderContact(), peers);
	}

	@Override
	public boolean awaitLeadership(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.monitor) {
			while (!isLeader()) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return false;
				}
				this.monitor.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
			}
			return true;
		}
	}

	@Override
	public TransferResult transferLeadership() {
		return onCore((current, now) -> {
			RaftNode.TransferAttempt attempt = current.transferLeadershipToBestPeer(now);
			return attempt.result();
		});
	}

	@Override
	public TransferResult transferLeadership(String nodeId) {
		return onCore((current, now) -> current.transferLeadership(nodeId, now));
	}

	/** Counters of elections and leader changes since start. */
	public RaftStatistics statistics() {
		return this.statistics;
	}

	/** The settings this member runs with. */
	public RaftConfig config() {
		return this.config;
	}

	private TransferResult onCore(CoreCall call) {
		CompletableFuture<TransferResult> result = new CompletableFuture<>();
		try {
			runOnCore(() -> {
				RaftNode current = this.node;
				if (current == null) {
					result.complete(TransferResult.NOT_LEADER);
					return;
				}
				result.complete(call.apply(current, this.nanoClock.getAsLong()));
				afterInput(null);
			});
			return result.get(this.config.electionTimeoutMax().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return TransferResult.NOT_LEADER;
		}
		catch (ExecutionException | TimeoutException | IllegalStateException ex) {
			return TransferResult.NOT_LEADER;
		}
	}

	private CompletableFuture<Void> runOnCore(Runnable task) {
		ScheduledThreadPoolExecutor core = this.coreExecutor;
		if (core == null) {
			throw notRunning();
		}
		return CompletableFuture.runAsync(task, core);
	}

	private void runOnCoreQuietly(Runnable task) {
		ScheduledThreadPoolExecutor core = this.coreExecutor;
		if (core == null) {
			return;
		}
		try {
			core.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// Stopped meanwhile.
		}
	}

	private static ThreadFactory threadFactory(String name) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	@FunctionalInterface
	private interface CoreCall {

		TransferResult apply(RaftNode node, long nowNanos);

	}

	/** What the application threads read. */
	private record Snapshot(Status status, RaftStatus.State state, @Nullable Instant leaderSince,
			@Nullable Instant lastLeaderContact) {

		static Snapshot initial(String nodeId) {
			Status status = new Status(nodeId, Role.FOLLOWER, 0, null, null, 0, 0, 0, null, null, null, List.of());
			return new Snapshot(status, RaftStatus.State.STARTING, null, null);
		}

	}

	/** Counters of what happened since start; read by the metrics. */
	public static final class RaftStatistics {

		private final AtomicLong preVotesStarted = new AtomicLong();

		private final AtomicLong electionsStarted = new AtomicLong();

		private final AtomicLong electionsWon = new AtomicLong();

		private final AtomicLong electionsLost = new AtomicLong();

		private final AtomicLong leaderChanges = new AtomicLong();

		private final AtomicLong transferCampaigns = new AtomicLong();

		void record(RoleChange change) {
			if (change.reason() == RoleChange.Reason.TRANSFER_REQUESTED) {
				this.transferCampaigns.incrementAndGet();
			}
			if (change.to() == Role.PRE_CANDIDATE) {
				this.preVotesStarted.incrementAndGet();
			}
			if (change.to() == Role.CANDIDATE) {
				this.electionsStarted.incrementAndGet();
			}
			if (change.to() == Role.LEADER) {
				this.electionsWon.incrementAndGet();
			}
			if (change.from() == Role.CANDIDATE && change.to() != Role.LEADER) {
				this.electionsLost.incrementAndGet();
			}
		}

		void leaderChanged() {
			this.leaderChanges.incrementAndGet();
		}

		/** Pre-vote rounds started. */
		public long preVotesStarted() {
			return this.preVotesStarted.get();
		}

		/** Elections started (terms raised to campaign). */
		public long electionsStarted() {
			return this.electionsStarted.get();
		}

		/** Elections won. */
		public long electionsWon() {
			return this.electionsWon.get();
		}

		/** Elections that ended without winning. */
		public long electionsLost() {
			return this.electionsLost.get();
		}

		/** Elections this replica started because a leader handed leadership to it. */
		public long transferCampaigns() {
			return this.transferCampaigns.get();
		}

		/** Times the known leader changed. */
		public long leaderChanges() {
			return this.leaderChanges.get();
		}

	}

}
