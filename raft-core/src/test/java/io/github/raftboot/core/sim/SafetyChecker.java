package io.github.raftboot.core.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.raftboot.core.Lease;
import io.github.raftboot.core.LogEntry;
import io.github.raftboot.core.Membership;
import io.github.raftboot.core.PersistentState;
import io.github.raftboot.core.RaftNode;
import io.github.raftboot.core.Role;
import io.github.raftboot.core.Status;
import org.jspecify.annotations.Nullable;

/**
 * Checks the safety properties of a {@link SimCluster} after every event, over the whole run and
 * across restarts:
 * <ul>
 * <li>election safety: at most one leader per term;</li>
 * <li>lease safety: the virtual-time intervals in which members are active leaders never overlap;</li>
 * <li>log matching: every member agrees on the term of every committed index;</li>
 * <li>leader completeness: a new leader of term T holds every entry a leader of an earlier term
 * committed;</li>
 * <li>a member's term never decreases, not even across a restart;</li>
 * <li>only a voter of the configuration in force on a node (never a learner, a removed member or
 * a node that has not joined the cluster) becomes pre-candidate, candidate or leader;</li>
 * <li>a leader commits an entry only once it is durable on a majority of every voter set of its
 * configuration: of the old and of the new voters while it is joint.</li>
 * </ul>
 * Committed configurations are entries like any other: log matching and leader completeness keep
 * them.
 */
public final class SafetyChecker {

	private final SimCluster cluster;

	private final Map<Long, String> leaderOfTerm = new HashMap<>();

	/** Committed index → entry term, as first seen committed by anyone. */
	private final Map<Long, Long> committedTerm = new HashMap<>();

	/** Committed index → term of the leader that committed it. */
	private final Map<Long, Long> committedInTerm = new HashMap<>();

	private final Map<String, Long> lastTerm = new HashMap<>();

	private final Map<String, Long> checkedCommit = new HashMap<>();

	private final Map<String, Long> leaderCheckedCommit = new HashMap<>();

	private final Map<String, Role> lastRole = new HashMap<>();

	/** Active-leader intervals in virtual time, per member; the last one may still grow. */
	private final Map<String, List<Interval>> intervals = new HashMap<>();

	private long activeIntervals;

	private long committedConfigurations;

	private long committedJointConfigurations;

	SafetyChecker(SimCluster cluster) {
		this.cluster = cluster;
	}

	void started(SimCluster.SimNode node) {
		this.checkedCommit.put(node.id, 0L);
		this.leaderCheckedCommit.put(node.id, 0L);
		this.lastRole.put(node.id, Role.FOLLOWER);
	}

	void crashed(SimCluster.SimNode node, long now) {
		Interval open = openInterval(node.id, now);
		if (open != null) {
			open.end = now;
		}
		this.lastRole.put(node.id, Role.FOLLOWER);
		// What it had not persisted yet is gone: terms must not go down from what is durable.
		this.lastTerm.put(node.id, node.storage.load().term());
	}

	void observe(SimCluster.SimNode node, Status status, long now) {
		RaftNode raft = node.raft;
		String id = node.id;
		long previousTerm = this.lastTerm.getOrDefault(id, 0L);
		if (status.term() < previousTerm) {
			throw this.cluster.failure(id + "'s term went down from " + previousTerm + " to " + status.term());
		}
		this.lastTerm.put(id, status.term());

		Role last = this.lastRole.get(id);
		if (status.role() != Role.FOLLOWER && status.role() != last && !status.isVoter()) {
			throw this.cluster.failure("Membership: " + id + " became " + status.role() + " in term " + status.term()
					+ " but is no voter of its configuration " + status.membership());
		}
		if (status.role() == Role.LEADER) {
			String previous = this.leaderOfTerm.putIfAbsent(status.term(), id);
			if (previous != null && !previous.equals(id)) {
				throw this.cluster.failure("Election safety: both " + previous + " and " + id + " lead term " + status.term());
			}
			if (last != Role.LEADER) {
				checkLeaderCompleteness(id, raft, status.term());
			}
			long from = this.leaderCheckedCommit.get(id);
			// What it knew committed before it led was decided by earlier leaders, under their configurations.
			long decidedAfter = Math.max(from, this.checkedCommit.get(id));
			for (long index = from + 1; index <= status.commitIndex(); index++) {
				if (this.committedInTerm.putIfAbsent(index, status.term()) == null) {
					countConfiguration(raft.entryAt(index));
				}
				if (index > decidedAfter) {
					checkDurableOnMajorities(id, raft, status.membership(), index);
				}
			}
			this.leaderCheckedCommit.put(id, Math.max(from, status.commitIndex()));
		}
		this.lastRole.put(id, status.role());

		long from = this.checkedCommit.get(id);
		for (long index = from + 1; index <= status.commitIndex(); index++) {
			long term = raft.termAt(index);
			Long agreed = this.committedTerm.putIfAbsent(index, term);
			if (agreed != null && agreed != term) {
				throw this.cluster.failure("Log matching: " + id + " committed index " + index + " with term " + term
						+ " but it was committed with term " + agreed);
			}
		}
		this.checkedCommit.put(id, Math.max(from, status.commitIndex()));

		checkLease(node, status, now);
	}

	/** Whether entry {@code index} of the leader's log is durable on a majority of every voter set. */
	private void checkDurableOnMajorities(String leader, RaftNode raft, @Nullable Membership membership, long index) {
		if (membership == null) {
			throw this.cluster.failure(leader + " committed index " + index + " without a configuration");
		}
		long term = raft.termAt(index);
		checkDurableOnMajority(leader, membership.voters(), index, term, membership);
		if (membership.isJoint()) {
			checkDurableOnMajority(leader, membership.outgoingVoters(), index, term, membership);
		}
	}

	private void checkDurableOnMajority(String leader, Set<String> voters, long index, long term,
			Membership membership) {
		int durable = 0;
		for (String voter : voters) {
			PersistentState state = this.cluster.persistedState(voter);
			if (state != null && state.log().size() >= index && state.log().get((int) (index - 1)).term() == term) {
				durable++;
			}
		}
		if (durable < voters.size() / 2 + 1) {
			throw this.cluster.failure("Commitment: " + leader + " committed index " + index + " (term " + term
					+ ") durable on only " + durable + " of the voters " + voters + " of " + membership);
		}
	}

	private void checkLeaderCompleteness(String id, RaftNode raft, long term) {
		for (Map.Entry<Long, Long> committed : this.committedInTerm.entrySet()) {
			long index = committed.getKey();
			if (committed.getValue() < term && raft.termAt(index) != this.committedTerm.get(index)) {
				throw this.cluster.failure("Leader completeness: " + id + " leads term " + term + " without entry " + index
						+ " (term " + this.committedTerm.get(index) + "), committed in term " + committed.getValue());
			}
		}
	}

	private void checkLease(SimCluster.SimNode node, Status status, long now) {
		Lease lease = status.lease();
		long local = node.local(now);
		Interval open = openInterval(node.id, now);
		if (lease == null || !lease.isValidAt(local)) {
			if (open != null) {
				open.end = now;
			}
			return;
		}
		long end = lease.unbounded() ? Long.MAX_VALUE : node.realAtLeast(lease.endNanos());
		if (open != null) {
			open.end = Math.max(open.end, end);
			open.term = lease.term();
		}
		else {
			open = new Interval(node.id, lease.term(), now, end);
			this.intervals.computeIfAbsent(node.id, (key) -> new ArrayList<>()).add(open);
			this.activeIntervals++;
		}
		for (Map.Entry<String, List<Interval>> other : this.intervals.entrySet()) {
			if (other.getKey().equals(node.id)) {
				continue;
			}
			for (Interval interval : other.getValue()) {
				if (interval.start < open.end && open.start < interval.end) {
					throw this.cluster.failure("Lease safety: " + open + " overlaps " + interval);
				}
			}
		}
	}

	private @Nullable Interval openInterval(String id, long now) {
		List<Interval> list = this.intervals.get(id);
		if (list == null || list.isEmpty()) {
			return null;
		}
		Interval last = list.get(list.size() - 1);
		return (last.end > now) ? last : null;
	}

	private void countConfiguration(@Nullable LogEntry entry) {
		Membership membership = (entry != null) ? entry.membership() : null;
		if (membership != null) {
			this.committedConfigurations++;
			if (membership.isJoint()) {
				this.committedJointConfigurations++;
			}
		}
	}

	/** How many configuration entries were committed, and how many of them joint. */
	public long[] committedConfigurations() {
		return new long[] { this.committedConfigurations, this.committedJointConfigurations };
	}

	/** How many separate active-leader intervals the run has had. */
	public long activeIntervals() {
		return this.activeIntervals;
	}

	/** The highest index any member has seen committed. */
	public long highestCommitted() {
		return this.committedTerm.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
	}

	/** How many distinct terms had a leader. */
	public int termsWithLeader() {
		return this.leaderOfTerm.size();
	}

	/** An interval of virtual time in which one member was an active leader. */
	static final class Interval {

		final String nodeId;

		long term;

		final long start;

		long end;

		Interval(String nodeId, long term, long start, long end) {
			this.nodeId = nodeId;
			this.term = term;
			this.start = start;
			this.end = end;
		}

		@Override
		public String toString() {
			return this.nodeId + " active in term " + this.term + " from " + this.start / 1e6 + " ms to "
					+ ((this.end == Long.MAX_VALUE) ? "forever" : (this.end / 1e6 + " ms"));
		}

	}

}
