package io.github.raftboot.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.github.raftboot.runtime.ElectionWarmUp;
import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.transport.RaftJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ElectionWarmUpLifecycle}: the warm-up runs once, in the background, after the
 * member started, says what it did, and ends with the context.
 */
@ExtendWith(OutputCaptureExtension.class)
class ElectionWarmUpLifecycleTests {

	private final RaftJson json = new RaftJson();

	private ElectionWarmUpLifecycle lifecycle = new ElectionWarmUpLifecycle(new ElectionWarmUp(this.json, 3), "n1",
			true);

	@AfterEach
	void stop() {
		this.lifecycle.stop();
	}

	@Test
	void startsAfterTheMemberAndStopsBeforeIt() {
		assertThat(this.lifecycle.getPhase()).isGreaterThan(RaftServer.PHASE);
		assertThat(this.lifecycle.isAutoStartup()).isTrue();
	}

	@Test
	void runsOnceInTheBackgroundAndLogsWhatItDid(CapturedOutput output) {
		this.lifecycle.start();
		assertThat(this.lifecycle.isRunning()).isTrue();
		await().atMost(Duration.ofSeconds(30)).until(() -> output.toString().contains("warmed up"));
		assertThat(line(output, "warmed up")).contains("INFO")
			.contains("Raft member 'n1' warmed up the election and leader code of this JVM")
			.containsPattern("\\d+ hand-overs and \\d+ elections in \\d+ ms");
		await().atMost(Duration.ofSeconds(10)).until(() -> threadsNamed("raft-warm-up").isEmpty());
		this.lifecycle.stop();
		this.lifecycle.start();
		assertThat(threadsNamed("raft-warm-up")).as("not again").isEmpty();
		assertThat(output.toString().split("warmed up", -1)).hasSize(2);
	}

	@Test
	void stoppingTheContextStopsARunningWarmUp() {
		this.lifecycle = new ElectionWarmUpLifecycle(new ElectionWarmUp(this.json, 100_000), "n1", true);
		this.lifecycle.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> threadsStartingWith("raft-warm-up-").size() >= 3);
		this.lifecycle.stop();
		assertThat(this.lifecycle.isRunning()).isFalse();
		assertThat(threadsNamed("raft-warm-up")).isEmpty();
		await().atMost(Duration.ofSeconds(10)).until(() -> threadsStartingWith("raft-warm-up-").isEmpty());
	}

	@Test
	void memberWithoutPeersRunsNone() {
		this.lifecycle = new ElectionWarmUpLifecycle(new ElectionWarmUp(this.json, 3), "n1", false);
		this.lifecycle.start();
		assertThat(threadsNamed("raft-warm-up")).isEmpty();
		assertThat(this.lifecycle.isRunning()).isFalse();
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
