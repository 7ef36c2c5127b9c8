package io.github.raftboot.cluster;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.github.raftboot.core.Message;
import io.github.raftboot.transport.PeerState;
import io.github.raftboot.transport.RaftTransport;
import org.jspecify.annotations.Nullable;

/**
 * Wraps the real HTTP transport and fails requests on cut links, as a lost network would. A
 * request is dropped when the link to the target is cut; its reply is dropped when the link
 * back is cut by the time it arrives.
 */
final class FaultInjectingTransport implements RaftTransport {

	private final RaftTransport delegate;

	private final Links links;

	FaultInjectingTransport(RaftTransport delegate, Links links) {
		this.delegate = delegate;
		this.links = links;
	}

	@Override
	public CompletableFuture<Optional<Message>> send(Message request) {
		if (this.links.isCut(request.from(), request.to())) {
			return CompletableFuture.failedFuture(new IOException("link " + request.from() + " -> " + request.to() + " is cut"));
		}
		return this.delegate.send(request).thenCompose((reply) -> {
			if (this.links.isCut(request.to(), request.from())) {
				return CompletableFuture.failedFuture(new IOException("link " + request.to() + " -> " + request.from() + " is cut"));
			}
			return CompletableFuture.completedFuture(reply);
		});
	}

	@Override
	public void members(@Nullable String clusterId, Map<String, URI> addresses) {
		this.delegate.members(clusterId, addresses);
	}

	@Override
	public PeerState peerState(String memberId) {
		return this.delegate.peerState(memberId);
	}

	@Override
	public void close() {
		this.delegate.close();
	}

}
