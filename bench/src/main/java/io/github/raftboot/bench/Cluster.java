package io.github.raftboot.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A cluster of sample-app replicas on 127.0.0.1, each a process of its own, and the HTTP calls
 * the benchmark makes to them. {@link #close()} kills every replica.
 */
final class Cluster implements AutoCloseable {

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);

	private static final JsonMapper JSON = new JsonMapper();

	private final Launcher launcher;

	private final BenchOptions options;

	private final Map<String, Replica> replicas = new LinkedHashMap<>();

	/** Replicas started later, to be added to the cluster at run time; not among {@link #replicas()}. */
	private final Map<String, Replica> spares = new LinkedHashMap<>();

	private final Path dir;

	private final int nice;

	/** Arguments every replica gets besides those of its id, port, data and peers. */
	private final List<String> extraArguments;

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofMillis(500))
		.build();

	/**
	 * Creates a cluster; nothing runs until {@link #startAll(Duration)}.
	 * @param size how many replicas
	 * @param launcher how replicas are started
	 * @param options the settings
	 * @param dir where the replicas keep their data and logs
	 * @param nice the replicas' nice value
	 */
	Cluster(int size, Launcher launcher, BenchOptions options, Path dir, int nice) throws IOException {
		this(size, launcher, options, dir, nice, List.of());
	}

	/**
	 * Creates a cluster whose replicas get some more arguments, such as {@code --raft.groups=g1,g2};
	 * nothing runs until {@link #startAll(Duration)}.
	 * @param size how many replicas
	 * @param launcher how replicas are started
	 * @param options the settings
	 * @param dir where the replicas keep their data and logs
	 * @param nice the replicas' nice value
	 * @param extraArguments the arguments every replica gets, each {@code --name=value}
	 */
	Cluster(int size, Launcher launcher, BenchOptions options, Path dir, int nice, List<String> extraArguments)
			throws IOException {
		this.extraArguments = List.copyOf(extraArguments);
		this.launcher = launcher;
		this.options = options;
		this.dir = dir;
		this.nice = nice;
		Files.createDirectories(dir);
		List<Integer> ports = freePorts(size, Set.of());
		for (int i = 1; i <= size; i++) {
			String id = "n" + i;
			this.replicas.put(id, new Replica(id, ports.get(i - 1), dir));
		}
	}

	int size() {
		return this.replicas.size();
	}

	Collection<Replica> replicas() {
		return this.replicas.values();
	}

	Replica replica(String id) {
		Replica replica = this.replicas.get(id);
		return Objects.requireNonNull((replica != null) ? replica : this.spares.get(id), id);
	}

	/**
	 * Creates a replica that is no member: its {@code raft.peers} lists the members and itself,
	 * as a new pod's would after the list was edited for the scale-up. Once
	 * {@linkplain #start(Replica, int) started} it waits to be added: it does not ask to join
	 * ({@code raft.membership.auto-join=false}). Nothing runs yet.
	 * @return the replica, {@code n<size + 1>} for the first spare
	 */
	Replica addSpare() {
		Set<Integer> taken = new HashSet<>(ports());
		this.spares.values().forEach((spare) -> taken.add(spare.port()));
		String id = "n" + (this.replicas.size() + this.spares.size() + 1);
		Replica spare = new Replica(id, freePorts(1, taken).get(0), this.dir);
		this.spares.put(id, spare);
		return spare;
	}

	/** The base URL of a replica, as the members know it. */
	URI url(Replica replica) {
		return URI.create("http://127.0.0.1:" + replica.port());
	}

	/** The server ports of the replicas. */
	Set<Integer> ports() {
		Set<Integer> ports = new HashSet<>();
		this.replicas.values().forEach((replica) -> ports.add(replica.port()));
		return ports;
	}

	/**
	 * Starts every replica and waits until one leads and all others follow it.
	 * @param timeout how long to wait
	 * @return the leader and its term
	 */
	Stable startAll(Duration timeout) throws IOException, InterruptedException {
		for (Replica replica : this.replicas.values()) {
			start(replica);
		}
		return awaitStable(timeout);
	}

	/** Starts one replica, which must not run, at the replicas' nice value. */
	void start(Replica replica) throws IOException {
		start(replica, this.nice);
	}

	/** The replicas' nice value. */
	int nice() {
		return this.nice;
	}

	/** The log file of every replica, spares included, by id. */
	Map<String, Path> logs() {
		Map<String, Path> logs = new LinkedHashMap<>();
		this.replicas.values().forEach((replica) -> logs.put(replica.id(), replica.log()));
		this.spares.values().forEach((replica) -> logs.put(replica.id(), replica.log()));
		return logs;
	}

	/**
	 * Starts one replica, which must not run.
	 * @param replica the replica
	 * @param nice its nice value (0 to 19): a positive one gives it only the CPU the others leave
	 */
	void start(Replica replica, int nice) throws IOException {
		List<String> arguments = new ArrayList<>();
		arguments.add("--server.port=" + replica.port());
		arguments.add("--server.address=127.0.0.1");
		arguments.add("--raft.node-id=" + replica.id());
		arguments.add("--raft.data-dir=" + replica.dataDir());
		List<Replica> peers = new ArrayList<>(this.replicas.values());
		if (this.spares.containsKey(replica.id())) {
			peers.addAll(this.spares.values());
			// Added by the benchmark, which times the change from its request.
			arguments.add("--raft.membership.auto-join=false");
		}
		for (Replica peer : peers) {
			arguments.add("--raft.peers." + peer.id() + "=" + url(peer));
		}
		if (this.options.debugLog) {
			arguments.add("--logging.level.io.github.raftboot=DEBUG");
		}
		arguments.addAll(this.extraArguments);
		List<String> command = new ArrayList<>();
		if (nice != 0) {
			command.addAll(List.of("nice", "-n", Integer.toString(nice)));
		}
		command.addAll(this.launcher.command(arguments));
		replica.start(command);
	}

	/**
	 * Waits until every replica runs and answers, one of them is the active leader and all others
	 * follow it in its term.
	 * @param timeout how long to wait at most
	 * @return the leader and its term
	 * @throws IllegalStateException if that does not happen in time, or a replica died
	 */
	Stable awaitStable(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		String last = "no answer yet";
		while (System.nanoTime() - deadline < 0) {
			for (Replica replica : this.replicas.values()) {
				if (!replica.isAlive()) {
					throw new IllegalStateException("Replica " + replica.id() + " died; see " + replica.log());
				}
			}
			Map<String, RaftView> views = statusOfAll();
			Optional<Stable> stable = stable(views);
			if (stable.isPresent()) {
				return stable.get();
			}
			last = views.values().toString();
			Thread.sleep(100);
		}
		throw new IllegalStateException("The cluster of " + size() + " did not settle within " + timeout + ": " + last);
	}

	/** Whether these answers of all replicas show one active leader followed by all others. */
	Optional<Stable> stable(Map<String, RaftView> views) {
		if (views.size() != this.replicas.size()) {
			return Optional.empty();
		}
		RaftView leader = views.values().stream().filter(RaftView::leader).findFirst().orElse(null);
		if (leader == null || leader.leaderSince() == null) {
			return Optional.empty();
		}
		for (RaftView view : views.values()) {
			if (view != leader && (!view.isFollowerOf(leader.nodeId()) || view.term() != leader.term())) {
				return Optional.empty();
			}
		}
		return Optional.of(new Stable(leader.nodeId(), leader.term()));
	}

	/** Asks every running replica for its status, in parallel; those that do not answer are left out. */
	Map<String, RaftView> statusOfAll() {
		Map<String, CompletableFuture<Optional<RaftView>>> calls = new LinkedHashMap<>();
		for (Replica replica : this.replicas.values()) {
			if (replica.isAlive()) {
				calls.put(replica.id(), statusAsync(replica.id()));
			}
		}
		Map<String, RaftView> views = new LinkedHashMap<>();
		calls.forEach((id, call) -> call.join().ifPresent((view) -> views.put(id, view)));
		return views;
	}

	/** Asks one replica for its status; empty if it does not answer in time. */
	Optional<RaftView> status(String id) {
		return statusAsync(id).join();
	}

	private CompletableFuture<Optional<RaftView>> statusAsync(String id) {
		return getAsync(id, "/actuator/raft").thenApply((body) -> body.map(RaftView::parse));
	}

	/**
	 * Asks one replica, member or spare, for its configuration; empty if it does not answer in
	 * time.
	 */
	Optional<MembershipView> membership(String id) {
		return getAsync(id, "/actuator/raft").join().map(MembershipView::parse);
	}

	/**
	 * Asks a replica to add a member ({@code POST /actuator/raft/members/{id}} with its URL) or,
	 * without a URL, to remove one ({@code DELETE}).
	 * @param asked the replica asked, normally the leader
	 * @param member the member to add or remove
	 * @param url the URL of the member to add, or {@code null} to remove it
	 * @return what it answered; {@code NO_ANSWER} if it did not answer in time
	 */
	ChangeAnswer changeMember(String asked, String member, @Nullable URI url) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(asked, "/actuator/raft/members/" + member))
			.timeout(REQUEST_TIMEOUT);
		if (url != null) {
			request.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("url", url.toString()))));
		}
		else {
			request.DELETE();
		}
		try {
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			JsonNode answer = JSON.readTree(response.body());
			JsonNode result = answer.path("result");
			JsonNode leaderId = answer.path("leaderId");
			return new ChangeAnswer(result.isString() ? result.stringValue() : "HTTP " + response.statusCode(),
					leaderId.isString() ? leaderId.stringValue() : null);
		}
		catch (IOException | JacksonException ex) {
			return new ChangeAnswer("NO_ANSWER", null);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new ChangeAnswer("NO_ANSWER", null);
		}
	}

	/**
	 * Reads the {@code raft_*} meters of one replica from {@code /actuator/prometheus}, summed over
	 * their tags.
	 * @param id the replica
	 * @return meter name to value; empty if the replica does not answer
	 */
	Map<String, Double> counters(String id) {
		Optional<String> body = getAsync(id, "/actuator/prometheus").join();
		Map<String, Double> counters = new HashMap<>();
		body.ifPresent((text) -> text.lines().filter((line) -> line.startsWith("raft_")).forEach((line) -> {
			int end = line.indexOf('{');
			String name = line.substring(0, (end >= 0) ? end : line.indexOf(' '));
			String value = line.substring(line.lastIndexOf(' ') + 1);
			try {
				counters.merge(name, Double.parseDouble(value), Double::sum);
			}
			catch (NumberFormatException ex) {
				// NaN gauges and the like
			}
		}));
		return counters;
	}

	/** {@link #counters(String)} of each running replica. */
	Map<String, Map<String, Double>> countersOfAll() {
		Map<String, Map<String, Double>> all = new LinkedHashMap<>();
		for (Replica replica : this.replicas.values()) {
			if (replica.isAlive()) {
				all.put(replica.id(), counters(replica.id()));
			}
		}
		return all;
	}

	/**
	 * Asks the leader to hand leadership to {@code target} ({@code POST /actuator/raft}).
	 * @return the {@code result} it answered, or {@code "NO_ANSWER"}
	 */
	String transfer(String leader, @Nullable String target) {
		String body = JSON.writeValueAsString((target != null) ? Map.of("target", target) : Map.of());
		HttpRequest request = HttpRequest.newBuilder(uri(leader, "/actuator/raft"))
			.timeout(REQUEST_TIMEOUT)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			JsonNode result = JSON.readTree(response.body()).path("result");
			return result.isString() ? result.stringValue() : "HTTP " + response.statusCode();
		}
		catch (IOException | JacksonException ex) {
			return "NO_ANSWER";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "NO_ANSWER";
		}
	}

	private CompletableFuture<Optional<String>> getAsync(String id, String path) {
		HttpRequest request = HttpRequest.newBuilder(uri(id, path)).timeout(REQUEST_TIMEOUT).build();
		return this.http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
			.handle((response, failure) -> {
				if (failure != null || response.statusCode() != 200) {
					return Optional.<String>empty();
				}
				return Optional.of(response.body());
			});
	}

	private URI uri(String id, String path) {
		return URI.create("http://127.0.0.1:" + replica(id).port() + path);
	}

	/** Kills every replica, spares included. */
	@Override
	public void close() {
		List<Replica> all = new ArrayList<>(this.replicas.values());
		all.addAll(this.spares.values());
		for (Replica replica : all) {
			replica.kill();
		}
		for (Replica replica : all) {
			replica.destroy();
		}
	}

	/**
	 * Ports that are free now, below the kernel's ephemeral range, so that no outgoing connection
	 * takes the port of a replica while that replica is down.
	 */
	private static List<Integer> freePorts(int count, Set<Integer> taken) {
		Random random = new Random();
		List<Integer> ports = new ArrayList<>();
		for (int attempt = 0; attempt < 1000 && ports.size() < count; attempt++) {
			int port = 20000 + random.nextInt(12000);
			if (!ports.contains(port) && !taken.contains(port) && isFree(port)) {
				ports.add(port);
			}
		}
		if (ports.size() < count) {
			throw new IllegalStateException("Found only " + ports.size() + " free ports between 20000 and 32000");
		}
		return ports;
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * A settled cluster.
	 *
	 * @param leader the active leader
	 * @param term its term
	 */
	record Stable(String leader, long term) {
	}

	/**
	 * What a replica answered to a request to change the members.
	 *
	 * @param result {@code STARTED}, a refusal such as {@code NOT_LEADER}, or {@code NO_ANSWER}
	 * @param leaderId the leader to ask instead, if the replica named one
	 */
	record ChangeAnswer(String result, @Nullable String leaderId) {
	}

}
