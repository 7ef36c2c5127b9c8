package io.github.raftboot.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LoadGenerator}: the busy profile's load runs as a process of its own, uses CPU,
 * and never outlives the benchmark.
 */
class LoadGeneratorTests {

	private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

	@Test
	void theLoadUsesCpuUntilItIsClosedAndKeepsWhatItUsed() throws Exception {
		LoadGenerator.Running load = LoadGenerator.start(JAVA, 1);
		try {
			// A fifth of a second of CPU: it runs, whatever else the machine does.
			await().atMost(Duration.ofSeconds(30))
				.until(() -> ProcFs.cpuTicks(load.pid()).orElse(0) >= ProcFs.clockTicksPerSecond() / 5);
			assertThat(load.percent()).isPositive();
		}
		finally {
			load.close();
		}
		assertThat(load.isAlive()).isFalse();
		double used = load.percent();
		assertThat(used).isPositive().isEqualTo(load.percent());
		assertThat(Processes.liveCount()).isZero();
	}

	@Test
	void theLoadStopsByItselfWhenItsParentIsGoneAndItsInputCloses() throws Exception {
		Process process = new ProcessBuilder(List.of(JAVA, "-cp", System.getProperty("java.class.path"),
				LoadGenerator.class.getName(), "1")).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		try {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> ProcFs.cpuTicks(process.pid()).orElse(0) >= ProcFs.clockTicksPerSecond() / 5);
			process.getOutputStream().close();
			await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive());
			assertThat(process.exitValue()).isZero();
		}
		finally {
			process.destroyForcibly();
		}
	}

	@Test
	void theLoadRunsInASessionOfItsOwnLikeANeighboursProcess() throws Exception {
		LoadGenerator.Running load = LoadGenerator.start(JAVA, 1);
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> sessionOf(load.pid()) == load.pid());
			assertThat(sessionOf(ProcessHandle.current().pid())).isNotEqualTo(load.pid());
		}
		finally {
			load.close();
		}
	}

	/** The session id: field 6 of {@code /proc/<pid>/stat}. */
	private static long sessionOf(long pid) {
		String stat = ProcFs.readOrNull(Path.of("/proc", Long.toString(pid), "stat"));
		assertThat(stat).as("stat of %d", pid).isNotNull();
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[3]);
	}

	@Test
	void aLoadWithoutThreadsIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> LoadGenerator.start(JAVA, 0))
			.withMessage("The load needs at least one thread, not 0");
	}

	@Test
	void theShapeSaysWhatTheLoadDoes() {
		assertThat(LoadGenerator.shape(1)).startsWith("1 thread in a JVM of its own (serial GC, 64 MiB heap)")
			.endsWith(", never sleeping: in each 1000 ms, 100 ms allocating and dropping 1 MiB arrays, the rest integer "
					+ "arithmetic");
		assertThat(LoadGenerator.shape(2)).startsWith("2 threads in a JVM");
	}

}
