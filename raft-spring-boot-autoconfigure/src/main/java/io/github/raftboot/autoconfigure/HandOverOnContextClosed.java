package io.github.raftboot.autoconfigure;

import io.github.raftboot.runtime.RaftServer;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Starts the leader's hand-over as soon as its application context starts to close, before the
 * context stops any component: {@link RaftServer#stop()} would run only after every component of
 * a later lifecycle phase has stopped (schedulers, messaging listeners), which delays the
 * hand-over, while the application keeps serving the RPCs it needs until the web server stops.
 */
final class HandOverOnContextClosed implements ApplicationListener<ContextClosedEvent> {

	private final RaftServer server;

	private final ApplicationContext context;

	HandOverOnContextClosed(RaftServer server, ApplicationContext context) {
		this.server = server;
		this.context = context;
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		if (event.getApplicationContext() == this.context) {
			this.server.handOverBeforeShutdown();
		}
	}

}
