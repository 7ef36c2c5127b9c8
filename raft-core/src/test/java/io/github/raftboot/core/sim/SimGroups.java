package io.github.raftboot.core.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.LeaderBalance;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.Ready;
import io.github.raftboot.core.Role;
import io.github.raftboot.core.TransferResult;
import org.jspecify.annotations.Nullable;

/**
 * Several election groups run by the same members, as replicas with {@code raft.groups} run
 * them: one {@link SimCluster} per group, all on one virtual clock, and every fault applied to a
 * member hits all its groups at once (a crash, a pause of the whole process, a cut link between
 * two members). Each group's own {@link SafetyChecker} checks it after every event.
 *
 * <p>Like the driver, each member can run a {@link LeaderBalance} every heartbeat interval on
 * what it sees: the leader its node of each group knows, and the members it handled a message
 * from (in any group) within the minimum election timeout. It starts the transfer the balancer
 * answers. It can also send the heartbeat rounds of all the groups it leads together: when one
 * of its nodes sends AppendEntries as leader, the others are offered to send their next round
 * early ({@link io.github.raftboot.core.RaftNode#tickEarly(long, long)}).
 *
 * <p>Every member's node of each group has its own clock offset and rate, within the drift
 * bound, as if each group ran on a machine of its own: that only makes the clocks more varied
 * than one process's would be.
 */
final class SimGroups {

	static final String DEFAULT_GROUP = "default";

	private final Map<String, SimCluster> groups = new LinkedHashMap<>();

	private final List<String> members;

	private final long heartbeatNanos;

	private final long inTouchNanos;

	private final long balanceDelayNanos;

	private final Map<String, LeaderBalance> balancers = new TreeMap<>();

	/** Member → peer → when it last handled a message from that peer, in virtual time. */
	private final Map<String, Map<String, Long>> lastHeard = new HashMap<>();

	private final Map<String, String> preferred = new TreeMap<>();

	private final List<Moved> moves = new ArrayList<>();

	private final List<Consumer<Moved>> moveListeners = new ArrayList<>();

	private boolean balancing;

	private boolean coalescing;

	private boolean pulling;

	private @Nullable Duration firstCampaignHold;

	private long nextBalanceAt;

	private long now;

	/**
	 * Starts {@code groupCount} groups (the default one and {@code g2}, {@code g3}, …) of
	 * {@code size} members each ({@code n1}, {@code n2}, …), with balancing and coalescing off.
	 * @param timing the timing every group runs with
	 * @param balanceDelay the members' {@link LeaderBalance} delay
	 * @param replay how to replay a failure, for its message
	 */
	SimGroups(long seed, int size, int groupCount, ChaosSchedule.Timing timing, Duration balanceDelay,
			String replay) {
		for (int i = 0; i < groupCount; i++) {
			String name = (i == 0) ? DEFAULT_GROUP : "g" + (i + 1);
			SimCluster cluster = SimCluster.create(seed * 1_000_003L + i, size, 0.04, timing::apply);
			cluster.replay(replay + " (group " + name + ")");
			cluster.onMessageHandled(this::heard);
			cluster.onReady((id, ready) -> coalesce(name, id, ready));
			this.groups.put(name, cluster);
		}
		this.members = this.groups.get(DEFAULT_GROUP).ids();
		this.heartbeatNanos = timing.heartbeat().toNanos();
		this.inTouchNanos = timing.min().toNanos();
		this.balanceDelayNanos = balanceDelay.toNanos();
		for (String member : this.members) {
			this.balancers.put(member, new LeaderBalance(this.balanceDelayNanos));
			this.lastHeard.put(member, new HashMap<>());
		}
	}

	// Settings

	/** Turns the members' balancers on or off. */
	SimGroups balancing(boolean on) {
		if (on && !this.balancing) {
			this.nextBalanceAt = this.now + this.heartbeatNanos;
		}
		this.balancing = on;
		return this;
	}

	/** Turns sending the heartbeat rounds of all the groups a member leads together on or off. */
	SimGroups coalescing(boolean on) {
		this.coalescing = on;
		return this;
	}

	/**
	 * Makes every member, now and whenever it restarts, hold back its elections for {@code hold}
	 * in each group but the default one whose first campaigner it is not, as the driver does
	 * ({@link LeaderBalance#firstCampaigners}, {@link io.github.raftboot.core.RaftNode#holdElections}).
	 */
	SimGroups firstCampaigns(Duration hold) {
		this.firstCampaignHold = hold;
		this.members.forEach(this::holdFirstCampaigns);
		return this;
	}

	/** Each group's first campaigner at a cold start, as every member computes it. */
	Map<String, String> firstCampaigners() {
		Set<String> others = new TreeSet<>(this.groups.keySet());
		others.remove(DEFAULT_GROUP);
		return LeaderBalance.firstCampaigners(others, this.members, this.preferred);
	}

	private void holdFirstCampaigns(String member) {
		Duration hold = this.firstCampaignHold;
		if (hold == null) {
			return;
		}
		firstCampaigners().forEach((group, first) -> {
			if (!first.equals(member)) {
				this.groups.get(group).holdElections(member, hold);
			}
		});
	}

	/** Makes {@code member} the preferred member of {@code group}. */
	SimGroups prefer(String group, String member) {
		this.preferred.put(group, member);
		return this;
	}

	SimGroups network(Duration maxDelay, double lossRate, double duplicateRate, double longDelayRate,
			double crashWhilePersistingRate) {
		for (SimCluster cluster : this.groups.values()) {
			cluster.delay(Duration.ofNanos(200_000), maxDelay)
				.lossRate(lossRate)
				.duplicateRate(duplicateRate)
				.longDelays(longDelayRate, Duration.ofMillis(400))
				.crashWhilePersistingRate(crashWhilePersistingRate);
		}
		return this;
	}

	SimGroups lossRate(double lossRate) {
		this.groups.values().forEach((cluster) -> cluster.lossRate(lossRate));
		return this;
	}

	/** Every transfer a balancer started, in order. */
	void onMove(Consumer<Moved> listener) {
		this.moveListeners.add(listener);
	}

	// Faults: each hits every group of the member at once

	void crash(String id) {
		this.groups.values().forEach((cluster) -> cluster.crash(id));
	}

	/** Starts a crashed member again: every group, and a new balancer, as a restarted replica has. */
	void restart(String id) {
		if (isUp(id)) {
			// Up in the default group; any other group whose node crashed on its own restarts alone.
			this.groups.values().forEach((cluster) -> cluster.restart(id));
			return;
		}
		this.groups.values().forEach((cluster) -> cluster.restart(id));
		this.balancers.put(id, new LeaderBalance(this.balanceDelayNanos));
		this.lastHeard.get(id).clear();
		holdFirstCampaigns(id);
	}

	void pause(String id, Duration duration) {
		this.groups.values().forEach((cluster) -> cluster.pause(id, duration));
	}

	void endPauses() {
		this.groups.values().forEach(SimCluster::endPauses);
	}

	void isolate(String id) {
		this.groups.values().forEach((cluster) -> cluster.isolate(id));
	}

	void cutOneWay(String from, String to) {
		this.groups.values().forEach((cluster) -> cluster.cutOneWay(from, to));
	}

	void partition(List<Set<String>> sides) {
		this.groups.values().forEach((cluster) -> cluster.partition(sides));
	}

	void healNetwork() {
		this.groups.values().forEach(SimCluster::healNetwork);
	}

	/**
	 * Hands every group {@code id} leads to its best peer, as a replica that shuts down does.
	 * @return group → the target chosen, for the groups whose transfer started
	 */
	Map<String, String> handOverAll(String id) {
		Map<String, String> targets = new TreeMap<>();
		this.groups.forEach((name, cluster) -> {
			if (cluster.isUp(id) && cluster.status(id).role() == Role.LEADER) {
				String target = cluster.transferToBest(id);
				if (target != null) {
					targets.put(name, target);
				}
			}
		});
		return targets;
	}

	/** Asks the leader {@code id} of {@code group} to hand it to {@code target}. */
	TransferResult transfer(String group, String id, String target) {
		return this.groups.get(group).transfer(id, target);
	}

	// Running

	void runFor(Duration duration) {
		runUntil(() -> false, duration);
	}

	/**
	 * Runs every group, event by event in virtual-time order, and the balancers, until
	 * {@code condition} holds (checked after every event) or {@code timeout} passes.
	 * @return whether the condition held
	 */
	boolean runUntil(BooleanSupplier condition, Duration timeout) {
		long deadline = this.now + timeout.toNanos();
		if (condition.getAsBoolean()) {
			return true;
		}
		while (true) {
			SimCluster first = null;
			long next = Long.MAX_VALUE;
			for (SimCluster cluster : this.groups.values()) {
				if (cluster.nextEventNanos() < next) {
					next = cluster.nextEventNanos();
					first = cluster;
				}
			}
			boolean balance = this.balancing && this.nextBalanceAt <= next;
			if (balance) {
				next = this.nextBalanceAt;
			}
			if (next > deadline) {
				break;
			}
			advanceClocks(next);
			if (balance) {
				balance();
				this.nextBalanceAt += this.heartbeatNanos;
			}
			else {
				first.runFor(Duration.ZERO);
			}
			if (condition.getAsBoolean()) {
				return true;
			}
		}
		advanceClocks(deadline);
		return condition.getAsBoolean();
	}

	private void advanceClocks(long time) {
		this.now = time;
		for (SimCluster cluster : this.groups.values()) {
			cluster.advanceClock(time);
		}
	}

	private void heard(Message message) {
		Map<String, Long> heard = this.lastHeard.get(message.to());
		if (heard != null) {
			heard.put(message.from(), this.now);
		}
	}

	/** When one of a member's nodes sends as leader, offers its other leading nodes to send their next round now. */
	private void coalesce(String group, String id, Ready ready) {
		if (!this.coalescing || this.pulling || ready.status().role() != Role.LEADER
				|| ready.messages().stream().noneMatch(AppendEntries.class::isInstance)) {
			return;
		}
		this.pulling = true;
		try {
			this.groups.forEach((name, cluster) -> {
				if (!name.equals(group) && cluster.isUp(id)) {
					cluster.tickEarly(id, this.heartbeatNanos / 2);
				}
			});
		}
		finally {
			this.pulling = false;
		}
	}

	/** Every member that is up and running runs its balancer on what it sees, and starts the move it answers. */
	private void balance() {
		for (String member : this.members) {
			SimCluster anyGroup = this.groups.get(DEFAULT_GROUP);
			if (!anyGroup.isUp(member) || anyGroup.isPaused(member)) {
				continue;
			}
			LeaderBalance.Move move = this.balancers.get(member).next(view(member), this.now);
			if (move != null) {
				TransferResult result = this.groups.get(move.group()).transfer(member, move.target());
				Moved moved = new Moved(move.group(), member, move.target(), this.now, result);
				this.moves.add(moved);
				this.moveListeners.forEach((listener) -> listener.accept(moved));
			}
		}
	}

	private LeaderBalance.View view(String member) {
		Map<String, @Nullable String> leaders = new TreeMap<>();
		this.groups.forEach(
				(name, cluster) -> leaders.put(name, cluster.isUp(member) ? cluster.status(member).leaderId() : null));
		Set<String> inTouch = new TreeSet<>();
		this.lastHeard.get(member).forEach((peer, at) -> {
			if (this.now - at < this.inTouchNanos) {
				inTouch.add(peer);
			}
		});
		return new LeaderBalance.View(member, new TreeSet<>(this.members), leaders, inTouch, this.preferred);
	}

	// State

	List<String> members() {
		return this.members;
	}

	Set<String> groupNames() {
		return this.groups.keySet();
	}

	SimCluster group(String name) {
		return this.groups.get(name);
	}

	boolean isUp(String id) {
		return this.groups.get(DEFAULT_GROUP).isUp(id);
	}

	long nowNanos() {
		return this.now;
	}

	/** The active leader of each group, or {@code null} for a group without one now. */
	Map<String, @Nullable String> activeLeaders() {
		Map<String, @Nullable String> leaders = new TreeMap<>();
		this.groups.forEach((name, cluster) -> leaders.put(name, cluster.activeLeader()));
		return leaders;
	}

	/** How many groups each member is the active leader of now. */
	Map<String, Integer> groupsLed() {
		Map<String, Integer> counts = new TreeMap<>();
		this.members.forEach((member) -> counts.put(member, 0));
		activeLeaders().values().forEach((leader) -> {
			if (leader != null) {
				counts.merge(leader, 1, Integer::sum);
			}
		});
		return counts;
	}

	/** {@code ceil(groups / members)}. */
	int share() {
		return (this.groups.size() + this.members.size() - 1) / this.members.size();
	}

	/** Whether every group has an active leader and no member leads more than its share. */
	boolean isBalanced() {
		return !activeLeaders().containsValue(null)
				&& groupsLed().values().stream().allMatch((count) -> count <= share());
	}

	List<Moved> moves() {
		return this.moves;
	}

	long events() {
		return this.groups.values().stream().mapToLong(SimCluster::events).sum();
	}

	long earlyRounds() {
		return this.groups.values().stream().mapToLong(SimCluster::earlyRounds).sum();
	}

	int termsWithLeader() {
		return this.groups.values().stream().mapToInt((cluster) -> cluster.checker().termsWithLeader()).sum();
	}

	/** Fails with the default group's trace, which shows every member fault too. */
	AssertionError failure(String message) {
		return this.groups.get(DEFAULT_GROUP).failure(message + "; groups led: " + groupsLed() + ", leaders "
				+ activeLeaders() + ", balancer moves " + this.moves.subList(Math.max(0, this.moves.size() - 10),
						this.moves.size()));
	}

	/**
	 * A transfer a member's balancer started.
	 *
	 * @param result what the group's leader answered
	 */
	record Moved(String group, String from, String to, long atNanos, TransferResult result) {
	}

}
