package io.github.raftboot.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What a benchmark run measured.
 *
 * @param options the settings
 * @param machine the machine
 * @param jvmOptions the replicas' JVM options
 * @param startedAt when the run started
 * @param duration how long it took
 * @param transitions every SIGKILL and SIGTERM of a leader
 * @param windows every idle window
 * @param settles what happened while restarted replicas settled, per cluster size
 * @param membershipChanges every member added or removed
 * @param followerRestarts every follower restarted on its own
 * @param rollingRestarts every rolling restart
 * @param clusters each cluster run: its parts and the leaderships its replicas logged
 * @param loads the background load of each profile that had one
 * @param discarded measurements discarded because leadership had moved on its own just before
 * the signal
 * @param failure why the run stopped early, or {@code null} if it ran to the end
 * @param groupsIdle every idle window of a cluster with election groups
 * @param groupFailovers every group whose leader was killed, in the election groups part
 * @param report the Markdown report
 * @param targets the targets and whether they were met
 * @param files the files written
 */
record Results(BenchOptions options, MachineInfo machine, List<String> jvmOptions, Instant startedAt, Duration duration,
		List<Transition> transitions, List<IdleWindow> windows, List<Settling> settles,
		List<MembershipChange> membershipChanges, List<FollowerRestart> followerRestarts,
		List<RollingRestart> rollingRestarts, List<ClusterRun> clusters, List<Load> loads, int discarded,
		@Nullable String failure, List<GroupsIdle> groupsIdle, List<GroupFailover> groupFailovers, String report,
		List<Report.Target> targets, List<Path> files) {

	/** These results with the report written. */
	Results withReport(String report, List<Report.Target> targets, List<Path> files) {
		return new Results(this.options, this.machine, this.jvmOptions, this.startedAt, this.duration, this.transitions,
				this.windows, this.settles, this.membershipChanges, this.followerRestarts, this.rollingRestarts,
				this.clusters, this.loads, this.discarded, this.failure, this.groupsIdle, this.groupFailovers, report,
				List.copyOf(targets), List.copyOf(files));
	}

	/** The two ways a leader goes away. */
	enum Kind {

		/** {@link Process#destroyForcibly()}: the leader is gone, the others must time out. */
		SIGKILL("Failover after SIGKILL of the leader"),

		/** {@link Process#destroy()}: the leader hands over while it shuts down. */
		SIGTERM("Handover on SIGTERM of the leader");

		private final String title;

		Kind(String title) {
			this.title = title;
		}

		String title() {
			return this.title;
		}

	}

	/**
	 * One leader killed or stopped, and who took over.
	 *
	 * @param profile the stage it was measured on
	 * @param kind how it went away
	 * @param replicas the cluster size
	 * @param index the position in the sequence of this cluster
	 * @param oldLeader the leader that went away
	 * @param oldTerm its term
	 * @param newLeader the first replica that was active leader afterwards, or {@code null} if
	 * none within the time limit
	 * @param newTerm its term
	 * @param signalledAt when the signal was sent
	 * @param leaderSince when the new leader's active leadership began (its {@code leaderSince})
	 * @param electionsStarted {@code raft_elections_started} of the survivors, increase
	 * @param preVotesStarted {@code raft_prevotes_started} of the survivors, increase
	 * @param electionsWon {@code raft_elections_won} of the survivors, increase
	 * @param exitSeconds how long the old leader's process took to exit after the signal
	 * @param restartSeconds how long the restarted replica took until it followed the new
	 * leader, or NaN if it was not restarted
	 * @param backgroundPercent CPU used by other processes on the machine from just before the
	 * signal until the new leader was found, in % of one CPU
	 */
	record Transition(Profile profile, Kind kind, int replicas, int index, String oldLeader, long oldTerm, @Nullable String newLeader,
			long newTerm, Instant signalledAt, @Nullable Instant leaderSince, long electionsStarted, long preVotesStarted,
			long electionsWon, double exitSeconds, double restartSeconds, double backgroundPercent) {

		/** Milliseconds from the signal to the new leader's {@code leaderSince}, NaN if none. */
		double millis() {
			if (this.leaderSince == null) {
				return Double.NaN;
			}
			return Duration.between(this.signalledAt, this.leaderSince).toNanos() / 1_000_000.0;
		}

		/** Whether the new leader was elected in more than one round (its term rose by more than one). */
		boolean severalRounds() {
			return this.newLeader != null && this.newTerm - this.oldTerm > 1;
		}

	}

	/**
	 * One idle window of a cluster.
	 *
	 * @param profile the stage it was measured on
	 * @param name {@code idle} or {@code long}
	 * @param replicas the cluster size
	 * @param seconds its length
	 * @param leaderBefore the leader at the start
	 * @param leaderAfter the leader at the end
	 * @param termBefore the leader's term at the start
	 * @param termAfter the leader's term at the end
	 * @param leaderChanges {@code raft_leader_changes} of all replicas, increase
	 * @param electionsStarted {@code raft_elections_started} of all replicas, increase
	 * @param preVotesStarted {@code raft_prevotes_started} of all replicas, increase
	 * @param backgroundPercent CPU used by other processes on the machine, in % of one CPU
	 * @param replicasPercent CPU used by the replicas, in % of one CPU
	 * @param unattributedBytes socket bytes whose owner was not seen
	 * @param trafficBalance received minus sent over sent, over all replicas (0: consistent)
	 * @param destructionsSeen whether {@code ss -E} reported closed sockets
	 * @param members each replica's cost
	 */
	record IdleWindow(Profile profile, String name, int replicas, double seconds, String leaderBefore, String leaderAfter, long termBefore,
			long termAfter, long leaderChanges, long electionsStarted, long preVotesStarted, double backgroundPercent,
			double replicasPercent, long unattributedBytes, double trafficBalance, boolean destructionsSeen,
			List<Member> members) {

		/** Whether nothing changed leadership, and nobody even started an election. */
		boolean quiet() {
			return this.leaderBefore.equals(this.leaderAfter) && this.termBefore == this.termAfter
					&& this.electionsStarted == 0 && this.leaderChanges == 0;
		}

	}

	/**
	 * One replica's cost during an idle window.
	 *
	 * @param id the replica
	 * @param leader whether it led
	 * @param cpuPercent CPU time used, in % of one core
	 * @param jitPercent the part of it the JIT compiler threads used
	 * @param rssMib resident memory at the end, MiB
	 * @param bytesSent TCP payload bytes sent
	 * @param bytesReceived TCP payload bytes received
	 * @param bytesWithHeaders payload plus IPv4 and TCP headers, sent and received
	 * @param connectionsOpened TCP connections it opened
	 */
	record Member(String id, boolean leader, double cpuPercent, double jitPercent, double rssMib, long bytesSent, long bytesReceived,
			long bytesWithHeaders, int connectionsOpened) {
	}

	/**
	 * Elections between two measurements, while the old leader restarted and rejoined: there
	 * should be none.
	 *
	 * @param profile the stage it was measured on
	 * @param replicas the cluster size
	 * @param restarts replicas restarted
	 * @param termsRaised terms raised between the end of one measurement and the start of the
	 * next, summed
	 * @param restartsWithElections restarts during which at least one term was raised
	 */
	record Settling(Profile profile, int replicas, int restarts, long termsRaised, int restartsWithElections) {
	}

	/** The two changes of members measured. */
	enum Change {

		/** A replica that waits to be added is added: learner, caught up, joint, final. */
		ADD_MEMBER("Add a member (learner catch-up, joint, final)"),

		/** A voter is removed: joint, final. */
		REMOVE_MEMBER("Remove it again (joint, final)");

		private final String title;

		Change(String title) {
			this.title = title;
		}

		String title() {
			return this.title;
		}

	}

	/**
	 * One member added or removed, timed from the request to the first answer of the leader's
	 * {@code GET /actuator/raft} that shows the change done.
	 *
	 * @param change what was asked
	 * @param replicas the cluster size before an addition, after a removal
	 * @param index the position in the sequence; 0 is the first addition of a replica that has
	 * never been a member, not counted in the statistics
	 * @param member the member added or removed
	 * @param leader the leader that took the request
	 * @param term its term
	 * @param requestedAt when the request that the leader took was sent
	 * @param answeredMillis ms until the answer to that request ({@code STARTED}) arrived
	 * @param votingMillis for an addition: ms until an answer showed the member among the voters
	 * (joint or final), that is, caught up and promoted; NaN for a removal, or if never seen
	 * @param undoneMillis ms until the last answer that still showed the change under way was asked
	 * for (0 if the first answer showed it done): a lower bound of the time the change took
	 * @param millis ms until an answer showed the configuration settled (committed, not joint, no
	 * learners) with the member voting, or without it: an upper bound; NaN if not within the limit
	 * @param refusals requests the leader refused before it took one (and that were asked again)
	 * @param polls answers of the leader read while the change ran
	 * @param leaderInterrupted whether an answer of the leader said, before the change was seen done,
	 * that it was not the active leader (its lease had lapsed, or another replica led)
	 * @param backgroundPercent CPU used by other processes on the machine meanwhile, in % of one CPU
	 */
	record MembershipChange(Change change, int replicas, int index, String member, String leader, long term,
			Instant requestedAt, double answeredMillis, double votingMillis, double undoneMillis, double millis, int refusals, int polls,
			boolean leaderInterrupted, double backgroundPercent) {

		/** Whether this is the first addition of the member, not counted in the statistics. */
		boolean first() {
			return this.index == 0;
		}

	}

	/**
	 * One follower stopped with SIGTERM and started again, and what the cluster did meanwhile: it
	 * should not notice.
	 *
	 * @param profile the stage it was measured on
	 * @param replicas the cluster size
	 * @param index the position in the sequence of this cluster
	 * @param follower the follower restarted
	 * @param leaderBefore the leader before the signal
	 * @param termBefore its term
	 * @param leaderAfter the leader once the follower had followed for the settle time
	 * @param termAfter its term
	 * @param signalledAt when the SIGTERM was sent
	 * @param until the end of this restart's period: the next restart's signal, or for the last one
	 * the end of its settle time
	 * @param exitSeconds how long the follower took to exit
	 * @param readySeconds from the signal until the restarted follower and all others followed the
	 * leader
	 * @param electionsStarted {@code raft_elections_started} of all replicas, increase (of the
	 * restarted one: since its start)
	 * @param preVotesStarted {@code raft_prevotes_started} likewise
	 * @param leaderlessMillis time without an active leader between {@code signalledAt} and
	 * {@code until}, from the replicas' logs
	 * @param backgroundPercent CPU used by other processes (not the tool's load) meanwhile, in % of
	 * one CPU
	 */
	record FollowerRestart(Profile profile, int replicas, int index, String follower, String leaderBefore, long termBefore,
			String leaderAfter, long termAfter, Instant signalledAt, Instant until, double exitSeconds, double readySeconds,
			long electionsStarted, long preVotesStarted, double leaderlessMillis, double backgroundPercent) {

		/** Whether an election took place: a term was raised, or another replica leads. */
		boolean causedElection() {
			return this.termAfter != this.termBefore || !this.leaderBefore.equals(this.leaderAfter);
		}

	}

	/**
	 * One rolling restart of all replicas, in the order of a Kubernetes StatefulSet (highest
	 * ordinal first): SIGTERM one, start it again, wait until it and all others follow the leader,
	 * next; then the settle time.
	 *
	 * @param profile the stage it was measured on
	 * @param replicas the cluster size
	 * @param index the position in the sequence of this cluster
	 * @param leaderBefore the leader before the first signal
	 * @param termBefore its term
	 * @param leaderAfter the leader after the settle time
	 * @param termAfter its term
	 * @param startedAt the first signal
	 * @param endedAt the end of the settle time after the last replica was ready
	 * @param steps each replica's restart, in order
	 * @param leaderships active leaderships that began meanwhile (flaps not counted)
	 * @param handOvers of those, the ones that followed a leadership handed over ({@code TRANSFER})
	 * @param gaps the stretches of time without an active leader, from the replicas' logs
	 * @param backgroundPercent CPU used by other processes (not the tool's load) meanwhile, in % of
	 * one CPU
	 */
	record RollingRestart(Profile profile, int replicas, int index, String leaderBefore, long termBefore,
			String leaderAfter, long termAfter, Instant startedAt, Instant endedAt, List<RollingStep> steps, int leaderships,
			int handOvers, Leaderships.Gaps gaps, double backgroundPercent) {

		RollingRestart {
			steps = List.copyOf(steps);
		}

		/** Terms raised from the first signal to the end. */
		long termsRaised() {
			return this.termAfter - this.termBefore;
		}

		/** Replicas stopped while they were the leader. */
		int restartedLeaders() {
			return (int) this.steps.stream().filter(RollingStep::leader).count();
		}

		double seconds() {
			return Duration.between(this.startedAt, this.endedAt).toNanos() / 1e9;
		}

	}

	/**
	 * One replica's restart within a rolling restart.
	 *
	 * @param replica the replica
	 * @param leader whether it was the leader when it was stopped
	 * @param termBefore the cluster's term just before the signal
	 * @param signalledAt when the SIGTERM was sent
	 * @param exitSeconds how long it took to exit
	 * @param readySeconds from the signal until it and all others followed the leader
	 * @param gaps time without an active leader from this signal to the next one (or the end)
	 */
	record RollingStep(String replica, boolean leader, long termBefore, Instant signalledAt, double exitSeconds,
			double readySeconds, Leaderships.Gaps gaps) {
	}

	/**
	 * One cluster as it ran: the parts of the benchmark in it, and every active leadership its
	 * replicas logged.
	 *
	 * @param profile the stage
	 * @param replicas the cluster size
	 * @param parts the parts, in order, each from the end of the one before
	 * @param leaderships the leaderships, in order
	 * @param timingEvents the lease lapses, pauses and timing lines the replicas' Raft threads
	 * logged, in order
	 */
	record ClusterRun(Profile profile, int replicas, List<Part> parts, List<Leaderships.Leadership> leaderships,
			List<TimingEvents.Event> timingEvents) {

		ClusterRun {
			parts = List.copyOf(parts);
			leaderships = List.copyOf(leaderships);
			timingEvents = List.copyOf(timingEvents);
		}

		/** The part an instant falls in; the last part for instants after it, the first before. */
		String partAt(Instant instant) {
			for (Part part : this.parts) {
				if (instant.isBefore(part.to())) {
					return part.name();
				}
			}
			return this.parts.isEmpty() ? "?" : this.parts.get(this.parts.size() - 1).name();
		}

	}

	/**
	 * One part of a cluster's run.
	 *
	 * @param name such as {@code follower restarts}
	 * @param from when it began
	 * @param to when it ended
	 * @param leader the active leader at its end, or {@code null} if none answered as one
	 * @param timing the timing in force at its end, from {@code /actuator/raft} of the leader (of
	 * another replica if none led), or {@code null} if none answered
	 */
	record Part(String name, Instant from, Instant to, @Nullable String leader, RaftView.@Nullable Timing timing) {
	}

	/**
	 * The background load a profile ran.
	 *
	 * @param profile the profile
	 * @param threads its threads, one core each
	 * @param shape what it does
	 * @param cpuPercent CPU it used, in % of one core
	 * @param seconds how long it ran
	 */
	record Load(Profile profile, int threads, String shape, double cpuPercent, double seconds) {
	}

	/**
	 * An idle window of a cluster with election groups, once their leaders were spread.
	 *
	 * @param groups the number of groups, the default one included
	 * @param spreadSeconds from the end of the warm-up until the leaders were spread (or the wait
	 * gave up)
	 * @param spread whether every group had a leader and no replica led more than
	 * {@code ceil(groups / replicas)} when the window opened
	 * @param ledBefore groups each replica led when the window opened, from the replicas' logs
	 * @param ledAfter groups each replica led when it closed
	 * @param leadershipsBegun active leaderships of any group that began during the window (0
	 * when nothing moved)
	 * @param window the cost of each replica, as for a cluster without groups; its {@code leader}
	 * is the default group's
	 * @param startLeaderships active leaderships of any group that began from the replicas' start
	 * until the window opened: the groups count once each if nothing churned at the start
	 * @param startLeasesLost of them, those that ended with {@code LEASE_LOST} before the window
	 */
	record GroupsIdle(int groups, double spreadSeconds, boolean spread, Map<String, Integer> ledBefore,
			Map<String, Integer> ledAfter, int leadershipsBegun, IdleWindow window, int startLeaderships,
			int startLeasesLost) {

		GroupsIdle {
			ledBefore = Collections.unmodifiableMap(new LinkedHashMap<>(ledBefore));
			ledAfter = Collections.unmodifiableMap(new LinkedHashMap<>(ledAfter));
		}

		int replicas() {
			return this.window.replicas();
		}

	}

	/**
	 * One group whose leader was killed with SIGKILL, in a cluster with election groups, and who
	 * took it over: from the kill to the first line of another replica's
	 * {@code LeadershipAcquiredEvent} for the group.
	 *
	 * @param groups the number of groups of the cluster, the default one included
	 * @param replicas the cluster size
	 * @param trial the position of the kill in the sequence of this cluster
	 * @param victim the replica killed
	 * @param victimLed how many groups it led when it was killed
	 * @param group the group
	 * @param oldTerm the group's term the victim led
	 * @param killedAt when it was killed
	 * @param newLeader the replica that took over, or {@code null} if none within the limit
	 * @param newTerm its term, -1 if none
	 * @param millis ms from the kill to the new leadership, NaN if none
	 * @param backgroundPercent CPU used by other processes until every group had a new leader,
	 * in % of one CPU
	 */
	record GroupFailover(int groups, int replicas, int trial, String victim, int victimLed, String group, long oldTerm,
			Instant killedAt, @Nullable String newLeader, long newTerm, double millis, double backgroundPercent) {
	}

}
