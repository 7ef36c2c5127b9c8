package io.github.raftboot.core.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Runs thousands of randomized {@link ChaosSchedule}s, each checked for safety after every event
 * and for liveness after the heal.
 *
 * <p>{@code -Draft.sim.schedules=N} changes how many run (default 40 000); {@code -Draft.sim.seed=S}
 * replays one schedule, the one a failure names.
 */
class SimulationTests {

	private static final int DEFAULT_SCHEDULES = 40_000;

	@Test
	void randomizedSchedulesKeepEverySafetyPropertyAndElectALeaderAfterTheHeal() {
		Schedules.Run<ChaosSchedule.Result> run = Schedules.run("raft.sim.seed", "raft.sim.schedules", DEFAULT_SCHEDULES, ChaosSchedule::run);
		if (run != null) {
			report(run.results(), run.wallNanos());
		}
	}

	private static void report(List<ChaosSchedule.Result> results, long wallNanos) {
		long events = results.stream().mapToLong(ChaosSchedule.Result::events).sum();
		long virtual = results.stream().mapToLong(ChaosSchedule.Result::virtualNanos).sum();
		long terms = results.stream().mapToLong(ChaosSchedule.Result::termsWithLeader).sum();
		long configurations = results.stream().mapToLong(ChaosSchedule.Result::configurations).sum();
		long joint = results.stream().mapToLong(ChaosSchedule.Result::jointConfigurations).sum();
		long changing = results.stream().filter((result) -> result.configurations() > 0).count();
		System.out.printf("Simulation: %d schedules, %d events, %.0f s of virtual time, %d terms with a leader, in %.1f s.%n",
				results.size(), events, virtual / 1e9, terms, wallNanos / 1e9);
		System.out.printf("  membership: %d configurations committed (%d joint) in %d schedules%n", configurations,
				joint, changing);
		long widened = results.stream().filter((result) -> result.timingLevel() > 0).count();
		int highest = results.stream().mapToInt(ChaosSchedule.Result::timingLevel).max().orElse(0);
		long changes = results.stream().mapToLong(ChaosSchedule.Result::timingChanges).sum();
		long pauses = results.stream().mapToLong(ChaosSchedule.Result::pauses).sum();
		System.out.printf("  timing: %d schedules end widened (highest level %d); %d timing entries and %d pauses "
				+ "noticed by the members up at the end%n", widened, highest, changes, pauses);
		for (ChaosSchedule.Timing timing : ChaosSchedule.Timing.values()) {
			List<ChaosSchedule.Result> ofTiming = results.stream().filter((result) -> result.timing() == timing).toList();
			if (ofTiming.isEmpty()) {
				continue;
			}
			List<Long> recoveries = new ArrayList<>(ofTiming.stream().map((result) -> result.recovery().toNanos()).toList());
			Collections.sort(recoveries);
			ChaosSchedule.Result slowest = ofTiming.stream()
				.max(Comparator.comparing(ChaosSchedule.Result::recovery))
				.orElseThrow();
			System.out.printf(
					"  %-7s %5d schedules; heal to active leader: median %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms (seed %d, %d members)%n",
					timing, ofTiming.size(), percentile(recoveries, 0.5), percentile(recoveries, 0.9),
					percentile(recoveries, 0.99), recoveries.get(recoveries.size() - 1) / 1e6, slowest.seed(),
					slowest.size());
		}
	}

	private static double percentile(List<Long> sorted, double p) {
		int index = (int) Math.ceil(p * sorted.size()) - 1;
		return sorted.get(Math.max(0, index)) / 1e6;
	}

}
