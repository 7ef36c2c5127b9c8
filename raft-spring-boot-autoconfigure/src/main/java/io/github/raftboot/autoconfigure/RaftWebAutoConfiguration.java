package io.github.raftboot.autoconfigure;

import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.transport.RaftJson;
import io.github.raftboot.transport.RaftRpcController;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * Auto-configuration of the endpoints that serve the Raft RPCs of this member in a servlet web
 * application, under {@code raft.rpc.base-path}.
 */
@AutoConfiguration(after = RaftAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBean(RaftServer.class)
public final class RaftWebAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RaftRpcController raftRpcController(RaftServer server, RaftJson raftJson, RaftProperties properties) {
		return new RaftRpcController(server, raftJson, properties.getRpcTimeout());
	}

}
