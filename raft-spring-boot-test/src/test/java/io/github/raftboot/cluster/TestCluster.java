package io.github.raftboot.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import io.github.raftboot.event.RaftEvent;
import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.runtime.RaftStatistics;
import io.github.raftboot.test.CutLinks;
import io.github.raftboot.test.FaultInjectingTransport;
import io.github.raftboot.transport.RaftTransport;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ReactorResourceFactory;

import static org.awaitility.Awaitility.await;

/**
 * Replicas of a minimal Spring Boot web application (Spring MVC, or WebFlux), each in its own
 * context on its own loopback port, talking Raft over real HTTP (or HTTPS). Each runs the auto-configured
 * transport, wrapped in a {@link FaultInjectingTransport} that cuts and heals links between them.
 */
final class TestCluster implements AutoCloseable {

	private static final Map<String, CutLinks> LINKS = new ConcurrentHashMap<>();

	private static final Map<String, Duration> SLOW_STOPS = new ConcurrentHashMap<>();

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

	private final String clusterId = UUID.randomUUID().toString();

	private final CutLinks links = new CutLinks();

	private final Map<String, Integer> ports = new ConcurrentHashMap<>();

	private final Map<String, ConfigurableApplicationContext> running = new ConcurrentHashMap<>();

	private final List<RaftEvent> events = new CopyOnWriteArrayList<>();

	private final List<String> marks = new CopyOnWriteArrayList<>();

	private final Path dataRoot;

	private final String[] extraProperties;

	private final Map<String, List<String>> replicaProperties = new ConcurrentHashMap<>();

	private final Map<String, List<String>> replicaPeers = new ConcurrentHashMap<>();

	private String scheme = "http";

	private WebApplicationType webApplicationType = WebApplicationType.SERVLET;

	/**
	 * Creates a cluster; nothing runs until {@link #startAll()} or {@link #start(String)}.
	 * @param size the number of replicas, named {@code n1}, {@code n2}, ...
	 * @param dataRoot where the replicas keep their state, one directory each
	 * @param extraProperties properties of every replica, such as {@code raft.security.token=...}
	 */
	TestCluster(int size, Path dataRoot, String... extraProperties) {
		this.dataRoot = dataRoot;
		this.extraProperties = extraProperties;
		for (int i = 1; i <= size; i++) {
			this.ports.put("n" + i, freePort());
		}
		LINKS.put(this.clusterId, this.links);
	}

	/** Runs the replicas as Spring WebFlux applications (on Netty) rather than Spring MVC ones (on Tomcat). */
	TestCluster reactive() {
		this.webApplicationType = WebApplicationType.REACTIVE;
		return this;
	}

	/** Lists the members with {@code https} URLs (the replicas must serve TLS: see {@link #withProperties}). */
	TestCluster https() {
		this.scheme = "https";
		return this;
	}

	/**
	 * Adds a replica that has not run yet, with a port of its own; by default it lists every
	 * replica of the cluster in its {@code raft.peers}, itself included, as a scaled-up
	 * StatefulSet's new pod would. Start it with {@link #start(String)}.
	 */
	TestCluster addReplica(String id) {
		if (this.ports.containsKey(id)) {
			throw new IllegalArgumentException(id + " exists already");
		}
		this.ports.put(id, freePort());
		return this;
	}

	/** Makes a replica list exactly these members in its {@code raft.peers}. */
	TestCluster withPeers(String id, List<String> peers) {
		this.replicaPeers.put(id, List.copyOf(peers));
		return this;
	}

	/** The base URL of a replica, as its peers list it. */
	URI url(String id) {
		return URI.create(this.scheme + "://127.0.0.1:" + port(id));
	}

	/** Adds properties of one replica, applied after those of every replica. */
	TestCluster withProperties(String id, String... properties) {
		this.replicaProperties.computeIfAbsent(id, (key) -> new ArrayList<>()).addAll(List.of(properties));
		return this;
	}

	/**
	 * Starts every replica, one after the other (Spring Boot's logging set-up does not support
	 * applications starting concurrently in one JVM).
	 */
	TestCluster startAll() {
		for (String id : ids()) {
			start(id);
		}
		return this;
	}

	void start(String id) {
		mark("start " + id);
		List<String> properties = new ArrayList<>();
		properties.add("server.port=" + this.ports.get(id));
		properties.add("server.address=127.0.0.1");
		properties.add("raft.node-id=" + id);
		properties.add("raft.data-dir=" + this.dataRoot.resolve(id));
		properties.add("test.cluster-id=" + this.clusterId);
		properties.add("spring.main.banner-mode=off");
		properties.add("management.endpoints.web.exposure.include=health,raft");
		for (String peer : this.replicaPeers.getOrDefault(id, ids())) {
			properties.add("raft.peers." + peer + "=" + url(peer));
		}
		properties.addAll(List.of(this.extraProperties));
		properties.addAll(this.replicaProperties.getOrDefault(id, List.of()));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ReplicaApplication.class)
			.web(this.webApplicationType)
			.properties(properties.toArray(String[]::new))
			.listeners((ApplicationListener<RaftEvent>) this.events::add)
			.run();
		this.running.put(id, context);
	}

	/**
	 * Makes a component of every replica of this cluster take that long to stop, a component
	 * that stops before any other (as a scheduler waiting for its tasks would).
	 * @param duration how long, zero for not at all
	 */
	void slowComponentStop(Duration duration) {
		SLOW_STOPS.put(this.clusterId, duration);
	}

	/** Closes the replica's context: a leader hands over first. */
	void stop(String id) {
		ConfigurableApplicationContext context = this.running.remove(id);
		if (context != null) {
			mark("stop " + id);
			context.close();
		}
	}

	/** Cuts every link of the replica, so it is alive but alone. */
	void isolate(String id) {
		mark("isolate " + id);
		this.links.isolate(id, ids());
	}

	void healAll() {
		mark("heal all");
		this.links.healAll();
	}

	RaftServer server(String id) {
		return context(id).getBean(RaftServer.class);
	}

	/** The application context of a running replica. */
	ConfigurableApplicationContext context(String id) {
		ConfigurableApplicationContext context = this.running.get(id);
		if (context == null) {
			throw new IllegalStateException(id + " is not running");
		}
		return context;
	}

	boolean isRunning(String id) {
		return this.running.containsKey(id);
	}

	int port(String id) {
		return this.ports.get(id);
	}

	/** The base URL of the replica's RPC endpoints, such as {@code http://127.0.0.1:8080/raft}. */
	URI rpcUrl(String id) {
		return URI.create(this.scheme + "://127.0.0.1:" + port(id) + "/raft");
	}

	List<String> ids() {
		return this.ports.keySet().stream().sorted().toList();
	}

	List<String> runningIds() {
		return ids().stream().filter(this.running::containsKey).toList();
	}

	/** The replicas that are active leaders right now. */
	List<String> activeLeaders() {
		List<String> leaders = new ArrayList<>();
		for (String id : runningIds()) {
			try {
				if (server(id).isLeader()) {
					leaders.add(id);
				}
			}
			catch (IllegalStateException ex) {
				// stopped meanwhile
			}
		}
		return leaders;
	}

	Optional<String> activeLeader() {
		List<String> leaders = activeLeaders();
		return (leaders.size() == 1) ? Optional.of(leaders.get(0)) : Optional.empty();
	}

	/**
	 * Waits for an active leader that every running replica follows: only then does cutting one
	 * replica off leave the others a working majority (a replica that just started may not have
	 * answered the leader yet, so cutting off another would cost the leader its quorum).
	 */
	String awaitLeader() {
		AtomicReference<String> leader = new AtomicReference<>();
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> {
			String current = activeLeader().orElse(null);
			leader.set(current);
			return current != null
					&& runningIds().stream().allMatch((id) -> server(id).leaderId().filter(current::equals).isPresent());
		});
		return leader.get();
	}

	/** Waits for an active leader other than that one. */
	String awaitLeaderOtherThan(String old) {
		AtomicReference<String> leader = new AtomicReference<>();
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() -> {
			String current = activeLeader().orElse(null);
			leader.set(current);
			return current != null && !current.equals(old);
		});
		return leader.get();
	}

	List<RaftEvent> events() {
		return List.copyOf(this.events);
	}

	/**
	 * What happened, in order: every event and every fault injected or replica started or
	 * stopped, each with its wall-clock time, and every running replica's election counters.
	 * For failure messages of timing-sensitive tests.
	 */
	String timeline() {
		List<String> lines = new ArrayList<>(this.marks);
		for (RaftEvent event : this.events) {
			lines.add(stamp(event.getTimestamp()) + " " + event);
		}
		lines.sort(null);
		for (String id : runningIds()) {
			try {
				RaftServer server = server(id);
				RaftStatistics statistics = server.statistics();
				lines.add(id + " now: term " + server.currentTerm() + ", " + server.status().role() + ", pre-votes "
						+ statistics.preVotesStarted() + ", elections " + statistics.electionsStarted() + " (won "
						+ statistics.electionsWon() + "), transfer campaigns " + statistics.transferCampaigns());
			}
			catch (IllegalStateException ex) {
				// stopped meanwhile
			}
		}
		return String.join(System.lineSeparator(), lines);
	}

	private void mark(String what) {
		this.marks.add(stamp(System.currentTimeMillis()) + " " + what);
	}

	private static String stamp(long epochMillis) {
		return TIME.format(Instant.ofEpochMilli(epochMillis));
	}

	@Override
	public void close() {
		for (String id : ids()) {
			try {
				stop(id);
			}
			catch (RuntimeException ex) {
				// keep closing the others
			}
		}
		SLOW_STOPS.remove(this.clusterId);
		LINKS.remove(this.clusterId);
	}

	/**
	 * A port nothing listens on, and none of this cluster's replicas has: the kernel may hand
	 * out a port it just handed out once the socket asking for it is closed, and two replicas
	 * with one URL are refused at startup.
	 */
	private int freePort() {
		for (int attempt = 0;; attempt++) {
			int port;
			try (ServerSocket socket = new ServerSocket(0)) {
				socket.setReuseAddress(true);
				port = socket.getLocalPort();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			if (!this.ports.containsValue(port) || attempt >= 100) {
				return port;
			}
		}
	}

	/**
	 * The application every replica runs: auto-configuration, with the auto-configured transport
	 * (bearer token, SSL bundle and all) wrapped in the fault-injecting one.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ReplicaApplication {

		@Bean
		static BeanPostProcessor faultInjectingTransportPostProcessor(Environment environment) {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) {
					if (bean instanceof RaftTransport transport && !(bean instanceof FaultInjectingTransport)) {
						@Nullable CutLinks links = LINKS.get(environment.getRequiredProperty("test.cluster-id"));
						return new FaultInjectingTransport(transport, (links != null) ? links : new CutLinks());
					}
					return bean;
				}

			};
		}

		/**
		 * Event loops of this replica's own: by default every WebFlux application in the JVM
		 * shares Reactor Netty's global ones, and the first replica to stop would dispose of
		 * them, stopping the others' servers too.
		 */
		@Bean
		@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
		ReactorResourceFactory ownEventLoops() {
			ReactorResourceFactory resources = new ReactorResourceFactory();
			resources.setUseGlobalResources(false);
			resources.setShutdownQuietPeriod(Duration.ZERO);
			return resources;
		}

		@Bean
		SmartLifecycle slowToStop(Environment environment) {
			String clusterId = environment.getRequiredProperty("test.cluster-id");
			return new SmartLifecycle() {

				private volatile boolean running;

				@Override
				public void start() {
					this.running = true;
				}

				@Override
				public void stop() {
					Duration duration = SLOW_STOPS.getOrDefault(clusterId, Duration.ZERO);
					try {
						// A fixture, not a wait of the test: a component that is slow to stop.
						Thread.sleep(duration.toMillis());
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					this.running = false;
				}

				@Override
				public boolean isRunning() {
					return this.running;
				}

				@Override
				public int getPhase() {
					return SmartLifecycle.DEFAULT_PHASE;
				}

			};
		}

	}

}
