package io.github.raftboot.demo;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.github.raftboot.demo.Replica.ProcessState;
import io.github.raftboot.demo.Timeline.Kind;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.sample.SampleApplication;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;

/**
 * The replicas of the demo as real processes of the sample's jar, on loopback: starts them,
 * stops them (SIGTERM), kills them (SIGKILL), cuts and heals the links between them (through
 * each replica's demo-only {@code /demo/faults} endpoint), and asks the leader to hand over.
 *
 * <p>Every {@code demo.poll-interval} it reads each replica's {@code /actuator/raft} and job log
 * (with {@code demo.groups}, also its {@code /leader}, which reports every election group) and
 * publishes the whole state as one JSON document. A leadership change is measured from the
 * disruption that caused it (the kill or stop of the leader, the cut that left it without a
 * majority, a transfer request) to the new leader's {@code leaderSince}: both are read from the
 * wall clock of this one machine.
 */
public class DemoCluster implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(DemoCluster.class);

	private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(400);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

	private final DemoProperties properties;

	private final JsonMapper json;

	private final Path dir;

	private final List<Replica> replicas;

	/** The default group and those of {@code demo.groups}, or none when the demo has no groups. */
	private final List<String> groups;

	/** The latest leader seen of each group of {@code demo.groups}. */
	private final Map<String, Leadership> groupLeaderships = new LinkedHashMap<>();

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(REQUEST_TIMEOUT)
		.build();

	private final Timeline timeline = new Timeline();

	private final JobFeed jobFeed;

	private final Set<Link> cut = new TreeSet<>();

	private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

	private @Nullable ScheduledExecutorService scheduler;

	private volatile boolean running;

	private @Nullable Disruption disruption;

	private @Nullable Leadership leadership;

	private @Nullable Failover lastFailover;

	private volatile String state = "{}";

	public DemoCluster(DemoProperties properties, JsonMapper json) {
		this.properties = properties;
		this.json = json;
		List<Integer> ports = choosePorts(properties.getReplicaPorts());
		this.dir = createDirectory(properties.getDir());
		List<Replica> replicas = new ArrayList<>();
		for (int i = 0; i < ports.size(); i++) {
			replicas.add(new Replica("n" + (i + 1), ports.get(i), this.dir));
		}
		this.replicas = List.copyOf(replicas);
		this.groups = groups(properties.getGroups());
		this.jobFeed = new JobFeed(json);
	}

	private static List<Integer> choosePorts(List<Integer> wanted) {
		if (wanted.size() < 3) {
			throw new IllegalArgumentException("demo.replica-ports must list at least 3 ports, one per replica, but lists "
					+ wanted);
		}
		Set<Integer> chosen = new LinkedHashSet<>();
		for (Integer port : wanted) {
			chosen.add((port != null && port > 0 && !chosen.contains(port) && isFree(port)) ? port : freePort(chosen));
		}
		return List.copyOf(chosen);
	}

	private static List<String> groups(List<String> names) {
		// --demo.groups= (empty) turns the groups off.
		List<String> configured = names.stream().filter((name) -> !name.isBlank()).toList();
		if (configured.isEmpty()) {
			return List.of();
		}
		if (configured.contains(RaftLeadership.DEFAULT_GROUP)) {
			throw new IllegalArgumentException("demo.groups must not name '" + RaftLeadership.DEFAULT_GROUP
					+ "': every replica has that group anyway, but lists " + configured);
		}
		List<String> groups = new ArrayList<>();
		groups.add(RaftLeadership.DEFAULT_GROUP);
		groups.addAll(configured);
		return List.copyOf(groups);
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort(Set<Integer> taken) {
		while (true) {
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				if (!taken.contains(socket.getLocalPort())) {
					return socket.getLocalPort();
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

	private static Path createDirectory(@Nullable Path dir) {
		try {
			return (dir != null) ? Files.createDirectories(dir.toAbsolutePath())
					: Files.createTempDirectory("raft-demo-").toAbsolutePath();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create the demo directory " + dir, ex);
		}
	}

	/** Where the replicas keep their data, output and job logs. */
	public Path dir() {
		return this.dir;
	}

	/** The replicas' ids and ports, in order. */
	public Map<String, Integer> ports() {
		Map<String, Integer> ports = new LinkedHashMap<>();
		this.replicas.forEach((replica) -> ports.put(replica.id(), replica.port()));
		return ports;
	}

	/** The latest state, as JSON. */
	public String state() {
		return this.state;
	}

	/** Called with the state, as JSON, after every poll. */
	public void addListener(Consumer<String> listener) {
		this.listeners.add(listener);
	}

	// Lifecycle

	@Override
	public void start() {
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "demo-poll");
			thread.setDaemon(true);
			return thread;
		});
		synchronized (this) {
			for (Replica replica : this.replicas) {
				startProcess(replica);
			}
		}
		long interval = Math.max(20, this.properties.getPollInterval().toMillis());
		scheduler.scheduleWithFixedDelay(this::poll, 0, interval, TimeUnit.MILLISECONDS);
		this.scheduler = scheduler;
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler != null) {
			scheduler.shutdownNow();
		}
		List<Process> processes = new ArrayList<>();
		synchronized (this) {
			for (Replica replica : this.replicas) {
				Process process = replica.process();
				if (process != null && process.isAlive()) {
					replica.state(ProcessState.STOPPING);
					process.destroy();
					processes.add(process);
				}
			}
		}
		long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
		for (Process process : processes) {
			try {
				if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
					process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				process.destroyForcibly();
			}
		}
		logger.info("Demo stopped; the replicas' data, output and job logs are in " + this.dir);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	// Actions

	/** Kills the replica with SIGKILL. */
	public ActionResult kill(String id) {
		Replica replica = replica(id);
		if (replica == null || !replica.isAlive()) {
			return notRunning(id, replica);
		}
		boolean leader = fetch(replica).map((raft) -> raft.path("leader").asBoolean(false)).orElse(false);
		synchronized (this) {
			return killNow(replica, leader);
		}
	}

	/** Kills whichever replica is the active leader right now. */
	public ActionResult killLeader() {
		Optional<Replica> leader = findLeaderNow();
		if (leader.isEmpty()) {
			return ActionResult.failed("No replica is the active leader right now (an election may be under way, or "
					+ "no majority is up). Try again in a moment.");
		}
		synchronized (this) {
			return killNow(leader.get(), true);
		}
	}

	private ActionResult killNow(Replica replica, boolean leader) {
		Process process = replica.process();
		if (process == null || !process.isAlive()) {
			return notRunning(replica.id(), replica);
		}
		Instant at = Instant.now();
		replica.state(ProcessState.KILLED);
		process.destroyForcibly();
		replica.noAnswer();
		String what = replica.id() + " killed (SIGKILL)";
		this.timeline.add(at, Kind.PROCESS, replica.id(), leader ? what + ", it was the leader" : what);
		if (leader) {
			this.disruption = new Disruption(at, "leader " + replica.id() + " was killed");
		}
		logger.info(what);
		return ActionResult.ok(leader ? "Killed the leader " + replica.id() + ": waiting for a new leader"
				: "Killed " + replica.id());
	}

	/** Stops the replica with SIGTERM: a leader hands over before it exits. */
	public ActionResult stop(String id) {
		Replica replica = replica(id);
		if (replica == null || !replica.isAlive()) {
			return notRunning(id, replica);
		}
		boolean leader = fetch(replica).map((raft) -> raft.path("leader").asBoolean(false)).orElse(false);
		synchronized (this) {
			Process process = replica.process();
			if (process == null || !process.isAlive()) {
				return notRunning(id, replica);
			}
			Instant at = Instant.now();
			replica.state(ProcessState.STOPPING);
			process.destroy();
			String what = id + " stopped (SIGTERM)";
			this.timeline.add(at, Kind.PROCESS, id, leader ? what + ", it was the leader and hands over" : what);
			if (leader) {
				this.disruption = new Disruption(at, "leader " + id + " was stopped and handed over");
			}
			logger.info(what);
			return ActionResult.ok(leader ? "Stopping the leader " + id + ": it hands over first" : "Stopping " + id);
		}
	}

	/** Starts the replica again, with the data it kept. */
	public synchronized ActionResult start(String id) {
		Replica replica = replica(id);
		if (replica == null) {
			return ActionResult.failed("Unknown replica '" + id + "'");
		}
		if (replica.isAlive()) {
			return ActionResult.failed(id + " is already running");
		}
		startProcess(replica);
		this.timeline.add(Instant.now(), Kind.PROCESS, id, id + " started");
		return ActionResult.ok("Starting " + id);
	}

	/** Cuts the link between two replicas, in both directions. */
	public synchronized ActionResult cut(String a, String b) {
		Link link = link(a, b);
		if (link == null) {
			return ActionResult.failed("Cannot cut the link between '" + a + "' and '" + b + "'");
		}
		if (!this.cut.add(link)) {
			return ActionResult.ok("The link " + link + " is already cut");
		}
		Instant at = Instant.now();
		sendLink(link, true);
		this.timeline.add(at, Kind.LINK, null, "link " + link + " cut");
		Replica leader = currentLeader();
		if (leader != null && !hasMajority(leader)) {
			this.disruption = new Disruption(at, "link " + link + " cut, leader " + leader.id() + " lost its majority");
		}
		return ActionResult.ok("Cut the link " + link);
	}

	/** Heals the link between two replicas. */
	public synchronized ActionResult heal(String a, String b) {
		Link link = link(a, b);
		if (link == null) {
			return ActionResult.failed("Cannot heal the link between '" + a + "' and '" + b + "'");
		}
		if (!this.cut.remove(link)) {
			return ActionResult.ok("The link " + link + " is not cut");
		}
		sendLink(link, false);
		this.timeline.add(Instant.now(), Kind.LINK, null, "link " + link + " healed");
		return ActionResult.ok("Healed the link " + link);
	}

	/**
	 * Asks the active leader to hand leadership over, to {@code target} or to the most
	 * up-to-date reachable replica.
	 */
	public ActionResult transfer(@Nullable String target) {
		if (target != null && replica(target) == null) {
			return ActionResult.failed("Unknown replica '" + target + "'");
		}
		Optional<Replica> found = findLeaderNow();
		if (found.isEmpty()) {
			return ActionResult.failed("No replica is the active leader right now. Try again in a moment.");
		}
		Replica leader = found.get();
		if (leader.id().equals(target)) {
			return ActionResult.failed(target + " already leads");
		}
		Instant at = Instant.now();
		String body = (target != null) ? "{\"target\":\"" + target + "\"}" : "{}";
		HttpRequest request = HttpRequest.newBuilder(leader.url().resolve("/actuator/raft"))
			.timeout(REQUEST_TIMEOUT)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		String result;
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			result = (response.statusCode() == 200) ? this.json.readTree(response.body()).path("result").asString()
					: "HTTP " + response.statusCode();
		}
		catch (IOException | JacksonException ex) {
			return ActionResult.failed("Could not reach the leader " + leader.id() + ": " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return ActionResult.failed("Interrupted");
		}
		String to = (target != null) ? target : "the most up-to-date replica";
		synchronized (this) {
			this.timeline.add(at, Kind.TRANSFER, leader.id(), "transfer " + leader.id() + " \u2192 " + to + ": " + result);
			if ("STARTED".equals(result)) {
				this.disruption = new Disruption(at, "leader " + leader.id() + " was asked to hand over");
				return ActionResult.ok("Leader " + leader.id() + " hands over to " + to);
			}
		}
		return ActionResult.failed("Leader " + leader.id() + " did not hand over: " + result);
	}

	// Polling

	private void poll() {
		try {
			List<Replica> alive;
			synchronized (this) {
				alive = this.replicas.stream().filter(Replica::isAlive).toList();
			}
			Map<Replica, CompletableFuture<Optional<JsonNode>>> answers = new LinkedHashMap<>();
			Map<Replica, CompletableFuture<Optional<JsonNode>>> groupAnswers = new LinkedHashMap<>();
			for (Replica replica : alive) {
				answers.put(replica, fetchAsync(replica));
				if (!this.groups.isEmpty()) {
					groupAnswers.put(replica, fetchAsync(replica, "/leader"));
				}
			}
			List<CompletableFuture<Optional<JsonNode>>> all = new ArrayList<>(answers.values());
			all.addAll(groupAnswers.values());
			try {
				CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
					.get(REQUEST_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
			}
			catch (ExecutionException | TimeoutException ex) {
				// each answer is looked at below
			}
			String published;
			synchronized (this) {
				Instant now = Instant.now();
				for (Map.Entry<Replica, CompletableFuture<Optional<JsonNode>>> answer : answers.entrySet()) {
					Replica replica = answer.getKey();
					if (!replica.isAlive() || replica.state() == ProcessState.KILLED) {
						continue;
					}
					Optional<JsonNode> raft = answer.getValue().getNow(Optional.empty());
					if (raft.isPresent()) {
						replica.answered(raft.get());
						CompletableFuture<Optional<JsonNode>> leader = groupAnswers.get(replica);
						replica.groups((leader != null)
								? leader.getNow(Optional.empty()).map((body) -> body.get("groups")).orElse(null) : null);
					}
					else {
						replica.noAnswer();
					}
				}
				syncLinks();
				detectLeadership(now);
				detectGroupLeadership(now);
				this.jobFeed.poll(this.replicas);
				published = this.json.writeValueAsString(snapshot(now));
				this.state = published;
			}
			for (Consumer<String> listener : this.listeners) {
				listener.accept(published);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.warn("Demo poll failed", ex);
		}
	}

	private CompletableFuture<Optional<JsonNode>> fetchAsync(Replica replica) {
		return fetchAsync(replica, "/actuator/raft");
	}

	private CompletableFuture<Optional<JsonNode>> fetchAsync(Replica replica, String path) {
		HttpRequest request = HttpRequest.newBuilder(replica.url().resolve(path))
			.timeout(REQUEST_TIMEOUT)
			.GET()
			.build();
		return this.http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
			.thenApply((response) -> (response.statusCode() == 200) ? Optional.of(this.json.readTree(response.body()))
					: Optional.<JsonNode>empty())
			.exceptionally((ex) -> Optional.empty());
	}

	private Optional<JsonNode> fetch(Replica replica) {
		try {
			return fetchAsync(replica).get(REQUEST_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
		catch (ExecutionException | TimeoutException ex) {
			return Optional.empty();
		}
	}

	/** Asks every running replica now, and returns the active leader with the highest term. */
	private Optional<Replica> findLeaderNow() {
		List<Replica> alive;
		synchronized (this) {
			alive = this.replicas.stream().filter(Replica::isAlive).toList();
		}
		Replica leader = null;
		long term = -1;
		for (Replica replica : alive) {
			Optional<JsonNode> raft = fetch(replica);
			if (raft.isPresent() && raft.get().path("leader").asBoolean(false) && raft.get().path("term").asLong() > term) {
				leader = replica;
				term = raft.get().path("term").asLong();
			}
		}
		return Optional.ofNullable(leader);
	}

	private void detectLeadership(Instant now) {
		Replica best = currentLeader();
		if (best == null) {
			return;
		}
		long term = best.term();
		Leadership previous = this.leadership;
		if (previous != null && term <= previous.term()) {
			return;
		}
		JsonNode raft = best.raft();
		Instant since = instant((raft != null) ? raft.path("leaderSince") : null, now);
		Long failover = null;
		String detail = null;
		Disruption disruption = this.disruption;
		if (disruption != null && !since.isBefore(disruption.at())) {
			failover = Duration.between(disruption.at(), since).toMillis();
			detail = failover + " ms after " + disruption.cause();
			this.lastFailover = new Failover(disruption.cause(), (previous != null) ? previous.node() : null, best.id(),
					term, failover, since);
			this.disruption = null;
		}
		StringBuilder text = new StringBuilder(best.id()).append(" became leader, term ").append(term);
		if (previous != null && term - previous.term() > 1) {
			text.append(" (").append(term - previous.term()).append(" elections since term ").append(previous.term())
				.append(')');
		}
		this.timeline.add(since, Kind.LEADER, best.id(), text.toString(), detail, failover);
		this.leadership = new Leadership(best.id(), term, since);
		logger.info(text + ((detail != null) ? ", " + detail : ""));
	}

	/**
	 * Adds a line to the timeline when a group of {@code demo.groups} gets a leader in a new term
	 * (the default group has its own lines, with failover times).
	 */
	private void detectGroupLeadership(Instant now) {
		for (String group : this.groups) {
			if (RaftLeadership.DEFAULT_GROUP.equals(group)) {
				continue;
			}
			Replica leader = currentLeader(group);
			if (leader == null) {
				continue;
			}
			long term = leader.term(group);
			Leadership previous = this.groupLeaderships.get(group);
			if (previous != null && term <= previous.term()) {
				continue;
			}
			String text = leader.id() + " leads group " + group + ", term " + term;
			this.timeline.add(now, Kind.GROUP, leader.id(), text,
					(previous != null) ? "it was " + previous.node() + ", term " + previous.term() : null, null);
			this.groupLeaderships.put(group, new Leadership(leader.id(), term, now));
		}
	}

	/** The running replica that says it is the active leader of a group, with the highest term. */
	private @Nullable Replica currentLeader(String group) {
		if (RaftLeadership.DEFAULT_GROUP.equals(group)) {
			return currentLeader();
		}
		Replica best = null;
		for (Replica replica : this.replicas) {
			if (replica.isAlive() && replica.isLeader(group) && (best == null || replica.term(group) > best.term(group))) {
				best = replica;
			}
		}
		return best;
	}

	/** The running replica that says it is the active leader, with the highest term. */
	private @Nullable Replica currentLeader() {
		Replica best = null;
		for (Replica replica : this.replicas) {
			if (replica.isAlive() && replica.isLeader() && (best == null || replica.term() > best.term())) {
				best = replica;
			}
		}
		return best;
	}

	private boolean hasMajority(Replica leader) {
		long reachable = 1 + this.replicas.stream()
			.filter((other) -> other != leader && other.isAlive() && !this.cut.contains(Link.of(leader.id(), other.id())))
			.count();
		return reachable > this.replicas.size() / 2;
	}

	private static Instant instant(@Nullable JsonNode value, Instant fallback) {
		if (value == null || !value.isString()) {
			return fallback;
		}
		try {
			return Instant.parse(value.asString());
		}
		catch (DateTimeParseException ex) {
			return fallback;
		}
	}

	// Links

	private void syncLinks() {
		for (Replica replica : this.replicas) {
			if (replica.state() == ProcessState.UP && !replica.linksSynced()) {
				replica.linksSynced(true);
				for (Link link : this.cut) {
					String other = link.other(replica.id());
					if (other != null) {
						post(replica, "/demo/faults/cut/" + other);
					}
				}
			}
		}
	}

	private void sendLink(Link link, boolean cut) {
		for (String id : List.of(link.a(), link.b())) {
			Replica replica = replica(id);
			if (replica != null && replica.isAlive()) {
				post(replica, "/demo/faults/" + (cut ? "cut/" : "heal/") + link.other(id));
			}
		}
	}

	private void post(Replica replica, String path) {
		HttpRequest request = HttpRequest.newBuilder(replica.url().resolve(path))
			.timeout(REQUEST_TIMEOUT)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
		this.http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
			if (failure != null || response.statusCode() != 200) {
				logger.warn("Demo: POST " + path + " to " + replica.id() + " failed: "
						+ ((failure != null) ? failure : "HTTP " + response.statusCode()));
				synchronized (this) {
					replica.linksSynced(false);
				}
			}
		});
	}

	private @Nullable Link link(String a, String b) {
		if (a.equals(b) || replica(a) == null || replica(b) == null) {
			return null;
		}
		return Link.of(a, b);
	}

	// Processes

	private void startProcess(Replica replica) {
		try {
			Process process = replica.start(command(replica));
			process.onExit().thenAccept((exited) -> exited(replica, exited));
			logger.info("Started replica " + replica.id() + " (pid " + process.pid() + ") on port " + replica.port()
					+ ", output in " + replica.output());
		}
		catch (IOException ex) {
			replica.state(ProcessState.EXITED);
			this.timeline.add(Instant.now(), Kind.PROCESS, replica.id(), replica.id() + " could not start: " + ex.getMessage());
			logger.error("Could not start replica " + replica.id(), ex);
		}
	}

	private synchronized void exited(Replica replica, Process process) {
		if (replica.process() != process) {
			return;
		}
		boolean leader = replica.isLeader();
		replica.noAnswer();
		switch (replica.state()) {
			case KILLED -> {
			}
			case STOPPING -> replica.state(ProcessState.STOPPED);
			default -> {
				Instant at = Instant.now();
				replica.state(ProcessState.EXITED);
				this.timeline.add(at, Kind.PROCESS, replica.id(),
						replica.id() + " exited on its own, exit code " + process.exitValue());
				if (leader) {
					this.disruption = new Disruption(at, "leader " + replica.id() + " exited");
				}
			}
		}
	}

	private List<String> command(Replica replica) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(this.properties.getReplicaJvmOptions());
		String classPath = System.getProperty("java.class.path", "");
		if (!classPath.contains(File.pathSeparator) && classPath.endsWith(".jar")) {
			// Started with java -jar: the replicas run the same jar.
			command.add("-jar");
			command.add(Path.of(classPath).toAbsolutePath().toString());
		}
		else {
			command.add("-cp");
			command.add(classPath);
			command.add(SampleApplication.class.getName());
		}
		command.add("--server.port=" + replica.port());
		command.add("--server.address=127.0.0.1");
		command.add("--raft.node-id=" + replica.id());
		for (Replica peer : this.replicas) {
			command.add("--raft.peers." + peer.id() + "=" + peer.url());
		}
		command.add("--raft.data-dir=" + this.dir.resolve("data-" + replica.id()));
		command.add("--sample.job-log=" + replica.jobLog());
		if (!this.groups.isEmpty()) {
			command.add("--raft.groups=" + String.join(",", this.groups.subList(1, this.groups.size())));
		}
		command.add("--sample.demo.fault-injection=true");
		command.add("--sample.demo.parent-pid=" + ProcessHandle.current().pid());
		command.add("--spring.main.banner-mode=off");
		command.addAll(this.properties.getReplicaArguments());
		return command;
	}

	private @Nullable Replica replica(String id) {
		for (Replica replica : this.replicas) {
			if (replica.id().equals(id)) {
				return replica;
			}
		}
		return null;
	}

	private static ActionResult notRunning(String id, @Nullable Replica replica) {
		return ActionResult.failed((replica != null) ? id + " is not running" : "Unknown replica '" + id + "'");
	}

	// State

	private DemoState snapshot(Instant now) {
		Replica leader = currentLeader();
		List<ReplicaView> replicas = new ArrayList<>();
		for (Replica replica : this.replicas) {
			Process process = replica.process();
			List<String> cutPeers = new ArrayList<>();
			for (Link link : this.cut) {
				String other = link.other(replica.id());
				if (other != null) {
					cutPeers.add(other);
				}
			}
			replicas.add(new ReplicaView(replica.id(), replica.port(), replica.url().toString(), replica.state().name(),
					(process != null && process.isAlive()) ? process.pid() : null, replica.isAlive() ? replica.raft() : null,
					this.jobFeed.runs(replica.id()), this.jobFeed.tail(replica.id()), cutPeers));
		}
		List<LinkView> links = new ArrayList<>();
		for (int i = 0; i < this.replicas.size(); i++) {
			for (int j = i + 1; j < this.replicas.size(); j++) {
				Link link = Link.of(this.replicas.get(i).id(), this.replicas.get(j).id());
				links.add(new LinkView(link.a(), link.b(), this.cut.contains(link)));
			}
		}
		List<GroupView> groups = new ArrayList<>();
		for (String group : this.groups) {
			Replica groupLeader = currentLeader(group);
			Long term = null;
			if (groupLeader != null) {
				term = RaftLeadership.DEFAULT_GROUP.equals(group) ? groupLeader.term() : groupLeader.term(group);
			}
			groups.add(new GroupView(group, (groupLeader != null) ? groupLeader.id() : null, term,
					this.jobFeed.groupRuns(group)));
		}
		JsonNode leaderRaft = (leader != null) ? leader.raft() : null;
		return new DemoState(now, (leader != null) ? leader.id() : null, (leader != null) ? leader.term() : null,
				(leaderRaft != null) ? instant(leaderRaft.path("leaderSince"), now) : null, this.disruption,
				this.lastFailover, replicas, links, groups, this.timeline.entries(), this.jobFeed.segments(),
				this.dir.toString());
	}

	/**
	 * The whole state of the demo, as sent to the dashboard.
	 *
	 * @param now when it was taken
	 * @param leader the active leader, if any
	 * @param term its term
	 * @param leaderSince since when it leads
	 * @param pending the disruption whose new leader is awaited, if any
	 * @param lastFailover the latest measured failover, if any
	 * @param replicas every replica
	 * @param links every link between two replicas
	 * @param groups the election groups, the default one first, or none when the demo has no
	 * {@code demo.groups}
	 * @param timeline what happened, newest first
	 * @param job runs of the leader-only job of the default group, newest first
	 * @param dir where the replicas' files are
	 */
	public record DemoState(Instant now, @Nullable String leader, @Nullable Long term, @Nullable Instant leaderSince,
			@Nullable Disruption pending, @Nullable Failover lastFailover, List<ReplicaView> replicas,
			List<LinkView> links, List<GroupView> groups, List<Timeline.Entry> timeline, List<JobFeed.Segment> job,
			String dir) {
	}

	/**
	 * One election group in the state.
	 *
	 * @param name its name
	 * @param leader the running replica that is its active leader, if any
	 * @param term the leader's term of the group (its fencing token)
	 * @param jobRuns how many times the group's job ran, on any replica, by the job logs
	 */
	public record GroupView(String name, @Nullable String leader, @Nullable Long term, long jobRuns) {
	}

	/**
	 * One replica in the state.
	 *
	 * @param id its id
	 * @param port its HTTP port
	 * @param url its base URL
	 * @param process what the launcher knows of its process
	 * @param pid its process id while it runs
	 * @param raft its last {@code /actuator/raft} answer while it runs and answers
	 * @param jobRuns how many times it ran the leader-only job
	 * @param jobTail its last job log lines
	 * @param cut the peers it is cut off from
	 */
	public record ReplicaView(String id, int port, String url, String process, @Nullable Long pid,
			@Nullable JsonNode raft, long jobRuns, List<String> jobTail, List<String> cut) {
	}

	/**
	 * A link between two replicas.
	 *
	 * @param a one end
	 * @param b the other end
	 * @param cut whether it is cut
	 */
	public record LinkView(String a, String b, boolean cut) {
	}

	/**
	 * Something that took the leader away.
	 *
	 * @param at when
	 * @param cause what
	 */
	public record Disruption(Instant at, String cause) {
	}

	/**
	 * A measured failover.
	 *
	 * @param cause what took the previous leader away
	 * @param from the previous leader
	 * @param to the new leader
	 * @param term the new leader's term
	 * @param millis from the disruption to the new leader's {@code leaderSince}
	 * @param at the new leader's {@code leaderSince}
	 */
	public record Failover(String cause, @Nullable String from, String to, long term, long millis, Instant at) {
	}

	/**
	 * The outcome of an action.
	 *
	 * @param ok whether it was done
	 * @param message what happened, for the user
	 */
	public record ActionResult(boolean ok, String message) {

		static ActionResult ok(String message) {
			return new ActionResult(true, message);
		}

		static ActionResult failed(String message) {
			return new ActionResult(false, message);
		}

	}

	private record Leadership(String node, long term, Instant since) {
	}

	/** A link between two replicas, ends in order. */
	private record Link(String a, String b) implements Comparable<Link> {

		static Link of(String x, String y) {
			return (x.compareTo(y) <= 0) ? new Link(x, y) : new Link(y, x);
		}

		@Nullable String other(String id) {
			if (id.equals(this.a)) {
				return this.b;
			}
			return id.equals(this.b) ? this.a : null;
		}

		@Override
		public int compareTo(Link other) {
			int a = this.a.compareTo(other.a);
			return (a != 0) ? a : this.b.compareTo(other.b);
		}

		@Override
		public String toString() {
			return this.a + "\u2013" + this.b;
		}

	}

}
