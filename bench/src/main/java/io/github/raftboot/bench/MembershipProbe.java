package io.github.raftboot.bench;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import io.github.raftboot.bench.Results.Change;
import io.github.raftboot.bench.Results.MembershipChange;

/**
 * Adds a spare replica to a running cluster and removes it again through the leader's actuator
 * ({@code POST} and {@code DELETE /actuator/raft/members/{id}}), and times each change: from just
 * before the request that the leader took to the first answer of the leader's
 * {@code GET /actuator/raft}, polled every {@link #POLL_INTERVAL}, that shows the configuration
 * settled (committed, not joint, no learners) with the spare voting, or without it: an upper
 * bound. The last answer before it that showed the change still under way was read after its
 * request was sent: the instant that request was sent is a lower bound.
 */
final class MembershipProbe {

	/** How often the leader is asked while a change runs. */
	static final Duration POLL_INTERVAL = Duration.ofMillis(5);

	/** How long a change may take to be taken, and then to be done. */
	static final Duration CHANGE_LIMIT = Duration.ofSeconds(10);

	private static final Duration READY_LIMIT = Duration.ofSeconds(30);

	/** Answers after which the same request is made again a little later. */
	private static final Set<String> ASK_AGAIN = Set.of("NOT_READY", "CHANGE_IN_PROGRESS", "TRANSFER_IN_PROGRESS",
			"WOULD_LOSE_QUORUM", "NO_ANSWER");

	private final Cluster cluster;

	private final Replica spare;

	/**
	 * Creates a probe.
	 * @param cluster the running cluster
	 * @param spare a replica of it that is no member, started and waiting to be added
	 */
	MembershipProbe(Cluster cluster, Replica spare) {
		this.cluster = cluster;
		this.spare = spare;
	}

	/**
	 * Waits until the cluster is ready for {@code change}: its leader reports a settled
	 * configuration in which the spare is no member (before an addition) or a voter (before a
	 * removal), and the spare itself says it waits to be added or was removed, or that it votes.
	 * @param change the change to come
	 * @return what the leader reported
	 * @throws IllegalStateException if that does not happen within 30 s
	 */
	MembershipView awaitReady(Change change) throws InterruptedException {
		long deadline = System.nanoTime() + READY_LIMIT.toNanos();
		String last = "no answer";
		while (System.nanoTime() - deadline < 0) {
			Optional<Cluster.Stable> stable = this.cluster.stable(this.cluster.statusOfAll());
			if (stable.isPresent()) {
				Optional<MembershipView> leader = this.cluster.membership(stable.get().leader());
				Optional<MembershipView> own = this.cluster.membership(this.spare.id());
				last = leader + " and " + own;
				if (leader.isPresent() && own.isPresent() && leader.get().leader() && leader.get().settled()
						&& isReady(change, leader.get(), own.get())) {
					return leader.get();
				}
			}
			if (!this.spare.isAlive()) {
				throw new IllegalStateException("Replica " + this.spare.id() + " died; see " + this.spare.log());
			}
			Thread.sleep(50);
		}
		throw new IllegalStateException("Not ready to " + change + " " + this.spare.id() + " within " + READY_LIMIT + ": "
				+ last);
	}

	/**
	 * Whether {@code change} is done now, as the active leader reports: after a measurement that
	 * did not see it done in time, this tells a change that was merely late from one that was
	 * lost (appended by a leader that lost its leadership before committing it).
	 * @param change the change
	 * @return whether the leader reports it done; {@code false} if there is no stable leader
	 */
	boolean isDone(Change change) {
		Optional<Cluster.Stable> stable = this.cluster.stable(this.cluster.statusOfAll());
		if (stable.isEmpty()) {
			return false;
		}
		Optional<MembershipView> leader = this.cluster.membership(stable.get().leader());
		String id = this.spare.id();
		return leader.isPresent() && leader.get().leader() && leader.get().settled()
				&& ((change == Change.ADD_MEMBER) ? leader.get().votes(id) : !leader.get().lists(id));
	}

	private boolean isReady(Change change, MembershipView leader, MembershipView own) {
		String id = this.spare.id();
		if (change == Change.ADD_MEMBER) {
			return !leader.lists(id) && (own.standing().equals("JOINING") || own.standing().equals("REMOVED"));
		}
		return leader.votes(id) && own.standing().equals("VOTER");
	}

	/**
	 * Waits until the cluster is ready, asks its leader for {@code change} until it takes the
	 * request, and times the change.
	 * @param change what to do with the spare
	 * @param index the position of this change in the sequence (0: the spare's first addition)
	 * @param background the measurement of other processes' CPU use, started just before
	 * @return the measurement; its {@code millis} is NaN if the change was not seen done within
	 * {@link #CHANGE_LIMIT}
	 * @throws IllegalStateException if no leader takes the request within {@link #CHANGE_LIMIT},
	 * or one refuses it for a reason that waiting does not cure
	 */
	MembershipChange measure(Change change, int index, BackgroundLoad background) throws InterruptedException {
		MembershipView ready = awaitReady(change);
		String member = this.spare.id();
		URI url = (change == Change.ADD_MEMBER) ? this.cluster.url(this.spare) : null;
		String leader = ready.nodeId();
		int refusals = 0;
		long deadline = System.nanoTime() + CHANGE_LIMIT.toNanos();
		Instant requestedAt;
		long sent;
		while (true) {
			requestedAt = Instant.now();
			sent = System.nanoTime();
			Cluster.ChangeAnswer answer = this.cluster.changeMember(leader, member, url);
			if (answer.result().equals("STARTED")) {
				break;
			}
			refusals++;
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("No leader took the request to " + change + " " + member + " within "
						+ CHANGE_LIMIT + "; " + leader + " answered " + answer);
			}
			if (answer.result().equals("NOT_LEADER")) {
				leader = (answer.leaderId() != null) ? answer.leaderId() : this.cluster.awaitStable(READY_LIMIT).leader();
			}
			else if (ASK_AGAIN.contains(answer.result())) {
				Thread.sleep(20);
			}
			else {
				throw new IllegalStateException(leader + " refused to " + change + " " + member + ": " + answer);
			}
		}
		double answered = (System.nanoTime() - sent) / 1e6;
		Watch watch = watch(change, leader, sent);
		return new MembershipChange(change, this.cluster.size(), index, member, leader, ready.term(), requestedAt,
				answered, watch.votingMillis(), watch.undoneMillis(), watch.millis(), refusals, watch.polls(),
				watch.leaderInterrupted(), background.percent());
	}

	/** Polls the leader until it reports the change done, or the limit is up. */
	private Watch watch(Change change, String leader, long sent) throws InterruptedException {
		String member = this.spare.id();
		String watched = leader;
		double voting = Double.NaN;
		double undone = 0;
		boolean leaderInterrupted = false;
		int polls = 0;
		long end = sent + CHANGE_LIMIT.toNanos();
		while (System.nanoTime() - end < 0) {
			double asked = (System.nanoTime() - sent) / 1e6;
			Optional<MembershipView> answer = this.cluster.membership(watched);
			double millis = (System.nanoTime() - sent) / 1e6;
			polls++;
			if (answer.isPresent()) {
				MembershipView view = answer.get();
				if (!view.leader()) {
					// Its lease lapsed, or another replica leads: only the active leader knows at once
					// when a configuration is committed.
					leaderInterrupted = true;
					String next = view.leaderId();
					if (next != null) {
						watched = next;
					}
				}
				else {
					if (change == Change.ADD_MEMBER && Double.isNaN(voting) && view.votes(member)) {
						voting = millis;
					}
					boolean done = view.settled() && ((change == Change.ADD_MEMBER) ? view.votes(member) : !view.lists(member));
					if (done) {
						return new Watch(voting, undone, millis, polls, leaderInterrupted);
					}
					undone = asked;
				}
			}
			Thread.sleep(POLL_INTERVAL.toMillis());
		}
		return new Watch(voting, undone, Double.NaN, polls, leaderInterrupted);
	}

	private record Watch(double votingMillis, double undoneMillis, double millis, int polls, boolean leaderInterrupted) {
	}

}
