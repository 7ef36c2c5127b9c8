package io.github.raftboot.autoconfigure;

import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.transport.RaftJson;
import io.github.raftboot.transport.RaftRpcWebFilter;
import io.micrometer.observation.ObservationPredicate;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.WebFilter;

/**
 * Auto-configuration of the endpoints that serve the Raft RPCs of this member in a reactive
 * (Spring WebFlux) web application, with the same settings as in a servlet one
 * ({@link RaftWebAutoConfiguration}).
 *
 * <p>They are served by a {@link RaftRpcWebFilter} ordered ahead of every other web filter, so the
 * application's filters (Spring Security's too) never see them. WebFlux observes a request before
 * any filter runs, so an {@link ObservationPredicate} keeps the RPCs out of
 * {@code http.server.requests}, as the servlet filter does by running first; they are measured by
 * {@code raft.rpc.*} instead.
 */
@AutoConfiguration(after = RaftAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ WebFilter.class, Mono.class })
@ConditionalOnBean(RaftServer.class)
public final class RaftReactiveWebAutoConfiguration {

	private static final Log logger = LogFactory.getLog(RaftReactiveWebAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	RaftRpcWebFilter raftRpcWebFilter(RaftServer server, RaftJson raftJson, RaftProperties properties,
			RaftSettings settings) {
		UnauthenticatedRpcWarning.warnIfUnauthenticated(logger, server.config(), settings.authentication());
		return new RaftRpcWebFilter(server, raftJson, properties.getRpcTimeout(), settings.authentication(),
				properties.getRpc().getMaxBodySize(), properties.getRpc().getBasePath());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ObservationPredicate.class, ServerRequestObservationContext.class })
	static class RpcObservationConfiguration {

		/** Turns the observation of every request the filter answers itself into a no-op. */
		@Bean
		@ConditionalOnMissingBean(name = "raftRpcObservationPredicate")
		ObservationPredicate raftRpcObservationPredicate(RaftRpcWebFilter raftRpcWebFilter) {
			return (name, context) -> !(context instanceof ServerRequestObservationContext request
					&& raftRpcWebFilter.serves(request.getCarrier()));
		}

	}

}
