package io.github.raftboot.autoconfigure;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.raftboot.core.InMemoryStorage;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.runtime.RaftServer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A user configuration with a real {@link RaftServer} of a one-member cluster ("n1", which leads
 * at once), in memory and with a transport that never answers.
 */
@Configuration(proxyBeanMethods = false)
class SingleMemberRaftServerConfiguration {

	@Bean
	RaftServer raftServer() {
		return new RaftServer(RaftConfig.builder("n1", List.of("n1")).build(), new InMemoryStorage(),
				(request) -> new CompletableFuture<>(), (event) -> {
				});
	}

}
