package io.github.raftboot.runtime;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import io.github.raftboot.core.Role;
import io.github.raftboot.core.RoleChange;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Counters of what happened to one member since it was created; read by the metrics. The
 * {@link RaftServer} counts; any thread may read.
 */
public final class RaftStatistics {

	private static final Log logger = LogFactory.getLog(RaftStatistics.class);

	private final AtomicLong preVotesStarted = new AtomicLong();

	private final AtomicLong electionsStarted = new AtomicLong();

	private final AtomicLong electionsWon = new AtomicLong();

	private final AtomicLong electionsLost = new AtomicLong();

	private final AtomicLong leaderChanges = new AtomicLong();

	private final AtomicLong transferCampaigns = new AtomicLong();

	private final AtomicLong pauses = new AtomicLong();

	private final AtomicLong pausedNanos = new AtomicLong();

	private final List<LongConsumer> pauseObservers = new CopyOnWriteArrayList<>();

	void record(RoleChange change) {
		if (change.reason() == RoleChange.Reason.TRANSFER_REQUESTED) {
			this.transferCampaigns.incrementAndGet();
		}
		if (change.to() == Role.PRE_CANDIDATE) {
			this.preVotesStarted.incrementAndGet();
		}
		if (change.to() == Role.CANDIDATE) {
			this.electionsStarted.incrementAndGet();
		}
		if (change.to() == Role.LEADER) {
			this.electionsWon.incrementAndGet();
		}
		if (change.from() == Role.CANDIDATE && change.to() != Role.LEADER) {
			this.electionsLost.incrementAndGet();
		}
	}

	void leaderChanged() {
		this.leaderChanges.incrementAndGet();
	}

	void paused(long nanos) {
		this.pauses.incrementAndGet();
		this.pausedNanos.addAndGet(nanos);
		for (LongConsumer observer : this.pauseObservers) {
			try {
				observer.accept(nanos);
			}
			catch (RuntimeException ex) {
				logger.warn("An observer of Raft pauses failed", ex);
			}
		}
	}

	/**
	 * Tells an observer of every pause from now on: its length, in nanoseconds, on the thread
	 * that noticed it (it must be quick). For meters that record each pause, such as a timer.
	 * @param observer the observer
	 */
	public void onPause(LongConsumer observer) {
		this.pauseObservers.add(Objects.requireNonNull(observer, "observer"));
	}

	/** Pre-vote rounds started. */
	public long preVotesStarted() {
		return this.preVotesStarted.get();
	}

	/** Elections started (terms raised to campaign). */
	public long electionsStarted() {
		return this.electionsStarted.get();
	}

	/** Elections won. */
	public long electionsWon() {
		return this.electionsWon.get();
	}

	/** Elections that ended without winning. */
	public long electionsLost() {
		return this.electionsLost.get();
	}

	/** Elections this replica started because a leader handed leadership to it. */
	public long transferCampaigns() {
		return this.transferCampaigns.get();
	}

	/** Times the known leader changed. */
	public long leaderChanges() {
		return this.leaderChanges.get();
	}

	/**
	 * Times this member did not run for at least the pause threshold (the minimum election
	 * timeout less the heartbeat interval): a garbage collection, CPU throttling, an overloaded
	 * machine, a suspended process.
	 */
	public long pauses() {
		return this.pauses.get();
	}

	/** The length of all {@linkplain #pauses() pauses} together, in nanoseconds (each a lower bound). */
	public long pausedNanos() {
		return this.pausedNanos.get();
	}

}
