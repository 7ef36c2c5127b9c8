package io.github.raftboot.runtime;

import java.util.concurrent.atomic.AtomicLong;

import io.github.raftboot.core.Role;
import io.github.raftboot.core.RoleChange;

/**
 * Counters of what happened to one member since it was created; read by the metrics. The
 * {@link RaftServer} counts; any thread may read.
 */
public final class RaftStatistics {

	private final AtomicLong preVotesStarted = new AtomicLong();

	private final AtomicLong electionsStarted = new AtomicLong();

	private final AtomicLong electionsWon = new AtomicLong();

	private final AtomicLong electionsLost = new AtomicLong();

	private final AtomicLong leaderChanges = new AtomicLong();

	private final AtomicLong transferCampaigns = new AtomicLong();

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

}
