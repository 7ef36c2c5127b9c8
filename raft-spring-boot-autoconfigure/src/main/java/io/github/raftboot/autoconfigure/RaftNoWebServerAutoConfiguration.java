package io.github.raftboot.autoconfigure;

import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.transport.HttpRaftTransport;
import io.github.raftboot.transport.RaftTransport;

import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnNotWebApplication;
import org.springframework.context.annotation.Bean;

/**
 * Stops the startup of an application that is no web application while its member has others to
 * talk to over HTTP: the Raft RPCs travel over the application's own HTTP port, so no other member
 * could reach this one. A cluster of one member (no other in {@code raft.peers}) sends and serves
 * no RPCs, and starts; so does a member whose transport is the application's own (not the
 * {@link HttpRaftTransport}).
 *
 * @see RaftWebAutoConfiguration
 * @see RaftReactiveWebAutoConfiguration
 */
@AutoConfiguration(after = RaftAutoConfiguration.class)
@ConditionalOnNotWebApplication
@ConditionalOnBean(RaftServer.class)
public final class RaftNoWebServerAutoConfiguration {

	RaftNoWebServerAutoConfiguration(RaftSettings settings, RaftTransport transport) {
		if (!settings.peerUrls().isEmpty() && transport instanceof HttpRaftTransport) {
			String nodeId = settings.config().nodeId();
			throw new RaftConfigurationException("Raft member '" + nodeId + "' has other members to talk to ("
					+ String.join(", ", settings.peerUrls().keySet()) + "), but this application is not a web "
					+ "application: the Raft RPCs travel over the application's own HTTP port, so no other member "
					+ "could reach this one.",
					"Give the application a web server: add spring-boot-starter-webmvc (Spring MVC) or "
							+ "spring-boot-starter-webflux (Spring WebFlux) to its dependencies, and do not set "
							+ "spring.main.web-application-type=none. Or, if this application takes no part in the "
							+ "election, set raft.enabled=false.");
		}
	}

	/** Runs the check even when beans are initialized lazily ({@code spring.main.lazy-initialization}). */
	@Bean
	static LazyInitializationExcludeFilter raftNoWebServerCheckIsEager() {
		return LazyInitializationExcludeFilter.forBeanTypes(RaftNoWebServerAutoConfiguration.class);
	}

}
