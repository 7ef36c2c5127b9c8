package io.github.raftboot.runtime;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

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
 * leaders, quietly, at most a quarter of the time, within bounds, apart from the real member of
 * the JVM, making way for it when it leads or its JVM pauses, and leave no thread behind, however
 * the warm-up ends.
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
	void afterEachRoundItRestsThreeTimesAsLongAsTheRoundTook() throws InterruptedException {
		VirtualTime time = new VirtualTime();
		ElectionWarmUp.Result result = warmUp(12, NO_LIMIT, () -> false, () -> 0, time).run();
		assertThat(result.ending()).isEqualTo(ElectionWarmUp.Ending.ALL_ROUNDS);
		assertThat(result.inRounds()).isPositive();
		assertThat(result.rested()).isGreaterThanOrEqualTo(result.inRounds().multipliedBy(3));
		assertThat(time.slept()).as("it rests in steps of at most 100 ms")
			.isNotEmpty()
			.allSatisfy((step) -> assertThat(step).isPositive().isLessThanOrEqualTo(Duration.ofMillis(100)));
		assertThat(result.heldBack()).as("no pauses, no waiting").isZero();
		assertThat(result.elapsed()).isGreaterThanOrEqualTo(result.inRounds().plus(result.rested()));
		awaitNoThreadLeft();
	}

	@Test
	void memberThatLeadsBeforeTheFirstRoundGetsNoWarmUpAtAll() throws InterruptedException {
		VirtualTime time = new VirtualTime();
		ElectionWarmUp.Result result = warmUp(12, NO_LIMIT, () -> true, () -> 0, time).run();
		assertThat(result.ending()).isEqualTo(ElectionWarmUp.Ending.LEADING);
		assertThat(result.rounds()).isZero();
		assertThat(result.inRounds()).isZero();
		assertThat(time.slept()).isEmpty();
		assertThat(threadsOfTheWarmUp()).as("no throwaway member was started").isEmpty();
	}

	@Test
	void warmUpEndsBetweenRoundsOnceTheMemberLeads() throws InterruptedException {
		AtomicBoolean leads = new AtomicBoolean();
		VirtualTime time = new VirtualTime().onSleep((step) -> {
			if (step >= 3) {
				leads.set(true);
			}
		});
		ElectionWarmUp.Result result = warmUp(100_000, NO_LIMIT, leads::get, () -> 0, time).run();
		assertThat(result.ending()).isEqualTo(ElectionWarmUp.Ending.LEADING);
		assertThat(result.rounds()).as("the rounds before its third step of rest").isBetween(1, 3);
		assertThat(time.slept()).as("it noticed at its next step").hasSize(3);
		awaitNoThreadLeft();
	}

	@Test
	void aRealServerVotedSinceItsStartOnlyOnceItTookPartInAnElection() throws InterruptedException {
		RaftServer member = new RaftServer(RaftConfig.builder("n1", List.of("n1")).build(),
				HookedStorage.inMemory((state) -> {
				}), (request) -> new CompletableFuture<>(), (event) -> {
				});
		assertThat(member.votedSinceStart()).isFalse();
		member.start();
		try {
			assertThat(member.awaitLeadership(Duration.ofSeconds(10))).isTrue();
			assertThat(member.votedSinceStart()).as("it voted for itself in term 1, started in term 0").isTrue();
		}
		finally {
			member.stop();
		}
	}

	@Test
	void memberOfARealServerThatLeadsGetsNoWarmUp() throws InterruptedException {
		RaftServer member = new RaftServer(RaftConfig.builder("n1", List.of("n1")).build(),
				HookedStorage.inMemory((state) -> {
				}), (request) -> new CompletableFuture<>(), (event) -> {
				});
		member.start();
		try {
			assertThat(member.awaitLeadership(Duration.ofSeconds(10))).isTrue();
			ElectionWarmUp.Result result = new ElectionWarmUp(this.json, member).run();
			assertThat(result.ending()).isEqualTo(ElectionWarmUp.Ending.LEADING);
			assertThat(result.rounds()).isZero();
		}
		finally {
			member.stop();
		}
	}

	@Test
	void warmUpWaitsUntilTheJvmWentTwoSecondsWithoutAPauseBeforeEachRound() throws InterruptedException {
		AtomicLong pauses = new AtomicLong();
		// A pause noticed at each of the first five steps of waiting: at 0.1 s to 0.5 s
		VirtualTime time = new VirtualTime().onSleep((step) -> {
			if (step <= 5) {
				pauses.incrementAndGet();
			}
		});
		ElectionWarmUp warmUp = warmUp(1, NO_LIMIT, () -> false, pauses::get, time);
		pauses.incrementAndGet(); // while the application started
		ElectionWarmUp.Result result = warmUp.run();
		assertThat(result.ending()).isEqualTo(ElectionWarmUp.Ending.ALL_ROUNDS);
		assertThat(result.rounds()).as("it resumed").isOne();
		// Virtual time: only the few steps of the loop take real time
		assertThat(result.heldBack()).as("2 s from the last pause, at 0.5 s, not from each")
			.isGreaterThanOrEqualTo(Duration.ofMillis(2500))
			.isLessThan(Duration.ofSeconds(3));
		awaitNoThreadLeft();
	}

	@Test
	void warmUpWaitsUntilTheMemberHasFollowedOneLeaderForTenSeconds() throws InterruptedException {
		AtomicLong leadership = new AtomicLong(-1);
		// No leader known for the first 3 steps (0.3 s), then leader A; at 4 s a new leader B
		VirtualTime time = new VirtualTime().onSleep((step) -> {
			if (step == 3) {
				leadership.set(1);
			}
			if (step == 40) {
				leadership.set(2);
			}
		});
		ElectionWarmUp warmUp = warmUp(1, NO_LIMIT, () -> false, () -> 0, leadership::get, time);
		ElectionWarmUp.Result result = warmUp.run();
		assertThat(result.ending()).isEqualTo(ElectionWarmUp.Ending.ALL_ROUNDS);
		assertThat(result.rounds()).as("it resumed").isOne();
		assertThat(result.heldBack()).as("10 s from the last change of leader, at 4 s")
			.isGreaterThanOrEqualTo(Duration.ofSeconds(14))
			.isLessThan(Duration.ofMillis(14500));
		awaitNoThreadLeft();
	}

	@Test
	void eachMemberWaitsFiveSecondsLongerForItsFirstRoundThanTheVoterBeforeIt() throws InterruptedException {
		AtomicLong leadership = new AtomicLong(-1);
		// Leader known from the third step (0.3 s) on; the third voter in the order of ids
		VirtualTime time = new VirtualTime().onSleep((step) -> {
			if (step == 3) {
				leadership.set(1);
			}
		});
		ElectionWarmUp warmUp = warmUp(2, NO_LIMIT, () -> false, () -> 0, leadership::get, () -> 2, time);
		ElectionWarmUp.Result result = warmUp.run();
		assertThat(result.ending()).isEqualTo(ElectionWarmUp.Ending.ALL_ROUNDS);
		assertThat(result.rounds()).isEqualTo(2);
		// 10 s settled plus two turns of 5 s, from 0.3 s on: once, not before each round
		assertThat(result.heldBack()).isGreaterThanOrEqualTo(Duration.ofMillis(20300))
			.isLessThan(Duration.ofMillis(20800));
		awaitNoThreadLeft();
	}

	@Test
	void memberThatJoinedAnEstablishedLeadershipWaitsNeitherForItToSettleNorForItsTurn() throws InterruptedException {
		AtomicLong leadership = new AtomicLong(-1);
		VirtualTime time = new VirtualTime().onSleep((step) -> {
			if (step == 3) {
				leadership.set(1);
			}
		});
		// A restart into a running cluster: it did not vote for the leader it follows
		ElectionWarmUp warmUp = warmUp(2, NO_LIMIT, () -> false, () -> 0, leadership::get, () -> -1, time);
		ElectionWarmUp.Result result = warmUp.run();
		assertThat(result.ending()).isEqualTo(ElectionWarmUp.Ending.ALL_ROUNDS);
		assertThat(result.rounds()).isEqualTo(2);
		assertThat(result.heldBack()).as("only until it knew the leader, at 0.3 s").isLessThan(Duration.ofSeconds(1));
		awaitNoThreadLeft();
	}

	@Test
	void aNewLeaderAfterTheFirstRoundDoesNotHoldTheNextRoundsBack() throws InterruptedException {
		AtomicLong leadership = new AtomicLong(1);
		// Settled long since at the start; the first sleep is the rest after the first round
		VirtualTime time = new VirtualTime().onSleep((step) -> {
			if (step == 1) {
				leadership.set(2);
			}
		});
		ElectionWarmUp warmUp = warmUp(3, NO_LIMIT, () -> false, () -> 0, leadership::get, () -> 0, time);
		ElectionWarmUp.Result result = warmUp.run();
		assertThat(result.ending()).isEqualTo(ElectionWarmUp.Ending.ALL_ROUNDS);
		assertThat(result.rounds()).isEqualTo(3);
		assertThat(result.heldBack()).as("no wait for the new leadership to settle").isLessThan(Duration.ofSeconds(1));
		awaitNoThreadLeft();
	}

	@Test
	void warmUpOfAMemberThatNeverKnowsALeaderRunsNoRoundBeforeItsTimeLimit() throws InterruptedException {
		VirtualTime time = new VirtualTime();
		ElectionWarmUp.Result result = warmUp(1, Duration.ofSeconds(30), () -> false, () -> 0, () -> -1, time).run();
		assertThat(result.ending()).isEqualTo(ElectionWarmUp.Ending.TIME_LIMIT);
		assertThat(result.rounds()).isZero();
		awaitNoThreadLeft();
	}

	@Test
	void pausesThatDoNotStopHoldTheWarmUpBackUntilItsTimeLimit() throws InterruptedException {
		AtomicLong pauses = new AtomicLong();
		VirtualTime time = new VirtualTime().onSleep((step) -> pauses.incrementAndGet());
		ElectionWarmUp warmUp = warmUp(12, Duration.ofSeconds(10), () -> false, pauses::get, time);
		pauses.incrementAndGet();
		ElectionWarmUp.Result result = warmUp.run();
		assertThat(result.ending()).isEqualTo(ElectionWarmUp.Ending.TIME_LIMIT);
		assertThat(result.rounds()).isZero();
		assertThat(result.elapsed()).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
		assertThat(result.heldBack()).as("all but the start of its members").isPositive();
		assertThat(time.slept()).as("in short steps").hasSizeGreaterThan(50)
			.allSatisfy((step) -> assertThat(step).isLessThanOrEqualTo(Duration.ofMillis(100)));
		awaitNoThreadLeft();
	}

	@Test
	void warmUpWaitingForAQuietJvmEndsWhenTheMemberLeads() throws InterruptedException {
		AtomicLong pauses = new AtomicLong();
		AtomicBoolean leads = new AtomicBoolean();
		VirtualTime time = new VirtualTime().onSleep((step) -> {
			pauses.incrementAndGet();
			leads.set(step >= 5);
		});
		ElectionWarmUp warmUp = warmUp(12, NO_LIMIT, leads::get, pauses::get, time);
		pauses.incrementAndGet();
		ElectionWarmUp.Result result = warmUp.run();
		assertThat(result.ending()).isEqualTo(ElectionWarmUp.Ending.LEADING);
		assertThat(result.rounds()).isZero();
		assertThat(time.slept()).hasSize(5);
		awaitNoThreadLeft();
	}

	@Test
	void warmUpGivesUpAfterThreeRoundsInARowThatMovedNoLeadership() throws InterruptedException {
		// Rounds that may not wait at all for leadership to move: a machine too busy for any round
		ElectionWarmUp warmUp = new ElectionWarmUp(this.json, 12, NO_LIMIT, () -> false, () -> 0, () -> 0, () -> 0,
				Duration.ofNanos(1), System::nanoTime, null);
		ElectionWarmUp.Result result = warmUp.run();
		assertThat(result.ending()).isEqualTo(ElectionWarmUp.Ending.TOO_BUSY);
		assertThat(result.missed()).isEqualTo(3);
		assertThat(result.rounds()).isEqualTo(3);
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

	private ElectionWarmUp warmUp(int rounds, Duration timeLimit, BooleanSupplier memberLeads,
			LongSupplier memberPauses, VirtualTime time) {
		return warmUp(rounds, timeLimit, memberLeads, memberPauses, () -> 0, time);
	}

	private ElectionWarmUp warmUp(int rounds, Duration timeLimit, BooleanSupplier memberLeads,
			LongSupplier memberPauses, LongSupplier memberLeadership, VirtualTime time) {
		return warmUp(rounds, timeLimit, memberLeads, memberPauses, memberLeadership, () -> 0, time);
	}

	private ElectionWarmUp warmUp(int rounds, Duration timeLimit, BooleanSupplier memberLeads,
			LongSupplier memberPauses, LongSupplier memberLeadership, IntSupplier memberTurn, VirtualTime time) {
		return new ElectionWarmUp(this.json, rounds, timeLimit, memberLeads, memberPauses, memberLeadership,
				memberTurn, Duration.ofSeconds(1), time, time);
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

	/**
	 * The warm-up's clock and sleeper: the real monotonic clock, so that its rounds take the time
	 * they take, plus the time it slept, which passes at once. Records every step of sleep.
	 */
	private static final class VirtualTime implements LongSupplier, PauseMonitor.Sleeper {

		private final AtomicLong sleptNanos = new AtomicLong();

		private final List<Duration> steps = new CopyOnWriteArrayList<>();

		private IntConsumer onSleep = (step) -> {
		};

		/** Runs after each step of sleep, with its number from 1. */
		VirtualTime onSleep(IntConsumer action) {
			this.onSleep = action;
			return this;
		}

		@Override
		public long getAsLong() {
			return System.nanoTime() + this.sleptNanos.get();
		}

		@Override
		public void sleep(long nanos) {
			this.sleptNanos.addAndGet(nanos);
			this.steps.add(Duration.ofNanos(nanos));
			this.onSleep.accept(this.steps.size());
		}

		List<Duration> slept() {
			return this.steps;
		}

	}

}
