package io.github.raftboot.transport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.AppendEntriesResponse;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.core.RequestVoteResponse;
import io.github.raftboot.core.TimeoutNow;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the batches of {@link RaftRpcDispatcher}: requests of several election groups in
 * one body, each handed to its group's handler with the checks of a lone request, and answered
 * together with one reply per request, in order.
 */
class RaftRpcDispatcherBatchTests {

	private static final RequestVote VOTE = new RequestVote("n2", "n1", 5, 0, 0, false, false);

	private static final RequestVoteResponse GRANTED = new RequestVoteResponse("n1", "n2", 5, true, false);

	private static final AppendEntries HEARTBEAT = new AppendEntries("n2", "n1", 3, 0, 0, List.of(), 0, 1);

	private static final AppendEntriesResponse ACKNOWLEDGED = new AppendEntriesResponse("n1", "n2", 3, true, 0, 0, 1);

	private final RaftJson json = new RaftJson();

	/** Member n1's default group. */
	private final ScriptedHandler handler = new ScriptedHandler();

	/** Its group {@code billing}. */
	private final ScriptedHandler billing = new ScriptedHandler();

	/** Its group {@code outbox}. */
	private final ScriptedHandler outbox = new ScriptedHandler();

	private final RaftRpcDispatcher dispatcher = dispatcher(Duration.ofSeconds(2));

	RaftRpcDispatcherBatchTests() {
		this.handler.groups = Map.of("billing", this.billing, "outbox", this.outbox);
	}

	@Test
	void servesTheBatchEndpointUnderTheBasePath() {
		assertThat(this.dispatcher.requestType("/raft/batch")).isSameAs(RaftRpcDispatcher.BATCH);
		assertThat(this.dispatcher.requestType("/batch")).isNull();
		assertThat(this.dispatcher.requestType("/raft/batch/")).isNull();
	}

	@Test
	void answersEveryRequestByTheHandlerOfItsGroupWithOneReplyPerRequestInOrder() {
		this.handler.reply = (request) -> CompletableFuture.completedFuture(Optional.of(GRANTED));
		this.billing.reply = (request) -> CompletableFuture
			.completedFuture((request instanceof AppendEntries) ? Optional.of(ACKNOWLEDGED) : Optional.empty());
		List<RaftJson.BatchRequest> batch = List.of(item("default", VOTE), item("billing", HEARTBEAT),
				item("billing", new TimeoutNow("n2", "n1", 3)), item("outbox", HEARTBEAT));
		RaftRpcDispatcher.Response answer = this.dispatcher.answer(RaftRpcDispatcher.BATCH, this.json.writeBatch(batch));
		assertThat(answer.status()).isEqualTo(HttpStatus.OK);
		assertThat(answer.headers()).isEmpty();
		List<RaftJson.BatchReply> replies = replies(answer, batch);
		assertThat(replies).extracting(RaftJson.BatchReply::status).containsExactly(200, 200, 204, 204);
		assertThat(replies).extracting(RaftJson.BatchReply::message).containsExactly(GRANTED, ACKNOWLEDGED, null, null);
		assertThat(this.handler.received).containsExactly(VOTE);
		assertThat(this.billing.received).containsExactly(HEARTBEAT, new TimeoutNow("n2", "n1", 3));
		assertThat(this.outbox.received).containsExactly(HEARTBEAT);
	}

	@Test
	void answersARequestOfAGroupThisMemberDoesNotHaveWithNotFoundNamingRaftGroups() {
		List<RaftJson.BatchRequest> batch = List.of(item("payroll", HEARTBEAT), item("billing", HEARTBEAT));
		RaftRpcDispatcher.Response answer = this.dispatcher.answer(RaftRpcDispatcher.BATCH, this.json.writeBatch(batch));
		assertThat(answer.status()).isEqualTo(HttpStatus.OK);
		List<RaftJson.BatchReply> replies = replies(answer, batch);
		assertThat(replies).extracting(RaftJson.BatchReply::status).containsExactly(404, 204);
		assertThat(errorMessage(replies.get(0))).isEqualTo(
				"Raft member 'n1' has no election group 'payroll': every replica must list the same raft.groups");
		assertThat(this.billing.received).containsExactly(HEARTBEAT);
	}

	@Test
	void cutsTheNameOfAnUnknownGroupShortInTheAnswer() {
		String longName = "g".repeat(5000);
		RaftRpcDispatcher.Response answer = this.dispatcher.answer(RaftRpcDispatcher.BATCH,
				this.json.writeBatch(List.of(item(longName, HEARTBEAT))));
		RaftJson.BatchReply reply = replies(answer, List.of(item(longName, HEARTBEAT))).get(0);
		assertThat(reply.status()).isEqualTo(404);
		assertThat(errorMessage(reply)).contains("'" + "g".repeat(64) + "...'").hasSizeLessThan(200);
	}

	@Test
	void refusesOneRequestWithTheAnswerItWouldGetAloneAndAnswersTheOthers() {
		this.billing.members = Set.of("n3");
		this.outbox.otherInstanceOfN2 = "other-process";
		List<RaftJson.BatchRequest> batch = List.of(item("billing", HEARTBEAT), item("default", HEARTBEAT),
				item("outbox", HEARTBEAT), item("default", new TimeoutNow("n2", "n3", 3)));
		RaftRpcDispatcher.Response answer = this.dispatcher.answer(RaftRpcDispatcher.BATCH,
				this.json.writeBatch(batch), null, "other-process");
		List<RaftJson.BatchReply> replies = replies(answer, batch);
		assertThat(replies).extracting(RaftJson.BatchReply::status).containsExactly(403, 204, 409, 400);
		assertThat(errorMessage(replies.get(0))).isEqualTo("Sender 'n2' is not another member of this cluster");
		assertThat(errorMessage(replies.get(2))).isEqualTo("Another process sends as 'n2'");
		assertThat(this.json.readErrorCode(replies.get(2).error())).isEqualTo(RpcRefusal.DUPLICATE_MEMBER_ID);
		assertThat(errorMessage(replies.get(3))).isEqualTo("Message addressed to 'n3' was delivered to 'n1'");
		assertThat(this.handler.received).containsExactly(HEARTBEAT);
		assertThat(this.billing.received).isEmpty();
		assertThat(this.outbox.received).isEmpty();
	}

	@Test
	void refusesTheRequestsOfAGroupOfAnotherClusterWithConflict() {
		this.handler.clusterId = "c1";
		this.billing.clusterId = "c2";
		List<RaftJson.BatchRequest> batch = List.of(item("default", HEARTBEAT), item("billing", HEARTBEAT));
		RaftRpcDispatcher.Response answer = this.dispatcher.answer(RaftRpcDispatcher.BATCH,
				this.json.writeBatch(batch), "c1");
		List<RaftJson.BatchReply> replies = replies(answer, batch);
		assertThat(replies).extracting(RaftJson.BatchReply::status).containsExactly(204, 409);
		assertThat(errorMessage(replies.get(1))).startsWith("Raft member 'n1' belongs to cluster c2, but 'n2' to cluster c1");
		assertThat(this.billing.received).isEmpty();
	}

	@Test
	void answersABatchOverTheLimitAsAWholeWithoutParsingIt() {
		RaftRpcDispatcher small = new RaftRpcDispatcher(this.handler, this.json, Duration.ofSeconds(2),
				RpcAuthentication.none(), DataSize.ofBytes(100), "/raft");
		byte[] body = this.json.writeBatch(List.of(item("billing", HEARTBEAT), item("default", HEARTBEAT),
				item("billing", HEARTBEAT)));
		assertThat(body.length).isGreaterThan(100);
		RaftRpcDispatcher.Response answer = small.answer(RaftRpcDispatcher.BATCH, body);
		assertThat(answer.status()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
		assertThat(body(answer)).contains("Request body must not be larger than 100 bytes");
		assertThat(this.billing.received).isEmpty();
	}

	@Test
	void answersAMalformedBatchOrOneInvalidRequestWithBadRequestForTheWholeBatchWithoutCallingAnyGroup() {
		for (String body : List.of("", "[]", "{\"items\":{}}", "{\"items\":[",
				"{\"items\":[{\"group\":\"billing\",\"rpc\":\"timeout-now\",\"message\":{\"from\":\"n2\",\"to\":\"n1\",\"term\":3}},"
						+ "{\"group\":\"default\",\"rpc\":\"timeout-now\",\"message\":{\"term\":3}}]}")) {
			RaftRpcDispatcher.Response answer = this.dispatcher.answer(RaftRpcDispatcher.BATCH,
					body.getBytes(StandardCharsets.UTF_8));
			assertThat(answer.status()).as(body).isEqualTo(HttpStatus.BAD_REQUEST);
			assertThat(body(answer)).as(body).startsWith("{\"error\":\"Bad Request\",\"message\":\"");
		}
		assertThat(this.handler.received).isEmpty();
		assertThat(this.billing.received).isEmpty();
	}

	@Test
	void namesTheInvalidRequestOfABatch() {
		String body = "{\"items\":[{\"group\":\"billing\",\"rpc\":\"timeout-now\",\"message\":{\"from\":\"n2\",\"to\":\"n1\",\"term\":3}},"
				+ "{\"group\":\"default\",\"rpc\":\"timeout-now\",\"message\":{\"from\":\"n2\",\"to\":\"n1\",\"term\":-3}}]}";
		RaftRpcDispatcher.Response answer = this.dispatcher.answer(RaftRpcDispatcher.BATCH,
				body.getBytes(StandardCharsets.UTF_8));
		assertThat(answer.status()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(this.json.readErrorMessage(answer.body()))
			.isEqualTo("Item 1 of the batch: Invalid message: Message term must not be negative, was -3");
	}

	@Test
	void answersAnEmptyBatchWithNoReplies() {
		RaftRpcDispatcher.Response answer = this.dispatcher.answer(RaftRpcDispatcher.BATCH,
				"{\"items\":[]}".getBytes(StandardCharsets.UTF_8));
		assertThat(answer.status()).isEqualTo(HttpStatus.OK);
		assertThat(body(answer)).isEqualTo("{\"items\":[]}");
	}

	@Test
	void answersAGroupThatDoesNotAnswerInTimeWithServiceUnavailableAndTheOthersWithTheirReplies() {
		this.billing.reply = (request) -> new CompletableFuture<>();
		this.outbox.reply = (request) -> CompletableFuture.completedFuture(Optional.of(ACKNOWLEDGED));
		RaftRpcDispatcher impatient = dispatcher(Duration.ofMillis(100));
		List<RaftJson.BatchRequest> batch = List.of(item("billing", HEARTBEAT), item("outbox", HEARTBEAT));
		RaftRpcDispatcher.Response answer = impatient.answer(RaftRpcDispatcher.BATCH, this.json.writeBatch(batch));
		assertThat(answer.status()).isEqualTo(HttpStatus.OK);
		List<RaftJson.BatchReply> replies = replies(answer, batch);
		assertThat(replies).extracting(RaftJson.BatchReply::status).containsExactly(503, 200);
		assertThat(errorMessage(replies.get(0))).isEqualTo("Raft member 'n1' did not handle the request within 100 ms");
		assertThat(replies.get(1).message()).isEqualTo(ACKNOWLEDGED);
	}

	@Test
	void waitsForAGroupWhoseTimingIsWidenedAsLongAsItsSenderDoes() {
		// The sender waits for a batch as long as its most widened group needs (GroupThreads)
		this.billing.timeoutFactor = 4;
		this.billing.reply = (request) -> {
			CompletableFuture<Optional<Message>> late = new CompletableFuture<>();
			CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS).execute(() -> late.complete(Optional.empty()));
			return late;
		};
		List<RaftJson.BatchRequest> batch = List.of(item("default", HEARTBEAT), item("billing", HEARTBEAT));
		RaftRpcDispatcher impatient = dispatcher(Duration.ofMillis(50));
		assertThat(replies(impatient.answer(RaftRpcDispatcher.BATCH, this.json.writeBatch(batch)), batch))
			.as("answered after 100 ms, within 4 x 50 ms")
			.extracting(RaftJson.BatchReply::status)
			.containsExactly(204, 204);
		assertThat(replies(impatient.answerLater(RaftRpcDispatcher.BATCH, this.json.writeBatch(batch), null, null,
				Runnable::run).join(), batch))
			.as("answered later after 100 ms, within 4 x 50 ms")
			.extracting(RaftJson.BatchReply::status)
			.containsExactly(204, 204);
	}

	@Test
	void answersTheFailureOfAGroupAsALoneRequestsFailure() {
		this.handler.reply = (request) -> CompletableFuture
			.failedFuture(new IllegalStateException("Raft member 'n1' is not running"));
		this.billing.reply = (request) -> CompletableFuture.failedFuture(new IllegalArgumentException("term too high"));
		this.outbox.reply = (request) -> {
			throw new NullPointerException("internal detail");
		};
		List<RaftJson.BatchRequest> batch = List.of(item("default", HEARTBEAT), item("billing", HEARTBEAT),
				item("outbox", HEARTBEAT));
		RaftRpcDispatcher.Response answer = this.dispatcher.answer(RaftRpcDispatcher.BATCH, this.json.writeBatch(batch));
		List<RaftJson.BatchReply> replies = replies(answer, batch);
		assertThat(replies).extracting(RaftJson.BatchReply::status).containsExactly(503, 400, 500);
		assertThat(errorMessage(replies.get(0))).isEqualTo("Raft member 'n1' is not running");
		assertThat(errorMessage(replies.get(1))).isEqualTo("term too high");
		assertThat(errorMessage(replies.get(2))).isEqualTo("The request could not be handled");
		assertThat(body(answer)).doesNotContain("internal detail");
	}

	@Test
	void answersLaterWithTheSameRepliesAsAtOnce() {
		this.handler.reply = (request) -> CompletableFuture
			.completedFuture((request instanceof RequestVote) ? Optional.of(GRANTED) : Optional.empty());
		this.billing.members = Set.of("n3");
		this.outbox.reply = (request) -> CompletableFuture
			.failedFuture(new IllegalStateException("Raft member 'n1' is not running"));
		List<RaftJson.BatchRequest> batch = List.of(item("default", VOTE), item("billing", HEARTBEAT),
				item("payroll", HEARTBEAT), item("outbox", HEARTBEAT), item("default", new TimeoutNow("n2", "n1", 1)));
		byte[] body = this.json.writeBatch(batch);
		RaftRpcDispatcher.Response now = this.dispatcher.answer(RaftRpcDispatcher.BATCH, body, null, null);
		RaftRpcDispatcher.Response later = this.dispatcher
			.answerLater(RaftRpcDispatcher.BATCH, body, null, null, Runnable::run)
			.join();
		assertThat(later.status()).isEqualTo(HttpStatus.OK);
		assertThat(replies(later, batch)).extracting(RaftJson.BatchReply::status).containsExactly(200, 403, 404, 503, 204);
		assertThat(body(later)).isEqualTo(body(now));
	}

	@Test
	void answersLaterOnTheExecutorOnceEveryGroupReplied() {
		CompletableFuture<Optional<Message>> billingReply = new CompletableFuture<>();
		CompletableFuture<Optional<Message>> outboxReply = new CompletableFuture<>();
		this.billing.reply = (request) -> billingReply;
		this.outbox.reply = (request) -> outboxReply;
		List<Runnable> scheduled = new CopyOnWriteArrayList<>();
		List<RaftJson.BatchRequest> batch = List.of(item("billing", HEARTBEAT), item("outbox", HEARTBEAT));
		CompletableFuture<RaftRpcDispatcher.Response> answer = this.dispatcher.answerLater(RaftRpcDispatcher.BATCH,
				this.json.writeBatch(batch), null, null, scheduled::add);
		assertThat(answer).isNotDone();
		assertThat(this.billing.received).hasSize(1);
		assertThat(this.outbox.received).hasSize(1);
		outboxReply.complete(Optional.of(ACKNOWLEDGED));
		assertThat(scheduled).isEmpty();
		// The member's thread only hands the last reply over: the answer is made on the executor.
		billingReply.complete(Optional.empty());
		assertThat(answer).isNotDone();
		assertThat(scheduled).hasSize(1);
		scheduled.get(0).run();
		assertThat(answer).isCompleted();
		assertThat(replies(answer.join(), batch)).extracting(RaftJson.BatchReply::status).containsExactly(204, 200);
	}

	@Test
	void answersLaterABatchRefusedAsAWholeAtOnceAndOnTheCallingThread() {
		List<Runnable> scheduled = new CopyOnWriteArrayList<>();
		CompletableFuture<RaftRpcDispatcher.Response> answer = this.dispatcher.answerLater(RaftRpcDispatcher.BATCH,
				"{\"items\":7}".getBytes(StandardCharsets.UTF_8), null, null, scheduled::add);
		assertThat(answer).isCompleted();
		assertThat(answer.join().status()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(scheduled).isEmpty();
	}

	@Test
	void answersLaterServiceUnavailableForAGroupThatDoesNotAnswerInTimeAndLeavesItsFutureAlone() {
		CompletableFuture<Optional<Message>> hanging = new CompletableFuture<>();
		this.billing.reply = (request) -> hanging;
		List<RaftJson.BatchRequest> batch = List.of(item("default", HEARTBEAT), item("billing", HEARTBEAT));
		RaftRpcDispatcher.Response answer = dispatcher(Duration.ofMillis(50))
			.answerLater(RaftRpcDispatcher.BATCH, this.json.writeBatch(batch), null, null, Runnable::run)
			.join();
		List<RaftJson.BatchReply> replies = replies(answer, batch);
		assertThat(replies).extracting(RaftJson.BatchReply::status).containsExactly(204, 503);
		assertThat(errorMessage(replies.get(1))).isEqualTo("Raft member 'n1' did not handle the request within 50 ms");
		assertThat(hanging).isNotDone();
	}

	private RaftRpcDispatcher dispatcher(Duration timeout) {
		return new RaftRpcDispatcher(this.handler, this.json, timeout, RpcAuthentication.none(), DataSize.ofKilobytes(64),
				"/raft");
	}

	private static RaftJson.BatchRequest item(String group, Message request) {
		return new RaftJson.BatchRequest(group, RaftRpc.of(request).rpcName(), request);
	}

	/** The replies of an answer to a batch, read as the sender reads them. */
	private List<RaftJson.BatchReply> replies(RaftRpcDispatcher.Response answer, List<RaftJson.BatchRequest> batch) {
		assertThat(answer.status()).as(body(answer)).isEqualTo(HttpStatus.OK);
		List<@Nullable Class<? extends Message>> types = Arrays
			.asList(batch.stream().map((item) -> RaftRpc.of(item.message()).replyType()).toArray(Class[]::new));
		return this.json.readBatchReplies(answer.body(), types);
	}

	private @Nullable String errorMessage(RaftJson.BatchReply reply) {
		assertThat(reply.error()).isNotNull();
		return this.json.readErrorMessage(reply.error());
	}

	private static String body(RaftRpcDispatcher.Response answer) {
		return new String(answer.body(), StandardCharsets.UTF_8);
	}

}
