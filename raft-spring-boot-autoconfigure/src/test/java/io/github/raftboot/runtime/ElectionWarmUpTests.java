package io.github.raftboot.runtime;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import io.github.raftboot.core.Message;
import io.github.raftboot.core.PersistentState;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.event.RaftEvent;
import io.github.raftboot.testing.HookedStorage;
import io.github.raftboot.transport.RaftJson;
import io.micrometer.core.instrument.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ElectionWarmUp}: its throwaway members hand leadership over and elect new
 * leaders, quietly, at most half of the time, within bounds, apart from the real member of the
 * JVM, and leave no thread behind, however the warm-up ends.
 */
@ExtendWith(OutputCaptureExtension.class)
class ElectionWarmUpTests {

	private static final Duration NO_LIMIT = Duration.ofHours(1);

	private final RaftJson json = new RaftJson();

	@Test
	void leadershipMovesByHandOverAndEveryTenthRoundByAnElection() throws InterruptedException {
		ElectionWarmUp.Result result = new ElectionWarmUp(this.json, 20, NO_LIMIT).run();
		assertThat(result.handOvers() + result.failovers() + result.missed()).isEqualTo(20);
		assertThat(result.handOvers()).isPositive();
		assertThat(result.failovers()).as("rounds 10 and 20 cut the leader off").isPositive().isLessThanOrEqualTo(2);
		assertThat(result.ending()).isEqualTo(ElectionWarmUp.Ending.ALL_ROUNDS);
		assertThat(result.elapsed()).isPositive();
		assertThat(result.processCpu()).as("told by HotSpot").isNotNull();
		awaitNoThreadLeft();
	}

	@Test
	void afterEachRoundItRestsAsLongAsTheRoundTook() throws InterruptedException {
		ElectionWarmUp.Result result = new ElectionWarmUp(this.json, 12, NO_LIMIT).run();
		assertThat(result.inRounds()).isPositive();
		assertThat(result.rested()).isGreaterThanOrEqualTo(result.inRounds());
		assertThat(result.elapsed()).isGreaterThanOrEqualTo(result.inRounds().plus(result.rested()));
		awaitNoThreadLeft();
	}

	@Test
	void warmUpEndsAtItsTimeLimitWithTheRoundsLeft() throws InterruptedException {
		ElectionWarmUp.Result result = new ElectionWarmUp(this.json, 100_000, Duration.ofMillis(500)).run();
		assertThat(result.ending()).isEqualTo(ElectionWarmUp.Ending.TIME_LIMIT);
		assertThat(result.handOvers() + result.failovers() + result.missed()).isLessThan(100_000);
		awaitNoThreadLeft();
	}

	@Test
	void realMemberOfTheJvmItsStorageTransportEventsAndMetricsAreLeftAlone() throws InterruptedException {
		List<Message> sent = new CopyOnWriteArrayList<>();
		List<PersistentState> saved = new CopyOnWriteArrayList<>();
		List<RaftEvent> events = new CopyOnWriteArrayList<>();
		RaftServer member = new RaftServer(RaftConfig.builder("n1", List.of("n1", "n2", "n3")).build(),
				HookedStorage.inMemory(saved::add), (request) -> {
					sent.add(request);
					return new CompletableFuture<>();
				}, events::add);
		int globalMeters = Metrics.globalRegistry.getMeters().size();
		member.start();
		try {
			new ElectionWarmUp(this.json, 12, NO_LIMIT).run();
		}
		finally {
			member.stop();
		}
		assertThat(sent).allSatisfy((message) -> {
			assertThat(message.from()).isEqualTo("n1");
			assertThat(message.to()).isIn("n2", "n3");
		});
		assertThat(saved).extracting(PersistentState::votedFor).allSatisfy((vote) -> assertThat(vote).isIn(null, "n1"));
		assertThat(events).allSatisfy((event) -> assertThat(event.getNodeId()).isEqualTo("n1"));
		assertThat(member.statistics().electionsWon()).isZero();
		assertThat(member.statistics().leaderChanges()).isZero();
		assertThat(Metrics.globalRegistry.getMeters()).hasSize(globalMeters);
		awaitNoThreadLeft();
	}

	@Test
	void nothingOfTheThrowawayMembersIsLoggedAboveDebug(CapturedOutput output) throws InterruptedException {
		new ElectionWarmUp(this.json, 12, NO_LIMIT).run();
		awaitNoThreadLeft();
		assertThat(output.toString().lines().filter((line) -> line.contains("warm-up-")))
			.noneMatch((line) -> line.contains("INFO") || line.contains("WARN") || line.contains("ERROR"));
	}

	@Test
	void throwawayMembersLogUnderTheWarmUpsOwnCategoryEvenAtDebug(CapturedOutput output) throws InterruptedException {
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		logging.setLogLevel(RaftServer.class.getName(), LogLevel.DEBUG);
		logging.setLogLevel(ElectionWarmUp.class.getName(), LogLevel.DEBUG);
		try {
			new ElectionWarmUp(this.json, 12, NO_LIMIT).run();
			awaitNoThreadLeft();
		}
		finally {
			logging.setLogLevel(RaftServer.class.getName(), null);
			logging.setLogLevel(ElectionWarmUp.class.getName(), null);
		}
		List<String> lines = output.toString().lines().filter((line) -> line.contains("Raft member 'warm-up-")).toList();
		assertThat(lines).as("the throwaway members' role changes at DEBUG").isNotEmpty();
		assertThat(lines).allMatch((line) -> line.contains(ElectionWarmUp.class.getName()))
			.noneMatch((line) -> line.contains(RaftServer.class.getName()));
	}

	@Test
	void cancelledWarmUpEndsAfterItsCurrentRoundAndSaysSo() {
		ElectionWarmUp warmUp = new ElectionWarmUp(this.json, 100_000, NO_LIMIT);
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
			.satisfies((result) -> assertThat(result.ending()).isEqualTo(ElectionWarmUp.Ending.CANCELLED))
			.satisfies((result) -> assertThat(result.handOvers() + result.failovers()).isLessThan(100_000));
		awaitNoThreadLeft();
	}

	@Test
	void interruptedWarmUpThrowsAndStopsItsMembers() throws InterruptedException {
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread runner = new Thread(() -> {
			try {
				new ElectionWarmUp(this.json, 100_000, NO_LIMIT).run();
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
	void aWarmUpHasAtLeastOneRoundAndAPositiveTimeLimit() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ElectionWarmUp(this.json, 0, NO_LIMIT))
			.withMessageContaining("rounds must be at least 1, was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> new ElectionWarmUp(this.json, 1, Duration.ZERO))
			.withMessageContaining("timeLimit must be positive, was PT0S");
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
