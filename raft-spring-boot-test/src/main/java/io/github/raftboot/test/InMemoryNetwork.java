package io.github.raftboot.test;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

import io.github.raftboot.core.Message;
import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.transport.PeerState;
import io.github.raftboot.transport.RaftTransport;

/**
 * Connects {@link RaftServer}s in one JVM: a request goes straight to the receiver's
 * {@link RaftServer#receive(Message)}, and its reply straight back. A replica that is down (it
 * crashed) neither sends nor receives anything; cut links are the business of the
 * {@link FaultInjectingTransport} around each replica's transport.
 */
final class InMemoryNetwork {

	private final Map<String, RaftServer> servers = new ConcurrentHashMap<>();

	private final Set<String> down = ConcurrentHashMap.newKeySet();

	private final Consumer<Message> onSend;

	private final Function<String, URI> urls;

	/**
	 * Creates a network.
	 * @param onSend called with every request as a replica hands it over, on the sender's thread
	 * @param urls the URL each replica is listed with
	 */
	InMemoryNetwork(Consumer<Message> onSend, Function<String, URI> urls) {
		this.onSend = onSend;
		this.urls = urls;
	}

	void attach(RaftServer server) {
		this.servers.put(server.nodeId(), server);
	}

	/** Takes the replica off the network, both ways, until it is brought {@link #up(String)}. */
	void down(String id) {
		this.down.add(id);
	}

	void up(String id) {
		this.down.remove(id);
	}

	/** The transport of one replica. */
	RaftTransport transport() {
		return new RaftTransport() {

			@Override
			public CompletableFuture<Optional<Message>> send(Message request) {
				InMemoryNetwork.this.onSend.accept(request);
				return deliver(request);
			}

			@Override
			public PeerState peerState(String memberId) {
				return new PeerState(InMemoryNetwork.this.urls.apply(memberId), null, null);
			}

		};
	}

	private CompletableFuture<Optional<Message>> deliver(Message request) {
		RaftServer receiver = this.servers.get(request.to());
		if (receiver == null || this.down.contains(request.to()) || this.down.contains(request.from())) {
			return CompletableFuture.failedFuture(new IOException(request.to() + " is unreachable: "
					+ ((receiver == null) ? "no such replica" : "a replica is down")));
		}
		// A reply is lost too when either end went down while the request was handled
		return receiver.receive(request)
			.thenCompose((reply) -> (this.down.contains(request.to()) || this.down.contains(request.from()))
					? CompletableFuture.failedFuture(new IOException("The reply of " + request.to() + " to "
							+ request.from() + " is lost: a replica went down"))
					: CompletableFuture.completedFuture(reply));
	}

}
