package io.github.raftboot.autoconfigure;

import io.github.raftboot.actuate.RaftMetrics;
import io.github.raftboot.runtime.RaftServer;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the metrics of the
 * {@link RaftServer}: {@link RaftMetrics} and, with {@code resilience4j-micrometer}, the
 * metrics of the circuit breakers that guard calls to the other members. Both are
 * {@link MeterBinder} beans, bound to every registry by Boot's metrics auto-configuration;
 * {@link RaftMetrics} is also a listener of the replica's events, on which its per-peer meters
 * follow the members.
 *
 * <p>The RPC timers come from {@link RaftRpcMetricsAutoConfiguration}, which must run before
 * {@code RaftAutoConfiguration}.
 */
@AutoConfiguration(after = RaftAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass({ MeterRegistry.class, MeterBinder.class })
@ConditionalOnBean({ RaftServer.class, MeterRegistry.class })
public final class RaftMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RaftMetrics raftMetrics(RaftServer server) {
		return new RaftMetrics(server);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(TaggedCircuitBreakerMetrics.class)
	@ConditionalOnBean(name = "raftCircuitBreakerRegistry", value = CircuitBreakerRegistry.class)
	static class RaftCircuitBreakerMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "raftCircuitBreakerMetrics")
		TaggedCircuitBreakerMetrics raftCircuitBreakerMetrics(
				@Qualifier("raftCircuitBreakerRegistry") CircuitBreakerRegistry circuitBreakerRegistry) {
			return TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(circuitBreakerRegistry);
		}

	}

}
