package io.github.raftboot.sample.demo;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.github.raftboot.core.Message;
import io.github.raftboot.transport.PeerState;
import io.github.raftboot.transport.RaftTransport;
import org.jspecify.annotations.Nullable;

/**
 * Wraps the real transport and loses the requests to a peer whose link is cut, as a broken
 * network would: the request fails at once, and a reply that arrives after the link was cut
 * is dropped too. Everything else goes to the real transport unchanged.
 */
public final class FaultInjectingTransport implements RaftTransport {

	private final RaftTransport delegate;

	private final CutLinks links;

	public FaultInjectingTransport(RaftTransport delegate, CutLinks links) {
		this.delegate = Objects.requireNonNull(delegate, "delegate");
		this.links = Objects.requireNonNull(links, "links");
	}

	@Override
	public CompletableFuture<Optional<Message>> send(Message request) {
		String peer = request.to();
		if (this.links.isCut(peer)) {
			return CompletableFuture.failedFuture(linkCut(request));
		}
		return this.delegate.send(request).thenCompose((reply) -> this.links.isCut(peer)
				? CompletableFuture.failedFuture(linkCut(request)) : CompletableFuture.completedFuture(reply));
	}

	private static IOException linkCut(Message request) {
		return new IOException("Demo fault injection: link " + request.from() + " - " + request.to() + " is cut");
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

	/** The transport this one wraps. */
	public RaftTransport getDelegate() {
		return this.delegate;
	}

}
