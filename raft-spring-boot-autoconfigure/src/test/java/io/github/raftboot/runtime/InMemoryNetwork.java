package io.github.raftboot.runtime;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.github.raftboot.core.Message;
import io.github.raftboot.transport.RaftTransport;

/** Connects {@link RaftServer}s in one JVM: a request goes straight to the target's {@code receive}. */
final class InMemoryNetwork {

	private final Map<String, RaftServer> servers = new ConcurrentHashMap<>();

	private final Set<String> down = ConcurrentHashMap.newKeySet();

	void register(RaftServer server) {
		this.servers.put(server.nodeId(), server);
	}

	/** Makes the member unreachable, both ways. */
	void disconnect(String id) {
		this.down.add(id);
	}

	RaftTransport transport() {
		return (request) -> {
			RaftServer target = this.servers.get(request.to());
			if (target == null || this.down.contains(request.to()) || this.down.contains(request.from())) {
				return CompletableFuture.<Optional<Message>>failedFuture(new IOException("unreachable: " + request.to()));
			}
			return target.receive(request);
		};
	}

}
