package io.github.raftboot.runtime;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import io.github.raftboot.transport.RaftJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ElectionWarmUp}: its throwaway members hand leadership over and elect new
 * leaders, quietly, and leave no thread behind, however the warm-up ends.
 */
@ExtendWith(OutputCaptureExtension.class)
class ElectionWarmUpTests {

	private final RaftJson json = new RaftJson();

	@Test
	void leadershipMovesByHandOverAndEveryTenthRoundByAnElection() throws InterruptedException {
		ElectionWarmUp.Result result = new ElectionWarmUp(this.json, 20).run();
		assertThat(result.handOvers() + result.failovers() + result.missed()).isEqualTo(20);
		assertThat(result.handOvers()).isPositive();
		assertThat(result.failovers()).as("rounds 10 and 20 cut the leader off").isPositive().isLessThanOrEqualTo(2);
		assertThat(result.cancelled()).isFalse();
		assertThat(result.elapsed()).isPositive();
		assertThat(result.processCpu()).as("told by HotSpot").isNotNull();
		awaitNoThreadLeft();
	}

	@Test
	void nothingOfTheThrowawayMembersIsLoggedAboveDebug(CapturedOutput output) throws InterruptedException {
		new ElectionWarmUp(this.json, 12).run();
		awaitNoThreadLeft();
		assertThat(output.toString().lines().filter((line) -> line.contains("warm-up-")))
			.noneMatch((line) -> line.contains("INFO") || line.contains("WARN") || line.contains("ERROR"));
	}

	@Test
	void cancelledWarmUpEndsAfterItsCurrentRoundAndSaysSo() {
		ElectionWarmUp warmUp = new ElectionWarmUp(this.json, 100_000);
		CompletableFuture<ElectionWarmUp.Result> running = CompletableFuture.supplyAsync(() -> {
			try {
				return warmUp.run();
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> threadsOfTheWarmUp().size() >= 3);
		warmUp.cancel();
		assertThat(running).succeedsWithin(Duration.ofSeconds(10))
			.satisfies((result) -> assertThat(result.cancelled()).isTrue())
			.satisfies((result) -> assertThat(result.handOvers() + result.failovers()).isLessThan(100_000));
		awaitNoThreadLeft();
	}

	@Test
	void interruptedWarmUpThrowsAndStopsItsMembers() throws InterruptedException {
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread runner = new Thread(() -> {
			try {
				new ElectionWarmUp(this.json, 100_000).run();
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
		}, "warm-up-runner");
		runner.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> threadsOfTheWarmUp().size() >= 3);
		runner.interrupt();
		runner.join(Duration.ofSeconds(10).toMillis());
		assertThat(runner.isAlive()).isFalse();
		assertThat(failure.get()).isInstanceOf(InterruptedException.class);
		awaitNoThreadLeft();
	}

	@Test
	void aWarmUpHasAtLeastOneRound() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ElectionWarmUp(this.json, 0))
			.withMessageContaining("rounds must be at least 1, was 0");
	}

	private static void awaitNoThreadLeft() {
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(threadsOfTheWarmUp()).isEmpty());
	}

	/** The core, event and request threads of the throwaway members. */
	private static List<String> threadsOfTheWarmUp() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith("raft-warm-up") || name.startsWith("raft-events-warm-up"))
			.toList();
	}

}
