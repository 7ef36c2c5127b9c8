package io.github.raftboot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.raftboot.runtime.ElectionWarmUp;
import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.transport.RaftJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.support.GenericApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ElectionWarmUpLifecycle}: the warm-up runs once per JVM, in the background, at
 * minimum priority, once the application is ready, says what it did, and ends with the context
 * or once the member leads, which counts as warmed up.
 */
@ExtendWith(OutputCaptureExtension.class)
class ElectionWarmUpLifecycleTests {

	private static final Duration NEVER = Duration.ofHours(1);

	private final RaftJson json = new RaftJson();

	/** Whether this test's "JVM" was warmed up: one per test, not the real one of this JVM. */
	private final AtomicBoolean warmedUp = new AtomicBoolean();

	private final List<ElectionWarmUpLifecycle> lifecycles = new ArrayList<>();

	@AfterEach
	void stop() {
		this.lifecycles.forEach(ElectionWarmUpLifecycle::stop);
		await().atMost(Duration.ofSeconds(10)).until(() -> threadsStartingWith("raft-warm-up").isEmpty());
	}

	@Test
	void startsAfterTheMemberAndStopsBeforeIt() {
		ElectionWarmUpLifecycle lifecycle = lifecycle(3, true);
		assertThat(lifecycle.getPhase()).isGreaterThan(RaftServer.PHASE);
		assertThat(lifecycle.isAutoStartup()).isTrue();
	}

	@Test
	void startingReturnsAtOnceAndTheWarmUpWaitsUntilTheApplicationIsReady(CapturedOutput output) {
		ElectionWarmUpLifecycle lifecycle = lifecycle(3, true);
		lifecycle.start();
		assertThat(lifecycle.isRunning()).isTrue();
		assertThat(threadsNamed("raft-warm-up")).as("waiting in the background").hasSize(1);
		await().during(Duration.ofMillis(300))
			.atMost(Duration.ofSeconds(5))
			.until(() -> threadsStartingWith("raft-warm-up-").isEmpty());
		assertThat(output).doesNotContain("warmed up");
		lifecycle.onApplicationEvent(ready());
		await().atMost(Duration.ofSeconds(30)).until(() -> output.toString().contains("warmed up"));
	}

	@Test
	void warmUpStartsWithoutReadinessInAContextThatNoSpringApplicationRuns(CapturedOutput output) {
		ElectionWarmUpLifecycle lifecycle = new ElectionWarmUpLifecycle(new ElectionWarmUp(this.json, 3, NEVER), "n1",
				true, this.warmedUp, Duration.ofMillis(100));
		this.lifecycles.add(lifecycle);
		lifecycle.start();
		await().atMost(Duration.ofSeconds(30)).until(() -> output.toString().contains("warmed up"));
	}

	@Test
	void runsOnceAndLogsWhatItDidOnceAtInfo(CapturedOutput output) {
		ElectionWarmUpLifecycle lifecycle = lifecycle(3, true);
		lifecycle.start();
		lifecycle.onApplicationEvent(ready());
		await().atMost(Duration.ofSeconds(30)).until(() -> output.toString().contains("warmed up"));
		assertThat(line(output, "warmed up")).contains("INFO")
			.contains("Raft member 'n1' warmed up the election and leader code of this JVM")
			.containsPattern("\\d+ hand-overs and \\d+ elections in \\d+ ms \\(\\d+ ms of it resting\\)");
		await().atMost(Duration.ofSeconds(10)).until(() -> threadsNamed("raft-warm-up").isEmpty());
		lifecycle.stop();
		lifecycle.start();
		lifecycle.onApplicationEvent(ready());
		assertThat(threadsNamed("raft-warm-up")).as("not again").isEmpty();
		assertThat(output.toString().split("warmed up", -1)).hasSize(2);
	}

	@Test
	void anotherMemberOfAJvmThatWasWarmedUpRunsNone(CapturedOutput output) {
		ElectionWarmUpLifecycle first = lifecycle(3, true);
		first.start();
		first.onApplicationEvent(ready());
		await().atMost(Duration.ofSeconds(30)).until(() -> output.toString().contains("warmed up"));
		ElectionWarmUpLifecycle second = lifecycle(3, true);
		second.start();
		second.onApplicationEvent(ready());
		await().atMost(Duration.ofSeconds(10)).until(() -> threadsNamed("raft-warm-up").isEmpty());
		assertThat(output.toString().split("warmed up the election", -1)).as("only the first").hasSize(2);
	}

	@Test
	void everyThreadOfTheWarmUpRunsAtMinimumPriority() {
		ElectionWarmUpLifecycle lifecycle = lifecycle(100_000, true);
		lifecycle.start();
		lifecycle.onApplicationEvent(ready());
		// The runner, the core and event threads of three members, and request threads
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(threadsStartingWith("raft-warm-up-rpc-")).isNotEmpty());
		assertThat(threadsStartingWith("raft-warm-up")).hasSizeGreaterThanOrEqualTo(5)
			.allSatisfy((thread) -> assertThat(thread.isDaemon()).isTrue())
			.allSatisfy((thread) -> assertThat(thread.getPriority()).as(thread.getName())
				.isEqualTo(Thread.MIN_PRIORITY));
		assertThat(threadsStartingWith("raft-events-warm-up-")).isNotEmpty()
			.allSatisfy((thread) -> assertThat(thread.getPriority()).isEqualTo(Thread.MIN_PRIORITY));
	}

	@Test
	void stoppingTheContextStopsARunningWarmUpAndLetsAnotherMemberTryAgain(CapturedOutput output) {
		ElectionWarmUpLifecycle lifecycle = lifecycle(100_000, true);
		lifecycle.start();
		lifecycle.onApplicationEvent(ready());
		await().atMost(Duration.ofSeconds(10)).until(() -> threadsStartingWith("raft-warm-up-").size() >= 3);
		lifecycle.stop();
		assertThat(lifecycle.isRunning()).isFalse();
		assertThat(threadsNamed("raft-warm-up")).as("stop waits for it").isEmpty();
		await().atMost(Duration.ofSeconds(10)).until(() -> threadsStartingWith("raft-warm-up-").isEmpty());
		assertThat(output).doesNotContain("warmed up").doesNotContain("WARN");
		assertThat(this.warmedUp).as("not warmed up: another member may").isFalse();
	}

	@Test
	void warmUpEndsOnceTheMemberLeadsSaysSoAndTheJvmCountsAsWarmedUp(CapturedOutput output) {
		// Asked before each round and at each step of rest: it leads after a few rounds
		AtomicInteger asked = new AtomicInteger();
		ElectionWarmUpLifecycle lifecycle = lifecycle(
				new ElectionWarmUp(this.json, 100_000, NEVER, () -> asked.incrementAndGet() > 20, () -> 0));
		lifecycle.start();
		lifecycle.onApplicationEvent(ready());
		await().atMost(Duration.ofSeconds(30)).until(() -> output.toString().contains("warmed up"));
		assertThat(line(output, "warmed up")).contains("INFO")
			.contains("Raft member 'n1' warmed up the election and leader code of this JVM")
			.contains("it stopped early as the member leads")
			.doesNotContain("cancel");
		await().atMost(Duration.ofSeconds(10)).until(() -> threadsNamed("raft-warm-up").isEmpty());
		assertThat(this.warmedUp).as("done: another member need not warm up again").isTrue();
	}

	@Test
	void memberThatLeadsBeforeTheWarmUpBeginsRunsNoneAndTheJvmCountsAsWarmedUp(CapturedOutput output) {
		ElectionWarmUpLifecycle lifecycle = lifecycle(new ElectionWarmUp(this.json, 3, NEVER, () -> true, () -> 0));
		lifecycle.start();
		lifecycle.onApplicationEvent(ready());
		await().atMost(Duration.ofSeconds(10)).until(() -> threadsNamed("raft-warm-up").isEmpty());
		assertThat(line(output, "Raft member 'n1'")).contains("INFO")
			.contains("Raft member 'n1' leads: no warm-up of the election code");
		assertThat(output).doesNotContain("warmed up the election");
		assertThat(this.warmedUp).isTrue();
	}

	@Test
	void stoppingBeforeTheApplicationIsReadyEndsTheWaitingThread() {
		ElectionWarmUpLifecycle lifecycle = lifecycle(3, true);
		lifecycle.start();
		assertThat(threadsNamed("raft-warm-up")).hasSize(1);
		lifecycle.stop();
		assertThat(threadsNamed("raft-warm-up")).isEmpty();
		assertThat(this.warmedUp).isFalse();
	}

	@Test
	void memberWithoutPeersRunsNone() {
		ElectionWarmUpLifecycle lifecycle = lifecycle(3, false);
		lifecycle.start();
		lifecycle.onApplicationEvent(ready());
		assertThat(threadsNamed("raft-warm-up")).isEmpty();
		assertThat(lifecycle.isRunning()).isFalse();
		assertThat(this.warmedUp).isFalse();
	}

	private ElectionWarmUpLifecycle lifecycle(int rounds, boolean hasPeers) {
		return lifecycle(new ElectionWarmUp(this.json, rounds, NEVER), hasPeers);
	}

	private ElectionWarmUpLifecycle lifecycle(ElectionWarmUp warmUp) {
		return lifecycle(warmUp, true);
	}

	private ElectionWarmUpLifecycle lifecycle(ElectionWarmUp warmUp, boolean hasPeers) {
		ElectionWarmUpLifecycle lifecycle = new ElectionWarmUpLifecycle(warmUp, "n1", hasPeers, this.warmedUp, NEVER);
		this.lifecycles.add(lifecycle);
		return lifecycle;
	}

	private static ApplicationReadyEvent ready() {
		return new ApplicationReadyEvent(new SpringApplication(), new String[0], new GenericApplicationContext(),
				Duration.ZERO);
	}

	private static String line(CapturedOutput output, String text) {
		return output.toString().lines().filter((line) -> line.contains(text)).findFirst().orElseThrow();
	}

	private static List<Thread> threadsNamed(String name) {
		return Thread.getAllStackTraces().keySet().stream().filter((thread) -> thread.getName().equals(name)).toList();
	}

	private static List<Thread> threadsStartingWith(String prefix) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().startsWith(prefix))
			.toList();
	}

}
