package io.github.raftboot.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import io.github.raftboot.bench.BenchOptions.Settings;
import io.github.raftboot.bench.Results.Change;
import io.github.raftboot.bench.Results.ClusterRun;
import io.github.raftboot.bench.Results.FollowerRestart;
import io.github.raftboot.bench.Results.GroupFailover;
import io.github.raftboot.bench.Results.GroupsIdle;
import io.github.raftboot.bench.Results.IdleWindow;
import io.github.raftboot.bench.Results.Kind;
import io.github.raftboot.bench.Results.Member;
import io.github.raftboot.bench.Results.MembershipChange;
import io.github.raftboot.bench.Results.Part;
import io.github.raftboot.bench.Results.RollingRestart;
import io.github.raftboot.bench.Results.RollingStep;
import io.github.raftboot.bench.Results.Settling;
import io.github.raftboot.bench.Results.Transition;
import org.jspecify.annotations.Nullable;

/**
 * The failover benchmark. Starts clusters of sample-app replicas as processes on 127.0.0.1, per
 * {@link Profile} (the quiet one, then the busy one with its background load running) and, per
 * cluster size:
 * <ol>
 * <li>warms them up (a while, then leadership transfers round robin so that every replica has
 * led);</li>
 * <li>measures the idle cost of each replica (CPU, resident memory, TCP bytes) and counts
 * elections during the window;</li>
 * <li>starts a replica that is no member, adds it and removes it again, again and again: from
 * the request to the leader's report of the change done ({@link MembershipProbe});</li>
 * <li>kills the leader with SIGKILL, or stops it with SIGTERM, again and again: from the signal
 * to the {@code leaderSince} of the first replica that is active leader afterwards; the old
 * leader is restarted and must follow for a while before the next signal;</li>
 * <li>busy profile: restarts followers one at a time, and counts elections meanwhile;</li>
 * <li>restarts all replicas one after the other, highest ordinal first, as a Kubernetes
 * StatefulSet does (after the failovers in the quiet profile, before them in the busy one).</li>
 * </ol>
 * Afterwards it reads every active leadership from the replicas' logs ({@link Leaderships}): the
 * time without an active leader during restarts, and flaps.
 * Writes a Markdown report, CSV files and a CDF plot. {@code --help} lists the options.
 */
public final class RaftBench {

	/** What a replica logs when its election warm-up ended (or will not run, or failed). */
	private static final List<String> WARM_UP_ENDED = List.of("warmed up the election and leader code",
			"could not warm up the election code", "the election code of this JVM was warmed up already",
			"no warm-up of the election code");

	private static final Duration DETECTION_LIMIT = Duration.ofSeconds(10);

	/** How long a groups idle window or failover waits at most for every group's timing to narrow back: see awaitConfiguredTiming. */
	private static final Duration TIMING_SETTLE_LIMIT = Duration.ofSeconds(90);

	private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

	/** How many measurements per transition may be discarded because leadership moved before the signal. */
	private static final int MAX_DISCARDED_PER_TRANSITION = 2;

	/** How long a restarted replica may take to start at nice 19 before it gets the replicas' nice value. */
	private static final Duration NICE_LIMIT = Duration.ofSeconds(10);

	/** Other processes' CPU use, in % of one CPU, below which the machine counts as quiet. */
	private static final double QUIET_PERCENT = 50;

	private static final String ELECTIONS_STARTED = "raft_elections_started_total";

	private static final String PRE_VOTES_STARTED = "raft_prevotes_started_total";

	private static final String ELECTIONS_WON = "raft_elections_won_total";

	private static final String LEADER_CHANGES = "raft_leader_changes_total";

	private final BenchOptions options;

	private final PrintStream log;

	private final Random random;

	private final List<Transition> transitions = new ArrayList<>();

	private final List<IdleWindow> windows = new ArrayList<>();

	private final List<Settling> settles = new ArrayList<>();

	private final List<MembershipChange> membershipChanges = new ArrayList<>();

	private final List<FollowerRestart> followerRestarts = new ArrayList<>();

	private final List<RollingRestart> rollingRestarts = new ArrayList<>();

	private final List<ClusterRun> clusters = new ArrayList<>();

	private final List<Results.Load> loads = new ArrayList<>();

	private final List<GroupsIdle> groupsIdle = new ArrayList<>();

	private final List<GroupFailover> groupFailovers = new ArrayList<>();

	/** The profile being measured. */
	private Settings settings;

	/** The parts of the cluster being measured. */
	private final List<Part> parts = new ArrayList<>();

	private @Nullable String partName;

	private @Nullable Instant partFrom;

	private Duration quietWaitLeft;

	private int discarded;

	private @Nullable String failure;

	private RaftBench(BenchOptions options, PrintStream log) {
		this.options = options;
		this.log = log;
		this.random = new Random(options.seed);
		this.quietWaitLeft = options.quietWait;
		this.settings = options.settings(Profile.QUIET);
	}

	public static void main(String[] args) throws Exception {
		if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
			System.out.println(BenchOptions.usage());
			return;
		}
		BenchOptions options;
		try {
			options = BenchOptions.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.exit(2);
			return;
		}
		Results results = run(options, System.out);
		System.out.println();
		System.out.println(results.report());
		System.out.println("Written: ");
		results.files().forEach((file) -> System.out.println("  " + file));
	}

	/**
	 * Runs the benchmark.
	 * @param options the settings
	 * @param log where progress goes
	 * @return what was measured, after the report and the CSV files were written
	 */
	static Results run(BenchOptions options, PrintStream log) throws IOException, InterruptedException {
		System.setProperty("java.awt.headless", "true");
		return new RaftBench(options, log).run();
	}

	private Results run() throws IOException, InterruptedException {
		Instant startedAt = Instant.now();
		long start = System.nanoTime();
		Path out = this.options.out.toAbsolutePath();
		Files.createDirectories(out);
		Path replicasDir = out.resolve("replicas");
		Launcher.deleteRecursively(replicasDir);
		Launcher launcher = Launcher.prepare(this.options, out.getParent().resolve("bench-cache"), this.log);
		MachineInfo machine = MachineInfo.detect(launcher.java(), launcher.jvmOptions());
		this.log.println("Machine: " + machine.describe() + "; load average " + machine.loadAverageAtStart());
		this.log.println("Replica JVM options: " + String.join(" ", launcher.jvmOptions()));
		this.log.println("Settings: " + this.options.describe());
		try {
			for (Profile profile : this.options.profiles) {
				runProfile(launcher, profile, replicasDir.resolve(profile.optionValue()));
			}
		}
		catch (IllegalStateException ex) {
			// Report what was measured so far.
			this.log.println("Stopped early: " + ex.getMessage());
			this.failure = ex.getMessage();
		}
		finally {
			Processes.killAll();
		}
		Duration duration = Duration.ofNanos(System.nanoTime() - start);
		Results measured = new Results(this.options, machine, launcher.jvmOptions(), startedAt, duration,
				List.copyOf(this.transitions), List.copyOf(this.windows), List.copyOf(this.settles),
				List.copyOf(this.membershipChanges), List.copyOf(this.followerRestarts), List.copyOf(this.rollingRestarts),
				List.copyOf(this.clusters), List.copyOf(this.loads), this.discarded, this.failure, List.copyOf(this.groupsIdle),
				List.copyOf(this.groupFailovers), "", List.of(), List.of());
		return Report.write(measured, out);
	}

	/**
	 * Runs every cluster size of a profile; with the profile's background load running from
	 * before the first cluster starts until after the last one stopped.
	 */
	private void runProfile(Launcher launcher, Profile profile, Path dir) throws IOException, InterruptedException {
		TreeSet<Integer> sizes = this.options.sizes(profile);
		boolean groups = profile == Profile.QUIET && this.options.measuresGroups();
		if (sizes.isEmpty() && !groups) {
			return;
		}
		this.settings = this.options.settings(profile);
		this.log.printf(Locale.ROOT, "== %s: replicas at nice %d, restarted at nice %d, %d warm-up transfers per replica%s%n",
				profile.title(), this.settings.nice(), this.settings.restartNice(), this.settings.warmUpTransfersPerReplica(),
				(this.settings.loadThreads() > 0) ? ", background load of " + LoadGenerator.shape(this.settings.loadThreads())
						: "");
		LoadGenerator.Running load = null;
		try {
			if (this.settings.loadThreads() > 0) {
				load = LoadGenerator.start(launcher.java(), this.settings.loadThreads());
			}
			for (int size : sizes) {
				runCluster(launcher, size, dir.resolve(size + "-replicas"));
			}
			if (groups) {
				runGroups(launcher, dir);
			}
		}
		finally {
			if (load != null) {
				load.close();
				this.loads.add(new Results.Load(profile, load.threads(), LoadGenerator.shape(load.threads()), load.percent(),
						load.seconds()));
				this.log.printf(Locale.ROOT, "== %s: the background load used %.0f %% of a core for %.0f s%n", profile.title(),
						load.percent(), load.seconds());
			}
		}
	}

	private void runCluster(Launcher launcher, int size, Path dir) throws IOException, InterruptedException {
		long start = System.nanoTime();
		Profile profile = this.settings.profile();
		boolean quiet = profile == Profile.QUIET;
		this.parts.clear();
		Cluster cluster = new Cluster(size, launcher, this.options, dir, this.settings.nice());
		try (cluster) {
			beginPart(cluster, "start and warm-up");
			this.log.printf(Locale.ROOT, "[%d replicas, %s] starting …%n", size, profile.optionValue());
			Cluster.Stable stable = cluster.startAll(Duration.ofSeconds(60 + 20L * size));
			this.log.printf(Locale.ROOT, "[%d replicas] %s leads term %d after %.1f s; warming up …%n", size,
					stable.leader(), stable.term(), seconds(start));
			warmUp(cluster);
			boolean idle = quiet ? this.options.idleSizes.contains(size)
					: this.options.parts.contains(BenchOptions.Part.IDLE) && this.options.sizes.contains(size);
			if (idle) {
				beginPart(cluster, "idle");
				this.windows.add(measureIdle(cluster, "idle", this.options.idleWindow));
			}
			if (this.options.longRun && size == this.options.longSize) {
				beginPart(cluster, "long idle");
				this.windows.add(measureIdle(cluster, "long", this.options.longWindow));
			}
			// Before the failovers: the last leader killed is not restarted.
			if (quiet && this.options.membershipChanges > 0 && size == this.options.membershipSize) {
				beginPart(cluster, "membership");
				measureMembershipChanges(cluster);
			}
			boolean rolling = this.options.rollingRestarts(profile) > 0 && this.options.sizes.contains(size);
			if (!quiet) {
				// Replicas that have never led, for as long as possible: restarts first.
				int restarts = this.options.sizes.contains(size) ? this.options.followerRestarts(size) : 0;
				if (restarts > 0) {
					beginPart(cluster, "follower restarts");
					measureFollowerRestarts(cluster, restarts);
				}
				if (rolling) {
					beginPart(cluster, "rolling restart");
					measureRollingRestarts(cluster);
				}
			}
			boolean transitions = quiet ? this.options.failoverSizes.contains(size)
					: this.options.sizes.contains(size) && this.settings.kills() + this.settings.terms() > 0;
			if (transitions) {
				beginPart(cluster, "failover and handover");
				measureTransitions(cluster);
			}
			if (quiet && rolling) {
				// After everything the history measured, so that its figures stay comparable.
				restartStopped(cluster);
				beginPart(cluster, "rolling restart");
				measureRollingRestarts(cluster);
			}
			endPart(cluster);
		}
		finally {
			// Without the timing at its end if the part failed.
			endPart(null);
			try {
				this.clusters.add(new ClusterRun(profile, size, this.parts, Leaderships.read(cluster.logs()),
						TimingEvents.read(cluster.logs())));
			}
			catch (UncheckedIOException | IllegalArgumentException ex) {
				this.log.println("Could not read the replicas' logs: " + ex.getMessage());
			}
		}
		this.log.printf(Locale.ROOT, "[%d replicas] done in %.0f s%n", size, seconds(start));
	}

	private void beginPart(Cluster cluster, String name) {
		endPart(cluster);
		this.partName = name;
		this.partFrom = Instant.now();
	}

	/**
	 * Ends the part under way, if any, with the leader and the timing in force that
	 * {@code /actuator/raft} of the replicas shows now.
	 * @param cluster the cluster, or {@code null} not to ask it (it failed)
	 */
	private void endPart(@Nullable Cluster cluster) {
		if (this.partName != null && this.partFrom != null) {
			Instant to = Instant.now();
			Collection<RaftView> views = (cluster != null) ? cluster.statusOfAll().values() : List.of();
			RaftView leader = views.stream().filter(RaftView::leader).findFirst().orElse(null);
			RaftView.Timing timing = (leader != null) ? leader.timing()
					: views.stream().map(RaftView::timing).filter(Objects::nonNull).findFirst().orElse(null);
			this.parts.add(new Part(this.partName, this.partFrom, to, (leader != null) ? leader.nodeId() : null, timing));
			if (timing != null) {
				this.log.printf(Locale.ROOT, "[%d replicas] %s ended; timing in force: %s (%s)%n",
						Objects.requireNonNull(cluster).size(), this.partName, timing.describe(), timing.reason());
			}
		}
		this.partName = null;
		this.partFrom = null;
	}

	// Warm-up

	private void warmUp(Cluster cluster) throws InterruptedException {
		sleep(this.options.warmUp);
		awaitElectionWarmUps(cluster, Duration.ofSeconds(90));
		Cluster.Stable stable = cluster.awaitStable(Duration.ofSeconds(30));
		List<String> ids = cluster.replicas().stream().map(Replica::id).toList();
		// A cluster that is only watched idle needs every replica to have led once.
		int perReplica = this.options.failoverSizes.contains(cluster.size()) ? this.settings.warmUpTransfersPerReplica()
				: Math.min(1, this.settings.warmUpTransfersPerReplica());
		int transfers = perReplica * ids.size();
		String leader = stable.leader();
		for (int i = 0; i < transfers; i++) {
			String target = ids.get((ids.indexOf(leader) + 1) % ids.size());
			String result = cluster.transfer(leader, target);
			Cluster.Stable after = awaitLeader(cluster, target, Duration.ofSeconds(5));
			if (after == null) {
				this.log.printf(Locale.ROOT, "  warm-up transfer %s -> %s: %s, not taken over in time%n", leader, target,
						result);
				after = cluster.awaitStable(Duration.ofSeconds(30));
			}
			leader = after.leader();
			sleep(Duration.ofMillis(150));
		}
		sleep(Duration.ofMillis(500));
		cluster.awaitStable(Duration.ofSeconds(30));
	}

	/**
	 * Waits until every replica of a new cluster has finished the warm-up of its election code
	 * ({@code raft.warm-up.enabled}, a few seconds of CPU each once the replica is ready), as
	 * the line it logs says, so that no measurement of a new cluster runs while the replicas
	 * still warm up beside each other. A restarted replica's warm-up is not waited for: its cost
	 * is part of what a restart costs the others.
	 */
	private void awaitElectionWarmUps(Cluster cluster, Duration timeout) throws InterruptedException {
		long start = System.nanoTime();
		long deadline = start + timeout.toNanos();
		// How far each pending replica's log has been read: a log at DEBUG grows by megabytes
		// while the replicas warm up, and only what is new needs reading again.
		Map<Replica, Long> read = new LinkedHashMap<>();
		cluster.replicas().forEach((replica) -> read.put(replica, 0L));
		while (!read.isEmpty() && System.nanoTime() - deadline < 0) {
			read.entrySet().removeIf((pending) -> {
				long position = warmUpEnded(pending.getKey().log(), pending.getValue());
				pending.setValue(position);
				return position < 0;
			});
			if (!read.isEmpty()) {
				sleep(Duration.ofMillis(250));
			}
		}
		if (!read.isEmpty()) {
			this.log.printf(Locale.ROOT, "  election warm-up not finished after %.0f s by %s%n", seconds(start),
					read.keySet().stream().map(Replica::id).toList());
		}
	}

	/**
	 * Reads a replica's log from {@code position} on (less a line's length, so that a line cut
	 * by the previous read is read whole) for the line that says its election warm-up ended.
	 * @return -1 if it is there, else how far the log has been read
	 */
	private static long warmUpEnded(Path log, long position) {
		try (SeekableByteChannel channel = Files.newByteChannel(log)) {
			long from = Math.max(0, position - 512);
			ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, channel.size() - from));
			channel.position(from);
			while (buffer.hasRemaining() && channel.read(buffer) > 0) {
				// until the end as it was when opened
			}
			String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
			return WARM_UP_ENDED.stream().anyMatch(text::contains) ? -1 : from + buffer.position();
		}
		catch (IOException ex) {
			// Not there yet, or not readable now: read again next time
			return position;
		}
	}

	private Cluster.@Nullable Stable awaitLeader(Cluster cluster, String expected, Duration timeout)
			throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() - deadline < 0) {
			Optional<Cluster.Stable> stable = cluster.stable(cluster.statusOfAll());
			if (stable.isPresent() && stable.get().leader().equals(expected)) {
				return stable.get();
			}
			Thread.sleep(50);
		}
		return null;
	}

	// Idle cost

	private IdleWindow measureIdle(Cluster cluster, String name, Duration window) throws IOException, InterruptedException {
		Cluster.Stable before = cluster.awaitStable(Duration.ofSeconds(30));
		this.log.printf(Locale.ROOT, "[%d replicas] %s window of %s, %s leads …%n", cluster.size(), name,
				BenchOptions.format(window), before.leader());
		Map<String, Map<String, Double>> countersBefore = cluster.countersOfAll();
		// Let the effect of the scrape pass before the window opens.
		sleep(Duration.ofSeconds(1));
		Map<String, Long> pids = new LinkedHashMap<>();
		Map<Integer, Long> pidByPort = new LinkedHashMap<>();
		for (Replica replica : cluster.replicas()) {
			pids.put(replica.id(), replica.pid());
			pidByPort.put(replica.port(), replica.pid());
		}
		SocketTraffic traffic = SocketTraffic.start(pidByPort);
		Map<String, Long> ticksBefore = cpuTicks(pids);
		Map<String, Long> jitBefore = jitTicks(pids);
		BackgroundLoad background = BackgroundLoad.start();
		long windowStart = System.nanoTime();
		SocketTraffic.Result bytes;
		Map<String, Long> ticksAfter;
		Map<String, Long> jitAfter;
		double backgroundPercent;
		double elapsed;
		try {
			sleep(window);
			ticksAfter = cpuTicks(pids);
			jitAfter = jitTicks(pids);
			backgroundPercent = background.percent();
			elapsed = seconds(windowStart);
			bytes = traffic.stop();
		}
		finally {
			traffic.close();
		}
		Map<String, Double> rss = new LinkedHashMap<>();
		pids.forEach((id, pid) -> rss.put(id, ProcFs.rssKib(pid).orElse(0) / 1024.0));
		Map<String, Map<String, Double>> countersAfter = cluster.countersOfAll();
		Cluster.Stable after = cluster.awaitStable(Duration.ofSeconds(30));
		double ticksPerSecond = ProcFs.clockTicksPerSecond();
		List<Member> members = new ArrayList<>();
		double replicasTicks = 0;
		for (Map.Entry<String, Long> entry : pids.entrySet()) {
			String id = entry.getKey();
			long used = ticksAfter.getOrDefault(id, 0L) - ticksBefore.getOrDefault(id, 0L);
			long jit = jitAfter.getOrDefault(id, 0L) - jitBefore.getOrDefault(id, 0L);
			replicasTicks += used;
			SocketTraffic.Traffic own = bytes.of(entry.getValue());
			members.add(new Member(id, id.equals(before.leader()), 100.0 * used / ticksPerSecond / elapsed,
					100.0 * jit / ticksPerSecond / elapsed, rss.get(id),
					own.sent(), own.received(), own.withHeaders(), own.connectionsOpened()));
		}
		IdleWindow result = new IdleWindow(this.settings.profile(), name, cluster.size(), elapsed, before.leader(), after.leader(), before.term(),
				after.term(), delta(countersBefore, countersAfter, LEADER_CHANGES, null),
				delta(countersBefore, countersAfter, ELECTIONS_STARTED, null),
				delta(countersBefore, countersAfter, PRE_VOTES_STARTED, null), backgroundPercent,
				100.0 * replicasTicks / ticksPerSecond / elapsed, bytes.unattributedBytes(), bytes.balance(),
				bytes.destructionsSeen(), members);
		this.log.printf(Locale.ROOT,
				"[%d replicas] %s: leader CPU %.2f %%, followers max %.2f %%, elections %d, leader changes %d (other processes %.0f %% of a CPU)%n",
				cluster.size(), name, members.stream().filter(Member::leader).mapToDouble(Member::cpuPercent).max().orElse(0),
				members.stream().filter((member) -> !member.leader()).mapToDouble(Member::cpuPercent).max().orElse(0),
				result.electionsStarted(), result.leaderChanges(), backgroundPercent);
		return result;
	}

	private static Map<String, Long> cpuTicks(Map<String, Long> pids) {
		Map<String, Long> ticks = new LinkedHashMap<>();
		pids.forEach((id, pid) -> {
			OptionalLong used = ProcFs.cpuTicks(pid);
			if (used.isPresent()) {
				ticks.put(id, used.getAsLong());
			}
		});
		return ticks;
	}

	private static Map<String, Long> jitTicks(Map<String, Long> pids) {
		Map<String, Long> ticks = new LinkedHashMap<>();
		pids.forEach((id, pid) -> ticks.put(id, ProcFs.jitTicks(pid)));
		return ticks;
	}

	// Membership changes

	/**
	 * Starts a replica whose {@code raft.peers} lists the members and itself, then adds it and
	 * removes it again, {@code membershipChanges + 1} times; the first addition (its log empty, its
	 * JVM cold) and removal are not counted. Stops it at the end.
	 */
	private void measureMembershipChanges(Cluster cluster) throws IOException, InterruptedException {
		Replica spare = cluster.addSpare();
		this.log.printf(Locale.ROOT, "[%d replicas] starting %s, which waits to be added …%n", cluster.size(), spare.id());
		// At the lowest CPU priority while it starts, as a restarted replica (see measureTransition).
		cluster.start(spare, 19);
		awaitAnswer(cluster, spare, Duration.ofSeconds(120));
		ProcFs.renice(spare.pid(), this.settings.nice());
		MembershipProbe probe = new MembershipProbe(cluster, spare);
		int total = this.options.membershipChanges;
		for (int i = 0; i <= total; i++) {
			for (Change change : Change.values()) {
				MembershipChange measured;
				for (int attempt = 1;; attempt++) {
					probe.awaitReady(change);
					BackgroundLoad background = awaitQuietMachine();
					sleep(Duration.ofMillis(this.random.nextInt(50)));
					measured = probe.measure(change, i, background);
					if (!Double.isNaN(measured.millis()) || attempt == 3) {
						break;
					}
					sleep(Duration.ofSeconds(1));
					if (probe.isDone(change)) {
						break;
					}
					// Appended by a leader that lost its leadership before committing it: lost, as
					// Raft allows; not a measurement, so ask again.
					this.log.printf(Locale.ROOT, "[%d replicas] %s of %s lost with a change of leader (term %d); asking again%n",
							cluster.size(), (change == Change.ADD_MEMBER) ? "addition" : "removal", spare.id(),
							measured.term());
				}
				this.membershipChanges.add(measured);
				String which = (i == 0) ? "first" : String.format(Locale.ROOT, "%2d/%d", i, total);
				String what = (change == Change.ADD_MEMBER) ? "add" : "remove";
				String voting = Double.isNaN(measured.votingMillis()) ? ""
						: String.format(Locale.ROOT, ", voting after %.1f ms", measured.votingMillis());
				String refused = (measured.refusals() > 0) ? "; " + measured.refusals() + " requests refused first" : "";
				this.log.printf(Locale.ROOT, "[%d replicas] %s %s %s: taken by %s (term %d) in %.1f ms, done after %.1f ms "
						+ "(not yet after %.1f ms)%s%s%s (other processes %.0f %% of a CPU)%n", cluster.size(), which, what,
						spare.id(), measured.leader(), measured.term(), measured.answeredMillis(), measured.millis(),
						measured.undoneMillis(), voting, refused,
						measured.leaderInterrupted() ? "; the leader said meanwhile that it did not lead" : "", measured.backgroundPercent());
			}
		}
		spare.terminate();
		spare.awaitExit(Duration.ofSeconds(30));
		cluster.awaitStable(Duration.ofSeconds(30));
	}

	/**
	 * Waits until a replica just started answers; gives it the replicas' nice value if it is not
	 * up within {@link #NICE_LIMIT} because other processes keep the CPUs busy.
	 */
	private void awaitAnswer(Cluster cluster, Replica replica, Duration timeout) throws InterruptedException {
		long start = System.nanoTime();
		boolean reniced = false;
		while (System.nanoTime() - start < timeout.toNanos()) {
			if (!reniced && System.nanoTime() - start > NICE_LIMIT.toNanos()) {
				ProcFs.renice(replica.pid(), this.settings.nice());
				reniced = true;
			}
			if (!replica.isAlive()) {
				throw new IllegalStateException("Replica " + replica.id() + " died after its start; see " + replica.log());
			}
			if (cluster.membership(replica.id()).isPresent()) {
				return;
			}
			Thread.sleep(100);
		}
		throw new IllegalStateException("Replica " + replica.id() + " did not answer within " + timeout + " of its start");
	}

	// Failover and handover

	private void measureTransitions(Cluster cluster) throws IOException, InterruptedException {
		int total = this.settings.kills() + this.settings.terms();
		int terms = 0;
		int restarts = 0;
		long termsRaised = 0;
		int restartsWithElections = 0;
		Transition previous = null;
		for (int i = 0; i < total; i++) {
			// Spread the SIGTERMs evenly among the SIGKILLs.
			int expectedTerms = (int) ((long) (i + 1) * this.settings.terms() / total);
			Kind kind = (expectedTerms > terms) ? Kind.SIGTERM : Kind.SIGKILL;
			if (kind == Kind.SIGTERM) {
				terms++;
			}
			boolean last = i == total - 1;
			Transition transition = measureTransition(cluster, kind, i, !last);
			if (transition == null) {
				// Leadership moved on its own just before the signal: not a measurement, so again.
				if (++this.discarded > MAX_DISCARDED_PER_TRANSITION * total) {
					throw new IllegalStateException("Leadership keeps moving on its own: the machine is too busy to measure");
				}
				i--;
				if (kind == Kind.SIGTERM) {
					terms--;
				}
				continue;
			}
			this.transitions.add(transition);
			if (previous != null && previous.newLeader() != null) {
				// Terms raised while the previous victim restarted and rejoined.
				long raised = transition.oldTerm() - previous.newTerm();
				termsRaised += raised;
				restartsWithElections += (raised > 0) ? 1 : 0;
			}
			if (!last) {
				restarts++;
			}
			previous = transition;
			this.log.printf(Locale.ROOT, "[%d replicas] %2d/%d %s of %s (term %d): %s leads term %d after %.1f ms "
					+ "(other processes %.0f %% of a CPU)%s%n", cluster.size(), i + 1, total, kind, transition.oldLeader(),
					transition.oldTerm(), transition.newLeader(), transition.newTerm(), transition.millis(),
					transition.backgroundPercent(),
					Double.isNaN(transition.restartSeconds()) ? ""
							: String.format(Locale.ROOT, "; restarted in %.1f s", transition.restartSeconds()));
		}
		this.settles.add(new Settling(this.settings.profile(), cluster.size(), restarts, termsRaised, restartsWithElections));
	}

	/**
	 * Signals the leader and measures until another leads; restarts the old leader if asked to.
	 * @return the measurement, or {@code null} if leadership had moved on its own before the
	 * signal (the old leader is restarted all the same)
	 */
	private @Nullable Transition measureTransition(Cluster cluster, Kind kind, int index, boolean restart)
			throws IOException, InterruptedException {
		Cluster.Stable before = cluster.awaitStable(Duration.ofSeconds(60));
		Replica victim = cluster.replica(before.leader());
		List<String> survivors = cluster.replicas().stream().map(Replica::id).filter((id) -> !id.equals(victim.id())).toList();
		Map<String, Map<String, Double>> countersBefore = cluster.countersOfAll();
		// Let the scrape pass (and other processes calm down), then signal at a random phase of the heartbeat.
		BackgroundLoad background = awaitQuietMachine();
		sleep(Duration.ofMillis(this.random.nextInt(100)));
		Optional<RaftView> still = cluster.status(victim.id());
		if (still.isEmpty() || !still.get().leader() || still.get().term() != before.term()) {
			this.log.printf(Locale.ROOT, "  %s no longer led term %d just before the signal (%s): measuring again%n",
					victim.id(), before.term(), still.map(RaftView::toString).orElse("no answer"));
			return null;
		}
		Instant signalledAt = Instant.now();
		long signalled = System.nanoTime();
		if (kind == Kind.SIGKILL) {
			victim.kill();
		}
		else {
			victim.terminate();
		}
		RaftView newLeader = awaitNewLeader(cluster, survivors, before);
		double backgroundPercent = background.percent();
		boolean exited = victim.awaitExit(Duration.ofSeconds(30));
		double exitSeconds = seconds(signalled);
		if (!exited) {
			this.log.printf(Locale.ROOT, "  %s did not exit within 30 s of %s and was killed%n", victim.id(), kind);
		}
		long restarted = System.nanoTime();
		if (restart) {
			// Quiet profile: at the lowest CPU priority, as if on a machine of its own: a JVM
			// starting takes both cores for seconds and would starve the heartbeats of the others.
			cluster.start(victim, this.settings.restartNice());
		}
		Map<String, Map<String, Double>> countersAfter = cluster.countersOfAll();
		countersAfter.remove(victim.id());
		double restartSeconds = Double.NaN;
		if (restart) {
			String leader = awaitFollowing(cluster, victim, Duration.ofSeconds(120));
			restartSeconds = seconds(restarted);
			settle(cluster, victim, leader);
			reniceRestarted(victim);
		}
		if (newLeader != null && newLeader.leaderSince() != null && newLeader.leaderSince().isBefore(signalledAt)) {
			this.log.printf(Locale.ROOT, "  %s led since %s, before the signal at %s: measuring again%n", newLeader.nodeId(),
					newLeader.leaderSince(), signalledAt);
			return null;
		}
		return new Transition(this.settings.profile(), kind, cluster.size(), index, before.leader(), before.term(),
				(newLeader != null) ? newLeader.nodeId() : null, (newLeader != null) ? newLeader.term() : -1, signalledAt,
				(newLeader != null) ? newLeader.leaderSince() : null,
				delta(countersBefore, countersAfter, ELECTIONS_STARTED, victim.id()),
				delta(countersBefore, countersAfter, PRE_VOTES_STARTED, victim.id()),
				delta(countersBefore, countersAfter, ELECTIONS_WON, victim.id()), exitSeconds, restartSeconds,
				backgroundPercent);
	}

	/**
	 * Waits 100 ms and, within what is left of the run's budget for it, until other processes on
	 * the machine use less than half a CPU, so that someone else's build does not end up in the
	 * figures.
	 * @return the measurement of the other processes' load, started at the last quiet check
	 */
	private BackgroundLoad awaitQuietMachine() throws InterruptedException {
		if (!this.settings.awaitQuiet()) {
			// Busy profile: the machine is meant to be busy.
			BackgroundLoad load = BackgroundLoad.start();
			sleep(Duration.ofMillis(100));
			return load;
		}
		while (true) {
			long start = System.nanoTime();
			BackgroundLoad load = BackgroundLoad.start();
			sleep(Duration.ofMillis(100));
			if (this.quietWaitLeft.toMillis() <= 0 || load.percent() < QUIET_PERCENT) {
				return load;
			}
			this.quietWaitLeft = this.quietWaitLeft.minusNanos(System.nanoTime() - start);
			if (this.quietWaitLeft.toMillis() <= 0) {
				this.log.println("  the machine stays busy with other processes: measuring anyway (quiet-wait budget used up)");
			}
		}
	}

	/**
	 * Polls one survivor until it knows a new leader in a higher term, then asks that leader
	 * for its {@code leaderSince}. Polling one replica, not all, keeps the load on the cluster low
	 * while it elects; the figure itself comes from the new leader's own clock reading.
	 */
	private @Nullable RaftView awaitNewLeader(Cluster cluster, List<String> survivors, Cluster.Stable before)
			throws InterruptedException {
		long deadline = System.nanoTime() + DETECTION_LIMIT.toNanos();
		int observer = this.random.nextInt(survivors.size());
		while (System.nanoTime() - deadline < 0) {
			String id = survivors.get(observer);
			Optional<RaftView> view = cluster.status(id);
			if (view.isEmpty()) {
				observer = (observer + 1) % survivors.size();
			}
			else {
				String leaderId = view.get().leaderId();
				if (leaderId != null && view.get().term() > before.term() && !leaderId.equals(before.leader())) {
					Optional<RaftView> leader = leaderId.equals(id) ? view : cluster.status(leaderId);
					if (leader.isPresent() && leader.get().leader() && leader.get().leaderSince() != null) {
						return leader.get();
					}
				}
			}
			Thread.sleep(POLL_INTERVAL.toMillis());
		}
		this.log.printf(Locale.ROOT, "  no new active leader within %s of the signal to %s%n", DETECTION_LIMIT,
				before.leader());
		return null;
	}

	/**
	 * Waits until the restarted replica follows the cluster's leader; returns that leader. If the
	 * replica, started at a low CPU priority, is not up within {@link #NICE_LIMIT} because other
	 * processes keep the CPUs busy, it gets the normal priority.
	 */
	private String awaitFollowing(Cluster cluster, Replica replica, Duration timeout) throws InterruptedException {
		long start = System.nanoTime();
		long deadline = start + timeout.toNanos();
		boolean reniced = false;
		while (System.nanoTime() - deadline < 0) {
			if (!reniced && System.nanoTime() - start > NICE_LIMIT.toNanos()) {
				reniceRestarted(replica);
				reniced = true;
			}
			if (!replica.isAlive()) {
				throw new IllegalStateException("Replica " + replica.id() + " died after its restart; see " + replica.log());
			}
			Optional<Cluster.Stable> stable = cluster.stable(cluster.statusOfAll());
			if (stable.isPresent()) {
				return stable.get().leader();
			}
			Thread.sleep(50);
		}
		throw new IllegalStateException("Replica " + replica.id() + " did not follow within " + timeout + " of its restart");
	}

	/**
	 * Waits until the restarted replica has followed the same leader (or led itself) for the
	 * settle time. Any election meanwhile shows in the terms (see {@link Settling}).
	 */
	private void settle(Cluster cluster, Replica replica, String leader) throws InterruptedException {
		String current = leader;
		long followingSince = System.nanoTime();
		long deadline = followingSince + Duration.ofSeconds(60).toNanos();
		while (System.nanoTime() - followingSince < this.options.settle.toNanos() && System.nanoTime() - deadline < 0) {
			long left = this.options.settle.toMillis() - (System.nanoTime() - followingSince) / 1_000_000;
			Thread.sleep(Math.max(1, Math.min(250, left)));
			Optional<RaftView> view = cluster.status(replica.id());
			// It may have been elected itself meanwhile: then it settles as the leader.
			boolean settled = view.isPresent() && (view.get().isFollowerOf(current)
					|| (view.get().leader() && view.get().nodeId().equals(current)));
			if (!settled) {
				this.log.printf(Locale.ROOT, "  while %s settled, it reported %s instead of following %s%n", replica.id(),
						view.map(RaftView::toString).orElse("nothing"), current);
				current = cluster.awaitStable(Duration.ofSeconds(30)).leader();
				followingSince = System.nanoTime();
			}
		}
	}

	// Election groups

	/**
	 * The election groups part: per number of groups, a cluster whose replicas run that many
	 * groups (the default one and {@code g1} to {@code g<n-1>}); once its leaders are spread, its
	 * idle cost; in the cluster of {@link BenchOptions#groupsFailoverGroups}, kills of replicas that
	 * lead several groups.
	 */
	private void runGroups(Launcher launcher, Path dir) throws IOException, InterruptedException {
		List<Integer> counts = new ArrayList<>(this.options.groupCounts);
		if (this.options.groupKills > 0 && !counts.contains(this.options.groupsFailoverGroups)) {
			counts.add(this.options.groupsFailoverGroups);
		}
		for (int groups : new LinkedHashSet<>(counts)) {
			boolean idle = this.options.groupCounts.contains(groups);
			boolean kills = this.options.groupKills > 0 && groups == this.options.groupsFailoverGroups;
			runGroupsCluster(launcher, groups, idle, kills,
					dir.resolve(this.options.groupsSize + "-replicas-" + groups + "-groups"));
		}
	}

	private void runGroupsCluster(Launcher launcher, int groups, boolean idle, boolean kills, Path dir)
			throws IOException, InterruptedException {
		long start = System.nanoTime();
		int size = this.options.groupsSize;
		Set<String> names = groupNames(groups);
		List<String> arguments = new ArrayList<>();
		arguments.add("--raft.balance.delay=" + this.options.groupsBalanceDelay.toMillis() + "ms");
		if (groups > 1) {
			arguments.add("--raft.groups=" + String.join(",", names.stream().filter((name) -> !name.equals(
					GroupLeaderships.DEFAULT_GROUP)).toList()));
		}
		String label = String.format(Locale.ROOT, "[%d replicas, %d group%s]", size, groups, (groups == 1) ? "" : "s");
		try (Cluster cluster = new Cluster(size, launcher, this.options, dir, this.settings.nice(), arguments)) {
			this.log.printf(Locale.ROOT, "%s starting …%n", label);
			cluster.startAll(Duration.ofSeconds(60 + 20L * size));
			sleep(this.options.warmUp);
			awaitElectionWarmUps(cluster, Duration.ofSeconds(90));
			cluster.awaitStable(Duration.ofSeconds(30));
			if (idle) {
				long waiting = System.nanoTime();
				Spread spread = awaitSpread(cluster, names, label, Duration.ofSeconds(60 + groups));
				double spreadSeconds = seconds(waiting);
				this.log.printf(Locale.ROOT, "%s leaders spread after %.1f s: %s%n", label, spreadSeconds, spread.led());
				// A group still widened after the start sends half the heartbeats or fewer: measure what
				// the configured timing costs, as the one group does.
				awaitConfiguredTiming(cluster, label, TIMING_SETTLE_LIMIT);
				// The same age for every number of groups: a window soon after the start pays for code
				// not compiled yet (the 10 groups of 03:24, at 50 s: 19.5 % of a core; the 50 groups, at
				// 150 s: 6.7 %).
				long age = System.nanoTime() - start;
				long minAge = this.options.groupsAge.toNanos();
				if (!this.options.smoke && age < minAge) {
					this.log.printf(Locale.ROOT, "%s waiting %.0f s more, so that the replicas have run %d s before the "
							+ "window%n", label, (minAge - age) / 1e9, this.options.groupsAge.toSeconds());
					sleep(Duration.ofNanos(minAge - age));
				}
				Instant from = Instant.now();
				IdleWindow window = measureIdle(cluster, "groups", this.options.idleWindow);
				Instant to = Instant.now();
				List<GroupLeaderships.Leadership> leaderships = GroupLeaderships.read(cluster.logs());
				List<String> ids = cluster.replicas().stream().map(Replica::id).toList();
				Map<String, Integer> ledAfter = GroupLeaderships
					.ledPerReplica(GroupLeaderships.leadersAt(leaderships, to), ids);
				int begun = (int) leaderships.stream()
					.filter((leadership) -> !leadership.acquiredAt().isBefore(from) && leadership.acquiredAt().isBefore(to))
					.count();
				List<GroupLeaderships.Leadership> atStart = leaderships.stream()
					.filter((leadership) -> leadership.acquiredAt().isBefore(from))
					.toList();
				int lostAtStart = (int) atStart.stream()
					.filter((leadership) -> "LEASE_LOST".equals(leadership.reason()) && leadership.revokedAt() != null
							&& leadership.revokedAt().isBefore(from))
					.count();
				GroupsIdle measured = new GroupsIdle(groups, spreadSeconds, spread.spread(),
						GroupLeaderships.ledPerReplica(GroupLeaderships.leadersAt(leaderships, from), ids), ledAfter,
						begun, window, atStart.size(), lostAtStart);
				this.log.printf(Locale.ROOT, "%s from the start until the window: %d leaderships began, %d of them lost their "
						+ "lease%n", label, atStart.size(), lostAtStart);
				this.groupsIdle.add(measured);
				this.log.printf(Locale.ROOT, "%s idle: CPU per replica mean %.2f %%, max %.2f %%; %.0f B/s sent + received per "
						+ "replica, mean; %d leaderships began meanwhile; groups led after: %s%n", label,
						window.members().stream().mapToDouble(Member::cpuPercent).average().orElse(Double.NaN),
						window.members().stream().mapToDouble(Member::cpuPercent).max().orElse(Double.NaN),
						window.members().stream().mapToDouble((m) -> m.bytesSent() + m.bytesReceived()).average()
							.orElse(Double.NaN) / window.seconds(), begun, ledAfter);
			}
			if (kills) {
				measureGroupFailovers(cluster, groups, names, label);
			}
		}
		this.log.printf(Locale.ROOT, "%s done in %.0f s%n", label, seconds(start));
	}

	/** The default group and {@code g1} to {@code g<groups - 1>}. */
	static Set<String> groupNames(int groups) {
		Set<String> names = new LinkedHashSet<>();
		names.add(GroupLeaderships.DEFAULT_GROUP);
		for (int i = 1; i < groups; i++) {
			names.add("g" + i);
		}
		return names;
	}

	/**
	 * Waits until, by the replicas' logs, every group has an active leader, no replica leads
	 * more than its share, {@code ceil(groups / replicas)}, and no leadership of any group began
	 * for 3 s (or three balance delays, if longer).
	 * @return the leaders then, or at the time limit if they did not spread
	 */
	private Spread awaitSpread(Cluster cluster, Set<String> groups, String label, Duration timeout)
			throws InterruptedException {
		List<String> ids = cluster.replicas().stream().map(Replica::id).toList();
		long deadline = System.nanoTime() + timeout.toNanos();
		Duration quietFor = Duration.ofSeconds(3).compareTo(this.options.groupsBalanceDelay.multipliedBy(3)) > 0
				? Duration.ofSeconds(3) : this.options.groupsBalanceDelay.multipliedBy(3);
		while (true) {
			for (Replica replica : cluster.replicas()) {
				if (!replica.isAlive()) {
					throw new IllegalStateException("Replica " + replica.id() + " died; see " + replica.log());
				}
			}
			Instant now = Instant.now();
			List<GroupLeaderships.Leadership> leaderships = GroupLeaderships.read(cluster.logs());
			Map<String, String> leaders = GroupLeaderships.leadersAt(leaderships, now);
			Map<String, Integer> led = GroupLeaderships.ledPerReplica(leaders, ids);
			// Settled too: no leadership began for a while (a machine too busy for the replicas makes them churn).
			Instant lastBegun = leaderships.stream().map(GroupLeaderships.Leadership::acquiredAt).max(Instant::compareTo)
				.orElse(Instant.MIN);
			if (GroupLeaderships.spread(leaders, groups, ids) && Duration.between(lastBegun, now).compareTo(quietFor) >= 0) {
				return new Spread(true, led);
			}
			if (System.nanoTime() - deadline > 0) {
				List<String> without = groups.stream().filter((group) -> !leaders.containsKey(group)).toList();
				this.log.printf(Locale.ROOT, "%s the leaders did not spread and settle within %s: groups led %s, without a "
						+ "leader %s, the last leadership began at %s; measuring anyway%n", label, BenchOptions.format(timeout),
						led, without, lastBegun);
				return new Spread(false, led);
			}
			sleep(Duration.ofSeconds(1));
		}
	}

	/**
	 * Kills, {@link BenchOptions#groupKills} times, a replica that leads the most groups (at
	 * least two once the leaders are spread over fewer replicas than groups), and measures for
	 * each group it led the time until another replica's {@code LeadershipAcquiredEvent} line.
	 * The killed replica is restarted and the leaders spread again before the next kill.
	 */
	private void measureGroupFailovers(Cluster cluster, int groups, Set<String> names, String label)
			throws IOException, InterruptedException {
		List<String> ids = cluster.replicas().stream().map(Replica::id).toList();
		int total = this.options.groupKills;
		for (int trial = 0; trial < total; trial++) {
			Spread spread = awaitSpread(cluster, names, label, Duration.ofSeconds(60 + groups));
			cluster.awaitStable(Duration.ofSeconds(60));
			awaitConfiguredTiming(cluster, label, TIMING_SETTLE_LIMIT);
			int most = spread.led().values().stream().mapToInt(Integer::intValue).max().orElse(0);
			List<String> candidates = ids.stream().filter((id) -> spread.led().get(id) == most).toList();
			Replica victim = cluster.replica(candidates.get(this.random.nextInt(candidates.size())));
			BackgroundLoad background = awaitQuietMachine();
			sleep(Duration.ofMillis(this.random.nextInt(100)));
			Instant killedAt = Instant.now();
			victim.kill();
			long deadline = System.nanoTime() + DETECTION_LIMIT.toNanos();
			List<GroupLeaderships.Failover> failovers;
			do {
				sleep(Duration.ofMillis(100));
				failovers = GroupLeaderships.failovers(GroupLeaderships.read(cluster.logs()), victim.id(),
						killedAt);
			}
			while (failovers.stream().anyMatch((failover) -> failover.next() == null) && System.nanoTime() - deadline < 0);
			double backgroundPercent = background.percent();
			victim.awaitExit(Duration.ofSeconds(30));
			List<String> taken = new ArrayList<>();
			for (GroupLeaderships.Failover failover : failovers) {
				GroupLeaderships.Leadership next = failover.next();
				this.groupFailovers.add(new GroupFailover(groups, ids.size(), trial, victim.id(), failovers.size(),
						failover.group(), failover.oldTerm(), killedAt, (next != null) ? next.replica() : null,
						(next != null) ? next.term() : -1, failover.millis(), backgroundPercent));
				taken.add((next != null) ? String.format(Locale.ROOT, "%s to %s after %.0f ms", failover.group(),
						next.replica(), failover.millis()) : failover.group() + " without a new leader");
			}
			this.log.printf(Locale.ROOT, "%s SIGKILL %d/%d of %s, which led %d group%s: %s (other processes %.0f %% of a "
					+ "CPU)%n", label, trial + 1, total, victim.id(), failovers.size(), (failovers.size() == 1) ? "" : "s",
					String.join(", ", taken), backgroundPercent);
			if (trial + 1 < total) {
				cluster.start(victim, this.settings.restartNice());
				String leader = awaitFollowing(cluster, victim, Duration.ofSeconds(120));
				settle(cluster, victim, leader);
				reniceRestarted(victim);
			}
		}
	}

	/**
	 * Waits until no member of any group runs a timing wider than the configured one, as their
	 * timing lines say: an idle window or a failover is measured on the cluster's configured timing,
	 * as the quiet profile's of one group are. A cold start of many groups widens most of them tentatively; they
	 * narrow 30-45 s later. If some are still widened at the limit, says which and goes on.
	 */
	private void awaitConfiguredTiming(Cluster cluster, String label, Duration limit) throws InterruptedException {
		long waiting = System.nanoTime();
		long deadline = waiting + limit.toNanos();
		Set<String> widened = TimingEvents.widened(cluster.logs());
		while (!widened.isEmpty() && System.nanoTime() - deadline < 0) {
			sleep(Duration.ofSeconds(1));
			widened = TimingEvents.widened(cluster.logs());
		}
		double seconds = seconds(waiting);
		if (!widened.isEmpty()) {
			this.log.printf(Locale.ROOT, "%s %d member%s of the groups still run a widened timing after %.0f s (%s); "
					+ "measuring anyway%n", label, widened.size(), (widened.size() == 1) ? "" : "s", seconds,
					String.join(", ", widened));
		}
		else if (seconds >= 1) {
			this.log.printf(Locale.ROOT, "%s every group back at the configured timing after %.0f s%n", label, seconds);
		}
	}

	/**
	 * The leaders of a cluster's groups.
	 *
	 * @param spread whether they were spread
	 * @param led groups each replica led
	 */
	private record Spread(boolean spread, Map<String, Integer> led) {
	}

	// Follower restarts and rolling restarts

	/**
	 * Restarts followers one at a time, round robin among the followers of the moment: SIGTERM,
	 * start again (at the profile's restart nice value), wait until it and all others follow the
	 * leader, then the settle time. Each restart's period runs until the next one's signal, so that
	 * no election between two restarts goes uncounted.
	 */
	private void measureFollowerRestarts(Cluster cluster, int count) throws IOException, InterruptedException {
		List<String> ids = cluster.replicas().stream().map(Replica::id).toList();
		Cluster.Stable current = cluster.awaitStable(Duration.ofSeconds(60));
		List<FollowerRestart> measured = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String leader = current.leader();
			List<String> followers = ids.stream().filter((id) -> !id.equals(leader)).toList();
			Replica follower = cluster.replica(followers.get(i % followers.size()));
			Map<String, Map<String, Double>> countersBefore = cluster.countersOfAll();
			BackgroundLoad background = awaitQuietMachine();
			Instant signalledAt = Instant.now();
			long signalled = System.nanoTime();
			follower.terminate();
			if (!follower.awaitExit(Duration.ofSeconds(30))) {
				this.log.printf(Locale.ROOT, "  %s did not exit within 30 s of SIGTERM and was killed%n", follower.id());
			}
			double exitSeconds = seconds(signalled);
			cluster.start(follower, this.settings.restartNice());
			String following = awaitFollowing(cluster, follower, Duration.ofSeconds(120));
			double readySeconds = seconds(signalled);
			settle(cluster, follower, following);
			reniceRestarted(follower);
			Cluster.Stable after = cluster.awaitStable(Duration.ofSeconds(60));
			Instant settledAt = Instant.now();
			Map<String, Map<String, Double>> countersAfter = cluster.countersOfAll();
			FollowerRestart restart = new FollowerRestart(this.settings.profile(), cluster.size(), i, follower.id(), leader,
					current.term(), after.leader(), after.term(), signalledAt, settledAt, exitSeconds, readySeconds,
					deltaAcrossRestart(countersBefore, countersAfter, ELECTIONS_STARTED, follower.id()),
					deltaAcrossRestart(countersBefore, countersAfter, PRE_VOTES_STARTED, follower.id()), Double.NaN,
					background.percent());
			measured.add(restart);
			this.log.printf(Locale.ROOT, "[%d replicas] %2d/%d follower %s restarted: following after %.1f s; %s leads term "
					+ "%d%s (other processes %.0f %% of a CPU)%n", cluster.size(), i + 1, count, follower.id(), readySeconds,
					after.leader(), after.term(), restart.causedElection() ? " — an ELECTION took place" : "",
					restart.backgroundPercent());
			current = after;
		}
		// Periods end at the next signal; the leaderless time comes from the replicas' own logs.
		List<Leaderships.Leadership> leaderships = Leaderships.read(cluster.logs());
		for (int i = 0; i < measured.size(); i++) {
			FollowerRestart restart = measured.get(i);
			Instant until = (i + 1 < measured.size()) ? measured.get(i + 1).signalledAt() : restart.until();
			Cluster.Stable next = null;
			if (i + 1 < measured.size()) {
				// Whatever happened before the next signal belongs to this restart.
				FollowerRestart following = measured.get(i + 1);
				next = new Cluster.Stable(following.leaderBefore(), following.termBefore());
			}
			this.followerRestarts.add(new FollowerRestart(restart.profile(), restart.replicas(), restart.index(),
					restart.follower(), restart.leaderBefore(), restart.termBefore(),
					(next != null) ? next.leader() : restart.leaderAfter(), (next != null) ? next.term() : restart.termAfter(),
					restart.signalledAt(), until, restart.exitSeconds(), restart.readySeconds(), restart.electionsStarted(),
					restart.preVotesStarted(), Leaderships.gaps(leaderships, restart.signalledAt(), until).totalMillis(),
					restart.backgroundPercent()));
		}
	}

	/**
	 * Restarts every replica once, highest ordinal first, as a Kubernetes StatefulSet rolls
	 * (SIGTERM, start, ready: it and all others follow the leader; next at once), then waits the
	 * settle time; {@link BenchOptions#rollingRestarts(Profile)} times.
	 */
	private void measureRollingRestarts(Cluster cluster) throws IOException, InterruptedException {
		List<Replica> order = new ArrayList<>(cluster.replicas());
		Collections.reverse(order);
		int count = this.options.rollingRestarts(this.settings.profile());
		for (int index = 0; index < count; index++) {
			Cluster.Stable before = cluster.awaitStable(Duration.ofSeconds(60));
			BackgroundLoad background = awaitQuietMachine();
			this.log.printf(Locale.ROOT, "[%d replicas] rolling restart %d/%d, %s leads term %d …%n", cluster.size(),
					index + 1, count, before.leader(), before.term());
			Instant startedAt = null;
			List<Instant> signals = new ArrayList<>();
			List<RollingStep> steps = new ArrayList<>();
			for (Replica replica : order) {
				Cluster.Stable now = cluster.awaitStable(Duration.ofSeconds(60));
				Instant signalledAt = Instant.now();
				long signalled = System.nanoTime();
				startedAt = (startedAt != null) ? startedAt : signalledAt;
				replica.terminate();
				if (!replica.awaitExit(Duration.ofSeconds(30))) {
					this.log.printf(Locale.ROOT, "  %s did not exit within 30 s of SIGTERM and was killed%n", replica.id());
				}
				double exitSeconds = seconds(signalled);
				cluster.start(replica, this.settings.restartNice());
				awaitFollowing(cluster, replica, Duration.ofSeconds(120));
				double readySeconds = seconds(signalled);
				reniceRestarted(replica);
				signals.add(signalledAt);
				steps.add(new RollingStep(replica.id(), replica.id().equals(now.leader()), now.term(), signalledAt,
						exitSeconds, readySeconds, new Leaderships.Gaps(List.of())));
				this.log.printf(Locale.ROOT, "[%d replicas]   %s%s restarted, ready after %.1f s%n", cluster.size(),
						replica.id(), replica.id().equals(now.leader()) ? " (the leader)" : "", readySeconds);
			}
			sleep(this.options.settle);
			Cluster.Stable after = cluster.awaitStable(Duration.ofSeconds(60));
			Instant endedAt = Instant.now();
			List<Leaderships.Leadership> leaderships = Leaderships.read(cluster.logs());
			List<RollingStep> withGaps = new ArrayList<>();
			for (int i = 0; i < steps.size(); i++) {
				RollingStep step = steps.get(i);
				Instant until = (i + 1 < steps.size()) ? signals.get(i + 1) : endedAt;
				withGaps.add(new RollingStep(step.replica(), step.leader(), step.termBefore(), step.signalledAt(),
						step.exitSeconds(), step.readySeconds(), Leaderships.gaps(leaderships, step.signalledAt(), until)));
			}
			Instant from = Objects.requireNonNull(startedAt);
			List<Leaderships.Flap> flaps = Leaderships.flaps(leaderships, this.options.flapWindow);
			List<Leaderships.Leadership> begun = leaderships.stream()
				.filter((leadership) -> !leadership.acquiredAt().isBefore(from) && !leadership.acquiredAt().isAfter(endedAt))
				.filter((leadership) -> flaps.stream().noneMatch((flap) -> flap.after().equals(leadership)))
				.toList();
			int handOvers = (int) begun.stream().filter((leadership) -> handedOver(leaderships, leadership)).count();
			RollingRestart rolling = new RollingRestart(this.settings.profile(), cluster.size(), index, before.leader(),
					before.term(), after.leader(), after.term(), from, endedAt, withGaps, begun.size(), handOvers,
					Leaderships.gaps(leaderships, from, endedAt), background.percent());
			this.rollingRestarts.add(rolling);
			this.log.printf(Locale.ROOT, "[%d replicas] rolling restart %d/%d in %.1f s: %d terms raised (%d leaders "
					+ "restarted), %d new leaderships (%d by hand-over), no active leader for %.0f ms in all, worst gap "
					+ "%.0f ms (other processes %.0f %% of a CPU)%n", cluster.size(), index + 1, count,
					rolling.seconds(), rolling.termsRaised(), rolling.restartedLeaders(), rolling.leaderships(),
					rolling.handOvers(), rolling.gaps().totalMillis(), rolling.gaps().worstMillis(),
					rolling.backgroundPercent());
		}
	}

	/** Whether the leadership that ended last before this one began was handed over. */
	private static boolean handedOver(List<Leaderships.Leadership> all, Leaderships.Leadership leadership) {
		return all.stream()
			.filter((other) -> other != leadership && other.revokedAt() != null
					&& !other.revokedAt().isAfter(leadership.acquiredAt()))
			.max(Comparator.comparing(Leaderships.Leadership::revokedAt))
			.map((previous) -> "TRANSFER".equals(previous.reason()) && !previous.replica().equals(leadership.replica()))
			.orElse(false);
	}

	/** Starts every replica that does not run (the last leader the failovers stopped) and waits until it follows. */
	private void restartStopped(Cluster cluster) throws IOException, InterruptedException {
		for (Replica replica : cluster.replicas()) {
			if (!replica.isAlive()) {
				cluster.start(replica, this.settings.restartNice());
				String leader = awaitFollowing(cluster, replica, Duration.ofSeconds(120));
				settle(cluster, replica, leader);
				reniceRestarted(replica);
			}
		}
	}

	/** Gives a restarted replica the replicas' nice value, if it started at another. */
	private void reniceRestarted(Replica replica) {
		if (this.settings.restartNice() != this.settings.nice()) {
			ProcFs.renice(replica.pid(), this.settings.nice());
		}
	}

	/**
	 * The increase of a counter over all replicas, one of which was restarted meanwhile: its count
	 * after started from zero.
	 */
	private static long deltaAcrossRestart(Map<String, Map<String, Double>> before, Map<String, Map<String, Double>> after,
			String counter, String restarted) {
		long sum = delta(before, after, counter, restarted);
		Map<String, Double> own = after.get(restarted);
		return sum + ((own != null) ? Math.round(own.getOrDefault(counter, 0.0)) : 0);
	}

	// Helpers

	private static long delta(Map<String, Map<String, Double>> before, Map<String, Map<String, Double>> after,
			String counter, @Nullable String excluded) {
		double sum = 0;
		for (Map.Entry<String, Map<String, Double>> entry : after.entrySet()) {
			if (entry.getKey().equals(excluded) || !before.containsKey(entry.getKey())) {
				continue;
			}
			sum += entry.getValue().getOrDefault(counter, 0.0) - before.get(entry.getKey()).getOrDefault(counter, 0.0);
		}
		return Math.round(sum);
	}

	private static void sleep(Duration duration) throws InterruptedException {
		Thread.sleep(Math.max(0, duration.toMillis()));
	}

	private static double seconds(long sinceNanos) {
		return (System.nanoTime() - sinceNanos) / 1e9;
	}

}
