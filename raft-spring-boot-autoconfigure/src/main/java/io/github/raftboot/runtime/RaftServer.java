package io.github.raftboot.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.github.raftboot.core.Lease;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.PeerProgress;
import io.github.raftboot.core.PersistentState;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.RaftNode;
import io.github.raftboot.core.RaftStorage;
import io.github.raftboot.core.Role;
import io.github.raftboot.core.Status;
import io.github.raftboot.core.TransferResult;
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
 *
 * <p>This class holds the lifecycle and the application's view. The thread that runs the node
 * and the order of persisting, publishing and sending are those of a {@code CoreLoop}, one per
 * start; the snapshots and events are derived by a {@code SnapshotDerivation}.
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

	private final StatusBoard board;

	private final SnapshotDerivation derivation;

	/** Serializes start and stop. */
	private final Object lifecycleLock = new Object();

	/** The current run, while started. */
	private volatile @Nullable CoreLoop loop;

	/**
	 * Creates a driver. Nothing runs until {@link #start()}.
	 * @param config the node's settings
	 * @param storage where term, vote and log are persisted
	 * @param transport carries RPCs to the other members
	 * @param eventSink receives events, on the event thread
	 * @param nanoClock the monotonic clock, normally {@link System#nanoTime()}; every timeout of
	 * the driver is measured on it
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
		this.board = new StatusBoard(StatusSnapshot.initial(config.nodeId()), nanoClock);
		this.derivation = new SnapshotDerivation(config.nodeId(), this);
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
			if (this.loop != null) {
				return;
			}
			PersistentState state = this.storage.load();
			CoreLoop started = new CoreLoop(this.config, this.storage, this.transport, this.nanoClock, this.clock,
					this.board, this.derivation, this.statistics, this.eventSink);
			this.loop = started;
			started.start(state);
			logger.info("Raft member '" + this.config.nodeId() + "' started in term " + state.term() + " with members "
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
			CoreLoop running = this.loop;
			if (running == null) {
				return;
			}
			if (this.board.snapshot().status().role() == Role.LEADER) {
				handOverBeforeStopping(running);
			}
			running.stop();
			this.loop = null;
			running.drainEvents();
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
			CoreLoop running = this.loop;
			if (running != null && this.board.snapshot().status().role() == Role.LEADER) {
				handOverBeforeStopping(running);
			}
		}
	}

	private void handOverBeforeStopping(CoreLoop running) {
		running.stopCampaigning();
		TransferResult result = running.call(RaftServer::transferToBestPeer);
		if (result != TransferResult.STARTED) {
			logger.info("Raft member '" + this.config.nodeId() + "' leads but could not hand over before stopping: "
					+ result);
			return;
		}
		boolean handedOver;
		try {
			handedOver = this.board.await(this::handedOver, this.config.electionTimeoutMax());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		logger.info("Raft member '" + this.config.nodeId() + "' handed leadership over before stopping"
				+ (handedOver ? " to '" + this.board.snapshot().status().leaderId() + "'"
						: ", but no new leader was seen in time"));
	}

	private boolean handedOver() {
		String leader = this.board.snapshot().status().leaderId();
		return leader != null && !leader.equals(this.config.nodeId());
	}

	@Override
	public boolean isRunning() {
		return this.loop != null;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	// Inbound requests

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
		CoreLoop running = this.loop;
		if (running == null) {
			return CompletableFuture.failedFuture(CoreLoop.notRunning(this.config.nodeId(), this.board.snapshot()));
		}
		return running.receive(request);
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

	// Application view (any thread)

	@Override
	public String nodeId() {
		return this.config.nodeId();
	}

	@Override
	public boolean isLeader() {
		StatusSnapshot current = this.board.snapshot();
		return current.state() == RaftStatus.State.RUNNING
				&& current.status().isActiveLeaderAt(this.nanoClock.getAsLong());
	}

	@Override
	public OptionalLong fencingToken() {
		StatusSnapshot current = this.board.snapshot();
		Lease lease = current.status().lease();
		if (lease == null || current.state() != RaftStatus.State.RUNNING || !lease.isValidAt(this.nanoClock.getAsLong())) {
			return OptionalLong.empty();
		}
		return OptionalLong.of(lease.term());
	}

	@Override
	public long currentTerm() {
		return this.board.snapshot().status().term();
	}

	@Override
	public Optional<String> leaderId() {
		return Optional.ofNullable(this.board.snapshot().status().leaderId());
	}

	@Override
	public RaftStatus status() {
		StatusSnapshot current = this.board.snapshot();
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
		StatusSnapshot.Leadership leadership = current.leadership();
		Instant leaderSince = (leader && leadership != null) ? leadership.since() : null;
		return new RaftStatus(status.nodeId(), current.state(), status.role(), status.term(), status.leaderId(), leader,
				leaderSince, status.votedFor(), status.commitIndex(), status.lastLogIndex(),
				current.lastLeaderContact(), peers);
	}

	/**
	 * {@inheritDoc}
	 * <p>The timeout is measured on the monotonic clock given to the constructor.
	 */
	@Override
	public boolean awaitLeadership(Duration timeout) throws InterruptedException {
		return this.board.await(this::isLeader, timeout);
	}

	@Override
	public TransferResult transferLeadership() {
		return onCore(RaftServer::transferToBestPeer);
	}

	@Override
	public TransferResult transferLeadership(String nodeId) {
		return onCore((current, now) -> current.transferLeadership(nodeId, now));
	}

	private static TransferResult transferToBestPeer(RaftNode node, long nowNanos) {
		return node.transferLeadershipToBestPeer(nowNanos).result();
	}

	private TransferResult onCore(CoreLoop.Call call) {
		CoreLoop running = this.loop;
		return (running != null) ? running.call(call) : TransferResult.NOT_LEADER;
	}

	/** Counters of elections and leader changes since this driver was created. */
	public RaftStatistics statistics() {
		return this.statistics;
	}

	/** The settings this member runs with. */
	public RaftConfig config() {
		return this.config;
	}

}
