package io.github.raftboot.autoconfigure;

import java.time.Clock;

import io.github.raftboot.core.FileStorage;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.RaftStorage;
import io.github.raftboot.core.StorageException;
import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.transport.HttpRaftTransport;
import io.github.raftboot.transport.RaftJson;
import io.github.raftboot.transport.RaftTransport;
import io.github.raftboot.transport.RpcObserver;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of Raft leader election: the settings, the file storage, the HTTP
 * transport and the {@link RaftServer} that runs the election (also the
 * {@link io.github.raftboot.leader.RaftLeadership} for the application).
 */
@AutoConfiguration
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
		return new RaftJson();
	}

	/**
	 * One circuit breaker per member: after a few failed calls in a row it fails calls at once,
	 * then lets one probe through after the minimum election timeout, so a member that comes
	 * back is used again within about one election timeout.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "raftCircuitBreakerRegistry")
	CircuitBreakerRegistry raftCircuitBreakerRegistry(RaftConfig config) {
		CircuitBreakerConfig circuitBreaker = CircuitBreakerConfig.custom()
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(5)
			.minimumNumberOfCalls(3)
			.failureRateThreshold(60)
			.waitDurationInOpenState(config.electionTimeoutMin())
			.permittedNumberOfCallsInHalfOpenState(1)
			.build();
		return CircuitBreakerRegistry.of(circuitBreaker);
	}

	@Bean
	@ConditionalOnMissingBean
	RaftTransport raftTransport(RaftSettings settings, RaftProperties properties,
			CircuitBreakerRegistry raftCircuitBreakerRegistry, ObjectProvider<RpcObserver> observers) {
		RpcObserver observer = observers.getIfAvailable(() -> RpcObserver.NONE);
		return new HttpRaftTransport(settings.config().nodeId(), settings.peerUrls(), properties.getRpc().getBasePath(),
				properties.getRpcTimeout(), raftCircuitBreakerRegistry, observer, Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	RaftServer raftServer(RaftConfig config, RaftStorage storage, RaftTransport transport,
			ApplicationEventPublisher eventPublisher) {
		return new RaftServer(config, storage, transport, eventPublisher::publishEvent);
	}

}
