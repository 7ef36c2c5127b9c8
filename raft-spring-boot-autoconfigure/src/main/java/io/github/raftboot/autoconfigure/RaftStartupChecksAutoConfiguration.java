package io.github.raftboot.autoconfigure;

import java.net.URI;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of the startup checks that the other members can reach this replica: that
 * the application runs a web server at all ({@link NoWebServerWarning}), and that this replica's
 * own URL in {@code raft.peers} leads to that server ({@link OwnUrlCheck}).
 */
@AutoConfiguration(after = RaftAutoConfiguration.class)
@ConditionalOnBean(RaftSettings.class)
public final class RaftStartupChecksAutoConfiguration {

	@Bean
	NoWebServerWarning raftNoWebServerWarning(RaftSettings settings) {
		return new NoWebServerWarning(settings.config().nodeId(), settings.config().members());
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
