package io.github.raftboot.test;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.github.raftboot.core.Message;
import io.github.raftboot.transport.PeerState;
import io.github.raftboot.transport.RaftTransport;
import org.jspecify.annotations.Nullable;

/**
 * Wraps a replica's {@link RaftTransport} (the auto-configured HTTP one, or any other) and loses
 * what travels over a link that {@link CutLinks} says is cut, as a broken network would: a request
 * over a cut link fails at once, without being sent, and a reply is dropped when the link back is
 * cut by the time it arrives. Everything else goes to the wrapped transport unchanged.
 *
 * <p>In an application, wrap the transport bean with a
 * {@link org.springframework.beans.factory.config.BeanPostProcessor}, so that its settings
 * (token, TLS, timeouts) stay those of the real one.
 */
public final class FaultInjectingTransport implements RaftTransport {

	private final RaftTransport delegate;

	private final CutLinks links;

	/**
	 * Creates a transport that loses what travels over the cut links.
	 * @param delegate the transport that carries what gets through
	 * @param links the links that are cut, read on every request and every reply
	 */
	public FaultInjectingTransport(RaftTransport delegate, CutLinks links) {
		this.delegate = Objects.requireNonNull(delegate, "delegate");
		this.links = Objects.requireNonNull(links, "links");
	}

	@Override
	public CompletableFuture<Optional<Message>> send(Message request) {
		return send(request, 1);
	}

	@Override
	public CompletableFuture<Optional<Message>> send(Message request, double timeoutFactor) {
		if (this.links.isCut(request.from(), request.to())) {
			return CompletableFuture.failedFuture(linkCut(request.from(), request.to()));
		}
		return this.delegate.send(request, timeoutFactor)
			.thenCompose((reply) -> this.links.isCut(request.to(), request.from())
					? CompletableFuture.failedFuture(linkCut(request.to(), request.from()))
					: CompletableFuture.completedFuture(reply));
	}

	/**
	 * Sends the requests together through the delegate, unless the link to their member is cut;
	 * each reply is lost if the link back is cut.
	 */
	@Override
	public List<CompletableFuture<Optional<Message>>> sendTogether(List<GroupRequest> requests, double timeoutFactor) {
		if (requests.isEmpty()) {
			return List.of();
		}
		Message first = requests.get(0).request();
		if (this.links.isCut(first.from(), first.to())) {
			return requests.stream()
				.map((request) -> CompletableFuture.<Optional<Message>>failedFuture(linkCut(first.from(), first.to())))
				.toList();
		}
		return this.delegate.sendTogether(requests, timeoutFactor)
			.stream()
			.map((reply) -> reply.thenCompose((answer) -> this.links.isCut(first.to(), first.from())
					? CompletableFuture.<Optional<Message>>failedFuture(linkCut(first.to(), first.from()))
					: CompletableFuture.completedFuture(answer)))
			.toList();
	}

	private static IOException linkCut(String from, String to) {
		return new IOException("Fault injected: the link " + from + " -> " + to + " is cut");
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
