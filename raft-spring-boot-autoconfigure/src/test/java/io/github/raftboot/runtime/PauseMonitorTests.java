package io.github.raftboot.runtime;

import java.lang.management.GarbageCollectorMXBean;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.ObjectName;

import io.github.raftboot.core.RaftConfig;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link PauseMonitor}: a sleep that overshoots by the threshold or more is a pause,
 * reported with its length and the garbage collections of that stretch, logged at most once per
 * interval, and the monitor's thread lives exactly as long as the monitor runs. A scripted sleeper
 * moves a fake clock, so that no test waits for a pause.
 */
@ExtendWith(OutputCaptureExtension.class)
class PauseMonitorTests {

	private static final Duration INTERVAL = Duration.ofMillis(50);

	private static final Duration THRESHOLD = Duration.ofMillis(100);

	private static final Duration ELECTION_TIMEOUT_MIN = Duration.ofMillis(150);

	private final AtomicLong now = new AtomicLong(1_000_000_000L);

	/** How much longer than asked each next sleep takes, on the fake clock; then as long as asked. */
	private final Deque<Duration> overshoots = new ArrayDeque<>();

	private final FakeCollector young = new FakeCollector("G1 Young Generation");

	private final FakeCollector old = new FakeCollector("G1 Old Generation");

	/** Collections that happen during the next sleep: count and milliseconds of the young collector. */
	private final Deque<long[]> youngCollections = new ArrayDeque<>();

	private final List<Long> pauses = new CopyOnWriteArrayList<>();

	private final PauseMonitor monitor = new PauseMonitor("n1", INTERVAL, THRESHOLD, ELECTION_TIMEOUT_MIN,
			this.now::get, this::sleepScripted, List.of(this.young, this.old), this.pauses::add);

	private @Nullable PauseMonitor started;

	@AfterEach
	void stop() {
		if (this.started != null) {
			this.started.stop();
		}
	}

	@Test
	void sleepsThatTakeAboutAsLongAsAskedAreNoPauses() throws InterruptedException {
		this.overshoots.addAll(List.of(Duration.ZERO, Duration.ofMillis(3), Duration.ofMillis(40)));
		checkTimes(3);
		assertThat(this.pauses).isEmpty();
	}

	@Test
	void anOvershootOfTheThresholdOrMoreIsAPauseOfThatLength() throws InterruptedException {
		this.overshoots.addAll(List.of(THRESHOLD.minusNanos(1), THRESHOLD, Duration.ofMillis(730)));
		checkTimes(3);
		assertThat(this.pauses).containsExactly(THRESHOLD.toNanos(), Duration.ofMillis(730).toNanos());
	}

	@Test
	void thresholdIsTheMinimumElectionTimeoutLessTheHeartbeatAndTheIntervalHalfOfIt() {
		PauseMonitor defaults = PauseMonitor.forMember(RaftConfig.builder("n1", List.of("n1")).build(), this.now::get,
				PauseMonitor.Sleeper.THREAD, (pause) -> {
				});
		assertThat(defaults.threshold()).isEqualTo(Duration.ofMillis(100));
		assertThat(defaults.interval()).isEqualTo(Duration.ofMillis(50));
		PauseMonitor tight = PauseMonitor.forMember(RaftConfig.builder("n1", List.of("n1"))
			.electionTimeout(Duration.ofMillis(24), Duration.ofMillis(48))
			.heartbeatInterval(Duration.ofMillis(8))
			.build(), this.now::get, PauseMonitor.Sleeper.THREAD, (pause) -> {
			});
		assertThat(tight.threshold()).isEqualTo(Duration.ofMillis(16));
		assertThat(tight.interval()).as("no shorter than 10 ms").isEqualTo(Duration.ofMillis(10));
		PauseMonitor wide = PauseMonitor.forMember(RaftConfig.builder("n1", List.of("n1"))
			.electionTimeout(Duration.ofSeconds(3), Duration.ofSeconds(6))
			.heartbeatInterval(Duration.ofSeconds(1))
			.build(), this.now::get, PauseMonitor.Sleeper.THREAD, (pause) -> {
			});
		assertThat(wide.threshold()).isEqualTo(Duration.ofSeconds(2));
		assertThat(wide.interval()).as("no longer than 500 ms").isEqualTo(Duration.ofMillis(500));
	}

	@Test
	void pauseLongerThanTheMinimumElectionTimeoutIsAWarningWithTheCollectionsOfThatStretch(CapturedOutput output)
			throws InterruptedException {
		this.young.collect(5, 60);
		this.overshoots.add(Duration.ofMillis(240));
		this.youngCollections.add(new long[] { 2, 210 });
		checkTimes(1);
		String line = lineWith(output, "did not run for at least 240 ms");
		assertThat(line).contains("WARN")
			.contains("G1 Young Generation 2 collections taking 210 ms")
			.doesNotContain("G1 Old Generation")
			.contains("minimum election timeout (150 ms)")
			.contains("if it led, its lease may have lapsed and the others may have elected another leader");
	}

	@Test
	void shorterPauseWithoutCollectionIsInformationThatBlamesTheMachine(CapturedOutput output)
			throws InterruptedException {
		this.overshoots.add(Duration.ofMillis(120));
		checkTimes(1);
		String line = lineWith(output, "did not run for at least 120 ms");
		assertThat(line).contains("INFO")
			.contains("no garbage collection in that time")
			.contains("CPU limit")
			.contains("Not long enough to cost leadership on its own");
	}

	@Test
	void atMostOneLineIsLoggedPerIntervalAndTheRestIsSummedUpAfterIt(CapturedOutput output)
			throws InterruptedException {
		for (int i = 0; i < 4; i++) {
			this.overshoots.add(Duration.ofMillis(110 + 100 * i));
			this.overshoots.add(Duration.ZERO);
		}
		checkTimes(8);
		assertThat(this.pauses).as("every pause is counted").hasSize(4);
		assertThat(occurrences(output, "did not run for")).as("one line for four pauses within a second").isOne();
		advance(Duration.ofSeconds(PauseMonitor.LOG_INTERVAL_SECONDS));
		checkTimes(1);
		String summary = lineWith(output, "did not run for a while 3 more times");
		assertThat(summary).contains("WARN").contains("the longest for at least 410 ms");
		checkTimes(1);
		assertThat(occurrences(output, "did not run for")).as("nothing more to tell").isEqualTo(2);
		advance(Duration.ofSeconds(PauseMonitor.LOG_INTERVAL_SECONDS));
		this.overshoots.add(Duration.ofMillis(130));
		checkTimes(1);
		assertThat(lineWith(output, "did not run for at least 130 ms"))
			.as("after a quiet interval, the next pause is logged at once")
			.contains("INFO");
	}

	@Test
	void pausesNotLoggedYetAreLoggedWhenTheMonitorStops(CapturedOutput output) throws InterruptedException {
		this.overshoots.addAll(List.of(Duration.ofMillis(120), Duration.ofMillis(125)));
		checkTimes(2);
		assertThat(output).doesNotContain("1 more time");
		this.monitor.flush();
		assertThat(lineWith(output, "did not run for a while 1 more time")).contains("at least 125 ms");
	}

	@Test
	void listenerThatFailsIsLoggedAndTheMonitorGoesOn(CapturedOutput output) throws InterruptedException {
		AtomicBoolean called = new AtomicBoolean();
		PauseMonitor failing = new PauseMonitor("n1", INTERVAL, THRESHOLD, ELECTION_TIMEOUT_MIN, this.now::get,
				this::sleepScripted, List.of(), (pause) -> {
					called.set(true);
					throw new IllegalStateException("boom");
				});
		this.overshoots.addAll(List.of(Duration.ofMillis(120), Duration.ofMillis(125)));
		failing.check();
		failing.check();
		assertThat(called).isTrue();
		assertThat(output).contains("a listener of pauses failed").contains("boom");
	}

	@Test
	void settingsMustBePositive() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new PauseMonitor("n1", Duration.ZERO, THRESHOLD, ELECTION_TIMEOUT_MIN, this.now::get,
					this::sleepScripted, List.of(), (pause) -> {
					}))
			.withMessageContaining("interval must be positive");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new PauseMonitor("n1", INTERVAL, Duration.ofMillis(-1), ELECTION_TIMEOUT_MIN,
					this.now::get, this::sleepScripted, List.of(), (pause) -> {
					}))
			.withMessageContaining("threshold must be positive");
	}

	@Test
	void threadRunsFromStartToStopAndNoLonger() {
		this.started = new PauseMonitor("lifecycle", INTERVAL, THRESHOLD, ELECTION_TIMEOUT_MIN, System::nanoTime,
				PauseMonitor.Sleeper.THREAD, List.of(), (pause) -> {
				});
		assertThat(threadsNamed("raft-pause-monitor-lifecycle")).isEmpty();
		this.started.start();
		this.started.start();
		assertThat(this.started.isRunning()).isTrue();
		assertThat(threadsNamed("raft-pause-monitor-lifecycle")).as("one thread, however often started")
			.singleElement()
			.satisfies((thread) -> assertThat(thread.isDaemon()).isTrue());
		this.started.stop();
		assertThat(this.started.isRunning()).isFalse();
		assertThat(threadsNamed("raft-pause-monitor-lifecycle")).as("ended when stop() returns").isEmpty();
		this.started.start();
		assertThat(threadsNamed("raft-pause-monitor-lifecycle")).as("and started again").hasSize(1);
	}

	@Test
	void aSleepThatReallyTakesLongerIsNoticedOnTheRealClock() {
		// A sleeper that oversleeps once is the one pause a test can make without stopping the JVM:
		// the monitor cannot tell it from a GC, and measures it on System.nanoTime().
		AtomicBoolean overslept = new AtomicBoolean();
		this.started = new PauseMonitor("real", INTERVAL, THRESHOLD, ELECTION_TIMEOUT_MIN, System::nanoTime,
				(nanos) -> PauseMonitor.Sleeper.THREAD
					.sleep(overslept.getAndSet(true) ? nanos : nanos + Duration.ofMillis(150).toNanos()),
				List.of(), (pause) -> this.pauses.add(pause));
		this.started.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.pauses.isEmpty());
		assertThat(this.pauses.get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(150).toNanos());
	}

	private void checkTimes(int times) throws InterruptedException {
		for (int i = 0; i < times; i++) {
			this.monitor.check();
		}
	}

	private void sleepScripted(long nanos) {
		Duration overshoot = this.overshoots.isEmpty() ? Duration.ZERO : this.overshoots.poll();
		long[] collection = this.youngCollections.poll();
		if (collection != null) {
			this.young.collect(collection[0], collection[1]);
		}
		this.now.addAndGet(nanos + overshoot.toNanos());
	}

	private void advance(Duration duration) {
		this.now.addAndGet(duration.toNanos());
	}

	private static String lineWith(CapturedOutput output, String text) {
		return output.toString()
			.lines()
			.filter((line) -> line.contains(text))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No line with '" + text + "' in:\n" + output));
	}

	private static int occurrences(CapturedOutput output, String text) {
		return output.toString().split(text, -1).length - 1;
	}

	private static List<Thread> threadsNamed(String name) {
		return Thread.getAllStackTraces().keySet().stream().filter((thread) -> thread.getName().equals(name)).toList();
	}

	/** A garbage collector whose counters the test moves. */
	private static final class FakeCollector implements GarbageCollectorMXBean {

		private final String name;

		private volatile long count;

		private volatile long millis;

		FakeCollector(String name) {
			this.name = name;
		}

		void collect(long collections, long collectionMillis) {
			this.count += collections;
			this.millis += collectionMillis;
		}

		@Override
		public long getCollectionCount() {
			return this.count;
		}

		@Override
		public long getCollectionTime() {
			return this.millis;
		}

		@Override
		public String getName() {
			return this.name;
		}

		@Override
		public boolean isValid() {
			return true;
		}

		@Override
		public String[] getMemoryPoolNames() {
			return new String[0];
		}

		@Override
		public ObjectName getObjectName() {
			throw new UnsupportedOperationException();
		}

	}

}
