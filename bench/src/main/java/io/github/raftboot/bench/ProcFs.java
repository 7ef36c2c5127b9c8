package io.github.raftboot.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * Reads what Linux tells about processes and the machine under {@code /proc}.
 */
final class ProcFs {

	private static final Path PROC = Path.of("/proc");

	private static volatile long clockTicks;

	private ProcFs() {
	}

	/**
	 * CPU time a process used so far, user plus system, of all its threads
	 * ({@code utime + stime} of {@code /proc/<pid>/stat}).
	 * @param pid the process
	 * @return the CPU time in clock ticks, or empty if the process is gone
	 */
	static OptionalLong cpuTicks(long pid) {
		String stat = readOrNull(PROC.resolve(Long.toString(pid)).resolve("stat"));
		return (stat != null) ? OptionalLong.of(Stat.parse(stat).ticks()) : OptionalLong.empty();
	}

	/**
	 * CPU time the JIT compiler threads of a JVM used so far ({@code C1 CompilerThread},
	 * {@code C2 CompilerThread}, {@code Sweeper thread}), from {@code /proc/<pid>/task/<tid>/stat}.
	 * @param pid the JVM
	 * @return the CPU time in clock ticks
	 */
	static long jitTicks(long pid) {
		Path tasks = PROC.resolve(Long.toString(pid)).resolve("task");
		List<String> stats = new ArrayList<>();
		try (Stream<Path> threads = Files.list(tasks)) {
			for (Path thread : threads.toList()) {
				String stat = readOrNull(thread.resolve("stat"));
				if (stat != null) {
					stats.add(stat);
				}
			}
		}
		catch (IOException | UncheckedIOException ex) {
			// The process is gone.
		}
		return jitTicks(stats);
	}

	/**
	 * CPU time the JIT compiler threads among these threads used so far.
	 * @param taskStats the {@code /proc/<pid>/task/<tid>/stat} of each thread
	 * @return the CPU time in clock ticks
	 */
	static long jitTicks(List<String> taskStats) {
		return taskStats.stream().map(Stat::parse).filter(Stat::isJitCompiler).mapToLong(Stat::ticks).sum();
	}

	/**
	 * Sets the nice value of every thread of a process (Linux keeps one per thread).
	 * @param pid the process
	 * @param nice the nice value
	 */
	static void renice(long pid, int nice) {
		List<String> command = new ArrayList<>(List.of("renice", "-n", Integer.toString(nice), "-p"));
		try (Stream<Path> threads = Files.list(PROC.resolve(Long.toString(pid)).resolve("task"))) {
			threads.forEach((thread) -> command.add(thread.getFileName().toString()));
		}
		catch (IOException | UncheckedIOException ex) {
			return;
		}
		try {
			Process process = Processes.start(new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD));
			process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			// Leave it as it is.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * CPU time used so far by this process, the children it reaped and the descendants that
	 * still run ({@code utime + stime + cutime + cstime} of each).
	 * @return the CPU time in clock ticks
	 */
	static long ownTreeTicks() {
		long ticks = ticksWithChildren(ProcessHandle.current().pid());
		for (ProcessHandle child : ProcessHandle.current().children().toList()) {
			ticks += ticksWithChildren(child.pid());
			for (ProcessHandle descendant : child.descendants().toList()) {
				ticks += ticksWithChildren(descendant.pid());
			}
		}
		return ticks;
	}

	private static long ticksWithChildren(long pid) {
		String stat = readOrNull(PROC.resolve(Long.toString(pid)).resolve("stat"));
		return (stat != null) ? Stat.parse(stat).ticksWithChildren() : 0;
	}

	/**
	 * Resident memory of a process ({@code VmRSS} of {@code /proc/<pid>/status}).
	 * @param pid the process
	 * @return the resident set size in KiB, or empty if the process is gone
	 */
	static OptionalLong rssKib(long pid) {
		String status = readOrNull(PROC.resolve(Long.toString(pid)).resolve("status"));
		return (status != null) ? rssKib(status) : OptionalLong.empty();
	}

	/**
	 * Resident memory from the text of {@code /proc/<pid>/status}.
	 * @param status the text
	 * @return the resident set size in KiB, or empty if there is none (a zombie, a kernel thread)
	 */
	static OptionalLong rssKib(String status) {
		for (String line : status.split("\n")) {
			if (line.startsWith("VmRSS:")) {
				return OptionalLong.of(Long.parseLong(line.substring(6).replace("kB", "").trim()));
			}
		}
		return OptionalLong.empty();
	}

	/**
	 * Busy and total CPU time of the whole machine so far, from the {@code cpu} line of
	 * {@code /proc/stat}.
	 * @return {@code [busy, total]} in clock ticks, summed over all CPUs
	 */
	static long[] machineTicks() {
		String stat = readOrNull(PROC.resolve("stat"));
		return (stat != null) ? machineTicks(stat) : new long[] { 0, 0 };
	}

	/**
	 * Busy and total CPU time from the text of {@code /proc/stat}: idle and iowait are idle, guest
	 * time is left out because user time already includes it.
	 * @param stat the text
	 * @return {@code [busy, total]} in clock ticks
	 * @throws IllegalArgumentException if the text does not start with the {@code cpu} line
	 */
	static long[] machineTicks(String stat) {
		String cpu = stat.lines().findFirst().orElse("");
		if (!cpu.startsWith("cpu ")) {
			throw new IllegalArgumentException("No cpu line at the start of /proc/stat: " + cpu);
		}
		String[] fields = cpu.trim().split(" +");
		long total = 0;
		long idle = 0;
		for (int i = 1; i < fields.length && i <= 8; i++) {
			long value = Long.parseLong(fields[i]);
			total += value;
			if (i == 4 || i == 5) {
				// idle and iowait
				idle += value;
			}
		}
		return new long[] { total - idle, total };
	}

	/** Clock ticks per second ({@code getconf CLK_TCK}, 100 on practically every Linux). */
	static long clockTicksPerSecond() {
		long ticks = clockTicks;
		if (ticks == 0) {
			ticks = 100;
			try {
				Process process = Processes.start(new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true));
				String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
				if (process.waitFor(5, TimeUnit.SECONDS) && process.exitValue() == 0) {
					ticks = Long.parseLong(out);
				}
			}
			catch (IOException | NumberFormatException ex) {
				// Keep 100.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			clockTicks = ticks;
		}
		return ticks;
	}

	/** The machine's load averages, as {@code /proc/loadavg} gives them (1, 5, 15 minutes). */
	static String loadAverage() {
		String loadavg = readOrNull(PROC.resolve("loadavg"));
		return (loadavg != null) ? loadAverage(loadavg) : "?";
	}

	/** The load averages from the text of {@code /proc/loadavg}. */
	static String loadAverage(String loadavg) {
		List<String> fields = List.of(loadavg.trim().split(" +"));
		return String.join(" ", fields.subList(0, Math.min(3, fields.size())));
	}

	static @Nullable String readOrNull(Path file) {
		try {
			return Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			if (!Files.exists(file)) {
				return null;
			}
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * What the benchmark reads of {@code /proc/<pid>/stat} or {@code /proc/<pid>/task/<tid>/stat}.
	 *
	 * @param comm the command name, for a task the thread name, cut to 15 characters
	 * @param utime user time (field 14), in clock ticks
	 * @param stime system time (field 15)
	 * @param cutime user time of the children it waited for (field 16)
	 * @param cstime system time of the children it waited for (field 17)
	 */
	record Stat(String comm, long utime, long stime, long cutime, long cstime) {

		/**
		 * Reads one stat line.
		 * @param stat the text of the file
		 * @return its fields
		 * @throws IllegalArgumentException if the text is not such a line
		 */
		static Stat parse(String stat) {
			// The command name (field 2) may contain spaces and parentheses: it ends at the last ')'.
			int open = stat.indexOf('(');
			int close = stat.lastIndexOf(')');
			if (open < 0 || close < open) {
				throw new IllegalArgumentException("No (command name) in stat line: " + stat);
			}
			// fields[0] is field 3 (state).
			String[] fields = stat.substring(close + 1).trim().split(" +");
			if (fields.length < 15) {
				throw new IllegalArgumentException("Too few fields in stat line: " + stat);
			}
			try {
				return new Stat(stat.substring(open + 1, close), Long.parseLong(fields[11]), Long.parseLong(fields[12]),
						Long.parseLong(fields[13]), Long.parseLong(fields[14]));
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("Not a number in fields 14 to 17 of stat line: " + stat, ex);
			}
		}

		/** User plus system time. */
		long ticks() {
			return this.utime + this.stime;
		}

		/** User plus system time, with that of the children it waited for. */
		long ticksWithChildren() {
			return ticks() + this.cutime + this.cstime;
		}

		/**
		 * Whether this is a JIT compiler thread of a HotSpot JVM ({@code C1 CompilerThread},
		 * {@code C2 CompilerThread}, {@code Sweeper thread}).
		 */
		boolean isJitCompiler() {
			return this.comm.contains("CompilerThre") || this.comm.startsWith("Sweeper");
		}

	}

}
