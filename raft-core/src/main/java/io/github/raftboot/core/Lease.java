package io.github.raftboot.core;

/**
 * The leader lease: while it holds, no other member can be an active leader.
 *
 * <p>A lease that ended while its node was not run (a pause across its end: GC, CPU throttling)
 * has a short catch-up: {@link #lapseReportedFromNanos()} lies after {@link #endNanos()}. The
 * lease no longer holds ({@link #isValidAt(long)} is {@code false}: nothing may act on it), but
 * the node waits that long for the answers queued behind the pause before the end counts as a
 * lapse ({@link #hasLapsedAt(long)}), so that a leadership that they renew is not reported lost
 * and regained within milliseconds.
 *
 * @param term the leader's term, which is also the fencing token of everything done under the lease
 * @param endNanos the instant (on the node's own monotonic clock) at which the lease ends
 * @param unbounded whether the lease never ends (a one-member cluster has no one to compete with)
 * @param lapseReportedFromNanos from when on an ended lease counts as lapsed: {@code endNanos},
 * or later during the catch-up after a pause
 */
public record Lease(long term, long endNanos, boolean unbounded, long lapseReportedFromNanos) {

	/**
	 * A lease whose end counts as a lapse at once.
	 * @param term the leader's term
	 * @param endNanos the instant at which the lease ends
	 * @param unbounded whether the lease never ends
	 */
	public Lease(long term, long endNanos, boolean unbounded) {
		this(term, endNanos, unbounded, endNanos);
	}

	public Lease {
		if (lapseReportedFromNanos - endNanos < 0) {
			throw new IllegalArgumentException("A lapse cannot be reported before the lease ends: "
					+ lapseReportedFromNanos + " < " + endNanos);
		}
	}

	/** Whether the lease holds at {@code nowNanos} on the same clock that fed the node. */
	public boolean isValidAt(long nowNanos) {
		return this.unbounded || this.endNanos - nowNanos > 0;
	}

	/**
	 * Whether the lease has ended by {@code nowNanos} and its end counts as a lapse: {@code false}
	 * while it holds and during the catch-up after a pause.
	 * @param nowNanos the current time on the same clock that fed the node
	 * @return whether the leadership of this lease is to be reported lost
	 */
	public boolean hasLapsedAt(long nowNanos) {
		return !isValidAt(nowNanos) && nowNanos - this.lapseReportedFromNanos >= 0;
	}

}
