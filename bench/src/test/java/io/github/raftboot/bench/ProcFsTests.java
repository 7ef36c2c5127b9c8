package io.github.raftboot.bench;

import java.util.List;

import io.github.raftboot.bench.ProcFs.Stat;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for the parsers of {@link ProcFs}, on files captured from {@code /proc} of a Linux 6.18
 * machine ({@code proc/}): a JVM with threads named {@code raft-http-n1-n2}, {@code x) (y) z}
 * and {@code busy) worker} ({@code java-stat}, {@code java-task-stats} with the
 * {@code task/<tid>/stat} of every thread, {@code java-status}), a copy of {@code sleep} named
 * {@code x) (y z}, a {@code cat} whose parent shell had reaped three busy children, a zombie,
 * {@code /proc/stat} and {@code /proc/loadavg}.
 */
class ProcFsTests {

	@Test
	void statGivesUserAndSystemTimeOfTheProcess() {
		Stat stat = Stat.parse(Samples.text("proc/java-stat"));
		assertThat(stat).isEqualTo(new Stat("java", 158, 13, 0, 0));
		assertThat(stat.ticks()).isEqualTo(171);
	}

	@Test
	void aCommandNameWithSpacesAndParenthesesEndsAtTheLastParenthesis() {
		assertThat(Stat.parse(Samples.text("proc/odd-name-stat")).comm()).isEqualTo("x) (y z");
		List<Stat> threads = Samples.lines("proc/java-task-stats").stream().map(Stat::parse).toList();
		assertThat(threads).filteredOn((thread) -> thread.comm().contains(")"))
			.containsExactly(new Stat("x) (y) z", 12, 0, 0, 0), new Stat("busy) worker", 21, 0, 0, 0));
	}

	@Test
	void ticksWithChildrenAddTheChildrenItWaitedFor() {
		Stat stat = Stat.parse(Samples.text("proc/reaped-children-stat"));
		assertThat(stat).isEqualTo(new Stat("cat", 0, 0, 152, 8));
		assertThat(stat.ticks()).isZero();
		assertThat(stat.ticksWithChildren()).isEqualTo(160);
	}

	@Test
	void jitTicksCountOnlyTheCompilerThreads() {
		List<String> threads = Samples.lines("proc/java-task-stats");
		assertThat(threads).hasSize(23);
		assertThat(threads.stream().map(Stat::parse).filter(Stat::isJitCompiler).map(Stat::comm))
			.containsExactly("C2 CompilerThre", "C1 CompilerThre", "Sweeper thread");
		// C2 48 + 4, C1 19 + 1, sweeper 0; not the busy threads with ')' in their names.
		assertThat(ProcFs.jitTicks(threads)).isEqualTo(72);
	}

	@Test
	void aZombieHasStatButNoResidentMemory() {
		assertThat(Stat.parse(Samples.text("proc/zombie-stat"))).isEqualTo(new Stat("sleep", 0, 0, 0, 0));
		assertThat(ProcFs.rssKib(Samples.text("proc/zombie-status"))).isEmpty();
	}

	@Test
	void residentMemoryIsVmRss() {
		assertThat(ProcFs.rssKib(Samples.text("proc/java-status"))).hasValue(110512);
	}

	@Test
	void machineTicksLeaveOutIdleAndIowaitFromBusyAndGuestFromBoth() {
		// cpu  19944 885 3109 129050 160 0 74 59 0 0: idle 129050, iowait 160.
		long total = 19944 + 885 + 3109 + 129050 + 160 + 0 + 74 + 59;
		assertThat(ProcFs.machineTicks(Samples.text("proc/stat"))).containsExactly(total - 129050 - 160, total);
		assertThat(ProcFs.machineTicks("cpu  1 2 3 4 5 6 7 8 1000 1000\ncpu0 1 2 3 4 5 6 7 8 1000 1000\n"))
			.as("guest and guest_nice are in user and nice already").containsExactly(36 - 9, 36);
	}

	@Test
	void machineTicksOfAKernelWithFewerColumnsCountThoseThereAre() {
		assertThat(ProcFs.machineTicks("cpu  10 20 30 40")).containsExactly(60, 100);
	}

	@Test
	void machineTicksNeedTheCpuLineFirst() {
		assertThatIllegalArgumentException().isThrownBy(() -> ProcFs.machineTicks(Samples.text("proc/loadavg")))
			.withMessageStartingWith("No cpu line at the start of /proc/stat: 0.04");
		assertThatIllegalArgumentException().isThrownBy(() -> ProcFs.machineTicks(""));
	}

	@Test
	void loadAverageIsTheFirstThreeFields() {
		assertThat(ProcFs.loadAverage(Samples.text("proc/loadavg"))).isEqualTo("0.04 0.21 0.23");
	}

	@Test
	void aStatLineThatIsCutShortIsRejected() {
		String stat = Samples.text("proc/java-stat");
		String cut = stat.substring(0, stat.indexOf(" 158 13 "));
		assertThatIllegalArgumentException().isThrownBy(() -> Stat.parse(cut))
			.withMessageStartingWith("Too few fields in stat line: 15794 (java) S");
		assertThatIllegalArgumentException().isThrownBy(() -> Stat.parse(""))
			.withMessageStartingWith("No (command name) in stat line");
		assertThatIllegalArgumentException().isThrownBy(() -> Stat.parse("15794 java) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14"))
			.withMessageStartingWith("No (command name) in stat line");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Stat.parse(stat.replace(" 158 13 ", " 158 x ")))
			.withMessageStartingWith("Not a number in fields 14 to 17");
	}

}
