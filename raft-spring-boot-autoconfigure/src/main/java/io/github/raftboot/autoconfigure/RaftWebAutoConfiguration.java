package io.github.raftboot.autoconfigure;

import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.transport.RaftJson;
import io.github.raftboot.transport.RaftRpcFilter;
import jakarta.servlet.Filter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
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
 *
 * @see RaftReactiveWebAutoConfiguration the same in a reactive web application
 * @see RaftStartupChecksAutoConfiguration an application without a web server
 */
@AutoConfiguration(after = RaftAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(Filter.class)
@ConditionalOnBean(RaftServer.class)
public final class RaftWebAutoConfiguration {

	private static final Log logger = LogFactory.getLog(RaftWebAutoConfiguration.class);

	/** The order of the filter registration: ahead of every filter Spring Boot registers. */
	public static final int FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE;

	@Bean
	@ConditionalOnMissingBean
	RaftRpcFilter raftRpcFilter(RaftServer server, RaftJson raftJson, RaftProperties properties,
			RaftSettings settings) {
		UnauthenticatedRpcWarning.warnIfUnauthenticated(logger, server.config(), settings.authentication());
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
