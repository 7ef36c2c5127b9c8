package io.github.raftboot.core.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongFunction;
import java.util.stream.LongStream;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs seeded schedules of a simulation: seeds {@code 0} to {@code n - 1} in parallel, failing
 * with the first failure and how many failed, or, when a seed is given, only that one, to replay
 * a failure.
 */
final class Schedules {

	private Schedules() {
	}

	/**
	 * Runs the schedules.
	 * @param <R> the result of one schedule
	 * @param seedProperty the system property that names one seed to replay
	 * @param countProperty the system property that sets how many schedules to run
	 * @param defaultCount how many without it
	 * @param schedule runs the schedule of a seed, throwing if a property does not hold
	 * @return the results and the wall time, or {@code null} after a replay (printed)
	 * @throws AssertionError if any schedule failed
	 */
	static <R> @Nullable Run<R> run(String seedProperty, String countProperty, int defaultCount,
			LongFunction<R> schedule) {
		String replay = System.getProperty(seedProperty);
		if (replay != null) {
			System.out.println("Replayed seed " + replay + ": " + schedule.apply(Long.parseLong(replay)));
			return null;
		}
		int schedules = Integer.getInteger(countProperty, defaultCount);
		long started = System.nanoTime();
		ConcurrentLinkedQueue<R> results = new ConcurrentLinkedQueue<>();
		ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
		LongStream.range(0, schedules).parallel().forEach((seed) -> {
			try {
				results.add(schedule.apply(seed));
			}
			catch (Throwable failure) {
				failures.add(failure);
			}
		});
		if (!failures.isEmpty()) {
			throw new AssertionError(failures.size() + " of " + schedules + " schedules failed; the first:\n"
					+ failures.peek().getMessage(), failures.peek());
		}
		assertThat(results).hasSize(schedules);
		return new Run<>(new ArrayList<>(results), System.nanoTime() - started);
	}

	/**
	 * The results of every schedule, in no particular order, and how long they took.
	 *
	 * @param <R> the result of one schedule
	 * @param results the results
	 * @param wallNanos the wall time of the run
	 */
	record Run<R>(List<R> results, long wallNanos) {
	}

}
