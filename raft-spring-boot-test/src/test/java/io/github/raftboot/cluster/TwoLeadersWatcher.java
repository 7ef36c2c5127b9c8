package io.github.raftboot.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * A thread that reads the active leaders of a cluster all the time, per election group, and keeps
 * the first moment two replicas were active leaders of one group at once. The replicas are read
 * one after the other, so a pass that took longer than the quickest hand-over proves nothing: only
 * passes shorter than a bound count ({@link #conclusivePasses()}).
 */
final class TwoLeadersWatcher {

	private final AtomicBoolean watching = new AtomicBoolean(true);

	private final AtomicReference<@Nullable String> twoLeaders = new AtomicReference<>();

	private final AtomicLong conclusivePasses = new AtomicLong();

	private final Thread thread;

	/**
	 * Starts watching.
	 * @param leaders the active leaders now, by group
	 * @param conclusivePassNanos how short a pass must be to count
	 * @param pauseNanos how long to wait between two passes
	 */
	TwoLeadersWatcher(Supplier<Map<String, List<String>>> leaders, long conclusivePassNanos, long pauseNanos) {
		this.thread = new Thread(() -> {
			while (this.watching.get()) {
				long start = System.nanoTime();
				Map<String, List<String>> seen = leaders.get();
				if (System.nanoTime() - start < conclusivePassNanos) {
					this.conclusivePasses.incrementAndGet();
					seen.forEach((group, ids) -> {
						if (ids.size() > 1) {
							this.twoLeaders.compareAndSet(null, "Two active leaders of group " + group + " at once: " + ids);
						}
					});
				}
				LockSupport.parkNanos(pauseNanos);
			}
		}, "two-leaders-watcher");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/** Stops watching, and waits until the thread ended. */
	void stop() throws InterruptedException {
		this.watching.set(false);
		this.thread.join();
	}

	/** What was seen first of two active leaders of one group at once, or {@code null} if never. */
	@Nullable String twoLeaders() {
		return this.twoLeaders.get();
	}

	/** How many passes were short enough to count. */
	long conclusivePasses() {
		return this.conclusivePasses.get();
	}

}
