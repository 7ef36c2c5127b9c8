package io.github.raftboot.autoconfigure;

import java.net.URI;
import java.util.Set;
import java.util.TreeSet;

import io.github.raftboot.transport.HttpRaftTransport;
import io.github.raftboot.transport.RaftTransport;

import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnNotWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of the startup checks that the other members can reach this replica: that
 * the application runs a web server at all ({@link NoWebServerCheck}), and that this replica's
 * own URL in {@code raft.peers} leads to that server ({@link OwnUrlCheck}).
 */
@AutoConfiguration(after = RaftAutoConfiguration.class)
@ConditionalOnBean(RaftSettings.class)
public final class RaftStartupChecksAutoConfiguration {

	/**
	 * Stops the startup of an application that is no web application while its member has others
	 * to talk to over HTTP: they send their RPCs to this replica's own HTTP port, so it could
	 * neither vote nor follow a leader. A cluster of one member (no other in {@code raft.peers})
	 * sends and serves no RPCs, and starts; so does a member whose transport is the application's
	 * own (not the {@link HttpRaftTransport}). A test that starts such an application without a web
	 * server on purpose ({@code @SpringBootTest(webEnvironment = NONE)}) sets
	 * {@code raft.enabled=false}: it could not take part in an election anyway.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnNotWebApplication
	static final class NoWebServerCheck {

		NoWebServerCheck(RaftSettings settings, RaftTransport transport) {
			if (!settings.peerUrls().isEmpty() && transport instanceof HttpRaftTransport) {
				Set<String> members = new TreeSet<>(settings.config().members());
				throw new RaftConfigurationException("Raft member '" + settings.config().nodeId() + "' runs in an "
						+ "application without a web server (no web starter on the class path, or "
						+ "spring.main.web-application-type=none), so the other members of " + members
						+ " cannot send it their RPCs, which travel over the application's own HTTP port: it can "
						+ "neither vote nor follow a leader.",
						"Give the application a web server: add spring-boot-starter-webmvc (Spring MVC) or "
								+ "spring-boot-starter-webflux (Spring WebFlux) to its dependencies, do not set "
								+ "spring.main.web-application-type=none, and serve HTTP on the port of this "
								+ "replica's URL in raft.peers. Or, if this application takes no part in the "
								+ "election (such as a test without a web server), set raft.enabled=false.");
			}
		}

		/** Runs the check even when beans are initialized lazily ({@code spring.main.lazy-initialization}). */
		@Bean
		static LazyInitializationExcludeFilter raftNoWebServerCheckIsEager() {
			return LazyInitializationExcludeFilter.forBeanTypes(NoWebServerCheck.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(WebServerInitializedEvent.class)
	static final class OwnUrlCheckConfiguration {

		@Bean
		@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
		OwnUrlCheck raftOwnUrlCheck(RaftSettings settings, RaftProperties properties, Environment environment) {
			return ownUrlCheck(settings, properties, environment, "server.servlet.context-path");
		}

		@Bean
		@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
		OwnUrlCheck raftReactiveOwnUrlCheck(RaftSettings settings, RaftProperties properties,
				Environment environment) {
			return ownUrlCheck(settings, properties, environment, "spring.webflux.base-path");
		}

		private static OwnUrlCheck ownUrlCheck(RaftSettings settings, RaftProperties properties,
				Environment environment, String contextPathProperty) {
			String nodeId = settings.config().nodeId();
			URI url = properties.getPeers().get(nodeId);
			return new OwnUrlCheck(nodeId, url, environment.getProperty(contextPathProperty), contextPathProperty);
		}

	}

}
