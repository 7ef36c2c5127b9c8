package io.github.raftboot.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The benchmark's settings, from command-line options of the form {@code --name=value} or
 * {@code --flag}. {@link #usage()} lists them.
 */
final class BenchOptions {

	/** The repackaged sample-app jar. */
	Path jar;

	/** Where the report, the CSV files, the plot and the replicas' logs go. */
	Path out;

	/** The stages measured, in this order ({@code --profile}): the quiet one, then the busy one. */
	List<Profile> profiles = List.of(Profile.QUIET, Profile.BUSY);

	/**
	 * Cluster sizes given with {@code --sizes}: those of the rolling restarts (both profiles) and
	 * of every part of the busy profile.
	 */
	List<Integer> sizes = List.of(3, 5);

	/** Cluster sizes for the SIGKILL and SIGTERM measurements of the quiet profile. */
	List<Integer> failoverSizes = List.of(3, 5);

	/** Leaders killed with SIGKILL per cluster size. */
	int kills = 30;

	/** Leaders stopped with SIGTERM per cluster size. */
	int terms = 4;

	/** Leaders killed with SIGKILL per cluster size, busy profile. */
	int busyKills = 10;

	/** Leaders stopped with SIGTERM per cluster size, busy profile. */
	int busyTerms = 4;

	/**
	 * Followers restarted one at a time (SIGTERM, start, following), busy profile: per cluster
	 * size; sizes not listed get the value listed for the largest size below them, or none.
	 */
	Map<Integer, Integer> followerRestarts = Map.of(3, 10, 5, 30);

	/** Rolling restarts of all replicas per cluster size, per profile. */
	Map<Profile, Integer> rollingRestarts = Map.of(Profile.QUIET, 1, Profile.BUSY, 1);

	/** Nice value of every replica in the busy profile, restarted ones included. */
	int busyNice = 0;

	/** Threads of background load the busy profile starts (one core each). */
	int busyLoadThreads = 1;

	/**
	 * Longest lapse of a replica's leadership that counts as a flap: the sample app's maximum
	 * election timeout.
	 */
	Duration flapWindow = Duration.ofMillis(300);

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

	/**
	 * Numbers of election groups, the default one included, of the clusters whose idle cost with
	 * groups is measured (quiet profile): {@code raft.groups} names {@code g1} to {@code g<n-1>}.
	 */
	List<Integer> groupCounts = List.of(1, 10, 50);

	/** Cluster size of the election groups part. */
	int groupsSize = 5;

	/** Number of groups (the default one included) of the cluster whose group failovers are measured. */
	int groupsFailoverGroups = 10;

	/** Replicas leading several groups killed with SIGKILL in the election groups part; 0: none. */
	int groupKills = 3;

	/**
	 * {@code raft.balance.delay} of the replicas of the election groups part: shorter than the
	 * starter's 5 s so that the leaders spread within seconds before anything is measured.
	 */
	Duration groupsBalanceDelay = Duration.ofSeconds(1);

	/**
	 * How long the replicas of a groups cluster run at least before its idle window: the JIT
	 * compiler still works at 2 minutes (at 6, a profile of 50 groups still found a fifth of the
	 * samples in C2), and a window soon after the start pays for code not compiled yet.
	 */
	Duration groupsAge = Duration.ofSeconds(120);

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
				case "--profile" -> options.profiles = profiles(value);
				case "--sizes" -> {
					options.sizes = sizes(value);
					options.failoverSizes = options.sizes;
				}
				case "--kills" -> options.kills = nonNegative(name, value);
				case "--terms" -> options.terms = nonNegative(name, value);
				case "--busy-kills" -> options.busyKills = nonNegative(name, value);
				case "--busy-terms" -> options.busyTerms = nonNegative(name, value);
				case "--follower-restarts" -> options.followerRestarts = perSize(name, value);
				case "--rolling-restarts" -> options.rollingRestarts = perProfile(name, value);
				case "--busy-nice" -> options.busyNice = Integer.parseInt(value);
				case "--busy-load" -> options.busyLoadThreads = nonNegative(name, value);
				case "--flap-window" -> options.flapWindow = duration(value);
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
				case "--groups" -> options.groupCounts = groupCounts(value);
				case "--groups-size" -> options.groupsSize = sizes(value).get(0);
				case "--groups-failover" -> options.groupsFailoverGroups = groupCounts(value).get(0);
				case "--groups-kills" -> options.groupKills = nonNegative(name, value);
				case "--groups-balance-delay" -> options.groupsBalanceDelay = duration(value);
				case "--groups-age" -> options.groupsAge = duration(value);
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
		if (!options.parts.contains(Part.RESTARTS)) {
			options.followerRestarts = Map.of();
		}
		if (!options.parts.contains(Part.ROLLING)) {
			options.rollingRestarts = Map.of();
		}
		if (!options.parts.contains(Part.FAILOVER)) {
			options.busyKills = 0;
			options.busyTerms = 0;
		}
		if (!options.parts.contains(Part.GROUPS) || !options.profiles.contains(Profile.QUIET)) {
			options.groupCounts = List.of();
			options.groupKills = 0;
		}
		return options;
	}

	/**
	 * What a profile means in numbers.
	 * @param profile the profile
	 * @return its settings
	 */
	Settings settings(Profile profile) {
		if (profile == Profile.QUIET) {
			return new Settings(profile, this.nice, 19, this.warmUpTransfersPerReplica, this.kills, this.terms, true, 0);
		}
		return new Settings(profile, this.busyNice, this.busyNice, 0, this.busyKills, this.busyTerms, false,
				this.busyLoadThreads);
	}

	/**
	 * The cluster sizes a profile starts, in ascending order.
	 * @param profile the profile
	 * @return the sizes, empty if the profile measures nothing
	 */
	TreeSet<Integer> sizes(Profile profile) {
		TreeSet<Integer> sizes = new TreeSet<>();
		if (!this.profiles.contains(profile)) {
			return sizes;
		}
		if (profile == Profile.QUIET) {
			sizes.addAll(this.failoverSizes);
			sizes.addAll(this.idleSizes);
			if (this.membershipChanges > 0) {
				sizes.add(this.membershipSize);
			}
		}
		else {
			Settings busy = settings(profile);
			for (int size : this.sizes) {
				if (this.parts.contains(Part.IDLE) || busy.kills() + busy.terms() > 0 || followerRestarts(size) > 0) {
					sizes.add(size);
				}
			}
		}
		if (rollingRestarts(profile) > 0) {
			sizes.addAll(this.sizes);
		}
		if (this.longRun) {
			sizes.add(this.longSize);
		}
		return sizes;
	}

	/** Whether the election groups part runs: an idle window or a failover with groups. */
	boolean measuresGroups() {
		return !this.groupCounts.isEmpty() || this.groupKills > 0;
	}

	/**
	 * Rolling restarts per cluster size in a profile.
	 * @param profile the profile
	 * @return how many, 0 for none
	 */
	int rollingRestarts(Profile profile) {
		return this.rollingRestarts.getOrDefault(profile, 0);
	}

	/**
	 * Followers restarted one at a time in a cluster of this size, busy profile.
	 * @param size the cluster size
	 * @return how many, 0 for none
	 */
	int followerRestarts(int size) {
		int count = 0;
		int best = 0;
		for (Map.Entry<Integer, Integer> entry : this.followerRestarts.entrySet()) {
			if (entry.getKey() <= size && entry.getKey() >= best) {
				best = entry.getKey();
				count = entry.getValue();
			}
		}
		return count;
	}

	/** Tiny settings that still run every phase, for the smoke test. */
	void smoke() {
		this.smoke = true;
		this.sizes = List.of(3);
		this.failoverSizes = List.of(3);
		this.kills = 1;
		this.terms = 1;
		this.idleSizes = List.of(3);
		this.idleWindow = Duration.ofSeconds(2);
		this.warmUp = Duration.ofSeconds(1);
		this.warmUpTransfersPerReplica = 1;
		this.settle = Duration.ofMillis(500);
		this.quietWait = Duration.ofSeconds(5);
		this.membershipChanges = 1;
		this.busyKills = 0;
		this.busyTerms = 0;
		this.followerRestarts = Map.of(3, 1);
		// The quiet profile's rolling restart differs from the busy one's only in its nice values.
		this.rollingRestarts = Map.of(Profile.BUSY, 1);
		// Two more clusters: only with --only=groups, so that the smoke test keeps its length.
		this.parts = EnumSet.complementOf(EnumSet.of(Part.GROUPS));
		this.groupCounts = List.of(1, 4);
		this.groupsSize = 3;
		this.groupsFailoverGroups = 4;
		this.groupKills = 1;
	}

	/** What the options are. */
	static String usage() {
		return """
				Usage: RaftBench [options]
				  --jar=PATH            repackaged sample-app jar (default: -Dsample.jar or sample-app/target/sample-app-0.1.0-SNAPSHOT.jar)
				  --out=DIR             report, CSV files, plot and replica logs (default: bench/target/results)
				  --profile=both        quiet, busy or both: the ideal stage of the history (nice -5, warm-up transfers,
				                        restarts at nice 19), or a busy node (one core of load, nice 0, no warm-up transfers)
				  --sizes=3,5           cluster sizes for SIGKILL/SIGTERM, rolling restarts and every part of the busy profile
				  --kills=30            leaders killed with SIGKILL per size (quiet profile)
				  --terms=4             leaders stopped with SIGTERM per size (quiet profile)
				  --busy-kills=10       leaders killed with SIGKILL per size (busy profile)
				  --busy-terms=4        leaders stopped with SIGTERM per size (busy profile)
				  --follower-restarts=3:10,5:30   followers restarted one at a time per size (busy profile; N: at every size)
				  --rolling-restarts=1  rolling restarts of all replicas, highest ordinal first, per size (quiet:N,busy:M: per profile)
				  --busy-load=1         threads of background load in the busy profile (one core each; 0: none)
				  --busy-nice=0         nice value of every replica in the busy profile
				  --flap-window=300ms   longest lapse of a leadership, without another leader, that counts as a flap
				  --idle-sizes=3,5,7    cluster sizes whose idle cost is measured
				  --idle-window=20s     idle measurement window per size
				  --warmup=15s          warm-up of a new cluster, followed by leadership transfers
				  --warmup-transfers=2  warm-up transfers per replica (round robin, so that every replica leads)
				  --settle=1s           how long a restarted replica follows before the next kill
				  --long                also watch 5 replicas idle for 10 minutes, in each profile (--long-window=, --long-size=)
				  --member-changes=10   times a 4th replica is added to 3 and removed again (--member-size=3)
				  --groups=1,10,50      election groups (the default one included) of the clusters whose idle cost with groups
				                        is measured, quiet profile (raft.groups=g1,...,g<n-1>; the leaders spread first)
				  --groups-size=5       replicas of those clusters
				  --groups-failover=10  groups of the cluster in which replicas leading several groups are killed
				  --groups-kills=3      replicas leading several groups killed with SIGKILL (0: none)
				  --groups-balance-delay=1s  raft.balance.delay of those replicas (the starter's default is 5s)
				  --groups-age=2m       how long those replicas run at least before their idle window (the JIT settles)
				  --only=membership     run only these parts: failover, idle, membership, restarts, rolling, groups (comma-separated)
				  --jvm-opts="-Xmx256m" JVM options of the replicas
				  --no-cds              run the plain jar (no Spring Boot extracted layout with a CDS archive)
				  --no-debug-log        do not log io.github.raftboot at DEBUG in the replicas
				  --no-plot             no PNG
				  --quiet-wait=30s      at most this long in all, wait before a signal until other processes use < 50 % of a CPU
				  --nice=-5             nice value of the replicas: ahead of other work on a shared machine (needs root; 0: off)
				  --seed=42             seed of the random delay before each kill
				  --smoke               tiny run, 3 replicas: quiet 1 SIGKILL, 1 SIGTERM, 2 s idle window, 1 member change;
				                        busy 2 s idle window, 1 follower restart, a rolling restart
				                        (with --only=groups: 1 and 4 groups on 3 replicas, 2 s windows, 1 SIGKILL)
				""";
	}

	/** The options as one line, for the report. */
	String describe() {
		List<String> parts = new ArrayList<>();
		parts.add("profile=" + this.profiles.stream().map(Profile::optionValue).toList());
		boolean quiet = this.profiles.contains(Profile.QUIET);
		if (quiet) {
			parts.add("sizes=" + this.failoverSizes);
			parts.add("kills=" + this.kills);
			parts.add("terms=" + this.terms);
			parts.add("idle-sizes=" + this.idleSizes);
		}
		parts.add("idle-window=" + format(this.idleWindow));
		parts.add("warmup=" + format(this.warmUp) + (quiet ? "+" + this.warmUpTransfersPerReplica + " transfers/replica" : ""));
		parts.add("settle=" + format(this.settle));
		if (this.longRun) {
			parts.add("long=" + format(this.longWindow) + "@" + this.longSize);
		}
		if (quiet) {
			parts.add("member-changes=" + this.membershipChanges + "@" + this.membershipSize);
		}
		if (measuresGroups()) {
			parts.add("groups=" + this.groupCounts + "@" + this.groupsSize);
			parts.add("groups-kills=" + this.groupKills + "@" + this.groupsFailoverGroups);
			parts.add("groups-balance-delay=" + format(this.groupsBalanceDelay));
			parts.add("groups-age=" + format(this.groupsAge));
		}
		if (!this.parts.equals(EnumSet.allOf(Part.class))) {
			parts.add("only=" + this.parts.stream().map(Part::optionValue).toList());
		}
		if (this.profiles.contains(Profile.BUSY)) {
			parts.add("busy-sizes=" + sizes(Profile.BUSY));
			parts.add("busy-kills=" + this.busyKills);
			parts.add("busy-terms=" + this.busyTerms);
			parts.add("follower-restarts=" + perSize(this.followerRestarts));
			parts.add("busy-load=" + this.busyLoadThreads);
			parts.add("busy-nice=" + this.busyNice);
		}
		parts.add("rolling-restarts=" + String.join(",", this.profiles.stream()
			.map((profile) -> profile.optionValue() + ":" + rollingRestarts(profile)).toList()));
		parts.add("flap-window=" + format(this.flapWindow));
		parts.add("cds=" + this.cds);
		if (quiet) {
			parts.add("nice=" + this.nice);
		}
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

	/** Reads numbers of election groups, the default one included: {@code 1,10,50}. */
	private static List<Integer> groupCounts(String value) {
		List<Integer> counts = new ArrayList<>();
		for (String part : value.split(",")) {
			try {
				int count = Integer.parseInt(part.trim());
				if (count < 1 || count > 200) {
					throw new NumberFormatException();
				}
				counts.add(count);
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("Numbers of election groups, the default one included, are between 1 "
						+ "and 200, such as 1,10,50, not '" + value + "'");
			}
		}
		return List.copyOf(counts);
	}

	private static List<Profile> profiles(String value) {
		return switch (value.trim()) {
			case "quiet" -> List.of(Profile.QUIET);
			case "busy" -> List.of(Profile.BUSY);
			case "both" -> List.of(Profile.QUIET, Profile.BUSY);
			default -> throw new IllegalArgumentException("--profile takes quiet, busy or both, not '" + value + "'");
		};
	}

	/** Reads {@code quiet:1,busy:2} (per profile) or {@code 1} (each profile). */
	private static Map<Profile, Integer> perProfile(String name, String value) {
		Map<Profile, Integer> counts = new LinkedHashMap<>();
		for (String part : value.split(",")) {
			String text = part.trim();
			if (!text.contains(":")) {
				int count = nonNegative(name, text);
				for (Profile profile : Profile.values()) {
					counts.put(profile, count);
				}
				continue;
			}
			String profile = text.substring(0, text.indexOf(':'));
			Profile named = null;
			for (Profile candidate : Profile.values()) {
				named = candidate.optionValue().equals(profile) ? candidate : named;
			}
			if (named == null) {
				throw new IllegalArgumentException(name + " takes a count, or profile:count pairs such as quiet:1,busy:2, "
						+ "not '" + value + "'");
			}
			counts.put(named, nonNegative(name, text.substring(text.indexOf(':') + 1)));
		}
		return Map.copyOf(counts);
	}

	/** Reads {@code 3:10,5:30} (per cluster size) or {@code 30} (every size). */
	private static Map<Integer, Integer> perSize(String name, String value) {
		Map<Integer, Integer> counts = new LinkedHashMap<>();
		for (String part : value.split(",")) {
			String text = part.trim();
			try {
				if (!text.contains(":")) {
					counts.put(1, nonNegative(name, text));
					continue;
				}
				int size = sizes(text.substring(0, text.indexOf(':'))).get(0);
				counts.put(size, nonNegative(name, text.substring(text.indexOf(':') + 1)));
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException(name + " takes a count, or size:count pairs such as 3:10,5:30, not '"
						+ value + "'");
			}
		}
		return Map.copyOf(counts);
	}

	private static String perSize(Map<Integer, Integer> counts) {
		return String.join(",", new TreeSet<>(counts.keySet()).stream()
			.map((size) -> (size == 1) ? Integer.toString(counts.get(size)) : size + ":" + counts.get(size))
			.toList());
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
		MEMBERSHIP,

		/** Followers restarted one at a time, busy profile. */
		RESTARTS,

		/** Rolling restarts of all replicas, both profiles. */
		ROLLING,

		/** Idle cost and failover with several election groups ({@code raft.groups}), quiet profile. */
		GROUPS;

		String optionValue() {
			return name().toLowerCase(Locale.ROOT);
		}

		static Part of(String value) {
			for (Part part : values()) {
				if (part.optionValue().equals(value)) {
					return part;
				}
			}
			throw new IllegalArgumentException("--only takes failover, idle, membership, restarts, rolling or groups "
					+ "(comma-separated), not '" + value + "'");
		}

	}

	/**
	 * What a profile means in numbers.
	 *
	 * @param profile the profile
	 * @param nice nice value of the replicas
	 * @param restartNice nice value of a restarted replica while it starts (until it has followed
	 * for the settle time)
	 * @param warmUpTransfersPerReplica leadership transfers per replica after a cluster's start
	 * @param kills leaders killed with SIGKILL per cluster size
	 * @param terms leaders stopped with SIGTERM per cluster size
	 * @param awaitQuiet whether a measurement waits (within {@link BenchOptions#quietWait}) until
	 * other processes leave the machine quiet
	 * @param loadThreads threads of background load the tool runs meanwhile
	 */
	record Settings(Profile profile, int nice, int restartNice, int warmUpTransfersPerReplica, int kills, int terms,
			boolean awaitQuiet, int loadThreads) {
	}

}
