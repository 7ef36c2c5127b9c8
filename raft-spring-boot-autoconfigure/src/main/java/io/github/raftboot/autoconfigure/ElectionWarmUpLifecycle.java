package io.github.raftboot.autoconfigure;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.raftboot.runtime.ElectionWarmUp;
import io.github.raftboot.runtime.RaftServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * Runs an {@link ElectionWarmUp} once per JVM, on a background daemon thread of minimum priority,
 * once the application is ready, so that this replica's first campaign and first leadership do
 * not run cold code. It never delays startup or readiness: {@link #start()} only starts the
 * thread, which waits for the {@link ApplicationReadyEvent} (or, in a context that no
 * {@code SpringApplication} runs, at most {@link #DEFAULT_READY_WAIT}) so that the warm-up does
 * not compete with the application's own startup for the CPU. Stopping the context cancels it
 * and waits for its thread, which ends within a round (a second at most). A member without peers
 * runs none, and neither does a member whose JVM was warmed up already by another member (several
 * contexts in one JVM, or a context restarted): compiled code belongs to the JVM. A warm-up that
 * ended because its member leads (before its first round, or after some) counts as done too: the
 * member's leadership ran that code.
 */
final class ElectionWarmUpLifecycle implements SmartLifecycle, ApplicationListener<ApplicationReadyEvent> {

	/** Starts after the member, and stops before it. */
	static final int PHASE = RaftServer.PHASE + 1;

	/** How long the warm-up waits for the application to be ready before it starts anyway. */
	static final Duration DEFAULT_READY_WAIT = Duration.ofSeconds(60);

	/** Whether this JVM was warmed up, or is being warmed up, by some member. */
	private static final AtomicBoolean jvmWarmedUp = new AtomicBoolean();

	private static final Log logger = LogFactory.getLog(RaftServer.class);

	private final ElectionWarmUp warmUp;

	private final String nodeId;

	private final boolean hasPeers;

	private final AtomicBoolean warmedUp;

	private final Duration readyWait;

	private final CountDownLatch ready = new CountDownLatch(1);

	private final Object lock = new Object();

	private @Nullable Thread thread;

	private boolean started;

	/**
	 * Creates the lifecycle of a warm-up of this JVM.
	 * @param warmUp the warm-up
	 * @param nodeId the member, for the log
	 * @param hasPeers whether the member has others to campaign against; without, nothing runs
	 */
	ElectionWarmUpLifecycle(ElectionWarmUp warmUp, String nodeId, boolean hasPeers) {
		this(warmUp, nodeId, hasPeers, jvmWarmedUp, DEFAULT_READY_WAIT);
	}

	/**
	 * Creates the lifecycle of a warm-up.
	 * @param warmUp the warm-up
	 * @param nodeId the member, for the log
	 * @param hasPeers whether the member has others to campaign against; without, nothing runs
	 * @param warmedUp whether what the warm-up warms was warmed up already, or is being warmed
	 * up; set while it runs, and unset again when it was cancelled or failed (not when it ended
	 * because its member leads)
	 * @param readyWait how long to wait for the application to be ready before starting anyway
	 */
	ElectionWarmUpLifecycle(ElectionWarmUp warmUp, String nodeId, boolean hasPeers, AtomicBoolean warmedUp,
			Duration readyWait) {
		this.warmUp = Objects.requireNonNull(warmUp, "warmUp");
		this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
		this.hasPeers = hasPeers;
		this.warmedUp = Objects.requireNonNull(warmedUp, "warmedUp");
		this.readyWait = Objects.requireNonNull(readyWait, "readyWait");
	}

	@Override
	public void start() {
		synchronized (this.lock) {
			if (this.started) {
				return;
			}
			this.started = true;
			if (!this.hasPeers) {
				logger.debug("Raft member '" + this.nodeId + "' has no peers: no warm-up of the election code");
				return;
			}
			Thread running = new Thread(this::run, "raft-warm-up");
			running.setDaemon(true);
			// Inherited by the threads of its throwaway members. A hint that Linux ignores unless
			// the JVM runs with -XX:ThreadPriorityPolicy=1, hence the warm-up's rests too.
			running.setPriority(Thread.MIN_PRIORITY);
			this.thread = running;
			running.start();
		}
	}

	/** The application is ready: the warm-up may begin. */
	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		this.ready.countDown();
	}

	private void run() {
		try {
			if (!this.ready.await(this.readyWait.toNanos(), TimeUnit.NANOSECONDS)) {
				logger.debug("Raft member '" + this.nodeId + "' warms up the election code without waiting any "
						+ "longer for the application to be ready");
			}
		}
		catch (InterruptedException ex) {
			// Stopped before it began
			return;
		}
		if (!this.warmedUp.compareAndSet(false, true)) {
			logger.debug("Raft member '" + this.nodeId + "': the election code of this JVM was warmed up already");
			return;
		}
		boolean keep = false;
		try {
			ElectionWarmUp.Result result = this.warmUp.run();
			keep = result.ending() != ElectionWarmUp.Ending.CANCELLED;
			log(result);
		}
		catch (InterruptedException ex) {
			logger.debug("Raft member '" + this.nodeId + "' stopped warming up the election code: interrupted");
		}
		catch (RuntimeException ex) {
			logger.warn("Raft member '" + this.nodeId + "' could not warm up the election code of this JVM; its first "
					+ "election may be slower (disable the warm-up with raft.warm-up.enabled=false)", ex);
		}
		finally {
			if (!keep) {
				// Another member of this JVM may try again
				this.warmedUp.set(false);
			}
		}
	}

	private void log(ElectionWarmUp.Result result) {
		if (result.ending() == ElectionWarmUp.Ending.CANCELLED) {
			logger.debug("Raft member '" + this.nodeId + "' stopped warming up the election code after "
					+ result.elapsed().toMillis() + " ms: the member stops");
			return;
		}
		if (result.ending() == ElectionWarmUp.Ending.LEADING && result.rounds() == 0) {
			logger.info("Raft member '" + this.nodeId + "' leads: no warm-up of the election code, which its "
					+ "leadership runs");
			return;
		}
		Duration cpu = result.processCpu();
		long heldBack = result.heldBack().toMillis();
		logger.info("Raft member '" + this.nodeId + "' warmed up the election and leader code of this JVM in a "
				+ "throwaway cluster: " + result.handOvers() + " hand-overs and " + result.failovers() + " elections in "
				+ result.elapsed().toMillis() + " ms (" + result.rested().toMillis() + " ms of it resting"
				+ ((heldBack > 0) ? ", " + heldBack + " ms waiting for a JVM without pauses" : "") + ")"
				+ ((cpu != null) ? ", " + cpu.toMillis() + " ms of CPU for the process meanwhile" : "")
				+ switch (result.ending()) {
					case TIME_LIMIT -> "; it reached its time limit with rounds left (a busy machine)";
					case TOO_BUSY -> "; it gave up after " + result.missed() + " rounds that moved no leadership "
							+ "(a busy machine)";
					case LEADING -> "; it stopped early as the member leads, which runs that code";
					default -> (result.missed() > 0) ? "; " + result.missed() + " rounds moved no leadership" : "";
				});
	}

	@Override
	public void stop() {
		Thread running;
		synchronized (this.lock) {
			running = this.thread;
			this.thread = null;
		}
		if (running == null) {
			return;
		}
		this.warmUp.cancel();
		running.interrupt();
		try {
			running.join(TimeUnit.SECONDS.toMillis(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (running.isAlive()) {
			logger.warn("Raft member '" + this.nodeId + "': the warm-up of the election code did not stop within 5 "
					+ "seconds");
		}
	}

	/** Whether the warm-up's thread was started and not stopped yet (it may have finished). */
	@Override
	public boolean isRunning() {
		synchronized (this.lock) {
			return this.thread != null;
		}
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
