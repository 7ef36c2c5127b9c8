package io.github.raftboot.core.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import io.github.raftboot.core.RaftConfig;
import org.jspecify.annotations.Nullable;

/**
 * One randomized schedule, fully determined by its seed: a cluster of 3, 5 or 7 members forms and
 * elects a leader, then suffers a run of random faults (partitions symmetric, one-way and bridged;
 * message loss, duplication, reordering and long delays; crashes and restarts; crashes of the
 * leader; leadership transfers; membership changes: new replicas started with the full list of
 * members, added as learners and promoted, members and leaders removed, removed members added back;
 * timing changes, wider and narrower, besides the ones adaptive timing makes; members paused, the
 * leader too), then the network heals, pauses end and every node restarts. The
 * {@link SafetyChecker} checks safety after every event; the schedule itself checks liveness:
 * within the timing's bound ({@link #LIVENESS_BOUND} for the defaults) of the heal, a leader
 * becomes active that then stays active in the same term for {@link #STABLE_PERIOD}.
 */
final class ChaosSchedule {

	/**
	 * After the network heals and every member is up, an active leader exists within this bound.
	 * Reasoning with the defaults (150–300 ms election timeout, 50 ms heartbeat): a restarted
	 * member refuses votes for 150 ms and times out after at most 300 ms; a stale leader's lease
	 * lasts at most 135 ms; a split vote costs one more timeout of at most 300 ms. Two rounds and a
	 * few round trips fit in 2 × 300 ms + 4 × 50 ms = 800 ms; the bound allows a third round.
	 */
	static final Duration LIVENESS_BOUND = Duration.ofMillis(1200);

	static final Duration STABLE_PERIOD = Duration.ofSeconds(1);

	/** The most nodes a schedule starts, new replicas included. */
	private static final int MAX_NODES = 9;

	private ChaosSchedule() {
	}

	static Result run(long seed) {
		SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 1);
		int size = switch (random.nextInt(8)) {
			case 0 -> 7;
			case 1, 2, 3 -> 5;
			default -> 3;
		};
		Timing timing = Timing.values()[random.nextInt(Timing.values().length)];
		SimCluster cluster = SimCluster.create(seed, size, 0.04, timing::apply)
			.delay(Duration.ofNanos(200_000), Duration.ofMillis(1 + random.nextInt(10)))
			.lossRate(random.nextDouble() * 0.05)
			.duplicateRate(random.nextDouble() * 0.03)
			.longDelays(random.nextDouble() * 0.02, Duration.ofMillis(400))
			.crashWhilePersistingRate(random.nextDouble() * 0.02);
		cluster.runFor(Duration.ofMillis(300 + random.nextInt(700)));
		int faults = 6 + random.nextInt(20);
		for (int i = 0; i < faults; i++) {
			injectFault(cluster, random, cluster.ids());
			cluster.runFor(Duration.ofMillis(random.nextInt(timing.faultSpacingMillis)));
		}
		List<String> ids = cluster.ids();
		// Heal: every member up, every link restored, no more loss or long delays.
		cluster.healNetwork();
		cluster.endPauses();
		cluster.lossRate(0).duplicateRate(0).longDelays(0, Duration.ZERO).crashWhilePersistingRate(0);
		for (String id : ids) {
			cluster.restart(id);
		}
		Duration recovery = settle(cluster, scaled(timing.livenessBound, cluster, timing));
		long[] configurations = cluster.checker().committedConfigurations();
		int level = 0;
		long adaptations = 0;
		long pauses = 0;
		for (String id : cluster.ids()) {
			if (cluster.isUp(id)) {
				io.github.raftboot.core.Status status = cluster.status(id);
				level = Math.max(level, (status.timing() != null) ? status.timing().level() : 0);
				adaptations += status.incidents().timingChanges();
				pauses += status.incidents().pauses();
			}
		}
		return new Result(seed, size, timing, recovery, cluster.events(), cluster.nowNanos(),
				cluster.checker().termsWithLeader(), configurations[0], configurations[1], level, adaptations, pauses);
	}

	/**
	 * Runs until a leader becomes active and then stays active, in the same term, for
	 * {@link #STABLE_PERIOD}. A leader that was already in place at the heal may still be unseated
	 * once by a member whose campaign started before the heal; the one that then stays must have
	 * become active within {@code bound} of the heal.
	 * @return from the heal until the leader that stayed became active
	 */
	private static Duration settle(SimCluster cluster, Duration bound) {
		long healedAt = cluster.nowNanos();
		long deadline = healedAt + bound.toNanos();
		while (true) {
			long remaining = deadline - cluster.nowNanos();
			if (remaining < 0 || cluster.awaitActiveLeader(Duration.ofNanos(remaining)) == null) {
				throw cluster.failure("Liveness: no leader became active and stayed so for " + STABLE_PERIOD + " within "
						+ bound + " of the network healing");
			}
			long activeAt = cluster.nowNanos();
			String leader = cluster.activeLeader();
			long term = cluster.status(leader).term();
			boolean unseated = cluster.runUntil(
					() -> !cluster.isActiveLeader(leader) || cluster.status(leader).term() != term, STABLE_PERIOD);
			if (!unseated) {
				return Duration.ofNanos(activeAt - healedAt);
			}
		}
	}

	/**
	 * The liveness bound for the timing in force at the heal: the bound for the configured timing,
	 * stretched as much as the widest timing any member runs with (adaptive timing, or a timing
	 * set by hand, may have widened it).
	 */
	private static Duration scaled(Duration bound, SimCluster cluster, Timing timing) {
		double widest = 1;
		for (String id : cluster.ids()) {
			if (cluster.isUp(id) && cluster.status(id).timing() != null) {
				widest = Math.max(widest,
						(double) cluster.status(id).timing().electionTimeoutMaxMillis() / timing.max.toMillis());
			}
		}
		return Duration.ofNanos((long) (bound.toNanos() * widest));
	}

	private static void injectFault(SimCluster cluster, SplittableRandom random, List<String> ids) {
		String any = ids.get(random.nextInt(ids.size()));
		@Nullable String leader = cluster.activeLeader();
		switch (random.nextInt(19)) {
			case 0 -> cluster.isolate(any);
			case 1 -> cluster.partition(split(ids, random));
			case 2 -> cluster.cutOneWay(any, other(ids, any, random));
			case 3 -> bridge(cluster, ids, random);
			case 4, 5 -> cluster.healNetwork();
			case 6 -> cluster.crash(any);
			case 12, 13 -> {
				// Bounce: a quick crash and restart, e.g. just after voting or acknowledging.
				cluster.crash(any);
				cluster.runFor(Duration.ofNanos(random.nextLong(SimCluster.millis(30))));
				cluster.restart(any);
			}
			case 7 -> {
				for (String id : ids) {
					if (!cluster.isUp(id)) {
						cluster.restart(id);
						break;
					}
				}
			}
			case 8 -> {
				if (leader != null) {
					cluster.crash(leader);
				}
			}
			case 9 -> {
				if (leader != null) {
					if (random.nextBoolean()) {
						cluster.transferToBest(leader);
					}
					else {
						cluster.transfer(leader, other(ids, leader, random));
					}
				}
			}
			case 10 -> cluster.lossRate(random.nextDouble() * 0.3);
			case 14 -> {
				// A new replica, started with the list of every node so far and itself, as a scaled-up
				// StatefulSet's would be: it must never form a cluster of its own.
				if (ids.size() < MAX_NODES) {
					String id = "n" + (ids.size() + 1);
					List<String> proposal = new ArrayList<>(ids);
					proposal.add(id);
					// It asks to be added itself, or an operator adds it, or both race.
					boolean autoJoin = random.nextBoolean();
					cluster.addNode(id, proposal, autoJoin);
					if (leader != null && (!autoJoin || random.nextBoolean())) {
						cluster.addMember(leader, id);
					}
				}
			}
			case 15 -> {
				// Remove any member, the leader included.
				if (leader != null) {
					List<String> members = new ArrayList<>(cluster.membership(leader).members());
					cluster.removeMember(leader, members.get(random.nextInt(members.size())));
				}
			}
			case 16 -> {
				// Add back a node that is not a member: removed, or never added.
				if (leader != null) {
					List<String> outside = new ArrayList<>(ids);
					outside.removeAll(cluster.membership(leader).members());
					if (!outside.isEmpty()) {
						cluster.addMember(leader, outside.get(random.nextInt(outside.size())));
					}
				}
			}
			case 17 -> {
				// The leader moves the cluster to another timing, wider or narrower, at once.
				if (leader != null) {
					cluster.changeTiming(leader, random.nextInt(4));
				}
			}
			case 18 -> {
				// A pause: a garbage collection, CPU throttling, a stopped process; the leader's too.
				String paused = (leader != null && random.nextBoolean()) ? leader : any;
				cluster.pause(paused, Duration.ofMillis(10 + random.nextInt(600)));
			}
			default -> {
				if (leader != null) {
					cluster.isolate(leader);
				}
			}
		}
	}

	private static List<Set<String>> split(List<String> ids, SplittableRandom random) {
		Set<String> left = new HashSet<>();
		Set<String> right = new HashSet<>();
		for (String id : ids) {
			(random.nextBoolean() ? left : right).add(id);
		}
		return List.of(left, right);
	}

	/** Two groups that reach each other only through one bridge member. */
	private static void bridge(SimCluster cluster, List<String> ids, SplittableRandom random) {
		String bridge = ids.get(random.nextInt(ids.size()));
		List<String> rest = new ArrayList<>(ids);
		rest.remove(bridge);
		for (int i = 0; i < rest.size(); i++) {
			for (int j = 0; j < rest.size(); j++) {
				if (i % 2 != j % 2) {
					cluster.cutOneWay(rest.get(i), rest.get(j));
				}
			}
		}
	}

	private static String other(List<String> ids, String not, SplittableRandom random) {
		while (true) {
			String candidate = ids.get(random.nextInt(ids.size()));
			if (!candidate.equals(not)) {
				return candidate;
			}
		}
	}

	/**
	 * What one schedule measured.
	 * @param recovery from the heal to the first active leader
	 * @param configurations configuration entries committed
	 * @param jointConfigurations of which joint ones
	 * @param timingLevel the highest timing level in force on a member at the end
	 * @param timingChanges timing entries the members that were up at the end appended as leaders
	 * (since they last started)
	 * @param pauses pauses those members noticed since they last started
	 */
	record Result(long seed, int size, Timing timing, Duration recovery, long events, long virtualNanos,
			int termsWithLeader, long configurations, long jointConfigurations, int timingLevel, long timingChanges,
			long pauses) {
	}

	/** The timings a schedule runs with. */
	enum Timing {

		/** The product's defaults: 150–300 ms election timeout, 50 ms heartbeat. */
		DEFAULT(150, 300, 50, 600, LIVENESS_BOUND),
		/**
		 * Almost no randomization (150–155 ms), so that split votes are frequent: exercises one
		 * vote per term and its persistence. Liveness is slower and only loosely bounded here.
		 */
		NARROW(150, 155, 50, 600, Duration.ofSeconds(5)),
		/** Fast timings, so that faults land in the middle of elections more often. */
		FAST(40, 80, 10, 150, Duration.ofMillis(400));

		private final Duration min;

		private final Duration max;

		private final Duration heartbeat;

		private final int faultSpacingMillis;

		private final Duration livenessBound;

		Timing(long minMillis, long maxMillis, long heartbeatMillis, int faultSpacingMillis, Duration livenessBound) {
			this.min = Duration.ofMillis(minMillis);
			this.max = Duration.ofMillis(maxMillis);
			this.heartbeat = Duration.ofMillis(heartbeatMillis);
			this.faultSpacingMillis = faultSpacingMillis;
			this.livenessBound = livenessBound;
		}

		RaftConfig.Builder apply(RaftConfig.Builder builder) {
			return builder.electionTimeout(this.min, this.max).heartbeatInterval(this.heartbeat);
		}

		Duration min() {
			return this.min;
		}

		Duration max() {
			return this.max;
		}

		Duration heartbeat() {
			return this.heartbeat;
		}

		int faultSpacingMillis() {
			return this.faultSpacingMillis;
		}

		Duration livenessBound() {
			return this.livenessBound;
		}

	}

}
