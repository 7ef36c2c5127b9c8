package io.github.raftboot.test;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.AppendEntriesResponse;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.TimeoutNow;
import io.github.raftboot.transport.PeerState;
import io.github.raftboot.transport.RaftTransport;
import io.github.raftboot.transport.RaftTransport.GroupRequest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link FaultInjectingTransport} and {@link CutLinks}.
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
	void failsRequestsOverACutLinkWithoutSendingThem() {
		this.links.cut("n1", "n2");
		CompletableFuture<Optional<Message>> result = this.transport.send(request("n2"));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(result::get)
			.withCauseInstanceOf(IOException.class)
			.withMessageContaining("the link n1 -> n2 is cut");
		assertThat(this.delegate.sent).isEmpty();
	}

	@Test
	void cuttingALinkCutsItBothWays() {
		this.links.cut("n2", "n1");
		assertThat(this.links.isCut("n1", "n2")).isTrue();
		assertThat(this.links.isCut("n2", "n1")).isTrue();
		assertThat(this.transport.send(request("n2"))).isCompletedExceptionally();
		assertThat(this.delegate.sent).isEmpty();
	}

	@Test
	void cuttingOneLinkLeavesTheOthers() throws Exception {
		this.links.cut("n1", "n2");
		CompletableFuture<Optional<Message>> result = this.transport.send(request("n3"));
		this.delegate.replies.get(0).complete(Optional.empty());
		assertThat(result.get()).isEmpty();
		assertThat(this.links.cutFrom("n1")).containsExactly("n2");
		assertThat(this.links.cutFrom("n3")).isEmpty();
	}

	@Test
	void dropsAReplyThatArrivesAfterTheLinkWasCut() {
		CompletableFuture<Optional<Message>> result = this.transport.send(request("n2"));
		this.links.cut("n1", "n2");
		this.delegate.replies.get(0).complete(Optional.empty());
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(result::get)
			.withMessageContaining("the link n2 -> n1 is cut");
	}

	@Test
	void healedLinkCarriesRequestsAgain() throws Exception {
		this.links.cut("n1", "n2");
		this.links.heal("n2", "n1");
		CompletableFuture<Optional<Message>> result = this.transport.send(request("n2"));
		this.delegate.replies.get(0).complete(Optional.empty());
		assertThat(result.get()).isEmpty();
	}

	@Test
	void isolatedReplicaReachesNoOneAndHealingAllBringsItBack() {
		this.links.isolate("n1", List.of("n1", "n2", "n3"));
		assertThat(this.links.cutFrom("n1")).containsExactly("n2", "n3");
		assertThat(this.links.cutFrom("n2")).containsExactly("n1");
		assertThat(this.links.isCut("n2", "n3")).isFalse();
		this.links.healAll();
		assertThat(this.links.cutFrom("n1")).isEmpty();
	}

	@Test
	void delegatesMembersPeerStateAndClose() {
		this.transport.members("c1", Map.of("n2", URI.create("http://127.0.0.1:2")));
		assertThat(this.delegate.clusterId).isEqualTo("c1");
		assertThat(this.transport.peerState("n2")).isEqualTo(RecordingTransport.STATE);
		assertThat(this.transport.getDelegate()).isSameAs(this.delegate);
		this.transport.close();
		assertThat(this.delegate.closed).isTrue();
	}

	@Test
	void passesTheRequestsOfABatchAndTheirRepliesThroughWhileNoLinkIsCut() throws Exception {
		List<GroupRequest> batch = List.of(new GroupRequest("default", request("n2")),
				new GroupRequest("billing", heartbeat("n2")));
		List<CompletableFuture<Optional<Message>>> results = this.transport.sendTogether(batch, 4);
		assertThat(this.delegate.batches).containsExactly(batch);
		assertThat(this.delegate.timeoutFactors).containsExactly(4.0);
		AppendEntriesResponse acknowledged = new AppendEntriesResponse("n2", "n1", 3, true, 0, 0, 1);
		this.delegate.replies.get(0).complete(Optional.empty());
		this.delegate.replies.get(1).complete(Optional.of(acknowledged));
		assertThat(results).hasSize(2);
		assertThat(results.get(0).get()).isEmpty();
		assertThat(results.get(1).get()).contains(acknowledged);
	}

	@Test
	void failsEveryRequestOfABatchOverACutLinkWithoutSendingIt() {
		this.links.cut("n1", "n2");
		List<CompletableFuture<Optional<Message>>> results = this.transport.sendTogether(
				List.of(new GroupRequest("default", request("n2")), new GroupRequest("billing", heartbeat("n2"))), 1);
		assertThat(results).hasSize(2);
		for (CompletableFuture<Optional<Message>> result : results) {
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(result::get)
				.withCauseInstanceOf(IOException.class)
				.withMessageContaining("the link n1 -> n2 is cut");
		}
		assertThat(this.delegate.batches).isEmpty();
	}

	@Test
	void dropsEveryReplyOfABatchThatArrivesAfterTheLinkWasCut() {
		List<CompletableFuture<Optional<Message>>> results = this.transport.sendTogether(
				List.of(new GroupRequest("default", request("n2")), new GroupRequest("billing", heartbeat("n2"))), 1);
		this.delegate.replies.get(0).complete(Optional.empty());
		assertThat(results.get(0)).isCompletedWithValue(Optional.empty());
		this.links.cut("n2", "n1");
		this.delegate.replies.get(1).complete(Optional.empty());
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(results.get(1)::get)
			.withMessageContaining("the link n2 -> n1 is cut");
	}

	@Test
	void aBatchKeepsTheFailureOfEachOfItsRequests() {
		List<CompletableFuture<Optional<Message>>> results = this.transport.sendTogether(
				List.of(new GroupRequest("default", request("n3")), new GroupRequest("billing", heartbeat("n3"))), 1);
		this.delegate.replies.get(0).completeExceptionally(new IOException("refused by n3"));
		this.delegate.replies.get(1).complete(Optional.empty());
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(results.get(0)::get)
			.withMessageContaining("refused by n3");
		assertThat(results.get(1)).isCompletedWithValue(Optional.empty());
	}

	@Test
	void sendsNothingForAnEmptyBatch() {
		assertThat(this.transport.sendTogether(List.of(), 1)).isEmpty();
		assertThat(this.delegate.batches).isEmpty();
	}

	private static Message heartbeat(String to) {
		return new AppendEntries("n1", to, 3, 0, 0, List.of(), 0, 1);
	}

	private static Message request(String to) {
		return new TimeoutNow("n1", to, 3);
	}

	static final class RecordingTransport implements RaftTransport {

		static final PeerState STATE = new PeerState(URI.create("http://127.0.0.1:1"), Instant.EPOCH, "CLOSED");

		final List<Message> sent = new ArrayList<>();

		final List<CompletableFuture<Optional<Message>>> replies = new ArrayList<>();

		@Nullable String clusterId;

		boolean closed;

		@Override
		public CompletableFuture<Optional<Message>> send(Message request) {
			this.sent.add(request);
			CompletableFuture<Optional<Message>> reply = new CompletableFuture<>();
			this.replies.add(reply);
			return reply;
		}

		final List<List<GroupRequest>> batches = new ArrayList<>();

		final List<Double> timeoutFactors = new ArrayList<>();

		@Override
		public List<CompletableFuture<Optional<Message>>> sendTogether(List<GroupRequest> requests,
				double timeoutFactor) {
			this.batches.add(requests);
			this.timeoutFactors.add(timeoutFactor);
			List<CompletableFuture<Optional<Message>>> results = new ArrayList<>();
			for (int i = 0; i < requests.size(); i++) {
				CompletableFuture<Optional<Message>> reply = new CompletableFuture<>();
				this.replies.add(reply);
				results.add(reply);
			}
			return results;
		}

		@Override
		public void members(@Nullable String clusterId, Map<String, URI> addresses) {
			this.clusterId = clusterId;
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
