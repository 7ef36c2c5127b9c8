package io.github.raftboot.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Holds the latest {@link StatusSnapshot} of a member: the core thread publishes, any thread
 * reads, and a thread can wait for a condition on what is published.
 */
final class StatusBoard {

	/**
	 * The longest a waiting thread sleeps before it reads the clock again: the wait itself runs
	 * on real time, the deadline on the injected clock, which may be moved by hand (in tests).
	 */
	static final long MAX_WAIT_MILLIS = 10;

	private final Object monitor = new Object();

	private final LongSupplier nanoClock;

	private volatile StatusSnapshot snapshot;

	/**
	 * Creates a board.
	 * @param initial the snapshot to show until the first is published
	 * @param nanoClock the monotonic clock on which timeouts are measured
	 */
	StatusBoard(StatusSnapshot initial, LongSupplier nanoClock) {
		this.snapshot = Objects.requireNonNull(initial, "initial");
		this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
	}

	/** The snapshot published last. */
	StatusSnapshot snapshot() {
		return this.snapshot;
	}

	/**
	 * Publishes a snapshot and wakes up the threads that {@linkplain #await wait}.
	 * @param snapshot the new snapshot
	 */
	void publish(StatusSnapshot snapshot) {
		this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
		synchronized (this.monitor) {
			this.monitor.notifyAll();
		}
	}

	/**
	 * Waits until a condition holds, checking it whenever a snapshot is published and at least
	 * every {@value #MAX_WAIT_MILLIS} ms.
	 * @param condition the condition, normally on the {@linkplain #snapshot() snapshot}
	 * @param timeout how long to wait at most, measured on the injected clock
	 * @return whether the condition holds
	 * @throws InterruptedException if the thread is interrupted while waiting
	 */
	boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
		long deadline = this.nanoClock.getAsLong() + timeout.toNanos();
		synchronized (this.monitor) {
			while (!condition.getAsBoolean()) {
				long remaining = deadline - this.nanoClock.getAsLong();
				if (remaining <= 0) {
					return false;
				}
				long millis = Math.min(MAX_WAIT_MILLIS, TimeUnit.NANOSECONDS.toMillis(remaining));
				this.monitor.wait(Math.max(1, millis));
			}
			return true;
		}
	}

}
