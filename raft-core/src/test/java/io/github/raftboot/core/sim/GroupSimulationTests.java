package io.github.raftboot.core.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.github.raftboot.core.Role;
import io.github.raftboot.core.RoleChange;
import io.github.raftboot.core.TransferResult;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several election groups on the same members ({@link SimGroups}), where one fault of a member
 * hits all its groups at once: randomized {@link GroupChaosSchedule}s, and the cases that groups
 * add one by one, with default timings (150–300 ms election timeout, 50 ms heartbeat) and a
 * balancing delay of 600 ms.
 *
 * <p>{@code -Draft.sim.groups.schedules=N} changes how many schedules run (default 1 000);
 * {@code -Draft.sim.groups.seed=S} replays one schedule, the one a failure names.
 */
class GroupSimulationTests {

	private static final int DEFAULT_SCHEDULES = 1_000;

	private static final ChaosSchedule.Timing TIMING = ChaosSchedule.Timing.DEFAULT;

	private static final Duration DELAY = Duration.ofMillis(600);

	private static final Duration HEARTBEAT = TIMING.heartbeat();

	@Test
	void randomizedSchedulesKeepEveryGroupSafeAndSpreadTheLeadersAfterTheHeal() {
		Schedules.Run<GroupChaosSchedule.Result> run = Schedules.run("raft.sim.groups.seed", "raft.sim.groups.schedules", DEFAULT_SCHEDULES, GroupChaosSchedule::run);
		if (run != null) {
			report(run.results(), run.wallNanos());
		}
	}

	@Test
	void coldStartWithOneFirstCampaignerPerGroupElectsEachByThatMemberAloneWithTheLeadersSpread() {
		int held = 0;
		int open = 0;
		for (long seed = 0; seed < 40; seed++) {
			int size = (seed % 2 == 0) ? 3 : 5;
			int groupCount = 10;
			held += campaignersUntilEveryGroupIsLed(seed, size, groupCount, true);
			open += campaignersUntilEveryGroupIsLed(seed, size, groupCount, false);
		}
		assertThat(held).as("members that campaigned in a group before it had a leader, with first campaigners")
			.isLessThan(open);
		System.out.printf("Cold start of 10 groups, 40 seeds on 3 and 5 members: %d campaigns other than the first "
				+ "campaigner's before each group was led (without holding them back: %d)%n", held, open);
	}

	/**
	 * Starts {@code groupCount} groups cold, on a slow network, and runs them until every group has
	 * an active leader.
	 * @return how many members other than a group's first campaigner campaigned in it before it
	 * had a leader
	 */
	private static int campaignersUntilEveryGroupIsLed(long seed, int size, int groupCount, boolean hold) {
		SimGroups sim = new SimGroups(seed, size, groupCount, TIMING, DELAY,
				"seed " + seed + " (" + (hold ? "held" : "open") + ") of " + GroupSimulationTests.class.getSimpleName())
			.network(Duration.ofMillis(40), 0, 0, 0, 0)
			.coalescing(true);
		Map<String, String> first = sim.firstCampaigners();
		Map<String, Set<String>> campaigners = new TreeMap<>();
		for (String group : sim.groupNames()) {
			sim.group(group).onRoleChange((change) -> {
				if (change.change().to() == Role.PRE_CANDIDATE && sim.group(group).activeLeader() == null) {
					campaigners.computeIfAbsent(group, (key) -> new TreeSet<>()).add(change.nodeId());
				}
			});
		}
		if (hold) {
			sim.firstCampaigns(Duration.ofSeconds(5));
		}
		boolean led = sim.runUntil(() -> sim.activeLeaders().values().stream().allMatch(Objects::nonNull),
				Duration.ofSeconds(10));
		assertThat(led).as("seed %d: every group led, %s", seed, sim.activeLeaders()).isTrue();
		int others = 0;
		for (Map.Entry<String, String> entry : first.entrySet()) {
			Set<String> in = campaigners.getOrDefault(entry.getKey(), Set.of());
			others += (int) in.stream().filter((member) -> !member.equals(entry.getValue())).count();
			if (hold) {
				assertThat(in).as("seed %d: who campaigned in %s", seed, entry.getKey())
					.containsOnly(entry.getValue());
				assertThat(sim.activeLeaders().get(entry.getKey())).as("seed %d: leader of %s", seed, entry.getKey())
					.isEqualTo(entry.getValue());
			}
		}
		if (hold) {
			int share = (groupCount + size - 1) / size;
			assertThat(sim.groupsLed().values()).as("seed %d: spread at once, %s", seed, sim.groupsLed())
				.allSatisfy((count) -> assertThat(count).isLessThanOrEqualTo(share + 1));
		}
		return others;
	}

	@Test
	void memberLeadingEveryGroupHandsEachOverBeforeItStopsWithoutAnElectionTimeout() {
		List<Long> handOvers = new ArrayList<>();
		int allOnOne = 0;
		for (long seed = 0; seed < 100; seed++) {
			int size = (seed % 2 == 0) ? 3 : 5;
			SimGroups sim = new SimGroups(seed, size, 4, TIMING, DELAY, "seed " + seed + " of " + getClass().getSimpleName())
				.coalescing(seed % 4 < 2);
			gatherOn(sim, "n1");
			Map<String, Long> termsBefore = new TreeMap<>();
			Map<String, Set<String>> transferCandidates = new HashMap<>();
			for (String group : sim.groupNames()) {
				termsBefore.put(group, sim.group(group).status("n1").term());
				sim.group(group).onRoleChange((change) -> {
					if (change.change().to() == Role.CANDIDATE
							&& change.change().reason() == RoleChange.Reason.TRANSFER_REQUESTED) {
						transferCandidates.computeIfAbsent(group, (key) -> new HashSet<>()).add(change.nodeId());
					}
				});
			}
			long handOverAt = sim.nowNanos();
			Map<String, String> targets = sim.handOverAll("n1");
			assertThat(targets.keySet()).as("seed %d", seed).isEqualTo(sim.groupNames());
			boolean handedOver = sim.runUntil(() -> sim.activeLeaders().equals(new TreeMap<>(targets)),
					HEARTBEAT.multipliedBy(3));
			assertThat(handedOver).as("seed %d: every group led by its target within three heartbeat intervals, not "
					+ "an election timeout; leaders %s, targets %s", seed, sim.activeLeaders(), targets).isTrue();
			handOvers.add(sim.nowNanos() - handOverAt);
			for (String group : sim.groupNames()) {
				String leader = targets.get(group);
				assertThat(sim.group(group).status(leader).term()).as("seed %d, %s: one term, no election", seed, group)
					.isEqualTo(termsBefore.get(group) + 1);
				assertThat(transferCandidates.get(group)).as("seed %d, %s", seed, group).containsExactly(leader);
			}
			if (new HashSet<>(targets.values()).size() == 1) {
				allOnOne++;
			}
			Map<String, @Nullable String> leaders = sim.activeLeaders();
			sim.crash("n1");
			sim.runFor(TIMING.max().multipliedBy(3));
			assertThat(sim.activeLeaders()).as("seed %d: stopping the old leader disturbs nobody", seed).isEqualTo(leaders);
			for (String group : sim.groupNames()) {
				assertThat(sim.group(group).status(leaders.get(group)).term()).isEqualTo(termsBefore.get(group) + 1);
			}
		}
		Collections.sort(handOvers);
		System.out.printf("Hand-over of 4 groups before stopping, 100 seeds: every group led again after median %.1f ms, "
				+ "max %.1f ms; all 4 went to one member in %d seeds%n", handOvers.get(50) / 1e6,
				handOvers.get(99) / 1e6, allOnOne);
	}

	@ParameterizedTest
	@ValueSource(ints = { 3, 4, 5 })
	void everyGroupLedByTheFirstMemberSpreadsOutWithTheLeastMovesAndStaysSo(int size) {
		List<Long> took = new ArrayList<>();
		for (long seed = 0; seed < 30; seed++) {
			int groupCount = 3 + (int) (seed % 5);
			SimGroups sim = new SimGroups(seed, size, groupCount, TIMING, DELAY,
					"seed " + seed + " of " + getClass().getSimpleName())
				.coalescing(seed % 2 == 0);
			gatherOn(sim, "n1");
			long start = sim.nowNanos();
			sim.balancing(true);
			boolean spread = sim.runUntil(() -> sim.isBalanced() && sim.moves().size() == groupCount - sim.share(),
					DELAY.multipliedBy(groupCount + 2));
			assertThat(spread).as("seed %d, %d groups: spread, led %s, moves %s", seed, groupCount, sim.groupsLed(),
					sim.moves()).isTrue();
			took.add(sim.nowNanos() - start);
			assertThat(sim.moves()).as("seed %d", seed).allSatisfy((moved) -> {
				assertThat(moved.from()).isEqualTo("n1");
				assertThat(moved.result()).isEqualTo(TransferResult.STARTED);
			});
			Map<String, @Nullable String> leaders = sim.activeLeaders();
			sim.runFor(DELAY.multipliedBy(4));
			assertThat(sim.activeLeaders()).as("seed %d: no thrash", seed).isEqualTo(leaders);
			assertThat(sim.moves()).hasSize(groupCount - sim.share());
		}
		Collections.sort(took);
		System.out.printf("All groups on the first of %d members, 30 seeds of 3 to 7 groups: spread within the shares "
				+ "after median %.0f ms, max %.0f ms (balancing delay %d ms)%n", size, took.get(15) / 1e6,
				took.get(29) / 1e6, DELAY.toMillis());
	}

	@Test
	void restartedMemberGetsGroupsBackOnlyOnceItHasBeenBackForTheBalancingDelay() {
		for (long seed = 0; seed < 30; seed++) {
			SimGroups sim = new SimGroups(seed, 3, 6, TIMING, DELAY, "seed " + seed + " of " + getClass().getSimpleName())
				.balancing(true)
				.coalescing(true);
			assertThat(sim.runUntil(sim::isBalanced, DELAY.multipliedBy(10))).as("seed %d", seed).isTrue();
			sim.runFor(DELAY.multipliedBy(3));
			assertThat(sim.groupsLed()).as("seed %d", seed).isEqualTo(Map.of("n1", 2, "n2", 2, "n3", 2));
			sim.crash("n3");
			assertThat(sim.runUntil(() -> !sim.activeLeaders().containsValue(null), Duration.ofSeconds(2)))
				.as("seed %d: the others take n3's groups over", seed)
				.isTrue();
			int before = sim.moves().size();
			sim.runFor(DELAY.multipliedBy(3));
			assertThat(sim.moves()).as("seed %d: nothing moves while n3 is away", seed).hasSize(before);
			sim.restart("n3");
			long back = sim.nowNanos();
			assertThat(sim.runUntil(sim::isBalanced, DELAY.multipliedBy(8))).as("seed %d", seed).isTrue();
			sim.runFor(DELAY.multipliedBy(3));
			assertThat(sim.groupsLed()).as("seed %d", seed).isEqualTo(Map.of("n1", 2, "n2", 2, "n3", 2));
			assertThat(sim.moves().subList(before, sim.moves().size())).as("seed %d", seed)
				.isNotEmpty()
				.allSatisfy((moved) -> {
					assertThat(moved.to()).isEqualTo("n3");
					assertThat(moved.atNanos() - back).isGreaterThanOrEqualTo(DELAY.toNanos());
				});
		}
	}

	/** Waits until every group has an active leader, then moves every one of them to {@code member}. */
	private static void gatherOn(SimGroups sim, String member) {
		assertThat(sim.runUntil(() -> !sim.activeLeaders().containsValue(null), Duration.ofSeconds(2))).isTrue();
		sim.activeLeaders().forEach((group, leader) -> {
			if (!member.equals(leader)) {
				assertThat(sim.transfer(group, leader, member)).isEqualTo(TransferResult.STARTED);
			}
		});
		assertThat(sim.runUntil(() -> sim.activeLeaders().values().stream().allMatch(member::equals),
				Duration.ofSeconds(1)))
			.as("every group led by %s: %s", member, sim.activeLeaders())
			.isTrue();
	}

	private static void report(List<GroupChaosSchedule.Result> results, long wallNanos) {
		long events = results.stream().mapToLong(GroupChaosSchedule.Result::events).sum();
		long virtual = results.stream().mapToLong(GroupChaosSchedule.Result::virtualNanos).sum();
		long terms = results.stream().mapToLong(GroupChaosSchedule.Result::termsWithLeader).sum();
		long moves = results.stream().mapToLong(GroupChaosSchedule.Result::moves).sum();
		long early = results.stream().mapToLong(GroupChaosSchedule.Result::earlyRounds).sum();
		long groups = results.stream().mapToLong(GroupChaosSchedule.Result::groups).sum();
		long coalescing = results.stream().filter(GroupChaosSchedule.Result::coalescing).count();
		System.out.printf("Group simulation: %d schedules (%d groups in all), %d events, %.0f s of virtual time, "
				+ "%d terms with a leader, in %.1f s.%n", results.size(), groups, events, virtual / 1e9, terms,
				wallNanos / 1e9);
		System.out.printf("  %d balancing transfers; %d schedules sent the rounds of a member's groups together, "
				+ "%d rounds early%n", moves, coalescing, early);
		for (ChaosSchedule.Timing timing : ChaosSchedule.Timing.values()) {
			List<Long> recoveries = new ArrayList<>(results.stream()
				.filter((result) -> result.timing() == timing)
				.map((result) -> result.recovery().toNanos())
				.toList());
			if (recoveries.isEmpty()) {
				continue;
			}
			Collections.sort(recoveries);
			GroupChaosSchedule.Result slowest = results.stream()
				.filter((result) -> result.timing() == timing)
				.max((one, two) -> one.recovery().compareTo(two.recovery()))
				.orElseThrow();
			System.out.printf("  %-7s %5d schedules; heal to every group led, within the shares: median %.0f ms, "
					+ "p90 %.0f ms, max %.0f ms (seed %d)%n", timing, recoveries.size(), percentile(recoveries, 0.5),
					percentile(recoveries, 0.9), recoveries.get(recoveries.size() - 1) / 1e6, slowest.seed());
		}
	}

	private static double percentile(List<Long> sorted, double p) {
		int index = (int) Math.ceil(p * sorted.size()) - 1;
		return sorted.get(Math.max(0, index)) / 1e6;
	}

}
