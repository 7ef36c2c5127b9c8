package io.github.raftboot.runtime;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.github.raftboot.core.Role;
import io.github.raftboot.core.Status;
import io.github.raftboot.leader.RaftStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link StatusBoard}: waiting for a published snapshot, with timeouts measured on the
 * injected clock, which here stands still until the test moves it.
 */
class StatusBoardTests {

	private final AtomicLong nanoTime = new AtomicLong();

	private final StatusBoard board = new StatusBoard(StatusSnapshot.initial("n1"), this.nanoTime::get);

	@Test
	void returnsAtOnceWhenTheConditionHolds() throws InterruptedException {
		assertThat(this.board.await(() -> true, Duration.ZERO)).isTrue();
	}

	@Test
	void returnsOnceAPublishedSnapshotMeetsTheCondition() {
		CompletableFuture<Boolean> waiting = awaitInBackground(() -> this.board.snapshot().status().term() == 7,
				Duration.ofHours(1));
		this.board.publish(new StatusSnapshot(
				new Status("n1", Role.FOLLOWER, 7, null, null, 0, 0, 0, null, null, null, List.of()),
				RaftStatus.State.RUNNING, null, null));
		assertThat(waiting).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(true);
	}

	@Test
	void measuresTheTimeoutOnTheInjectedClock() {
		CompletableFuture<Boolean> waiting = awaitInBackground(() -> false, Duration.ofMillis(10));
		// Real time passes, far beyond the timeout, but the injected clock stands still.
		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(10)).until(() -> !waiting.isDone());
		this.nanoTime.addAndGet(Duration.ofMillis(10).toNanos());
		assertThat(waiting).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(false);
	}

	@Test
	void noticesAClockMovedFarAheadWithoutWaitingInRealTime() {
		CompletableFuture<Boolean> waiting = awaitInBackground(() -> false, Duration.ofHours(1));
		await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(10)).until(() -> !waiting.isDone());
		this.nanoTime.addAndGet(Duration.ofHours(1).toNanos());
		assertThat(waiting).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(false);
	}

	private CompletableFuture<Boolean> awaitInBackground(BooleanSupplier condition, Duration timeout) {
		return CompletableFuture.supplyAsync(() -> {
			try {
				return this.board.await(condition, timeout);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new CompletionException(ex);
			}
		}, (task) -> new Thread(task, "waiter").start());
	}

}
