package io.github.raftboot.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * The busy profile's background load: a JVM of its own ({@link #main(String[])}) whose threads
 * each keep one core busy, with a fixed shape. Every thread, in each period of
 * {@link #PERIOD_MILLIS} ms, spends the first {@link #ALLOCATION_MILLIS} ms allocating and
 * dropping 1 MiB arrays (touching every page: young-generation garbage that the serial
 * collector reclaims while the thread waits), and the rest on integer arithmetic. It never
 * sleeps, so it takes one core whenever the scheduler gives it one: a neighbour such as a build
 * or another service, deterministic in shape.
 *
 * <p>It runs in a session of its own ({@code setsid}), as a neighbour's process would: with the
 * kernel's autogroup scheduling, the CPUs are first shared between sessions, then between the
 * threads of a session. In the benchmark's session its one thread would compete with every
 * thread of the starting JVMs and get a fraction of a core; in its own it gets about a core while
 * the replicas want the rest.
 *
 * <p>It stops when {@link Running#close()} kills it, when the benchmark's shutdown hook does
 * (Ctrl-C), and by itself when its standard input closes: the benchmark's end, even a
 * {@code SIGKILL} of it.
 */
final class LoadGenerator {

	/** Length of one period of the load's shape. */
	static final long PERIOD_MILLIS = 1000;

	/** Part of each period spent allocating. */
	static final long ALLOCATION_MILLIS = 100;

	private static final int ARRAY_BYTES = 1 << 20;

	private static final int PAGE = 4096;

	/** {@code setsid}, which runs the load in a session of its own, if the machine has it. */
	private static final @Nullable String SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid")
		.filter((path) -> Files.isExecutable(Path.of(path)))
		.findFirst()
		.orElse(null);

	private static volatile long sink;

	private LoadGenerator() {
	}

	/**
	 * Runs the load until standard input closes.
	 * @param args the number of threads
	 */
	public static void main(String[] args) throws IOException {
		int threads = (args.length > 0) ? Integer.parseInt(args[0]) : 1;
		for (int i = 0; i < threads; i++) {
			Thread thread = new Thread(LoadGenerator::spin, "load-" + i);
			thread.setDaemon(true);
			thread.start();
		}
		// The parent writes nothing; end of input means it is gone.
		while (System.in.read() >= 0) {
			// ignore
		}
		System.exit(0);
	}

	private static void spin() {
		byte[][] recent = new byte[8][];
		long start = System.nanoTime();
		long x = 42;
		int next = 0;
		while (true) {
			long inPeriod = ((System.nanoTime() - start) / 1_000_000) % PERIOD_MILLIS;
			if (inPeriod < ALLOCATION_MILLIS) {
				byte[] array = new byte[ARRAY_BYTES];
				for (int i = 0; i < ARRAY_BYTES; i += PAGE) {
					array[i] = (byte) i;
				}
				recent[next] = array;
				next = (next + 1) % recent.length;
			}
			else {
				for (int i = 0; i < 100_000; i++) {
					x ^= x << 13;
					x ^= x >>> 7;
					x ^= x << 17;
				}
				sink = x;
			}
		}
	}

	/**
	 * Starts the load as a child process.
	 * @param java the {@code java} executable
	 * @param threads how many cores to keep busy, at least one
	 * @return the running load
	 * @throws IOException if it cannot be started
	 */
	static Running start(String java, int threads) throws IOException {
		if (threads < 1) {
			throw new IllegalArgumentException("The load needs at least one thread, not " + threads);
		}
		List<String> command = new ArrayList<>();
		if (SETSID != null) {
			command.add(SETSID);
		}
		command.addAll(List.of(java, "-Xms64m", "-Xmx64m", "-XX:+UseSerialGC",
				"-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
				LoadGenerator.class.getName(), Integer.toString(threads)));
		Process process = Processes.start(new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD));
		return new Running(process, threads);
	}

	/** Describes the shape, for the report. */
	static String shape(int threads) {
		return String.format(Locale.ROOT, "%d thread%s in a JVM of its own (serial GC, 64 MiB heap)%s, never sleeping: in "
				+ "each %d ms, %d ms allocating and dropping 1 MiB arrays, the rest integer arithmetic", threads,
				(threads == 1) ? "" : "s", (SETSID != null) ? " in a session of its own" : "", PERIOD_MILLIS,
				ALLOCATION_MILLIS);
	}

	/** The load, running. */
	static final class Running implements AutoCloseable {

		private final Process process;

		private final int threads;

		private final long startTicks;

		private final long startedAt;

		private double percent = Double.NaN;

		private double seconds = Double.NaN;

		private Running(Process process, int threads) {
			this.process = process;
			this.threads = threads;
			this.startedAt = System.nanoTime();
			this.startTicks = ProcFs.cpuTicks(process.pid()).orElse(0);
		}

		/** The process id. */
		long pid() {
			return this.process.pid();
		}

		int threads() {
			return this.threads;
		}

		boolean isAlive() {
			return this.process.isAlive();
		}

		/**
		 * CPU the load used since its start, in % of one core; after {@link #close()}, until it
		 * was stopped.
		 */
		double percent() {
			if (!Double.isNaN(this.percent)) {
				return this.percent;
			}
			OptionalLong ticks = ProcFs.cpuTicks(this.process.pid());
			double elapsed = (System.nanoTime() - this.startedAt) / 1e9;
			return ticks.isPresent()
					? 100.0 * (ticks.getAsLong() - this.startTicks) / ProcFs.clockTicksPerSecond() / elapsed : Double.NaN;
		}

		/** How long it ran, in seconds. */
		double seconds() {
			return Double.isNaN(this.seconds) ? (System.nanoTime() - this.startedAt) / 1e9 : this.seconds;
		}

		/** Stops the load (SIGKILL) and waits until it is gone; keeps what it used. */
		@Override
		public void close() {
			if (Double.isNaN(this.percent)) {
				this.percent = percent();
				this.seconds = seconds();
			}
			Processes.kill(this.process, Duration.ofSeconds(10));
		}

		@Override
		public String toString() {
			return "load " + this.process.pid() + " (" + this.threads + " threads)";
		}

	}

}
