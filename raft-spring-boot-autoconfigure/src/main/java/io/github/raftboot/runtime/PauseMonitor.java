package io.github.raftboot.runtime;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.github.raftboot.core.RaftConfig;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Notices that this member did not run for a while: a stop-the-world garbage collection, CPU
 * throttling under a container's CPU limit, an overloaded machine, a suspended process or virtual
 * machine. A daemon thread sleeps a short fixed interval again and again and measures, on the
 * member's monotonic clock, how much longer each sleep took than asked; an overshoot of at least
 * the threshold is a pause. Modelled on the {@code JvmPauseMonitor} of Hadoop and Apache Ratis,
 * which sleep 500 ms and so miss most pauses shorter than that, with an interval short enough for
 * a Raft member, whose timing is counted in tens of milliseconds.
 *
 * <p>A pause of length {@code P} that covers the end of a sleep shows as an overshoot of more than
 * {@code P - interval} and at most {@code P}: the length reported is a lower bound, and every pause
 * of at least {@code threshold + interval} is seen. {@link #forMember(RaftConfig)} takes as threshold
 * the minimum election timeout less the heartbeat interval (100 ms by default): the shortest pause
 * that can let this member's election timer run out although a heartbeat of a healthy leader is
 * waiting in its socket; the interval is half of that (50 ms). A pause is:
 * <ul>
 * <li>logged with its length and the collections and collection time of each garbage collector
 * in that stretch, at WARN when it is longer than the minimum election timeout (if this member
 * led, its lease may have lapsed and another member may have been elected) and at INFO otherwise;
 * at most one line
 * per {@value #LOG_INTERVAL_SECONDS} seconds, the pauses in between summed up in the next line;</li>
 * <li>handed to the {@link Listener}, on the monitor's thread.</li>
 * </ul>
 *
 * <p>The monitor is for the operator: it tells what the member itself cannot, how long the whole
 * JVM stood still and whether the garbage collector was the cause, including pauses that did not
 * hit any of the member's timers. It changes no behaviour: the node notices a pause that matters
 * on its own, on its core thread, when an input comes later than its timers expected, and then
 * does not campaign from a stale timer and counts an incident of the adaptive timing.
 *
 * <p>The cost: one wake-up per interval (20 a second by default), two readings of the clock and of
 * each garbage collector's counters.
 */
final class PauseMonitor {

	// The driver's log category: what an operator of the member looks at
	private static final Log logger = LogFactory.getLog(RaftServer.class);

	/** At most one log line about pauses in this many seconds. */
	static final long LOG_INTERVAL_SECONDS = 10;

	private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(LOG_INTERVAL_SECONDS);

	/** Bounds of the interval: shorter wakes up too often, longer misses too much. */
	private static final long MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private static final long MAX_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	private final String memberId;

	private final long intervalNanos;

	private final long thresholdNanos;

	private final long warnNanos;

	private final LongSupplier nanoClock;

	private final Sleeper sleeper;

	private final List<GarbageCollectorMXBean> collectors;

	private final Listener listener;

	private final Object lifecycleLock = new Object();

	private @Nullable Thread thread;

	private volatile boolean running;

	// Owned by the monitor's thread

	/** Each collector's collections before the current sleep. */
	private final long[] collectionsBefore;

	/** Each collector's collection time before the current sleep, in milliseconds. */
	private final long[] collectionMillisBefore;

	private long lastLoggedAt;

	private boolean loggedBefore;

	private int unlogged;

	private long longestUnlogged;

	/**
	 * Creates a monitor; nothing runs until {@link #start()}.
	 * @param memberId the member, for the log and the thread's name
	 * @param interval how long each sleep is
	 * @param threshold the shortest overshoot that is a pause
	 * @param warnAbove pauses longer than this are logged at WARN, the others at INFO
	 * @param nanoClock the member's monotonic clock
	 * @param sleeper sleeps, normally {@link Sleeper#THREAD}
	 * @param collectors the garbage collectors whose counters are reported with a pause
	 * @param listener told of every pause
	 */
	PauseMonitor(String memberId, Duration interval, Duration threshold, Duration warnAbove, LongSupplier nanoClock,
			Sleeper sleeper, List<GarbageCollectorMXBean> collectors, Listener listener) {
		this.memberId = Objects.requireNonNull(memberId, "memberId");
		this.intervalNanos = positive(interval, "interval");
		this.thresholdNanos = positive(threshold, "threshold");
		this.warnNanos = Objects.requireNonNull(warnAbove, "warnAbove").toNanos();
		this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
		this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
		this.collectors = List.copyOf(collectors);
		this.collectionsBefore = new long[this.collectors.size()];
		this.collectionMillisBefore = new long[this.collectors.size()];
		this.listener = Objects.requireNonNull(listener, "listener");
	}

	/**
	 * The monitor of a member with these settings: the threshold is the minimum election timeout
	 * less the heartbeat interval, the interval half the threshold (from 10 to 500 ms), pauses
	 * longer than the minimum election timeout are logged at WARN.
	 * @param config the member's settings
	 * @param nanoClock the member's monotonic clock
	 * @param sleeper sleeps
	 * @param listener told of every pause
	 * @return the monitor, not started
	 */
	static PauseMonitor forMember(RaftConfig config, LongSupplier nanoClock, Sleeper sleeper, Listener listener) {
		Duration threshold = threshold(config);
		Duration interval = Duration.ofNanos(
				Math.min(MAX_INTERVAL_NANOS, Math.max(MIN_INTERVAL_NANOS, threshold.toNanos() / 2)));
		return new PauseMonitor(config.nodeId(), interval, threshold, config.electionTimeoutMin(), nanoClock, sleeper,
				ManagementFactory.getGarbageCollectorMXBeans(), listener);
	}

	/**
	 * The shortest pause that counts for a member with these settings: the minimum election timeout
	 * less the heartbeat interval, positive since the heartbeat is at most half the lease.
	 * @param config the member's settings
	 * @return the threshold
	 */
	static Duration threshold(RaftConfig config) {
		return config.electionTimeoutMin().minus(config.heartbeatInterval());
	}

	private static long positive(Duration duration, String name) {
		Objects.requireNonNull(duration, name);
		if (duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, was " + duration);
		}
		return duration.toNanos();
	}

	/** How long each sleep is. */
	Duration interval() {
		return Duration.ofNanos(this.intervalNanos);
	}

	/** The shortest overshoot that is a pause. */
	Duration threshold() {
		return Duration.ofNanos(this.thresholdNanos);
	}

	/** Starts the monitor's daemon thread, unless it runs. */
	void start() {
		synchronized (this.lifecycleLock) {
			if (this.thread != null) {
				return;
			}
			this.running = true;
			Thread started = new Thread(this::run, "raft-pause-monitor-" + this.memberId);
			started.setDaemon(true);
			this.thread = started;
			started.start();
		}
	}

	/**
	 * Stops the monitor's thread and waits until it ended. Pauses not logged yet are logged now.
	 */
	void stop() {
		Thread stopping;
		synchronized (this.lifecycleLock) {
			stopping = this.thread;
			this.thread = null;
			this.running = false;
		}
		if (stopping == null) {
			return;
		}
		stopping.interrupt();
		try {
			stopping.join(TimeUnit.SECONDS.toMillis(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (stopping.isAlive()) {
			logger.warn("Raft member '" + this.memberId + "': the pause monitor did not stop within 5 seconds");
		}
	}

	/** Whether the monitor's thread runs. */
	boolean isRunning() {
		synchronized (this.lifecycleLock) {
			return this.thread != null && this.thread.isAlive();
		}
	}

	private void run() {
		try {
			while (this.running) {
				check();
			}
		}
		catch (InterruptedException ex) {
			// Stopped
		}
		catch (RuntimeException ex) {
			logger.error("Raft member '" + this.memberId + "': the pause monitor failed and stopped", ex);
		}
		finally {
			flush();
		}
	}

	/**
	 * Sleeps once and tells whether that took long enough to be a pause; on the monitor's thread,
	 * or on a test's.
	 * @throws InterruptedException if interrupted while sleeping
	 */
	void check() throws InterruptedException {
		readCollectors();
		long before = this.nanoClock.getAsLong();
		this.sleeper.sleep(this.intervalNanos);
		long after = this.nanoClock.getAsLong();
		long overshoot = after - before - this.intervalNanos;
		if (overshoot >= this.thresholdNanos) {
			paused(overshoot, after);
		}
		else if (this.unlogged > 0 && after - this.lastLoggedAt >= LOG_INTERVAL_NANOS) {
			logUnlogged(after);
		}
	}

	/** Logs the pauses not logged yet, if any. */
	void flush() {
		if (this.unlogged > 0) {
			logUnlogged(this.nanoClock.getAsLong());
		}
	}

	private void paused(long pauseNanos, long resumedAt) {
		try {
			this.listener.paused(pauseNanos);
		}
		catch (RuntimeException ex) {
			logger.error("Raft member '" + this.memberId + "': a listener of pauses failed", ex);
		}
		if (this.loggedBefore && resumedAt - this.lastLoggedAt < LOG_INTERVAL_NANOS) {
			this.unlogged++;
			this.longestUnlogged = Math.max(this.longestUnlogged, pauseNanos);
			return;
		}
		boolean warn = pauseNanos > this.warnNanos || this.longestUnlogged > this.warnNanos;
		String message = "Raft member '" + this.memberId + "' did not run for at least " + millis(pauseNanos)
				+ " ms: " + collections() + ". "
				+ ((pauseNanos > this.warnNanos)
						? "Longer than the minimum election timeout (" + millis(this.warnNanos)
								+ " ms): if it led, its lease may have lapsed and the others may have elected "
								+ "another leader."
						: "Not long enough to cost leadership on its own.")
				+ unloggedSummary(resumedAt);
		log(warn, message);
		this.lastLoggedAt = resumedAt;
		this.loggedBefore = true;
		this.unlogged = 0;
		this.longestUnlogged = 0;
	}

	private void logUnlogged(long now) {
		boolean warn = this.longestUnlogged > this.warnNanos;
		log(warn, "Raft member '" + this.memberId + "' did not run for a while " + this.unlogged + " more time"
				+ ((this.unlogged > 1) ? "s" : "") + " in the last " + seconds(now - this.lastLoggedAt)
				+ " s, the longest for at least " + millis(this.longestUnlogged) + " ms");
		this.lastLoggedAt = now;
		this.unlogged = 0;
		this.longestUnlogged = 0;
	}

	private String unloggedSummary(long now) {
		if (this.unlogged == 0) {
			return "";
		}
		return " " + this.unlogged + " shorter or earlier pause" + ((this.unlogged > 1) ? "s" : "") + " in the last "
				+ seconds(now - this.lastLoggedAt) + " s were not logged, the longest of at least "
				+ millis(this.longestUnlogged) + " ms.";
	}

	private void log(boolean warn, String message) {
		if (warn) {
			logger.warn(message);
		}
		else {
			logger.info(message);
		}
	}

	/** The garbage collections since the counters were read, or a word that there were none. */
	private String collections() {
		StringBuilder collections = new StringBuilder();
		for (int i = 0; i < this.collectors.size(); i++) {
			GarbageCollectorMXBean collector = this.collectors.get(i);
			long count = collector.getCollectionCount() - this.collectionsBefore[i];
			if (count > 0) {
				collections.append((collections.length() > 0) ? ", " : "")
					.append(collector.getName())
					.append(' ')
					.append(count)
					.append(" collection")
					.append((count > 1) ? "s" : "")
					.append(" taking ")
					.append(collector.getCollectionTime() - this.collectionMillisBefore[i])
					.append(" ms");
			}
		}
		return (collections.length() > 0) ? "garbage collection in that time: " + collections
				: "no garbage collection in that time, so the JVM or the machine did not run it (CPU limit, "
						+ "overloaded machine, suspended process or virtual machine)";
	}

	private void readCollectors() {
		for (int i = 0; i < this.collectionsBefore.length; i++) {
			GarbageCollectorMXBean collector = this.collectors.get(i);
			this.collectionsBefore[i] = collector.getCollectionCount();
			this.collectionMillisBefore[i] = collector.getCollectionTime();
		}
	}

	private static long millis(long nanos) {
		return TimeUnit.NANOSECONDS.toMillis(nanos);
	}

	private static long seconds(long nanos) {
		return Math.max(1, Math.round(nanos / 1e9));
	}

	/** Sleeps; the monitor measures how long it took on its clock. */
	@FunctionalInterface
	interface Sleeper {

		/** Sleeps with {@link Thread#sleep(long, int)}. */
		Sleeper THREAD = (nanos) -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));

		/**
		 * Sleeps about that long.
		 * @param nanos how long
		 * @throws InterruptedException if the thread is interrupted: the monitor stops
		 */
		void sleep(long nanos) throws InterruptedException;

	}

	/** Told of every pause, on the monitor's thread: must be quick and must not block. */
	@FunctionalInterface
	interface Listener {

		/**
		 * The member did not run for a while.
		 * @param pauseNanos how long at least, in nanoseconds
		 */
		void paused(long pauseNanos);

	}

}
