package io.github.raftboot.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.github.raftboot.core.LeaderBalance;
import io.github.raftboot.core.Membership;
import io.github.raftboot.core.MembershipChangeResult;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.RaftNode;
import io.github.raftboot.core.Role;
import io.github.raftboot.core.Status;
import io.github.raftboot.core.TransferResult;
import io.github.raftboot.leader.RaftLeadership;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a member's election groups together, on the core thread they share, once per heartbeat
 * interval:
 * <ul>
 * <li><b>Members.</b> The default group's members are the cluster's: they change there (joint
 * consensus, learners first), and nowhere else. The leader of every other group makes the same
 * change in its group, one member at a time, once the default group committed it: it adds a
 * voter the default group has (as a learner first, promoted once caught up, as in any group) and
 * removes one it no longer has. Each group stays a Raft group of its own, safe whatever its
 * members; following only committed configurations, read by a member that hears from the
 * default group's leader, keeps the groups from going back to older members in all but a
 * short race (a member whose default group lags one change behind may lead a group for a
 * moment), which the next round corrects.</li>
 * <li><b>Balance.</b> A {@link LeaderBalance} decides, from what this member sees, whether to hand
 * one of the groups it leads to another member: to a group's preferred leader, or away from a
 * member that leads more than its share; it waits {@code raft.balance.delay} each time, so
 * that a restart does not move leaders back and forth.</li>
 * <li><b>Heartbeats in step.</b> Run by the outbox before a batch with a heartbeat leaves: the
 * other groups this member leads send theirs with it (see {@link GroupThreads}).</li>
 * </ul>
 */
final class GroupCoordinator {

	private static final Log logger = LogFactory.getLog(RaftServer.class);

	private static final Duration MIN_FIRST_CAMPAIGN_HOLD = Duration.ofSeconds(5);

	private final RaftServer root;

	private final GroupThreads threads;

	private final Settings settings;

	private final LongSupplier nanoClock;

	private final @Nullable LeaderBalance balance;

	private final long alignWindowNanos;

	private volatile @Nullable ScheduledFuture<?> rounds;

	private volatile boolean stopped;

	GroupCoordinator(RaftServer root, GroupThreads threads, Settings settings, LongSupplier nanoClock) {
		this.root = root;
		this.threads = threads;
		this.settings = settings;
		this.nanoClock = nanoClock;
		this.balance = (settings.balanceDelay() != null) ? new LeaderBalance(settings.balanceDelay().toNanos()) : null;
		this.alignWindowNanos = root.config().heartbeatInterval().toNanos() / 2;
	}

	void start() {
		this.threads.beforeFlush(this::alignHeartbeats);
		long period = this.root.config().heartbeatInterval().toNanos();
		try {
			this.rounds = this.threads.core().scheduleWithFixedDelay(this::roundSafely, period, period,
					TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Stopped meanwhile.
		}
	}

	/** Ends the rounds; idempotent. Heartbeats still fall into step until the threads end. */
	void stop() {
		this.stopped = true;
		ScheduledFuture<?> scheduled = this.rounds;
		if (scheduled != null) {
			scheduled.cancel(false);
		}
	}

	private void roundSafely() {
		if (this.stopped) {
			return;
		}
		try {
			followMembers();
			balance();
		}
		catch (RuntimeException ex) {
			logger.error("Raft member '" + this.root.nodeId() + "' failed to coordinate its election groups", ex);
		}
	}

	/** Sends the heartbeats of every group this member leads that are due within half an interval. */
	private void alignHeartbeats() {
		for (CoreLoop loop : loops()) {
			loop.heartbeatEarly(this.alignWindowNanos);
		}
	}

	private List<CoreLoop> loops() {
		List<CoreLoop> loops = new ArrayList<>();
		CoreLoop own = this.root.loop();
		if (own != null) {
			loops.add(own);
		}
		for (RaftServer other : this.root.otherGroups().values()) {
			CoreLoop loop = other.loop();
			if (loop != null) {
				loops.add(loop);
			}
		}
		return loops;
	}

	// First campaigns

	/**
	 * How long a member holds back its elections in a group that another member is to campaign
	 * for first: long enough for replicas started together to come up, at least 5 s and 10
	 * maximum election timeouts.
	 * @param config the member's settings
	 * @return the hold
	 */
	static Duration firstCampaignHold(RaftConfig config) {
		Duration tenTimeouts = config.electionTimeoutMax().multipliedBy(10);
		return (tenTimeouts.compareTo(MIN_FIRST_CAMPAIGN_HOLD) > 0) ? tenTimeouts : MIN_FIRST_CAMPAIGN_HOLD;
	}

	/**
	 * Holds a group's new node back from campaigning, for {@link #firstCampaignHold(RaftConfig)},
	 * if another member is to campaign first in that group ({@link LeaderBalance#firstCampaigners}
	 * over the group's voters, or the configured members while it has none): at a cold start of
	 * replicas with many groups, each group then has one candidate instead of every member, and
	 * the leaders start spread. A member that hears a leader ends its hold, so a replica that
	 * restarts beside running groups is not slowed; a group whose first campaigner does not come
	 * up elects openly once the hold is over.
	 * @param node the group's node, just created
	 * @param group the group's name
	 * @param groups every group but the default one
	 * @param preferred a preferred leader per group
	 * @param nowNanos the time
	 * @return the group's first campaigner, or {@code null} if it has none
	 */
	static @Nullable String holdFirstCampaign(RaftNode node, String group, Collection<String> groups,
			Map<String, String> preferred, long nowNanos) {
		Membership membership = node.membership();
		Collection<String> voters = (membership != null) ? membership.voters() : node.config().members();
		String first = LeaderBalance.firstCampaigners(groups, voters, preferred).get(group);
		if (first != null && !first.equals(node.id()) && voters.contains(node.id())) {
			node.holdElections(nowNanos + firstCampaignHold(node.config()).toNanos(), nowNanos);
		}
		return first;
	}

	// Members

	/** The default group's committed configuration, if this member knows it to be current. */
	private @Nullable Membership settledMembers() {
		CoreLoop own = this.root.loop();
		RaftNode node = (own != null) ? own.nodeHere() : null;
		if (node == null) {
			return null;
		}
		Status status = node.status();
		Membership membership = status.membership();
		if (membership == null || membership.isJoint() || !status.isMembershipCommitted()) {
			return null;
		}
		// A member that does not hear from the default group's leader may know an old configuration.
		boolean current = node.role() == Role.LEADER || (status.leaderId() != null
				&& status.commitIndex() >= status.membershipIndex() && status.lastLogIndex() == status.commitIndex());
		return current ? membership : null;
	}

	private void followMembers() {
		Membership target = settledMembers();
		if (target == null) {
			return;
		}
		for (Map.Entry<String, RaftServer> entry : this.root.otherGroups().entrySet()) {
			CoreLoop loop = entry.getValue().loop();
			RaftNode node = (loop != null) ? loop.nodeHere() : null;
			if (node == null || node.role() != Role.LEADER) {
				continue;
			}
			Membership current = node.membership();
			if (current == null || current.isJoint() || !node.status().isMembershipCommitted()) {
				continue;
			}
			Change change = nextChange(target, current);
			if (change == null) {
				continue;
			}
			MembershipChangeResult result = loop.callHere((groupNode, now) -> change.add()
					? groupNode.addMember(change.member(), Objects.requireNonNull(target.addresses().get(change.member())),
							now)
					: groupNode.removeMember(change.member(), now), MembershipChangeResult.NOT_LEADER);
			if (result == MembershipChangeResult.STARTED) {
				logger.info("Raft member '" + this.root.nodeId() + "' " + (change.add() ? "adds '" : "removes '")
						+ change.member() + "' " + (change.add() ? "to" : "from") + " group '" + entry.getKey()
						+ "', as the default group did");
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("Raft member '" + this.root.nodeId() + "' cannot yet " + (change.add() ? "add '" : "remove '")
						+ change.member() + "' in group '" + entry.getKey() + "': " + result);
			}
		}
	}

	/**
	 * The next change that brings a group's members closer to the default group's: first add a
	 * voter the group lacks (a learner of the group is left to its promotion), then remove a member
	 * the default group does not have.
	 * @param target the default group's settled configuration
	 * @param current the group's settled configuration
	 * @return the change, or {@code null} if the group has the same voters
	 */
	static @Nullable Change nextChange(Membership target, Membership current) {
		for (String voter : target.voters()) {
			if (!current.members().contains(voter) && target.addresses().get(voter) != null) {
				return new Change(voter, true);
			}
		}
		for (String member : current.members()) {
			if (!target.voters().contains(member) && !current.isLearner(member)) {
				return new Change(member, false);
			}
		}
		for (String member : current.members()) {
			if (!target.members().contains(member)) {
				return new Change(member, false);
			}
		}
		return null;
	}

	/** A change of one member of a group: added if {@code add}, else removed. */
	record Change(String member, boolean add) {
	}

	// Balance

	private void balance() {
		LeaderBalance deciding = this.balance;
		CoreLoop own = this.root.loop();
		RaftNode defaultNode = (own != null) ? own.nodeHere() : null;
		Membership members = (defaultNode != null) ? defaultNode.membership() : null;
		if (deciding == null || members == null) {
			return;
		}
		String self = this.root.nodeId();
		Map<String, @Nullable String> leaders = new LinkedHashMap<>();
		Map<String, CoreLoop> loops = new HashMap<>();
		collect(RaftLeadership.DEFAULT_GROUP, own, leaders, loops);
		this.root.otherGroups().forEach((name, server) -> collect(name, server.loop(), leaders, loops));
		Set<String> inTouch = new HashSet<>(this.root.inTouch(members.voters()));
		inTouch.add(self);
		LeaderBalance.Move move = deciding.next(
				new LeaderBalance.View(self, members.voters(), leaders, inTouch, this.settings.preferredLeaders()),
				this.nanoClock.getAsLong());
		if (move == null) {
			return;
		}
		CoreLoop loop = loops.get(move.group());
		if (loop == null) {
			return;
		}
		TransferResult result = loop.callHere((node, at) -> node.transferLeadership(move.target(), at),
				TransferResult.NOT_LEADER);
		String preferred = this.settings.preferredLeaders().get(move.group());
		logger.info("Raft member '" + self + "' hands group '" + move.group() + "' to '" + move.target() + "' ("
				+ (move.target().equals(preferred) ? "its preferred leader" : "to spread the leaders across the members")
				+ "): " + result);
	}

	private static void collect(String group, @Nullable CoreLoop loop, Map<String, @Nullable String> leaders,
			Map<String, CoreLoop> loops) {
		RaftNode node = (loop != null) ? loop.nodeHere() : null;
		if (node == null) {
			leaders.put(group, null);
			return;
		}
		leaders.put(group, node.leaderId());
		loops.put(group, Objects.requireNonNull(loop));
	}

	/**
	 * How the groups are coordinated.
	 *
	 * @param preferredLeaders a preferred leader per group, by member id
	 * @param balanceDelay how long to wait before each move, or {@code null} for no moves at all
	 */
	record Settings(Map<String, String> preferredLeaders, @Nullable Duration balanceDelay) {

		static final Settings NONE = new Settings(Map.of(), null);

	}

}
