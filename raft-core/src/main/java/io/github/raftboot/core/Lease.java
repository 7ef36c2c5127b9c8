package io.github.raftboot.core;

/**
 * The leader lease: while it holds, no other member can be an active leader.
 *
 * @param term the leader's term, which is also the fencing token of everything done under the lease
 * @param endNanos the instant (on the node's own monotonic clock) at which the lease ends
 * @param unbounded whether the lease never ends (a one-member cluster has no one to compete with)
 */
public record Lease(long term, long endNanos, boolean unbounded) {

	/** Whether the lease holds at {@code nowNanos} on the same clock that fed the node. */
	public boolean isValidAt(long nowNanos) {
		return this.unbounded || this.endNanos - nowNanos > 0;
	}

}
