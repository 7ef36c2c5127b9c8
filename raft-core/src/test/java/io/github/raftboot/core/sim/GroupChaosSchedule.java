package io.github.raftboot.core.sim;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import io.github.raftboot.core.Role;
import org.jspecify.annotations.Nullable;

/**
 * One randomized schedule of several election groups on the same members ({@link SimGroups}),
 * fully determined by its seed: 3 to 5 members run 3 to 5 groups, each member balancing the
 * groups it leads ({@link io.github.raftboot.core.LeaderBalance}) and, in half of the schedules,
 * sending the heartbeat rounds of all its groups together. Then a run of random faults, each of
 * which hits every group of a member at once: crashes and restarts, pauses of the whole member
 * (of a member that leads groups, too), partitions and cut links, message loss, a member that
 * leads groups handing all of them over and stopping, as a replica that shuts down does. Then the
 * network heals, pauses end and every member restarts.
 *
 * <p>Every group's {@link SafetyChecker} checks it after every event; the schedule checks that,
 * within a bound of the heal, every group has an active leader, no member leads more than
 * {@code ceil(groups / members)} of them, and that stays so, with the same leaders, for two
 * balancing delays.
 */
final class GroupChaosSchedule {

	private GroupChaosSchedule() {
	}

	static Result run(long seed) {
		SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 3);
		int size = 3 + random.nextInt(3);
		int groupCount = 3 + random.nextInt(3);
		ChaosSchedule.Timing timing = random.nextBoolean() ? ChaosSchedule.Timing.DEFAULT : ChaosSchedule.Timing.FAST;
		Duration delay = timing.max().multipliedBy(2);
		boolean coalescing = random.nextBoolean();
		SimGroups sim = new SimGroups(seed, size, groupCount, timing, delay,
				"./mvnw -pl raft-core test -Dtest=GroupSimulationTests -Draft.sim.groups.seed=" + seed)
			.network(Duration.ofMillis(1 + random.nextInt(10)), random.nextDouble() * 0.05,
					random.nextDouble() * 0.03, random.nextDouble() * 0.02, random.nextDouble() * 0.01)
			.balancing(true)
			.coalescing(coalescing);
		if (seed % 2 == 0) {
			// As the driver does at every start: held by each member in every group but its own, and
			// again on each restart (shorter than the driver's hold, to keep the liveness bound).
			sim.firstCampaigns(timing.max().multipliedBy(4));
		}
		if (random.nextInt(3) == 0) {
			List<String> groups = List.copyOf(sim.groupNames());
			sim.prefer(groups.get(random.nextInt(groups.size())), sim.members().get(random.nextInt(size)));
		}
		sim.runFor(Duration.ofMillis(300 + random.nextInt(700)));
		int faults = 6 + random.nextInt(15);
		for (int i = 0; i < faults; i++) {
			injectFault(sim, random);
			sim.runFor(Duration.ofMillis(random.nextInt(timing.faultSpacingMillis())));
		}
		sim.healNetwork();
		sim.endPauses();
		sim.network(Duration.ofMillis(5), 0, 0, 0, 0);
		for (String id : sim.members()) {
			sim.restart(id);
		}
		// Everyone up in touch for the delay, then at most one move per member and delay.
		Duration bound = timing.livenessBound().plus(delay.multipliedBy(groupCount + 2));
		Duration stable = delay.multipliedBy(2);
		Duration recovery = settle(sim, bound, stable);
		return new Result(seed, size, groupCount, timing, coalescing, recovery, sim.events(), sim.nowNanos(),
				sim.termsWithLeader(), sim.moves().size(), sim.earlyRounds());
	}

	/**
	 * Runs until every group has an active leader, no member leads more than its share, and that
	 * stays so, with the same leader in the same term for every group, for {@code stable}.
	 * @return from the heal until that state was reached
	 */
	private static Duration settle(SimGroups sim, Duration bound, Duration stable) {
		long healedAt = sim.nowNanos();
		long deadline = healedAt + bound.toNanos();
		while (true) {
			long remaining = deadline - sim.nowNanos();
			if (remaining < 0 || !sim.runUntil(sim::isBalanced, Duration.ofNanos(remaining))) {
				throw sim.failure("Liveness: the groups did not all get active leaders spread within their shares ("
						+ sim.share() + " each) within " + bound + " of the heal");
			}
			long balancedAt = sim.nowNanos();
			Map<String, @Nullable String> leaders = sim.activeLeaders();
			Map<String, Long> terms = terms(sim, leaders);
			boolean changed = sim.runUntil(
					() -> !sim.activeLeaders().equals(leaders) || !terms(sim, sim.activeLeaders()).equals(terms), stable);
			if (!changed) {
				return Duration.ofNanos(balancedAt - healedAt);
			}
		}
	}

	private static Map<String, Long> terms(SimGroups sim, Map<String, @Nullable String> leaders) {
		Map<String, Long> terms = new TreeMap<>();
		leaders.forEach((group, leader) -> {
			if (leader != null) {
				terms.put(group, sim.group(group).status(leader).term());
			}
		});
		return terms;
	}

	private static void injectFault(SimGroups sim, SplittableRandom random) {
		List<String> ids = sim.members();
		String any = ids.get(random.nextInt(ids.size()));
		String leading = leadingMember(sim, random);
		switch (random.nextInt(12)) {
			case 0 -> sim.isolate(any);
			case 1 -> {
				Set<String> left = new HashSet<>();
				Set<String> right = new HashSet<>();
				for (String id : ids) {
					(random.nextBoolean() ? left : right).add(id);
				}
				sim.partition(List.of(left, right));
			}
			case 2 -> {
				String other = ids.get(random.nextInt(ids.size()));
				if (!other.equals(any)) {
					sim.cutOneWay(any, other);
				}
			}
			case 3, 4 -> sim.healNetwork();
			case 5 -> sim.crash(any);
			case 6 -> {
				// Bounce: a quick crash and restart.
				sim.crash(any);
				sim.runFor(Duration.ofNanos(random.nextLong(SimCluster.millis(30))));
				sim.restart(any);
			}
			case 7 -> {
				for (String id : ids) {
					if (!sim.isUp(id)) {
						sim.restart(id);
						break;
					}
				}
			}
			case 8 -> {
				// A replica that shuts down: it hands every group it leads over, then stops.
				if (leading != null) {
					sim.handOverAll(leading);
					sim.runFor(Duration.ofMillis(random.nextInt(100)));
					sim.crash(leading);
				}
			}
			case 9 -> sim.lossRate(random.nextDouble() * 0.3);
			case 10 -> sim.pause((leading != null && random.nextBoolean()) ? leading : any,
					Duration.ofMillis(10 + random.nextInt(600)));
			default -> {
				if (leading != null) {
					sim.isolate(leading);
				}
			}
		}
	}

	/** A member that leads some group now, or {@code null}. */
	private static @Nullable String leadingMember(SimGroups sim, SplittableRandom random) {
		List<String> leading = sim.members()
			.stream()
			.filter((id) -> sim.groupNames()
				.stream()
				.anyMatch((group) -> sim.group(group).isUp(id) && sim.group(group).status(id).role() == Role.LEADER))
			.toList();
		return leading.isEmpty() ? null : leading.get(random.nextInt(leading.size()));
	}

	/**
	 * What one schedule measured.
	 * @param recovery from the heal until every group had an active leader, spread within the shares
	 * @param moves transfers the balancers started
	 * @param earlyRounds heartbeat rounds sent early to travel with another group's
	 */
	record Result(long seed, int size, int groups, ChaosSchedule.Timing timing, boolean coalescing, Duration recovery,
			long events, long virtualNanos, int termsWithLeader, int moves, long earlyRounds) {
	}

}
