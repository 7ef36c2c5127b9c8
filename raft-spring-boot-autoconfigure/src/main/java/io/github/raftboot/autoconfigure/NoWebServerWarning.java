package io.github.raftboot.autoconfigure;

import java.util.Set;
import java.util.TreeSet;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * Warns, once the application is ready, when it runs no web server although other members
 * exist: they send their RPCs to this replica over HTTP, so it could neither vote nor follow a
 * leader. A warning rather than a failure, because tests start applications without a web
 * server on purpose ({@code @SpringBootTest(webEnvironment = NONE)}).
 */
final class NoWebServerWarning implements ApplicationListener<ApplicationReadyEvent> {

	private static final Log logger = LogFactory.getLog(NoWebServerWarning.class);

	private final String nodeId;

	private final Set<String> members;

	NoWebServerWarning(String nodeId, Set<String> members) {
		this.nodeId = nodeId;
		this.members = new TreeSet<>(members);
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		if (event.getSpringApplication().getWebApplicationType() == WebApplicationType.NONE
				&& this.members.size() > 1) {
			logger.warn(message());
		}
	}

	String message() {
		return "Raft member '" + this.nodeId + "' runs in an application without a web server "
				+ "(no web starter on the class path, or spring.main.web-application-type=none), so the other members "
				+ "of " + this.members + " cannot send it their RPCs: it can neither vote nor follow a leader. Run it as a "
				+ "web application (with spring-boot-starter-webmvc) that serves HTTP on the port of its URL in "
				+ "raft.peers.";
	}

}
