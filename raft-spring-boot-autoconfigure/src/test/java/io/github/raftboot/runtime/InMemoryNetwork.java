package io.github.raftboot.runtime;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.github.raftboot.core.Message;
import io.github.raftboot.transport.RaftTransport;

/** Connects {@link RaftServer}s in one JVM: a request goes straight to the target's {@code receive}. */
final class InMemoryNetwork {

	private final Map<String, RaftServer> servers = new ConcurrentHashMap<>();

	private final Set<String> down = ConcurrentHashMap.newKeySet();

	private volatile Consumer<Message> onSend = (message) -> {
	};

	void register(RaftServer server) {
		this.servers.put(server.nodeId(), server);
	}

	/** Makes the member unreachable, both ways. */
	void disconnect(String id) {
		this.down.add(id);
	}

	/** Calls the observer with every request, on the sender's thread, as it is handed to the network. */
	void onSend(Consumer<Message> observer) {
		this.onSend = observer;
	}

	RaftServer server(String id) {
		return this.servers.get(id);
	}

	RaftTransport transport() {
		return (request) -> {
			this.onSend.accept(request);
			RaftServer target = this.servers.get(request.to());
			if (target == null || this.down.contains(request.to()) || this.down.contains(request.from())) {
				return CompletableFuture.<Optional<Message>>failedFuture(new IOException("unreachable: " + request.to()));
			}
			return target.receive(request);
		};
	}

}
