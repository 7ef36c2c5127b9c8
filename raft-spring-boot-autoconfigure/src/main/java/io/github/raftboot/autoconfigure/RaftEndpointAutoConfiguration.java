package io.github.raftboot.autoconfigure;

import java.time.Clock;

import io.github.raftboot.actuate.RaftEndpoint;
import io.github.raftboot.actuate.RaftEndpointWebExtension;
import io.github.raftboot.leader.RaftLeadership;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link RaftEndpoint}
 * ({@code /actuator/raft}) and, when it is exposed over HTTP, its
 * {@link RaftEndpointWebExtension}. Like every endpoint, it must be exposed, e.g. with
 * {@code management.endpoints.web.exposure.include=raft}.
 */
@AutoConfiguration(after = RaftAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(RaftLeadership.class)
@ConditionalOnAvailableEndpoint(RaftEndpoint.class)
public final class RaftEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RaftEndpoint raftEndpoint(RaftLeadership leadership) {
		return new RaftEndpoint(leadership, Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(RaftEndpoint.class)
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	RaftEndpointWebExtension raftEndpointWebExtension(RaftEndpoint endpoint) {
		return new RaftEndpointWebExtension(endpoint);
	}

}
