package io.github.raftboot.runtime;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.github.raftboot.core.Incidents;
import io.github.raftboot.core.JoinRequest;
import io.github.raftboot.core.Lease;
import io.github.raftboot.core.Membership;
import io.github.raftboot.core.MembershipChangeResult;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.PeerProgress;
import io.github.raftboot.core.PersistentState;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.RaftNode;
import io.github.raftboot.core.RaftStorage;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.core.Role;
import io.github.raftboot.core.Status;
import io.github.raftboot.core.Timing;
import io.github.raftboot.core.TransferResult;
import io.github.raftboot.event.RaftEvent;
import io.github.raftboot.leader.MembershipChangeException;
import io.github.raftboot.leader.PeerStatus;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.leader.RaftMembership;
import io.github.raftboot.leader.RaftStatus;
import io.github.raftboot.leader.RaftTiming;
import io.github.raftboot.transport.PeerState;
import io.github.raftboot.transport.RaftRpcHandler;
import io.github.raftboot.transport.RaftTransport;
import io.github.raftboot.transport.RpcRefusal;
import io.github.raftboot.transport.RpcRefusedException;
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
 * <p>While it runs, a {@code PauseMonitor} notices when the JVM did not run for a while (a
 * garbage collection, CPU throttling, a suspended process): such pauses are logged with the
 * collections of that stretch and counted in the {@link #statistics() statistics}, for the
 * operator. What the member does about a pause is up to its node, which notices on its own
 * thread when an input comes later than its timers expected (see {@code RaftNode}): it does not
 * campaign from a timer that ran out meanwhile, and counts the pause as an incident of the
 * adaptive timing. The monitor does not tell the node: the node's own measure is the one that
 * matters for its timers, and is taken on the thread that was paused.
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

	/** How long a refusal for a duplicate member id is remembered in the status. */
	private static final Duration CONFLICT_MEMORY = Duration.ofSeconds(30);

	private final MembershipChanges changes = new MembershipChanges();

	private final InstanceWatch instances;

	private volatile @Nullable Conflict conflict;

	/** When the current run started, on the wall clock. */
	private volatile @Nullable Instant runningSince;

	/** The term this group's member started its current run in, as its storage had it. */
	private volatile long startTerm;

	/** Serializes start and stop. */
	private final Object lifecycleLock = new Object();

	/** The current run, while started. */
	private volatile @Nullable CoreLoop loop;

	/** Notices pauses of this member while it runs; the default group's server only. */
	private final @Nullable PauseMonitor pauseMonitor;

	/** The election group this server runs. */
	private final String group;

	/** The default group's server: this one, or the one that runs this group with it. */
	private final RaftServer root;

	/** The servers of the other groups, in the order of {@code raft.groups}: on the default group's server only. */
	private final Map<String, RaftServer> others = new LinkedHashMap<>();

	/** Preferred leaders by group, and how long a balance waits; see {@link #withGroups}. */
	private GroupCoordinator.Settings groupSettings = GroupCoordinator.Settings.NONE;

	/** The threads every group shares, while the groups run. */
	private volatile @Nullable GroupThreads shared;

	private volatile @Nullable GroupCoordinator coordinator;

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
		this(config, storage, transport, eventSink, nanoClock, clock, PauseMonitor.Sleeper.THREAD);
	}

	/**
	 * Creates a driver whose pause monitor sleeps with the given sleeper.
	 * @param sleeper how the pause monitor sleeps between two readings of {@code nanoClock}
	 */
	RaftServer(RaftConfig config, RaftStorage storage, RaftTransport transport, Consumer<RaftEvent> eventSink,
			LongSupplier nanoClock, Clock clock, PauseMonitor.Sleeper sleeper) {
		this.config = Objects.requireNonNull(config, "config");
		this.storage = Objects.requireNonNull(storage, "storage");
		this.transport = Objects.requireNonNull(transport, "transport");
		this.eventSink = Objects.requireNonNull(eventSink, "eventSink");
		this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
		this.clock = Objects.requireNonNull(clock, "clock");
		this.board = new StatusBoard(StatusSnapshot.initial(config.nodeId()), nanoClock);
		this.derivation = new SnapshotDerivation(config.nodeId(), this);
		this.instances = new InstanceWatch(config.nodeId(), nanoClock);
		this.pauseMonitor = PauseMonitor.forMember(config, nanoClock, sleeper, this.statistics::paused);
		this.group = DEFAULT_GROUP;
		this.root = this;
	}

	/** Creates the server of another election group than the default one, run by {@code root}. */
	private RaftServer(RaftServer root, String group, RaftStorage storage) {
		RaftConfig rootConfig = root.config;
		// The members of this group follow the default group's: it never asks to join on its own.
		this.config = new RaftConfig(rootConfig.nodeId(), rootConfig.members(), rootConfig.electionTimeoutMin(),
				rootConfig.electionTimeoutMax(), rootConfig.heartbeatInterval(), rootConfig.preVote(),
				rootConfig.checkQuorum(), rootConfig.clockDriftBound(), rootConfig.maxEntriesPerMessage(),
				rootConfig.addresses(), false, rootConfig.adaptiveTiming(), rootConfig.timingCeiling(),
				rootConfig.timingQuietPeriod());
		this.storage = Objects.requireNonNull(storage, "storage");
		this.transport = root.transport;
		this.eventSink = root.eventSink;
		this.nanoClock = root.nanoClock;
		this.clock = root.clock;
		this.board = new StatusBoard(StatusSnapshot.initial(this.config.nodeId()), this.nanoClock);
		this.derivation = new SnapshotDerivation(this.config.nodeId(), this, group);
		this.instances = new InstanceWatch(this.config.nodeId(), this.nanoClock);
		this.pauseMonitor = null;
		this.group = group;
		this.root = root;
	}

	/**
	 * Adds election groups besides the default one, before the server starts: each has a leader,
	 * term, lease and fencing token of its own, and all of them share this server's members,
	 * transport and threads. The members of every group follow the default group's: a change of
	 * the members is made in the default group, and each group's leader then makes it in its
	 * group. The leaders are spread across the members (see {@code GroupCoordinator}).
	 * @param groups the groups, name to where that group's state is persisted, in order
	 * @param preferredLeaders a preferred leader per group ({@link #DEFAULT_GROUP} included), by
	 * member id; may be empty
	 * @param balanceDelay how long a member must lead more than its share of the groups, and a
	 * member to take over must have been in touch, before a group moves; {@code null} for no
	 * balancing (preferred leaders then do not apply either)
	 * @return this server
	 * @throws IllegalArgumentException if a group is named {@link #DEFAULT_GROUP}, is blank, or a
	 * preferred leader names an unknown group
	 * @throws IllegalStateException if this server runs, or is a group's
	 */
	public RaftServer withGroups(Map<String, RaftStorage> groups, Map<String, String> preferredLeaders,
			@Nullable Duration balanceDelay) {
		synchronized (this.lifecycleLock) {
			if (this.root != this || this.loop != null) {
				throw new IllegalStateException("Groups are added to the default group's server before it starts");
			}
			for (String name : groups.keySet()) {
				if (name == null || name.isBlank() || DEFAULT_GROUP.equals(name)) {
					throw new IllegalArgumentException("Invalid election group name '" + name + "'");
				}
			}
			for (String name : preferredLeaders.keySet()) {
				if (!DEFAULT_GROUP.equals(name) && !groups.containsKey(name)) {
					throw new IllegalArgumentException("A preferred leader is set for '" + name
							+ "', which is no election group (" + groups.keySet() + ")");
				}
			}
			this.others.clear();
			groups.forEach((name, groupStorage) -> this.others.put(name, new RaftServer(this, name, groupStorage)));
			this.groupSettings = new GroupCoordinator.Settings(Map.copyOf(preferredLeaders), balanceDelay);
			return this;
		}
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
		if (this.root != this) {
			this.root.start();
			return;
		}
		synchronized (this.lifecycleLock) {
			if (this.loop != null) {
				return;
			}
			if (!this.others.isEmpty()) {
				startGroups();
				return;
			}
			PersistentState state = this.storage.load();
			// Taken before the node runs, so that a running status always has it
			this.runningSince = this.clock.instant();
			this.startTerm = state.term();
			CoreLoop started = newLoop(null);
			this.loop = started;
			started.start(state);
			Objects.requireNonNull(this.pauseMonitor).start();
			logger.info("Raft member '" + this.config.nodeId() + "' started in term " + state.term() + " with members "
					+ this.config.members());
		}
	}

	/**
	 * Starts every group on shared threads: loads every group's state first, so that storage that
	 * cannot be read fails the start before any group runs.
	 */
	private void startGroups() {
		PersistentState state = this.storage.load();
		Map<RaftServer, PersistentState> states = new LinkedHashMap<>();
		for (RaftServer other : this.others.values()) {
			states.put(other, other.storage.load());
		}
		GroupThreads threads = new GroupThreads(this.config.nodeId(), this.transport);
		this.shared = threads;
		this.runningSince = this.clock.instant();
		this.startTerm = state.term();
		CoreLoop started = newLoop(threads);
		this.loop = started;
		started.start(state, (node, now) -> node.oneOfSeveralGroups(true));
		List<String> campaignsFirst = new ArrayList<>();
		states.forEach((other, otherState) -> other.startOn(threads, otherState, campaignsFirst));
		GroupCoordinator coordinating = new GroupCoordinator(this, threads, this.groupSettings, this.nanoClock);
		this.coordinator = coordinating;
		coordinating.start();
		Objects.requireNonNull(this.pauseMonitor).start();
		logger.info("Raft member '" + this.config.nodeId() + "' started in term " + state.term() + " with members "
				+ this.config.members() + " and election groups " + groups() + "; where no leader is known yet, it "
				+ (campaignsFirst.isEmpty() ? "campaigns first in no group"
						: "campaigns first in " + String.join(", ", campaignsFirst))
				+ " and leaves each other group's first campaign to one member for up to "
				+ GroupCoordinator.firstCampaignHold(this.config).toMillis() + " ms");
	}

	/**
	 * The loop of a run of this group, on threads of its own or on those every group shares. It
	 * logs under this class's category, as the driver always did.
	 */
	private CoreLoop newLoop(@Nullable GroupThreads threads) {
		return new CoreLoop(this.config, this.storage, this.transport, this.nanoClock, this.clock, this.board,
				this.derivation, this.statistics, this.eventSink, this.changes, this::requestFailed, logger, threads,
				this.group);
	}

	/** Ends a run of this group's loop: stopped, forgotten, its events delivered. */
	private void endLoop(CoreLoop running) {
		running.stop();
		this.loop = null;
		running.drainEvents();
		this.changes.stopped(this.config.nodeId());
	}

	/**
	 * Starts this group's loop on the threads of the default group's server. It holds its
	 * elections back for a while if another member is to campaign first in this group (see
	 * {@code GroupCoordinator#holdFirstCampaign}).
	 * @param campaignsFirst where to add this group's name if this member is its first campaigner
	 */
	private void startOn(GroupThreads threads, PersistentState state, List<String> campaignsFirst) {
		synchronized (this.lifecycleLock) {
			this.runningSince = this.clock.instant();
			this.startTerm = state.term();
			CoreLoop started = newLoop(threads);
			this.loop = started;
			started.start(state, (node, now) -> {
				node.oneOfSeveralGroups(true);
				String first = GroupCoordinator.holdFirstCampaign(node, this.group, this.root.others.keySet(),
						this.root.groupSettings.preferredLeaders(), now);
				if (this.config.nodeId().equals(first)) {
					campaignsFirst.add(this.group);
				}
			});
		}
	}

	/**
	 * Stops taking part in elections. A leader first hands over to the most up-to-date reachable
	 * member and waits, up to the maximum election timeout, until another leader is known; with
	 * election groups, every group this member leads is handed over at once, and all of them
	 * stop.
	 */
	@Override
	public void stop() {
		if (this.root != this) {
			this.root.stop();
			return;
		}
		synchronized (this.lifecycleLock) {
			CoreLoop running = this.loop;
			if (running == null) {
				return;
			}
			if (!this.others.isEmpty()) {
				stopGroups(running);
				return;
			}
			if (this.board.snapshot().status().role() == Role.LEADER) {
				handOverBeforeStopping(running);
			}
			Objects.requireNonNull(this.pauseMonitor).stop();
			endLoop(running);
			// The transport is not closed here: it is a bean of its own (closed with the
			// context), and a stopped server may be started again.
			logger.info("Raft member '" + this.config.nodeId() + "' stopped");
		}
	}

	private void stopGroups(CoreLoop running) {
		handOverEveryGroup();
		GroupCoordinator coordinating = this.coordinator;
		if (coordinating != null) {
			coordinating.stop();
			this.coordinator = null;
		}
		Objects.requireNonNull(this.pauseMonitor).stop();
		for (RaftServer other : this.others.values()) {
			other.stopOnShared();
		}
		endLoop(running);
		GroupThreads threads = this.shared;
		if (threads != null) {
			threads.shutdown();
			this.shared = null;
		}
		logger.info("Raft member '" + this.config.nodeId() + "' stopped");
	}

	private void stopOnShared() {
		synchronized (this.lifecycleLock) {
			CoreLoop running = this.loop;
			if (running != null) {
				endLoop(running);
			}
		}
	}

	/**
	 * Hands leadership over if this member leads, as {@link #stop()} would, and waits up to the
	 * maximum election timeout until another leader is known; the member keeps running and
	 * {@link #stop()} later does not hand over again. Called as the application context starts
	 * to close, so that the hand-over waits for no other component to stop first. With election
	 * groups, every group this member leads is handed over at once.
	 */
	public void handOverBeforeShutdown() {
		if (this.root != this) {
			this.root.handOverBeforeShutdown();
			return;
		}
		synchronized (this.lifecycleLock) {
			CoreLoop running = this.loop;
			if (running == null) {
				return;
			}
			if (!this.others.isEmpty()) {
				handOverEveryGroup();
			}
			else if (this.board.snapshot().status().role() == Role.LEADER) {
				handOverBeforeStopping(running);
			}
		}
	}

	/**
	 * Stops every group from campaigning, starts the hand-over of every group this member leads,
	 * all at once, then waits until each has another leader, up to the maximum election timeout
	 * in all.
	 */
	private void handOverEveryGroup() {
		List<RaftServer> servers = new ArrayList<>();
		servers.add(this);
		servers.addAll(this.others.values());
		GroupCoordinator coordinating = this.coordinator;
		if (coordinating != null) {
			// No more balancing moves: they would compete with the hand-overs.
			coordinating.stop();
		}
		List<RaftServer> handing = new ArrayList<>();
		Map<String, Integer> load = leadersInTouch(servers);
		for (RaftServer server : servers) {
			CoreLoop running = server.loop;
			if (running == null) {
				continue;
			}
			running.stopCampaigning();
			if (server.board.snapshot().status().role() != Role.LEADER) {
				continue;
			}
			TransferResult result = handOver(running, load, handing.isEmpty());
			if (result == TransferResult.STARTED) {
				handing.add(server);
			}
			else {
				logger.info("Raft member '" + CoreLoop.memberLabel(this.config.nodeId(), server.group) + "' leads but could not hand over before stopping: "
						+ result);
			}
		}
		long deadline = this.nanoClock.getAsLong() + this.config.electionTimeoutMax().toNanos();
		List<String> handedOver = new ArrayList<>();
		List<String> notSeen = new ArrayList<>();
		for (RaftServer server : handing) {
			boolean done;
			try {
				done = server.board.await(server::handedOver,
						Duration.ofNanos(Math.max(0, deadline - this.nanoClock.getAsLong())));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			(done ? handedOver : notSeen).add(server.group + (done ? " to '" + server.board.snapshot().status().leaderId() + "'" : ""));
		}
		if (!handing.isEmpty()) {
			logger.info("Raft member '" + this.config.nodeId() + "' handed the leadership of its groups over before "
					+ "stopping: " + handedOver + (notSeen.isEmpty() ? "" : "; no new leader seen in time for " + notSeen));
		}
	}

	/**
	 * Hands one of the groups over while stopping: the first to the best member, as a lone group
	 * would (the most up-to-date, preferring one that already restarted), each next one to the
	 * member in touch that leads the fewest groups, counting those just handed to it, so that the
	 * groups of a stopping replica spread at once rather than one balancing move at a time.
	 * @param running the group's loop
	 * @param load the groups each other member in touch leads; updated
	 */
	private static TransferResult handOver(CoreLoop running, Map<String, Integer> load, boolean first) {
		if (first || load.isEmpty()) {
			RaftNode.TransferAttempt attempt = running.call((node, now) -> node.transferLeadershipToBestPeer(now),
					new RaftNode.TransferAttempt(null, TransferResult.NOT_LEADER));
			if (attempt.result() == TransferResult.STARTED && attempt.target() != null) {
				load.computeIfPresent(attempt.target(), (member, count) -> count + 1);
			}
			return attempt.result();
		}
		String target = load.entrySet()
			.stream()
			.min(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
			.orElseThrow()
			.getKey();
		TransferResult result = running.call((node, now) -> node.transferLeadership(target, now),
				TransferResult.NOT_LEADER);
		if (result == TransferResult.STARTED) {
			load.merge(target, 1, Integer::sum);
			return result;
		}
		return running.call(RaftServer::transferToBestPeer, TransferResult.NOT_LEADER);
	}

	/**
	 * The voters other than this member that it heard from within twice the maximum election
	 * timeout, with how many of the groups each leads.
	 */
	private Map<String, Integer> leadersInTouch(List<RaftServer> servers) {
		Membership members = this.board.snapshot().status().membership();
		Map<String, Integer> load = new TreeMap<>();
		if (members == null) {
			return load;
		}
		for (String voter : inTouch(members.voters())) {
			load.put(voter, 0);
		}
		for (RaftServer server : servers) {
			String leader = server.board.snapshot().status().leaderId();
			if (leader != null && load.containsKey(leader)) {
				load.merge(leader, 1, Integer::sum);
			}
		}
		return load;
	}

	/**
	 * Which of these members, other than this one, the transport heard from within twice the
	 * maximum election timeout, as a follower would hear from its leader: those a group may be
	 * handed to.
	 * @param members the members to ask about
	 * @return those in touch, in the order given
	 */
	Set<String> inTouch(Collection<String> members) {
		Instant now = this.clock.instant();
		Duration window = this.config.electionTimeoutMax().multipliedBy(2);
		Set<String> inTouch = new LinkedHashSet<>();
		for (String member : members) {
			Instant contact = this.transport.peerState(member).lastContact();
			if (!member.equals(this.config.nodeId()) && contact != null
					&& Duration.between(contact, now).compareTo(window) <= 0) {
				inTouch.add(member);
			}
		}
		return inTouch;
	}

	private void handOverBeforeStopping(CoreLoop running) {
		running.stopCampaigning();
		TransferResult result = running.call(RaftServer::transferToBestPeer, TransferResult.NOT_LEADER);
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
	 * Whether requests from that member are handled: another member of the configuration in
	 * force, or one that {@code raft.peers} lists.
	 * @param memberId the sender of a request
	 * @return {@code true} if it is such a member and not this one
	 */
	@Override
	public boolean acceptsSender(String memberId) {
		return acceptsFrom(memberId, null);
	}

	/**
	 * Whether a request is handled: from another member of the configuration in force or of
	 * {@code raft.peers}; from a node this member does not know that names its cluster, or names
	 * any cluster while this member belongs to none (who is a member changes at run time, and a
	 * member must follow a leader that was added, or that adds it, before it knew of it); and,
	 * from any other node, the requests with which a replica introduces itself: the pre-vote that
	 * asks whether it may form a cluster, and the request to join. The token keeps out everyone
	 * else.
	 * @param request the request
	 * @param clusterId the cluster its sender names, or {@code null}
	 * @return whether the request may be handled
	 */
	@Override
	public boolean accepts(Message request, @Nullable String clusterId) {
		if (request.from().equals(this.config.nodeId())) {
			return false;
		}
		boolean introduction = request instanceof JoinRequest
				|| (request instanceof RequestVote vote && vote.asksToForm());
		return introduction || acceptsFrom(request.from(), clusterId);
	}

	/**
	 * {@inheritDoc}
	 * <p>Also refuses, with {@code 409}, requests from two processes that send as the same member
	 * (see {@code InstanceWatch}).
	 */
	@Override
	public @Nullable RpcRefusal refusal(Message request, @Nullable String clusterId, @Nullable String instance) {
		if (request.from().equals(this.config.nodeId())) {
			String reason = "Member id '" + RpcRefusal.echo(request.from()) + "' is this replica's own: another process uses it too "
					+ "(every replica needs its own raft.node-id)";
			noteConflict(reason, "a request from another process with its own member id");
			return new RpcRefusal(409, reason, RpcRefusal.DUPLICATE_MEMBER_ID);
		}
		if (!accepts(request, clusterId)) {
			return RpcRefusal.forbidden("Sender '" + RpcRefusal.echo(request.from()) + "' is not another member of this cluster");
		}
		return this.instances.check(request, instance);
	}


	/** Notes that another member refused a request because another process sends as this member too. */
	private void requestFailed(Throwable failure) {
		if (failure instanceof RpcRefusedException refused
				&& RpcRefusal.DUPLICATE_MEMBER_ID.equals(refused.getCode())) {
			noteConflict(String.valueOf(refused.getReason()), "'" + refused.getMemberId() + "'");
		}
	}

	private void noteConflict(String reason, String source) {
		long now = this.nanoClock.getAsLong();
		Conflict previous = this.conflict;
		this.conflict = new Conflict(reason, now);
		if (previous == null || now - previous.atNanos() > CONFLICT_MEMORY.toNanos()) {
			logger.error("Raft member '" + this.config.nodeId() + "' learned from " + source
					+ " that another process uses its member id: " + reason
					+ ". Give every replica its own raft.node-id; until then the election is not safe.");
		}
	}

	private @Nullable String conflict() {
		Conflict current = this.conflict;
		return (current != null && this.nanoClock.getAsLong() - current.atNanos() < CONFLICT_MEMORY.toNanos())
				? current.reason() : null;
	}

	private boolean acceptsFrom(String memberId, @Nullable String clusterId) {
		if (memberId.equals(this.config.nodeId())) {
			return false;
		}
		if (this.config.members().contains(memberId)) {
			return true;
		}
		Membership membership = this.board.snapshot().status().membership();
		if (membership == null) {
			return clusterId != null;
		}
		return membership.contains(memberId) || membership.clusterId().equals(clusterId);
	}

	/**
	 * Whether this member voted in the term it is in, and that term began after this run of the
	 * member started: it took part in the election of the leadership it follows (the replicas
	 * started together, or a leader failed meanwhile), rather than joining one already
	 * established (a restart into a running cluster).
	 */
	boolean votedSinceStart() {
		Status status = this.board.snapshot().status();
		return status.votedFor() != null && status.term() > this.startTerm;
	}

	/** The id of the cluster this member belongs to, or {@code null} while it belongs to none. */
	@Override
	public @Nullable String clusterId() {
		Membership membership = this.board.snapshot().status().membership();
		return (membership != null) ? membership.clusterId() : null;
	}

	@Override
	public double timeoutFactor() {
		return CoreLoop.timeoutFactor(this.board.snapshot().status().timing(),
				this.config.baselineTiming().heartbeatIntervalMillis());
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
		Membership membership = status.membership();
		SortedSet<String> others = new TreeSet<>(this.config.members());
		if (membership != null) {
			others.addAll(membership.members());
		}
		status.peers().forEach((progress) -> others.add(progress.id()));
		others.remove(this.config.nodeId());
		List<PeerStatus> peers = new ArrayList<>();
		for (String member : others) {
			PeerState state = this.transport.peerState(member);
			PeerProgress progress = status.peers()
				.stream()
				.filter((peer) -> peer.id().equals(member))
				.findFirst()
				.orElse(null);
			peers.add(new PeerStatus(member, state.url(), state.lastContact(), state.circuitBreaker(),
					(progress != null) ? progress.matchIndex() : null, standingOf(member, membership, progress),
					this.config.members().contains(member), state.lastError(), state.lastErrorAt(),
					(progress != null && progress.roundTripNanos() != null) ? Duration.ofNanos(progress.roundTripNanos())
							: null));
		}
		StatusSnapshot.Leadership leadership = current.leadership();
		Instant leaderSince = (leader && leadership != null) ? leadership.since() : null;
		return new RaftStatus(status.nodeId(), current.state(), status.role(), status.term(), status.leaderId(), leader,
				leaderSince, status.votedFor(), status.commitIndex(), status.lastLogIndex(),
				current.lastLeaderContact(), peers, standing(status), membershipOf(status).orElse(null),
				(membership == null) ? status.formation() : null, conflict(),
				(current.state() == RaftStatus.State.RUNNING) ? this.runningSince : null, timing(status));
	}

	private @Nullable RaftTiming timing(Status status) {
		Timing timing = status.timing();
		if (timing == null) {
			return null;
		}
		Incidents incidents = status.incidents();
		return new RaftTiming(timing.electionTimeoutMin(), timing.electionTimeoutMax(), timing.heartbeatInterval(),
				timing.level(), timing.reason(), status.timingIndex(), status.timingIndex() <= status.commitIndex(),
				this.config.electionTimeoutMin(), this.config.electionTimeoutMax(), this.config.heartbeatInterval(),
				new RaftTiming.Incidents(incidents.leaseLapses(), incidents.lateRounds(), incidents.campaignsWhileLeading(),
						incidents.pauses(), Duration.ofNanos(incidents.longestPauseNanos()), incidents.timingChanges()));
	}

	private static RaftStatus.Standing standing(Status status) {
		Membership membership = status.membership();
		if (status.removed()) {
			return RaftStatus.Standing.REMOVED;
		}
		if (membership == null || !membership.contains(status.nodeId())) {
			return RaftStatus.Standing.JOINING;
		}
		return membership.isLearner(status.nodeId()) ? RaftStatus.Standing.LEARNER : RaftStatus.Standing.VOTER;
	}

	private static RaftStatus.Standing standingOf(String member, @Nullable Membership membership,
			@Nullable PeerProgress progress) {
		if (membership != null && membership.isVoter(member)) {
			return RaftStatus.Standing.VOTER;
		}
		if (membership != null && membership.isLearner(member)) {
			return RaftStatus.Standing.LEARNER;
		}
		// A leader still tells a member it just removed; otherwise only raft.peers lists it.
		return (progress != null) ? RaftStatus.Standing.REMOVED : RaftStatus.Standing.JOINING;
	}

	private static Optional<RaftMembership> membershipOf(Status status) {
		Membership membership = status.membership();
		return (membership != null)
				? Optional.of(RaftMembership.of(membership, status.membershipIndex(), status.isMembershipCommitted()))
				: Optional.empty();
	}

	@Override
	public Optional<RaftMembership> membership() {
		if (this.root != this) {
			return this.root.membership();
		}
		return membershipOf(this.board.snapshot().status());
	}

	// Election groups

	@Override
	public String groupName() {
		return this.group;
	}

	@Override
	public List<String> groups() {
		List<String> names = new ArrayList<>();
		names.add(DEFAULT_GROUP);
		names.addAll(this.root.others.keySet());
		return names;
	}

	/**
	 * {@inheritDoc}
	 * @return the server of that group
	 */
	@Override
	public RaftServer group(String name) {
		if (DEFAULT_GROUP.equals(name)) {
			return this.root;
		}
		RaftServer server = this.root.others.get(name);
		if (server == null) {
			throw new IllegalArgumentException("No election group '" + name + "': raft.groups names "
					+ this.root.others.keySet() + " (the default group is '" + DEFAULT_GROUP + "')");
		}
		return server;
	}

	/** {@inheritDoc} <p>The server of that group, which handles its requests. */
	@Override
	public @Nullable RaftRpcHandler groupHandler(String name) {
		return DEFAULT_GROUP.equals(name) ? this.root : this.root.others.get(name);
	}

	/** The core loop of this group while it runs, for the coordination of the groups on the core thread. */
	@Nullable CoreLoop loop() {
		return this.loop;
	}

	/** The servers of the other groups than the default one; empty on theirs. */
	Map<String, RaftServer> otherGroups() {
		return Collections.unmodifiableMap(this.others);
	}

	/** The transport every group shares. */
	RaftTransport transport() {
		return this.transport;
	}

	/**
	 * {@inheritDoc}
	 * <p>The returned future completes on the event thread, after the
	 * {@link io.github.raftboot.event.MembershipChangedEvent} of the same configuration.
	 */
	@Override
	public CompletableFuture<RaftMembership> addMember(String nodeId, URI url) {
		if (this.root != this) {
			return this.root.addMember(nodeId, url);
		}
		String problem = invalidMember(nodeId, url);
		if (problem != null) {
			return refused(MembershipChangeResult.INVALID, problem);
		}
		String id = nodeId.strip();
		MembershipChangeResult result = onCore((node, now) -> node.addMember(id, url.toString(), now));
		if (result != MembershipChangeResult.STARTED) {
			return refused(result, refusal(result, "add '" + id + "'"));
		}
		logger.info("Raft member '" + this.config.nodeId() + "' adds '" + id + "' (" + url + ") to the cluster");
		return this.changes.await((membership) -> membership.settled() && membership.voters().contains(id),
				this.board.snapshot());
	}

	/**
	 * {@inheritDoc}
	 * <p>The returned future completes on the event thread, after the
	 * {@link io.github.raftboot.event.MembershipChangedEvent} of the same configuration.
	 */
	@Override
	public CompletableFuture<RaftMembership> removeMember(String nodeId) {
		if (this.root != this) {
			return this.root.removeMember(nodeId);
		}
		if (nodeId == null || nodeId.isBlank()) {
			return refused(MembershipChangeResult.INVALID, "The id of the member to remove is blank");
		}
		String id = nodeId.strip();
		MembershipChangeResult result = onCore((node, now) -> node.removeMember(id, now));
		if (result != MembershipChangeResult.STARTED) {
			return refused(result, refusal(result, "remove '" + id + "'"));
		}
		logger.info("Raft member '" + this.config.nodeId() + "' removes '" + id + "' from the cluster");
		return this.changes.await((membership) -> membership.settled() && !membership.members().contains(id),
				this.board.snapshot());
	}

	private static @Nullable String invalidMember(@Nullable String nodeId, @Nullable URI url) {
		if (nodeId == null || nodeId.isBlank()) {
			return "The id of the member to add is blank";
		}
		if (url == null || !url.isAbsolute() || url.getHost() == null
				|| !("http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme()))
				|| url.getRawQuery() != null || url.getRawFragment() != null) {
			return "The URL of '" + nodeId.strip() + "' is '" + url
					+ "', which is not an absolute http or https URL without query or fragment, such as "
					+ "http://10.0.0.4:8080";
		}
		return null;
	}

	private CompletableFuture<RaftMembership> refused(MembershipChangeResult result, String message) {
		String leader = this.board.snapshot().status().leaderId();
		return CompletableFuture.failedFuture(new MembershipChangeException(result,
				(leader != null && !leader.equals(this.config.nodeId())) ? leader : null, message));
	}

	private String refusal(MembershipChangeResult result, String change) {
		String leader = this.board.snapshot().status().leaderId();
		String prefix = "Raft member '" + this.config.nodeId() + "' cannot " + change + ": ";
		return prefix + switch (result) {
			case NOT_LEADER -> "it is not the leader"
					+ ((leader != null) ? "; ask the leader, '" + leader + "'" : "; no leader is known right now, try again");
			case NOT_READY -> "it has just become leader and has not committed an entry of its term yet; try again in a moment";
			case CHANGE_IN_PROGRESS -> "another change of the members is under way (see /actuator/raft); try again once "
					+ "it is done, or remove a learner that cannot catch up";
			case TRANSFER_IN_PROGRESS -> "it is handing leadership over; ask the new leader";
			case ALREADY_MEMBER -> "it is a member already";
			case UNKNOWN_MEMBER -> "it is no member";
			case WOULD_LOSE_QUORUM -> "too few voters would be left reachable to make a majority (the leader heard "
					+ "from too few within the minimum election timeout), or it is the last voter";
			case INVALID -> "the id or URL is invalid";
			case STARTED -> "it started";
		};
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
		return onCore(RaftServer::transferToBestPeer, TransferResult.NOT_LEADER);
	}

	@Override
	public TransferResult transferLeadership(String nodeId) {
		return onCore((current, now) -> current.transferLeadership(nodeId, now), TransferResult.NOT_LEADER);
	}

	private static TransferResult transferToBestPeer(RaftNode node, long nowNanos) {
		return node.transferLeadershipToBestPeer(nowNanos).result();
	}

	private <T> T onCore(CoreLoop.Call<T> call, T fallback) {
		CoreLoop running = this.loop;
		return (running != null) ? running.call(call, fallback) : fallback;
	}

	private MembershipChangeResult onCore(CoreLoop.Call<MembershipChangeResult> call) {
		return onCore(call, MembershipChangeResult.NOT_LEADER);
	}

	/** A refusal that says another process uses this member's id, and when it came. */
	private record Conflict(String reason, long atNanos) {
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
