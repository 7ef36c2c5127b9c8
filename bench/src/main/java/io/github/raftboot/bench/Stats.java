package io.github.raftboot.bench;

import java.util.Arrays;
import java.util.Collection;

/**
 * Order statistics of a sample, by the nearest-rank method: the p-th percentile is the smallest
 * value that at least p % of the sample does not exceed. With 30 values, p99 is the maximum.
 *
 * @param n the sample size
 * @param min the smallest value
 * @param median the 50th percentile
 * @param p90 the 90th percentile
 * @param p99 the 99th percentile
 * @param max the largest value
 * @param mean the arithmetic mean
 */
record Stats(int n, double min, double median, double p90, double p99, double max, double mean) {

	static final Stats EMPTY = new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

	/**
	 * Computes the statistics of some values.
	 * @param values the sample
	 * @return its statistics, {@link #EMPTY} (all NaN) for an empty sample
	 */
	static Stats of(Collection<Double> values) {
		if (values.isEmpty()) {
			return EMPTY;
		}
		double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		return new Stats(sorted.length, sorted[0], percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99),
				sorted[sorted.length - 1], Arrays.stream(sorted).average().orElse(Double.NaN));
	}

	/**
	 * The nearest-rank percentile of sorted values.
	 * @param sorted values in ascending order, at least one
	 * @param percent the percentile, in (0, 100]
	 * @return the value
	 */
	static double percentile(double[] sorted, double percent) {
		int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
		return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
	}

}
