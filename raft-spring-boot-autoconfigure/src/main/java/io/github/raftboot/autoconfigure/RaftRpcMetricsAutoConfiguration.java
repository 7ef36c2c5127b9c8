package io.github.raftboot.autoconfigure;

import io.github.raftboot.actuate.RaftRpcMetrics;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.transport.RpcObserver;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@code raft.rpc} timers: a
 * {@link RaftRpcMetrics} {@link RpcObserver} that the Raft transport tells about every
 * outbound RPC.
 *
 * <p>Runs <em>before</em> {@code RaftAutoConfiguration}, so that the observer is defined when
 * that configuration creates the transport and evaluates its own conditions on
 * {@link RpcObserver}, and after the meter registry is defined. It therefore needs no Raft
 * bean: this replica's id is looked up from the {@link RaftLeadership} on the first RPC.
 */
@AutoConfiguration(before = RaftAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "raft.enabled", matchIfMissing = true)
public final class RaftRpcMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(RpcObserver.class)
	RaftRpcMetrics raftRpcMetrics(MeterRegistry meterRegistry, ObjectProvider<RaftLeadership> leadership) {
		return new RaftRpcMetrics(meterRegistry, () -> leadership.getObject().nodeId());
	}

}
