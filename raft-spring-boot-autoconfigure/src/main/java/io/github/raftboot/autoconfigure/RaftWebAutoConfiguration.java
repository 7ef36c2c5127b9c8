package io.github.raftboot.autoconfigure;

import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.transport.RaftJson;
import io.github.raftboot.transport.RaftRpcController;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * Auto-configuration of the endpoints that serve the Raft RPCs of this member in a servlet web
 * application, under {@code raft.rpc.base-path}, authenticated with {@code raft.security.token}
 * and limited to bodies of {@code raft.rpc.max-body-size}.
 */
@AutoConfiguration(after = RaftAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBean(RaftServer.class)
public final class RaftWebAutoConfiguration {

	private static final Log logger = LogFactory.getLog(RaftWebAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	RaftRpcController raftRpcController(RaftServer server, RaftJson raftJson, RaftProperties properties,
			RaftSettings settings) {
		RaftConfig config = server.config();
		if (!settings.authentication().isRequired() && config.members().size() > 1) {
			logger.warn("Raft RPCs are not authenticated: anyone who can reach this application's HTTP port can "
					+ "disturb the leader election of members " + config.members() + " (force elections, raise the "
					+ "term, depose the leader). Set raft.security.token (for example through the environment "
					+ "variable RAFT_SECURITY_TOKEN) to the same long random secret on every replica.");
		}
		return new RaftRpcController(server, raftJson, properties.getRpcTimeout(), settings.authentication(),
				properties.getRpc().getMaxBodySize());
	}

}
