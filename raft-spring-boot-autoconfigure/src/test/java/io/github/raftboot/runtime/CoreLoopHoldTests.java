package io.github.raftboot.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.raftboot.core.InMemoryStorage;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.PersistentState;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.transport.RaftTransport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link CoreLoop#hold()} and {@link CoreLoop#resume()}, which the warm-up's throwaway
 * members use while it rests: a held member fires no timer, so it sends nothing; resumed, it acts
 * on its timers again.
 */
class CoreLoopHoldTests {

	private final AtomicInteger sent = new AtomicInteger();

	/** A peer that never answers: a follower campaigns every 20-40 ms, one pre-vote request each time. */
	private final RaftTransport unanswered = new RaftTransport() {

		@Override
		public CompletableFuture<Optional<Message>> send(Message request) {
			CoreLoopHoldTests.this.sent.incrementAndGet();
			return new CompletableFuture<>();
		}

	};

	@Test
	void heldMemberSendsNothingUntilResumed() throws InterruptedException {
		CoreLoop loop = follower();
		loop.start(PersistentState.empty());
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> this.sent.get() >= 3);
			loop.hold();
			int whenHeld = this.sent.get();
			// A request handled while held (the answers of a round still under way) arms no timer either
			loop.receive(new RequestVote("b", "a", 1, 0, 0, true, false, "")).join();
			Thread.sleep(400);
			assertThat(this.sent.get()).as("ten election timeouts and more went by: no timer fired").isEqualTo(whenHeld);
			loop.resume();
			await().atMost(Duration.ofSeconds(10)).until(() -> this.sent.get() >= whenHeld + 2);
		}
		finally {
			stop(loop);
		}
	}

	/** Member a of {a, b}, b at the other end of {@link #unanswered}. */
	private CoreLoop follower() {
		RaftConfig config = RaftConfig.builder("a", List.of("a", "b"))
			.addresses(Map.of("a", "http://a.invalid", "b", "http://b.invalid"))
			.electionTimeout(Duration.ofMillis(20), Duration.ofMillis(40))
			.heartbeatInterval(Duration.ofMillis(5))
			.adaptiveTiming(false)
			.build();
		return new CoreLoop(config, new InMemoryStorage(), this.unanswered, System::nanoTime, Clock.systemUTC(),
				new StatusBoard(StatusSnapshot.initial("a"), System::nanoTime), new SnapshotDerivation("a", this),
				new RaftStatistics(), (event) -> {
				}, new CoreLoop.PublicationListener() {

					@Override
					public boolean listening() {
						return false;
					}

					@Override
					public void published(StatusSnapshot snapshot) {
					}

				}, (failure) -> {
				});
	}

	private static void stop(CoreLoop loop) {
		loop.stop();
		loop.drainEvents();
	}

}
