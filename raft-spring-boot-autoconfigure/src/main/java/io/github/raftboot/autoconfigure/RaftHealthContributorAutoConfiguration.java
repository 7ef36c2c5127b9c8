package io.github.raftboot.autoconfigure;

import java.time.Clock;
import java.time.Duration;

import io.github.raftboot.actuate.RaftHealthIndicator;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.runtime.RaftServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link RaftHealthIndicator},
 * reported as {@code raft}; disable it with {@code management.health.raft.enabled=false}.
 *
 * <p>The grace period without a known leader is the maximum election timeout of the
 * {@link RaftServer} (or {@code raft.election-timeout-max} for another
 * {@link RaftLeadership}); the status afterwards is {@code raft.health.leaderless-status}. The
 * indicator is created with the context's singletons, before the replica starts (in its
 * lifecycle phase): a replica that never knew a leader has its grace period counted from then.
 */
@AutoConfiguration(after = RaftAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(RaftLeadership.class)
@ConditionalOnEnabledHealthIndicator("raft")
public final class RaftHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = { "raftHealthIndicator", "raftHealthContributor" })
	RaftHealthIndicator raftHealthIndicator(RaftLeadership leadership, ObjectProvider<RaftProperties> properties) {
		RaftProperties raftProperties = properties.getIfAvailable(RaftProperties::new);
		Duration gracePeriod = (leadership instanceof RaftServer server) ? server.config().electionTimeoutMax()
				: raftProperties.getElectionTimeoutMax();
		Status leaderlessStatus = new Status(raftProperties.getHealth().getLeaderlessStatus());
		return new RaftHealthIndicator(leadership, gracePeriod, leaderlessStatus, Clock.systemUTC());
	}

}
