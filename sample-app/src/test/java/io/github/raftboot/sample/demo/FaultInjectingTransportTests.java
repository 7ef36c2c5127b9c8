package io.github.raftboot.sample.demo;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.github.raftboot.core.Message;
import io.github.raftboot.core.TimeoutNow;
import io.github.raftboot.transport.PeerState;
import io.github.raftboot.transport.RaftTransport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link FaultInjectingTransport}.
 */
class FaultInjectingTransportTests {

	private final RecordingTransport delegate = new RecordingTransport();

	private final CutLinks links = new CutLinks();

	private final FaultInjectingTransport transport = new FaultInjectingTransport(this.delegate, this.links);

	@Test
	void passesRequestsAndRepliesThroughWhileNoLinkIsCut() throws Exception {
		CompletableFuture<Optional<Message>> result = this.transport.send(request("n2"));
		this.delegate.replies.get(0).complete(Optional.empty());
		assertThat(result.get()).isEmpty();
		assertThat(this.delegate.sent).containsExactly(request("n2"));
	}

	@Test
	void failsRequestsToACutPeerWithoutSendingThem() {
		this.links.cut("n2");
		CompletableFuture<Optional<Message>> result = this.transport.send(request("n2"));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(result::get)
			.withCauseInstanceOf(IOException.class)
			.withMessageContaining("link n1 - n2 is cut");
		assertThat(this.delegate.sent).isEmpty();
	}

	@Test
	void cuttingOneLinkLeavesTheOthers() throws Exception {
		this.links.cut("n2");
		CompletableFuture<Optional<Message>> result = this.transport.send(request("n3"));
		this.delegate.replies.get(0).complete(Optional.empty());
		assertThat(result.get()).isEmpty();
	}

	@Test
	void dropsAReplyThatArrivesAfterTheLinkWasCut() {
		CompletableFuture<Optional<Message>> result = this.transport.send(request("n2"));
		this.links.cut("n2");
		this.delegate.replies.get(0).complete(Optional.empty());
		assertThat(result).isCompletedExceptionally();
	}

	@Test
	void healedLinkCarriesRequestsAgain() throws Exception {
		this.links.cut("n2");
		this.links.heal("n2");
		CompletableFuture<Optional<Message>> result = this.transport.send(request("n2"));
		this.delegate.replies.get(0).complete(Optional.empty());
		assertThat(result.get()).isEmpty();
	}

	@Test
	void delegatesPeerStateAndClose() {
		assertThat(this.transport.peerState("n2")).isEqualTo(RecordingTransport.STATE);
		this.transport.close();
		assertThat(this.delegate.closed).isTrue();
	}

	private static Message request(String to) {
		return new TimeoutNow("n1", to, 3);
	}

	static final class RecordingTransport implements RaftTransport {

		static final PeerState STATE = new PeerState(URI.create("http://127.0.0.1:1"), Instant.EPOCH, "CLOSED");

		final List<Message> sent = new ArrayList<>();

		final List<CompletableFuture<Optional<Message>>> replies = new ArrayList<>();

		boolean closed;

		@Override
		public CompletableFuture<Optional<Message>> send(Message request) {
			this.sent.add(request);
			CompletableFuture<Optional<Message>> reply = new CompletableFuture<>();
			this.replies.add(reply);
			return reply;
		}

		@Override
		public PeerState peerState(String memberId) {
			return STATE;
		}

		@Override
		public void close() {
			this.closed = true;
		}

	}

}
