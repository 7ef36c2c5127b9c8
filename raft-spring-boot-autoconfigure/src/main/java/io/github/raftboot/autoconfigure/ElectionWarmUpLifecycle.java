package io.github.raftboot.autoconfigure;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.github.raftboot.runtime.ElectionWarmUp;
import io.github.raftboot.runtime.RaftServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Runs an {@link ElectionWarmUp} once, on a background thread of minimum priority, after the
 * {@link RaftServer} started, so that this replica's first campaign and first leadership do not
 * run cold code; stopping the context stops it. A member without peers runs none.
 */
final class ElectionWarmUpLifecycle implements SmartLifecycle {

	/** Starts after the member, and stops before it. */
	static final int PHASE = RaftServer.PHASE + 1;

	private static final Log logger = LogFactory.getLog(RaftServer.class);

	private final ElectionWarmUp warmUp;

	private final String nodeId;

	private final boolean hasPeers;

	private final Object lock = new Object();

	private @Nullable Thread thread;

	private boolean started;

	/**
	 * Creates the lifecycle of a warm-up.
	 * @param warmUp the warm-up
	 * @param nodeId the member, for the log
	 * @param hasPeers whether the member has others to campaign against; without, nothing runs
	 */
	ElectionWarmUpLifecycle(ElectionWarmUp warmUp, String nodeId, boolean hasPeers) {
		this.warmUp = Objects.requireNonNull(warmUp, "warmUp");
		this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
		this.hasPeers = hasPeers;
	}

	@Override
	public void start() {
		synchronized (this.lock) {
			if (this.started || !this.hasPeers) {
				// Once is what counts: compiled code outlives a restart of the context.
				return;
			}
			this.started = true;
			Thread running = new Thread(this::run, "raft-warm-up");
			running.setDaemon(true);
			// Honoured where the JVM maps Java priorities (not on Linux by default)
			running.setPriority(Thread.MIN_PRIORITY);
			this.thread = running;
			running.start();
		}
	}

	private void run() {
		try {
			ElectionWarmUp.Result result = this.warmUp.run();
			logger.info("Raft member '" + this.nodeId + "' warmed up the election and leader code of this JVM in a "
					+ "throwaway cluster: " + result.handOvers() + " hand-overs and " + result.failovers()
					+ " elections in " + result.elapsed().toMillis() + " ms"
					+ ((result.processCpu() != null)
							? ", " + result.processCpu().toMillis() + " ms of CPU for the process meanwhile" : "")
					+ ((result.missed() > 0) ? "; " + result.missed() + " rounds moved no leadership (a busy machine)" : "")
					+ (result.cancelled() ? " (cancelled)" : ""));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.warn("Raft member '" + this.nodeId + "' could not warm up the election code of this JVM; its first "
					+ "election may be slower (disable the warm-up with raft.warm-up.enabled=false)", ex);
		}
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
	}

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
