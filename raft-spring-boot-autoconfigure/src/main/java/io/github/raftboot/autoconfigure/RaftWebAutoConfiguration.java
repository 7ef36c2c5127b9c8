package io.github.raftboot.autoconfigure;

import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.transport.RaftJson;
import io.github.raftboot.transport.RaftRpcFilter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * Auto-configuration of the endpoints that serve the Raft RPCs of this member in a servlet web
 * application, under {@code raft.rpc.base-path}, authenticated with {@code raft.security.token}
 * and limited to bodies of {@code raft.rpc.max-body-size}.
 *
 * <p>They are served by a {@link RaftRpcFilter} registered first in the filter chain, so an RPC
 * costs the member as little as the container allows and the application's filters never see it.
 */
@AutoConfiguration(after = RaftAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(RaftServer.class)
public final class RaftWebAutoConfiguration {

	private static final Log logger = LogFactory.getLog(RaftWebAutoConfiguration.class);

	/** The order of the filter registration: ahead of every filter Spring Boot registers. */
	public static final int FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE;

	@Bean
	@ConditionalOnMissingBean
	RaftRpcFilter raftRpcFilter(RaftServer server, RaftJson raftJson, RaftProperties properties,
			RaftSettings settings) {
		RaftConfig config = server.config();
		if (!settings.authentication().isRequired() && config.members().size() > 1) {
			logger.warn("Raft RPCs are not authenticated: anyone who can reach this application's HTTP port can "
					+ "disturb the leader election of members " + config.members() + " (force elections, raise the "
					+ "term, depose the leader). Set raft.security.token (for example through the environment "
					+ "variable RAFT_SECURITY_TOKEN) to the same long random secret on every replica.");
		}
		return new RaftRpcFilter(server, raftJson, properties.getRpcTimeout(), settings.authentication(),
				properties.getRpc().getMaxBodySize(), properties.getRpc().getBasePath());
	}

	@Bean
	@ConditionalOnMissingBean(name = "raftRpcFilterRegistration")
	FilterRegistrationBean<RaftRpcFilter> raftRpcFilterRegistration(RaftRpcFilter raftRpcFilter) {
		FilterRegistrationBean<RaftRpcFilter> registration = new FilterRegistrationBean<>(raftRpcFilter);
		registration.setName("raftRpcFilter");
		registration.addUrlPatterns(raftRpcFilter.urlPattern());
		registration.setOrder(FILTER_ORDER);
		return registration;
	}

}
