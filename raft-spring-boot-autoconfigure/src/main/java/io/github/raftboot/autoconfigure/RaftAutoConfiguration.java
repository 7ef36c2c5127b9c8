package io.github.raftboot.autoconfigure;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import io.github.raftboot.core.FileStorage;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.RaftStorage;
import io.github.raftboot.core.StorageException;
import io.github.raftboot.runtime.ElectionWarmUp;
import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.transport.HttpRaftTransport;
import io.github.raftboot.transport.RaftJson;
import io.github.raftboot.transport.RaftTransport;
import io.github.raftboot.transport.RpcObserver;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of Raft leader election: the settings, the file storage, the HTTP
 * transport (with the bearer token of {@code raft.security.token} and the SSL bundle of
 * {@code raft.rpc.ssl.bundle}) and the {@link RaftServer} that runs the election (also the
 * {@link io.github.raftboot.leader.RaftLeadership} for the application), and the warm-up of the
 * election code ({@code raft.warm-up.enabled}).
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "raft.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RaftProperties.class)
public final class RaftAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RaftSettings raftSettings(RaftProperties properties) {
		return RaftSettings.from(properties);
	}

	@Bean
	@ConditionalOnMissingBean
	RaftConfig raftConfig(RaftSettings settings) {
		return settings.config();
	}

	@Bean
	@ConditionalOnMissingBean
	RaftStorage raftStorage(RaftSettings settings) {
		try {
			return new FileStorage(settings.dataDir());
		}
		catch (StorageException ex) {
			throw new RaftConfigurationException(ex.getMessage(),
					"Set raft.data-dir to a directory this application can create and write, "
							+ "on a disk that survives restarts.",
					ex);
		}
	}

	@Bean
	@ConditionalOnMissingBean
	RaftJson raftJson() {
		return new RaftJson().warmUp();
	}

	/**
	 * One circuit breaker per member: after a few failed calls in a row it fails calls at once,
	 * then lets one probe through after the minimum election timeout, so a member that comes
	 * back is used again within about one election timeout.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "raftCircuitBreakerRegistry")
	CircuitBreakerRegistry raftCircuitBreakerRegistry(RaftConfig config) {
		return CircuitBreakerRegistry.of(circuitBreakerConfig(config, Clock.systemUTC()));
	}

	/**
	 * The circuit breakers' settings. Only the calls of the last second count: a follower calls
	 * the other members only when it campaigns, so with a window of the last few calls, failures
	 * from an election long ago (members not up yet when the cluster started) would still count,
	 * and the first successful vote of the next campaign would open the circuit — the new leader
	 * would then send its heartbeats nowhere and step down for lack of a quorum.
	 */
	static CircuitBreakerConfig circuitBreakerConfig(RaftConfig config, Clock clock) {
		return CircuitBreakerConfig.custom()
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
			.slidingWindowSize(1)
			.minimumNumberOfCalls(3)
			.failureRateThreshold(60)
			.waitDurationInOpenState(config.electionTimeoutMin())
			.permittedNumberOfCallsInHalfOpenState(1)
			.clock(clock)
			.build();
	}

	@Bean
	@ConditionalOnMissingBean
	RaftTransport raftTransport(RaftSettings settings, RaftProperties properties, RaftJson raftJson,
			CircuitBreakerRegistry raftCircuitBreakerRegistry, ObjectProvider<RpcObserver> observers,
			ObjectProvider<SslBundles> sslBundles) {
		RpcObserver observer = observers.getIfAvailable(() -> RpcObserver.NONE);
		HttpRaftTransport.Builder transport = HttpRaftTransport.builder(settings.config().nodeId(), settings.peerUrls())
			.basePath(properties.getRpc().getBasePath())
			.keepWarm(properties.getRpc().getKeepWarmInterval().isZero() ? null
					: properties.getRpc().getKeepWarmInterval())
			.rpcTimeout(properties.getRpcTimeout())
			.circuitBreakers(raftCircuitBreakerRegistry)
			.observer(observer)
			.clock(Clock.systemUTC())
			.json(raftJson)
			// Validated by the settings
			.bearerToken(properties.getSecurity().getToken());
		SslBundle sslBundle = sslBundle(properties.getRpc().getSsl().getBundle(), sslBundles);
		if (sslBundle != null) {
			SSLContext sslContext = sslBundle.createSslContext();
			transport.sslContext(sslContext).sslParameters(sslParameters(sslContext, sslBundle.getOptions()));
		}
		return transport.build();
	}

	private static @Nullable SslBundle sslBundle(@Nullable String name, ObjectProvider<SslBundles> sslBundles) {
		if (name == null) {
			return null;
		}
		SslBundles bundles = sslBundles.getIfAvailable();
		if (bundles == null) {
			throw new RaftConfigurationException(
					"raft.rpc.ssl.bundle is '" + name + "', but this application has no SSL bundles.",
					"Define the bundle under spring.ssl.bundle.jks." + name + " or spring.ssl.bundle.pem." + name
							+ ", or remove raft.rpc.ssl.bundle.");
		}
		try {
			return bundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			throw new RaftConfigurationException(
					"raft.rpc.ssl.bundle is '" + name + "', but there is no SSL bundle of that name (the bundles are "
							+ bundles.getBundleNames() + ").",
					"Define the bundle under spring.ssl.bundle.jks." + name + " or spring.ssl.bundle.pem." + name
							+ ", or set raft.rpc.ssl.bundle to the name of an existing bundle.",
					ex);
		}
	}

	private static @Nullable SSLParameters sslParameters(SSLContext context, @Nullable SslOptions options) {
		if (options == null || !options.isSpecified()) {
			return null;
		}
		SSLParameters parameters = context.getDefaultSSLParameters();
		if (options.getCiphers() != null) {
			parameters.setCipherSuites(options.getCiphers());
		}
		if (options.getEnabledProtocols() != null) {
			parameters.setProtocols(options.getEnabledProtocols());
		}
		return parameters;
	}

	/**
	 * Where each election group of {@code raft.groups} keeps its state: a directory of its own
	 * under {@code raft.data-dir}, {@code groups/<name>}.
	 */
	@Bean
	@ConditionalOnMissingBean
	RaftGroupStorage raftGroupStorage(RaftSettings settings) {
		return (group) -> {
			try {
				return new FileStorage(settings.dataDir().resolve("groups").resolve(group));
			}
			catch (StorageException ex) {
				throw new RaftConfigurationException(ex.getMessage(),
						"Set raft.data-dir to a directory this application can create and write, "
								+ "on a disk that survives restarts.",
						ex);
			}
		};
	}

	@Bean
	@ConditionalOnMissingBean
	RaftServer raftServer(RaftConfig config, RaftStorage storage, RaftTransport transport,
			ApplicationEventPublisher eventPublisher, RaftProperties properties, RaftGroupStorage groupStorage) {
		RaftServer server = new RaftServer(config, storage, transport, eventPublisher::publishEvent);
		if (!properties.getGroups().isEmpty()) {
			Map<String, RaftStorage> groups = new LinkedHashMap<>();
			for (String group : properties.getGroups()) {
				groups.put(group, groupStorage.forGroup(group));
			}
			server.withGroups(groups, properties.getPreferredLeaders(),
					properties.getBalance().isEnabled() ? properties.getBalance().getDelay() : null);
		}
		return server;
	}

	/**
	 * Warms up the election and leader code of this JVM in the background once the application
	 * is ready, unless this member is a cluster of one, which never campaigns against anyone, or
	 * another member warmed up this JVM already. It makes way for the member: it ends once the
	 * member leads a group, and waits while the member's pause monitor notices pauses.
	 */
	@Bean
	@ConditionalOnBooleanProperty(name = "raft.warm-up.enabled", matchIfMissing = true)
	ElectionWarmUpLifecycle raftElectionWarmUp(RaftConfig config, RaftJson raftJson, RaftServer raftServer) {
		return new ElectionWarmUpLifecycle(new ElectionWarmUp(raftJson, raftServer), config.nodeId(),
				config.members().size() > 1);
	}

	@Bean
	HandOverOnContextClosed raftHandOverOnContextClosed(RaftServer raftServer, ApplicationContext context) {
		return new HandOverOnContextClosed(raftServer, context);
	}

}
