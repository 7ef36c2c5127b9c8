package io.github.raftboot.transport;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.EntryType;
import io.github.raftboot.core.LogEntry;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.core.RequestVoteResponse;
import io.github.raftboot.core.TimeoutNow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link LoopbackTransport}: requests between members of one JVM pass the wire format
 * and the checks of the RPC endpoints both ways, a member can be cut off, and a widened timing
 * stretches the time a member may take to answer.
 */
class LoopbackTransportTests {

	private final ScriptedHandler n1 = new ScriptedHandler();

	private final LoopbackTransport transport = new LoopbackTransport(new RaftJson(), Duration.ofSeconds(1),
			"loopback-test");

	@AfterEach
	void close() {
		this.transport.close();
	}

	@Test
	void requestReachesTheMemberAsACopyReadFromTheWireAndItsReplyComesBackTheSameWay() throws Exception {
		RequestVoteResponse granted = new RequestVoteResponse("n1", "n2", 4, true, false);
		this.n1.reply = (request) -> CompletableFuture.completedFuture(Optional.of(granted));
		this.transport.register(this.n1);
		RequestVote vote = new RequestVote("n2", "n1", 4, 7, 3, false, true);
		Optional<Message> reply = this.transport.send(vote).get(5, TimeUnit.SECONDS);
		assertThat(reply).contains(granted);
		assertThat(this.n1.received).singleElement()
			.isEqualTo(vote)
			.as("read from the wire format, not handed over")
			.isNotSameAs(vote);
		assertThat(reply.get()).isNotSameAs(granted);
	}

	@Test
	void appendEntriesWithEntriesAndTimeoutNowPassToo() throws Exception {
		this.transport.register(this.n1);
		AppendEntries append = new AppendEntries("n2", "n1", 4, 6, 3,
				List.of(new LogEntry(7, 4, EntryType.NOOP)), 6, 1);
		assertThat(this.transport.send(append).get(5, TimeUnit.SECONDS)).isEmpty();
		assertThat(this.transport.send(new TimeoutNow("n2", "n1", 4)).get(5, TimeUnit.SECONDS)).isEmpty();
		assertThat(this.n1.received).containsExactly(append, new TimeoutNow("n2", "n1", 4));
	}

	@Test
	void requestTheMemberRefusesFailsAsOverHttp() {
		this.n1.members = Set.of("n3");
		this.transport.register(this.n1);
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.transport.send(new TimeoutNow("n2", "n1", 4)).get(5, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(RpcRefusedException.class, (refused) -> {
				assertThat(refused.getStatus()).isEqualTo(403);
				assertThat(refused.getMemberId()).isEqualTo("n1");
			});
		assertThat(this.n1.received).isEmpty();
	}

	@Test
	void memberThatIsCutOffNeitherReceivesNorSendsUntilHealed() throws Exception {
		this.transport.register(this.n1);
		this.transport.cut("n1");
		assertThat(this.transport.send(new TimeoutNow("n2", "n1", 4))).failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(IOException.class);
		this.transport.heal("n1");
		this.transport.cut("n2");
		assertThat(this.transport.send(new TimeoutNow("n2", "n1", 4))).failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(IOException.class);
		assertThat(this.n1.received).isEmpty();
		this.transport.heal("n2");
		assertThat(this.transport.send(new TimeoutNow("n2", "n1", 4)).get(5, TimeUnit.SECONDS)).isEmpty();
		assertThat(this.n1.received).hasSize(1);
	}

	@Test
	void unknownMemberAndAClosedTransportFailTheRequest() {
		assertThat(this.transport.send(new TimeoutNow("n2", "n1", 4))).failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(IOException.class)
			.withMessageContaining("'n1' is unreachable");
		this.transport.register(this.n1);
		this.transport.close();
		assertThat(this.transport.send(new TimeoutNow("n2", "n1", 4))).failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(IOException.class)
			.withMessageContaining("closed");
	}

	@Test
	void requestSentWithATimeoutFactorIsWaitedForThatManyTimesAsLong() throws Exception {
		LoopbackTransport transport = new LoopbackTransport(new RaftJson(), Duration.ofMillis(300), "loopback-test");
		Map<Long, CompletableFuture<Optional<Message>>> unanswered = new ConcurrentHashMap<>();
		this.n1.reply = (request) -> unanswered.computeIfAbsent(request.term(), (term) -> new CompletableFuture<>());
		transport.register(this.n1);
		try {
			CompletableFuture<Optional<Message>> usual = transport.send(new TimeoutNow("n2", "n1", 4), 1);
			CompletableFuture<Optional<Message>> widened = transport.send(new TimeoutNow("n2", "n1", 5), 10);
			assertThat(usual).failsWithin(Duration.ofSeconds(5))
				.withThrowableOfType(ExecutionException.class)
				.havingCause()
				.isInstanceOfSatisfying(RpcRefusedException.class,
						(refused) -> assertThat(refused.getStatus()).isEqualTo(503));
			assertThat(widened).as("still waited for after the usual timeout").isNotDone();
			unanswered.get(5L).complete(Optional.empty());
			assertThat(widened.get(5, TimeUnit.SECONDS)).isEmpty();
		}
		finally {
			transport.close();
		}
	}

	@Test
	void timeoutBelowAMillisecondIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new LoopbackTransport(new RaftJson(), Duration.ofNanos(999_999), "loopback-test"))
			.withMessageContaining("timeout must be at least 1ms, was PT0.000999999S");
	}

	@Test
	void aReplyIsNeverSentAsARequest() {
		assertThat(this.transport.send(new RequestVoteResponse("n2", "n1", 4, true, false)))
			.failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(IllegalArgumentException.class);
	}

}
