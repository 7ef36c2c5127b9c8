package io.github.raftboot.test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.github.raftboot.core.InMemoryStorage;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.RaftStorage;
import io.github.raftboot.event.RaftEvent;
import io.github.raftboot.leader.RaftMembership;
import io.github.raftboot.leader.RaftStatus;
import io.github.raftboot.runtime.RaftServer;
import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * Real replicas, {@link RaftServer}s, in one JVM, connected by an in-memory network instead of
 * HTTP: no web server, no ports, no files, a Raft election with the real timeouts, leases and
 * events. The test cuts and heals links between replicas, stops replicas (a leader hands over
 * first), crashes them (they vanish from the network at once) and starts them again from their
 * state, and changes the members through the replicas' own {@link RaftServer#addMember} and
 * {@link RaftServer#removeMember}.
 *
 * <pre class="code">
 * try (RaftTestCluster cluster = RaftTestCluster.builder("n1", "n2", "n3").build().startAll()) {
 *     String leader = cluster.awaitLeader(Duration.ofSeconds(5));
 *     cluster.crash(leader);
 *     String next = cluster.awaitLeader(Duration.ofSeconds(5));
 *     assertThat(cluster.server(next).currentTerm()).isGreaterThan(...);
 * }
 * </pre>
 *
 * <p>Each replica is listed with the URL {@code http://<id>.invalid}, which no one connects to:
 * the network routes by member id. Events of every replica are recorded in the order they are
 * published ({@link #events()}). Thread-safe; close it to stop every replica.
 */
public final class RaftTestCluster implements AutoCloseable {

	private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*");

	private final Consumer<RaftConfig.Builder> config;

	private final Function<String, RaftStorage> storage;

	private final Consumer<RaftEvent> listener;

	private final InMemoryNetwork network;

	private final CutLinks links = new CutLinks();

	private final List<String> ids = new CopyOnWriteArrayList<>();

	private final Map<String, RaftServer> servers = new ConcurrentHashMap<>();

	private final Set<String> crashed = ConcurrentHashMap.newKeySet();

	private final List<RaftEvent> events = new CopyOnWriteArrayList<>();

	private RaftTestCluster(Builder builder) {
		this.config = builder.config;
		this.storage = builder.storage;
		this.listener = builder.listener;
		this.network = new InMemoryNetwork(builder.onSend, RaftTestCluster::url);
		for (String id : builder.ids) {
			create(id, builder.ids);
		}
	}

	/**
	 * Starts to describe a cluster whose members, at first, are these replicas.
	 * @param ids the members' ids: letters, digits and hyphens, such as {@code n1}
	 * @return a builder
	 */
	public static Builder builder(String... ids) {
		return new Builder(List.of(ids));
	}

	private void create(String id, Iterable<String> members) {
		RaftConfig.Builder builder = RaftConfig.builder(id, List.copyOf(asSet(members)));
		Map<String, String> addresses = new TreeMap<>();
		for (String member : members) {
			addresses.put(member, url(member).toString());
		}
		builder.addresses(addresses);
		this.config.accept(builder);
		RaftServer server = new RaftServer(builder.build(), this.storage.apply(id),
				new FaultInjectingTransport(this.network.transport(), this.links), (event) -> {
					this.events.add(event);
					this.listener.accept(event);
				});
		this.servers.put(id, server);
		this.ids.add(id);
		this.network.attach(server);
	}

	private static Set<String> asSet(Iterable<String> ids) {
		Set<String> set = new LinkedHashSet<>();
		ids.forEach(set::add);
		return set;
	}

	// Replicas

	/** The replicas' ids, those added by {@link #addReplica(String)} last. */
	public List<String> ids() {
		return List.copyOf(this.ids);
	}

	/**
	 * The URL a replica is listed with, for {@link RaftServer#addMember}.
	 * @param id the replica
	 * @return {@code http://<id>.invalid}
	 */
	public static URI url(String id) {
		return URI.create("http://" + id + ".invalid");
	}

	/**
	 * A replica: its {@link io.github.raftboot.leader.RaftLeadership}, as the application of that
	 * replica sees it, and its driver. The same instance across stops and starts.
	 * @param id the replica
	 * @return its server
	 * @throws IllegalArgumentException if there is no such replica
	 */
	public RaftServer server(String id) {
		RaftServer server = this.servers.get(id);
		if (server == null) {
			throw new IllegalArgumentException("No replica '" + id + "' in " + this.ids);
		}
		return server;
	}

	/**
	 * Adds a replica that is no member yet, as a scaled-up deployment's new one: it lists every
	 * replica so far, itself included, and does not run until {@link #start(String) started}. It
	 * then joins when a leader adds it, or asks to, unless {@code autoJoin(false)} is configured.
	 * @param id the new replica
	 * @return this
	 */
	public RaftTestCluster addReplica(String id) {
		checkId(id);
		synchronized (this.ids) {
			if (this.servers.containsKey(id)) {
				throw new IllegalArgumentException("Replica '" + id + "' exists already");
			}
			List<String> members = new ArrayList<>(this.ids);
			members.add(id);
			create(id, members);
		}
		return this;
	}

	/**
	 * Starts every replica that does not run.
	 * @return this
	 */
	public RaftTestCluster startAll() {
		for (String id : this.ids) {
			start(id);
		}
		return this;
	}

	/**
	 * Starts a replica, from the state it persisted if it ran before; a crashed replica is back on
	 * the network.
	 * @param id the replica
	 * @return this
	 */
	public RaftTestCluster start(String id) {
		RaftServer server = server(id);
		this.crashed.remove(id);
		this.network.up(id);
		server.start();
		return this;
	}

	/**
	 * Stops a replica as its application would on shutdown: a leader hands over first, and waits
	 * (up to the maximum election timeout) until another leader is known.
	 * @param id the replica
	 */
	public void stop(String id) {
		server(id).stop();
	}

	/**
	 * Crashes a replica: it vanishes from the network at once, both ways, with nothing handed
	 * over, and then stops (a leader, cut off, tries to hand over all the same, and gives up after
	 * the maximum election timeout). What it persisted survives for {@link #start(String)}.
	 * @param id the replica
	 */
	public void crash(String id) {
		RaftServer server = server(id);
		this.crashed.add(id);
		this.network.down(id);
		server.stop();
	}

	// Faults

	/**
	 * Cuts the link between two replicas, both ways.
	 * @param one a replica
	 * @param other another replica
	 */
	public void cut(String one, String other) {
		server(one);
		server(other);
		this.links.cut(one, other);
	}

	/**
	 * Cuts every link of a replica: it keeps running, alone.
	 * @param id the replica
	 */
	public void isolate(String id) {
		server(id);
		this.links.isolate(id, this.ids);
	}

	/** Heals every cut link (a crashed replica stays down until started). */
	public void heal() {
		this.links.healAll();
	}

	// What happens

	/**
	 * The replicas that are the active leader throughout this call: each replica's fencing token
	 * is read, then read again in reverse order, and a replica is listed when both reads found the
	 * same token, so that two listed replicas were both active at once. More than one means the
	 * election is broken.
	 * @return their ids, in {@link #ids()} order
	 */
	public List<String> activeLeaders() {
		List<String> ids = ids();
		List<OptionalLong> first = new ArrayList<>(ids.size());
		for (String id : ids) {
			first.add(server(id).fencingToken());
		}
		boolean[] active = new boolean[ids.size()];
		for (int i = ids.size() - 1; i >= 0; i--) {
			OptionalLong again = server(ids.get(i)).fencingToken();
			active[i] = again.isPresent() && again.equals(first.get(i));
		}
		List<String> leaders = new ArrayList<>();
		for (int i = 0; i < ids.size(); i++) {
			if (active[i]) {
				leaders.add(ids.get(i));
			}
		}
		return leaders;
	}

	/**
	 * Waits until one replica is the active leader, every running member of its configuration
	 * that it reaches both ways knows it as the leader, and those make a majority of its voters:
	 * then a fault injected next finds a cluster that is settled, and an isolated leader whose
	 * lease has yet to run out does not count.
	 * @param timeout how long to wait at most
	 * @return the leader's id
	 * @throws AssertionError if there is no such leader in time; it tells each replica's state
	 */
	public String awaitLeader(Duration timeout) {
		AtomicReference<String> leader = new AtomicReference<>();
		try {
			await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).until(() -> {
				List<String> leaders = activeLeaders();
				leader.set((leaders.size() == 1) ? leaders.get(0) : null);
				return leader.get() != null && followedByAMajority(leader.get());
			});
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("No leader that a majority follows, and every member it reaches, within "
					+ timeout + ": " + describe() + "; cut links " + this.links, ex);
		}
		return leader.get();
	}

	private boolean followedByAMajority(String leader) {
		Optional<RaftMembership> membership = server(leader).membership();
		Set<String> members = membership.<Set<String>>map(RaftMembership::members).orElseGet(() -> asSet(this.ids));
		Set<String> voters = membership.<Set<String>>map(RaftMembership::voters).orElseGet(() -> asSet(this.ids));
		int votersFollowing = voters.contains(leader) ? 1 : 0;
		for (String id : members) {
			RaftServer server = this.servers.get(id);
			if (id.equals(leader) || server == null || !server.isRunning() || this.crashed.contains(id)
					|| this.links.isCut(leader, id) || this.links.isCut(id, leader)) {
				continue;
			}
			if (!server.leaderId().filter(leader::equals).isPresent()) {
				return false;
			}
			votersFollowing += voters.contains(id) ? 1 : 0;
		}
		return votersFollowing > voters.size() / 2;
	}

	/**
	 * The events every replica published, in the order they were published.
	 * @return the events
	 */
	public List<RaftEvent> events() {
		return List.copyOf(this.events);
	}

	/** Each replica's state, as in {@code n1 RUNNING LEADER term 3 (active)}. */
	private String describe() {
		List<String> states = new ArrayList<>();
		for (String id : this.ids) {
			RaftStatus status = server(id).status();
			states.add(id + " " + (this.crashed.contains(id) ? "CRASHED" : status.state()) + " " + status.role()
					+ " term " + status.term() + ((status.leaderId() != null) ? " leader " + status.leaderId() : "")
					+ (status.leader() ? " (active)" : ""));
		}
		return String.join(", ", states);
	}

	/** Stops every replica, each off the network first, so that none waits for a hand-over. */
	@Override
	public void close() {
		for (String id : this.ids) {
			this.network.down(id);
		}
		for (String id : this.ids) {
			server(id).stop();
		}
	}

	@Override
	public String toString() {
		return "RaftTestCluster[" + describe() + "]";
	}

	private static void checkId(String id) {
		Objects.requireNonNull(id, "id");
		if (!ID.matcher(id).matches()) {
			throw new IllegalArgumentException("Replica id '" + id
					+ "' is not letters, digits and hyphens (it names the replica's URL, http://<id>.invalid)");
		}
	}

	/** Describes a {@link RaftTestCluster}. */
	public static final class Builder {

		private final List<String> ids;

		private Consumer<RaftConfig.Builder> config = (config) -> {
		};

		private Function<String, RaftStorage> storage = (id) -> new InMemoryStorage();

		private Consumer<RaftEvent> listener = (event) -> {
		};

		private Consumer<Message> onSend = (message) -> {
		};

		private Builder(List<String> ids) {
			if (ids.isEmpty()) {
				throw new IllegalArgumentException("A cluster needs at least one replica");
			}
			ids.forEach(RaftTestCluster::checkId);
			if (new LinkedHashSet<>(ids).size() != ids.size()) {
				throw new IllegalArgumentException("Replica ids must differ: " + ids);
			}
			this.ids = ids;
		}

		/**
		 * Adjusts every replica's settings (the core's defaults otherwise: 150–300 ms election
		 * timeout, 50 ms heartbeat, auto-join on), such as
		 * {@code config((config) -> config.autoJoin(false))}.
		 * @param config called with each replica's settings, its members and addresses set
		 * @return this
		 */
		public Builder config(Consumer<RaftConfig.Builder> config) {
			this.config = Objects.requireNonNull(config, "config");
			return this;
		}

		/**
		 * Sets where each replica persists its state; an {@link InMemoryStorage} of its own by
		 * default, which survives stops, starts and crashes.
		 * @param storage called once per replica, with its id
		 * @return this
		 */
		public Builder storage(Function<String, RaftStorage> storage) {
			this.storage = Objects.requireNonNull(storage, "storage");
			return this;
		}

		/**
		 * Adds a listener of every replica's events, called on the publishing replica's event
		 * thread; {@link RaftEvent#getNodeId()} tells which one.
		 * @param listener the listener
		 * @return this
		 */
		public Builder listener(Consumer<RaftEvent> listener) {
			this.listener = Objects.requireNonNull(listener, "listener");
			return this;
		}

		/**
		 * Adds an observer of every request a replica hands to the network, called on the sender's
		 * thread: not those lost on a cut link, but those to a replica that is down.
		 * @param observer the observer
		 * @return this
		 */
		public Builder onSend(Consumer<Message> observer) {
			this.onSend = Objects.requireNonNull(observer, "observer");
			return this;
		}

		/**
		 * Creates the replicas; none runs until started.
		 * @return the cluster
		 */
		public RaftTestCluster build() {
			return new RaftTestCluster(this);
		}

	}

}
