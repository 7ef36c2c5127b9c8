package io.github.raftboot.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The benchmark's settings, from command-line options of the form {@code --name=value} or
 * {@code --flag}. {@link #usage()} lists them.
 */
final class BenchOptions {

	/** The repackaged sample-app jar. */
	Path jar;

	/** Where the report, the CSV files, the plot and the replicas' logs go. */
	Path out;

	/** Cluster sizes for the SIGKILL and SIGTERM measurements. */
	List<Integer> failoverSizes = List.of(3, 5);

	/** Leaders killed with SIGKILL per cluster size. */
	int kills = 30;

	/** Leaders stopped with SIGTERM per cluster size. */
	int terms = 4;

	/** Cluster sizes whose idle cost is measured. */
	List<Integer> idleSizes = List.of(3, 5, 7);

	/** How long the idle cost is measured per cluster size. */
	Duration idleWindow = Duration.ofSeconds(20);

	/** How long a new cluster runs before anything is measured (plus the warm-up transfers). */
	Duration warmUp = Duration.ofSeconds(15);

	/** Leadership transfers per replica during the warm-up, so that every replica has led. */
	int warmUpTransfersPerReplica = 2;

	/** How long a restarted replica must have been following before the next kill. */
	Duration settle = Duration.ofSeconds(1);

	/** Members added and removed again (each a measurement) on a cluster of {@link #membershipSize}; 0: none. */
	int membershipChanges = 10;

	/** Cluster size to which a member is added and from which it is removed. */
	int membershipSize = 3;

	/** The parts of the benchmark to run ({@code --only}); all of them by default. */
	Set<Part> parts = EnumSet.allOf(Part.class);

	/** Whether to watch a cluster idle for {@link #longWindow} as well. */
	boolean longRun;

	/** How long the {@code --long} idle window lasts. */
	Duration longWindow = Duration.ofMinutes(10);

	/** Cluster size of the {@code --long} idle window. */
	int longSize = 5;

	/** JVM options of every replica (besides the CDS archive). */
	List<String> jvmOptions = List.of("-Xmx256m");

	/** Whether the replicas run from Spring Boot's extracted layout with a CDS archive. */
	boolean cds = true;

	/** Whether the replicas log {@code io.github.raftboot} at DEBUG (role changes with timestamps). */
	boolean debugLog = true;

	/** Whether to draw the CDF plot. */
	boolean plot = true;

	/**
	 * Nice value of the replicas (negative: ahead of other work on a shared machine, such as
	 * builds; the replicas' own code and timing are unchanged).
	 */
	int nice = -5;

	/** How long the run may wait in all for other processes to leave the machine quiet before a signal. */
	Duration quietWait = Duration.ofSeconds(30);

	/** Seed of the random delay before each kill. */
	long seed = 42;

	/** Whether this is the tiny smoke mode. */
	boolean smoke;

	private BenchOptions(Path jar, Path out) {
		this.jar = jar;
		this.out = out;
	}

	/** The defaults, with the sample jar from {@code -Dsample.jar} or its usual place. */
	static BenchOptions defaults() {
		String jar = System.getProperty("sample.jar", "sample-app/target/sample-app-0.1.0-SNAPSHOT.jar");
		Path out = Files.isDirectory(Path.of("bench")) ? Path.of("bench", "target", "results") : Path.of("target", "results");
		return new BenchOptions(Path.of(jar), out);
	}

	/**
	 * Parses command-line options.
	 * @param args the options
	 * @return the settings
	 * @throws IllegalArgumentException if an option is unknown or invalid
	 */
	static BenchOptions parse(String... args) {
		BenchOptions options = defaults();
		List<String> list = Arrays.asList(args);
		if (list.contains("--smoke")) {
			options.smoke();
		}
		for (String arg : args) {
			String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
			String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "";
			switch (name) {
				case "--smoke" -> {
				}
				case "--jar" -> options.jar = Path.of(value);
				case "--out" -> options.out = Path.of(value);
				case "--sizes" -> options.failoverSizes = sizes(value);
				case "--kills" -> options.kills = nonNegative(name, value);
				case "--terms" -> options.terms = nonNegative(name, value);
				case "--idle-sizes" -> options.idleSizes = sizes(value);
				case "--idle-window" -> options.idleWindow = duration(value);
				case "--warmup" -> options.warmUp = duration(value);
				case "--warmup-transfers" -> options.warmUpTransfersPerReplica = nonNegative(name, value);
				case "--settle" -> options.settle = duration(value);
				case "--long" -> options.longRun = true;
				case "--long-window" -> {
					options.longRun = true;
					options.longWindow = duration(value);
				}
				case "--long-size" -> options.longSize = sizes(value).get(0);
				case "--member-changes" -> options.membershipChanges = nonNegative(name, value);
				case "--member-size" -> options.membershipSize = sizes(value).get(0);
				case "--only" -> options.parts = parts(value);
				case "--jvm-opts" -> options.jvmOptions = value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
				case "--no-cds" -> options.cds = false;
				case "--no-debug-log" -> options.debugLog = false;
				case "--no-plot" -> options.plot = false;
				case "--seed" -> options.seed = Long.parseLong(value);
				case "--quiet-wait" -> options.quietWait = duration(value);
				case "--nice" -> options.nice = Integer.parseInt(value);
				default -> throw new IllegalArgumentException("Unknown option '" + arg + "'\n" + usage());
			}
		}
		if (!options.parts.contains(Part.FAILOVER)) {
			options.failoverSizes = List.of();
		}
		if (!options.parts.contains(Part.IDLE)) {
			options.idleSizes = List.of();
			options.longRun = false;
		}
		if (!options.parts.contains(Part.MEMBERSHIP)) {
			options.membershipChanges = 0;
		}
		return options;
	}

	/** Tiny settings that still run every phase, for the smoke test. */
	void smoke() {
		this.smoke = true;
		this.failoverSizes = List.of(3);
		this.kills = 2;
		this.terms = 1;
		this.idleSizes = List.of(3);
		this.idleWindow = Duration.ofSeconds(2);
		this.warmUp = Duration.ofSeconds(1);
		this.warmUpTransfersPerReplica = 1;
		this.settle = Duration.ofMillis(500);
		this.quietWait = Duration.ofSeconds(5);
		this.membershipChanges = 2;
	}

	/** What the options are. */
	static String usage() {
		return """
				Usage: RaftBench [options]
				  --jar=PATH            repackaged sample-app jar (default: -Dsample.jar or sample-app/target/sample-app-0.1.0-SNAPSHOT.jar)
				  --out=DIR             report, CSV files, plot and replica logs (default: bench/target/results)
				  --sizes=3,5           cluster sizes for the SIGKILL/SIGTERM measurements
				  --kills=30            leaders killed with SIGKILL per size
				  --terms=4             leaders stopped with SIGTERM per size
				  --idle-sizes=3,5,7    cluster sizes whose idle cost is measured
				  --idle-window=20s     idle measurement window per size
				  --warmup=15s          warm-up of a new cluster, followed by leadership transfers
				  --warmup-transfers=2  warm-up transfers per replica (round robin, so that every replica leads)
				  --settle=1s           how long a restarted replica follows before the next kill
				  --long                also watch 5 replicas idle for 10 minutes (--long-window=, --long-size=)
				  --member-changes=10   times a 4th replica is added to 3 and removed again (--member-size=3)
				  --only=membership     run only these parts: failover, idle, membership (comma-separated)
				  --jvm-opts="-Xmx256m" JVM options of the replicas
				  --no-cds              run the plain jar (no Spring Boot extracted layout with a CDS archive)
				  --no-debug-log        do not log io.github.raftboot at DEBUG in the replicas
				  --no-plot             no PNG
				  --quiet-wait=30s      at most this long in all, wait before a signal until other processes use < 50 % of a CPU
				  --nice=-5             nice value of the replicas: ahead of other work on a shared machine (needs root; 0: off)
				  --seed=42             seed of the random delay before each kill
				  --smoke               tiny run: 3 replicas, 2 kills, 1 SIGTERM, 2 s idle window, 2 member changes
				""";
	}

	/** The options as one line, for the report. */
	String describe() {
		List<String> parts = new ArrayList<>();
		parts.add("sizes=" + this.failoverSizes);
		parts.add("kills=" + this.kills);
		parts.add("terms=" + this.terms);
		parts.add("idle-sizes=" + this.idleSizes);
		parts.add("idle-window=" + format(this.idleWindow));
		parts.add("warmup=" + format(this.warmUp) + "+" + this.warmUpTransfersPerReplica + " transfers/replica");
		parts.add("settle=" + format(this.settle));
		if (this.longRun) {
			parts.add("long=" + format(this.longWindow) + "@" + this.longSize);
		}
		parts.add("member-changes=" + this.membershipChanges + "@" + this.membershipSize);
		if (!this.parts.equals(EnumSet.allOf(Part.class))) {
			parts.add("only=" + this.parts.stream().map(Part::optionValue).toList());
		}
		parts.add("cds=" + this.cds);
		parts.add("nice=" + this.nice);
		if (this.smoke) {
			parts.add("smoke");
		}
		return String.join(", ", parts);
	}

	static String format(Duration duration) {
		if (duration.toMillis() % 60_000 == 0 && duration.toMinutes() > 0) {
			return duration.toMinutes() + "m";
		}
		if (duration.toMillis() % 1000 == 0) {
			return duration.toSeconds() + "s";
		}
		return duration.toMillis() + "ms";
	}

	private static List<Integer> sizes(String value) {
		List<Integer> sizes = new ArrayList<>();
		for (String part : value.split(",")) {
			int size = Integer.parseInt(part.trim());
			if (size < 1 || size > 9) {
				throw new IllegalArgumentException("Cluster sizes must be between 1 and 9, was " + size);
			}
			sizes.add(size);
		}
		return List.copyOf(sizes);
	}

	private static Set<Part> parts(String value) {
		Set<Part> parts = EnumSet.noneOf(Part.class);
		for (String name : value.split(",")) {
			parts.add(Part.of(name.trim()));
		}
		return parts;
	}

	private static int nonNegative(String name, String value) {
		int number = Integer.parseInt(value);
		if (number < 0) {
			throw new IllegalArgumentException(name + " must not be negative");
		}
		return number;
	}

	static Duration duration(String value) {
		String text = value.trim().toLowerCase(Locale.ROOT);
		if (text.endsWith("ms")) {
			return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
		}
		if (text.endsWith("s")) {
			return Duration.ofMillis(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 1000));
		}
		if (text.endsWith("m")) {
			return Duration.ofMillis(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 60_000));
		}
		return Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000));
	}

	/** The parts of the benchmark that {@code --only} selects. */
	enum Part {

		/** SIGKILL and SIGTERM of the leader, at {@link BenchOptions#failoverSizes}. */
		FAILOVER,

		/** Idle cost and stability, at {@link BenchOptions#idleSizes} (and {@code --long}). */
		IDLE,

		/** A member added and removed again, at {@link BenchOptions#membershipSize}. */
		MEMBERSHIP;

		String optionValue() {
			return name().toLowerCase(Locale.ROOT);
		}

		static Part of(String value) {
			for (Part part : values()) {
				if (part.optionValue().equals(value)) {
					return part;
				}
			}
			throw new IllegalArgumentException("--only takes failover, idle or membership (comma-separated), not '"
					+ value + "'");
		}

	}

}
