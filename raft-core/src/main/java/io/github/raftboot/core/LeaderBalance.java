package io.github.raftboot.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

/**
 * Decides, for one replica that runs several election groups, which group it should hand to
 * which member so that leadership spreads over the members: a pure, deterministic state machine
 * that reads no clock; the driver feeds it what the replica sees and the time, and starts the
 * leadership transfer it answers.
 *
 * <p>A replica only ever moves a group it leads itself, by a leadership transfer, and makes at
 * most one move per {@code delay}. The rules, in order:
 * <ol>
 * <li><b>Preferred member.</b> A group this replica leads whose preferred member ({@link View#preferred()})
 * is another voter that has been continuously in touch for at least {@code delay} moves to that
 * member (groups in name order).</li>
 * <li><b>Balance.</b> With more than one group, each voter's share is {@code ceil(groups / voters)}.
 * A replica that has led more than its share continuously for at least {@code delay} moves one
 * group to the voter in touch for at least {@code delay} that leads the fewest groups (ties: the
 * smallest id), only if that voter leads fewer than its share: a move never just shifts the
 * surplus to another member. It never moves a group whose preferred member is itself; among the
 * others it picks one whose preferred member is the target, else the one with the greatest name.</li>
 * <li><b>Hysteresis.</b> After a move, nothing for at least {@code delay}, and the time over the
 * share counts again from the move: the views take a while to show where the group went. A
 * member that drops out of touch counts its time in touch from scratch once it is back, so that
 * a replica that restarts gets groups only once it has been back for {@code delay}; a replica
 * that stops being over its share counts from scratch the next time it is.</li>
 * </ol>
 * A replica that is not a voter moves nothing. Who leads a group and who is in touch is what the
 * replica itself knows, possibly stale: two replicas may move a group each to the same member at
 * once, which then leads more than its share and, after {@code delay}, moves one on; the moves
 * still settle, since each one goes from a member over its share to one under it.
 *
 * <p>Not thread-safe: one thread owns it, as it owns the replica's nodes.
 */
public final class LeaderBalance {

	private final long delayNanos;

	/** Since when each member has been in touch without a break. */
	private final Map<String, Long> inTouchSince = new TreeMap<>();

	private boolean overShare;

	private long overShareSince;

	private boolean moved;

	private long movedAt;

	/**
	 * Creates a balancer.
	 * @param delayNanos how long a member must be in touch, and this replica over its share,
	 * before a move, and how long this replica waits after one; not negative. Make it well above
	 * the maximum election timeout: a transfer takes up to the minimum election timeout to end,
	 * and the views must show its outcome before the next move is decided
	 * @throws IllegalArgumentException if {@code delayNanos} is negative
	 */
	public LeaderBalance(long delayNanos) {
		if (delayNanos < 0) {
			throw new IllegalArgumentException("delayNanos must not be negative: " + delayNanos);
		}
		this.delayNanos = delayNanos;
	}

	/**
	 * Which member campaigns first in each group at a cold start, so that the groups need not
	 * compete for every member at once and their leaders are spread from the start (a driver holds
	 * the others' elections back a while, see {@link RaftNode#holdElections(long, long)}): a group's
	 * preferred member if it is one of the voters, else the voters in id order, taken in turn by
	 * the groups in name order, from the second voter on (the group left out, the default one,
	 * elects openly, and its leader may be the first). Every member that runs the same groups with
	 * the same voters gets the same answer; one that sees other voters or groups only makes some
	 * groups campaign as they would without.
	 * @param groups the groups that get a first campaigner, in any order
	 * @param voters the voters
	 * @param preferred a preferred member per group, by id; may name other groups and non-voters
	 * @return group to member, for every one of {@code groups} if there are voters, in name order
	 */
	public static Map<String, String> firstCampaigners(Collection<String> groups, Collection<String> voters,
			Map<String, String> preferred) {
		List<String> inTurn = new ArrayList<>(new TreeSet<>(voters));
		Map<String, String> first = new TreeMap<>();
		if (inTurn.isEmpty()) {
			return first;
		}
		int turn = 1;
		for (String group : new TreeSet<>(groups)) {
			String member = preferred.get(group);
			if (member == null || !inTurn.contains(member)) {
				member = inTurn.get(turn % inTurn.size());
				turn++;
			}
			first.put(group, member);
		}
		return first;
	}

	/**
	 * Takes in what the replica {@link View#self()} sees now and answers the one move it should
	 * make now. Call it regularly (every heartbeat interval, say): the rules count how long things
	 * have lasted from the views they were given.
	 * @param view what the replica sees now
	 * @param nowNanos the current time on the replica's monotonic clock
	 * @return the group to hand over and to whom, or {@code null} if none should move now
	 */
	public @Nullable Move next(View view, long nowNanos) {
		Objects.requireNonNull(view, "view");
		trackInTouch(view, nowNanos);
		if (!view.voters().contains(view.self())) {
			this.overShare = false;
			return null;
		}
		Set<String> led = new TreeSet<>();
		for (Map.Entry<String, @Nullable String> entry : view.leaders().entrySet()) {
			if (view.self().equals(entry.getValue())) {
				led.add(entry.getKey());
			}
		}
		int groups = view.leaders().size();
		int share = (groups + view.voters().size() - 1) / view.voters().size();
		boolean over = groups > 1 && led.size() > share;
		if (over && !this.overShare) {
			this.overShareSince = nowNanos;
		}
		this.overShare = over;
		if (this.moved && nowNanos - this.movedAt < this.delayNanos) {
			return null;
		}
		Move move = preferredMove(view, led, nowNanos);
		if (move == null && over && nowNanos - this.overShareSince >= this.delayNanos) {
			move = balancingMove(view, led, share, nowNanos);
		}
		if (move != null) {
			this.moved = true;
			this.movedAt = nowNanos;
			this.overShareSince = nowNanos;
		}
		return move;
	}

	private void trackInTouch(View view, long now) {
		this.inTouchSince.keySet().retainAll(view.inTouch());
		for (String member : view.inTouch()) {
			this.inTouchSince.putIfAbsent(member, now);
		}
	}

	/** Whether {@code member}, another voter, has been in touch for at least the delay. */
	private boolean settledPeer(View view, String member, long now) {
		Long since = this.inTouchSince.get(member);
		return !member.equals(view.self()) && view.voters().contains(member) && since != null
				&& now - since >= this.delayNanos;
	}

	private @Nullable Move preferredMove(View view, Set<String> led, long now) {
		for (String group : led) {
			String preferred = view.preferred().get(group);
			if (preferred != null && settledPeer(view, preferred, now)) {
				return new Move(group, preferred);
			}
		}
		return null;
	}

	private @Nullable Move balancingMove(View view, Set<String> led, int share, long now) {
		Map<String, Integer> counts = new TreeMap<>();
		for (String voter : view.voters()) {
			counts.put(voter, 0);
		}
		for (String leader : view.leaders().values()) {
			if (leader != null && counts.containsKey(leader)) {
				counts.merge(leader, 1, Integer::sum);
			}
		}
		String target = null;
		for (Map.Entry<String, Integer> voter : counts.entrySet()) {
			// In id order, so that the first of equals stays chosen.
			if (voter.getValue() < share && settledPeer(view, voter.getKey(), now)
					&& (target == null || voter.getValue() < counts.get(target))) {
				target = voter.getKey();
			}
		}
		if (target == null) {
			return null;
		}
		String group = null;
		for (String candidate : led) {
			String preferred = view.preferred().get(candidate);
			if (view.self().equals(preferred)) {
				continue;
			}
			if (target.equals(preferred)) {
				return new Move(candidate, target);
			}
			group = candidate;
		}
		return (group != null) ? new Move(group, target) : null;
	}

	/**
	 * What one replica sees at one instant.
	 *
	 * @param self the replica
	 * @param voters the voters of the cluster, {@code self} included if it votes
	 * @param leaders every group, the default one included, and the leader {@code self} knows of
	 * in it, or {@code null} if it knows none
	 * @param inTouch the members {@code self} heard from recently, itself included
	 * @param preferred the preferred member of each group that has one
	 */
	public record View(String self, Set<String> voters, Map<String, @Nullable String> leaders, Set<String> inTouch,
			Map<String, String> preferred) {

		/**
		 * Copies every collection, sorted, so that a view decides the same whatever order it was
		 * built in.
		 * @throws IllegalArgumentException if there are no voters
		 */
		public View {
			Objects.requireNonNull(self, "self");
			voters = Collections.unmodifiableSet(new TreeSet<>(voters));
			if (voters.isEmpty()) {
				throw new IllegalArgumentException("A view needs at least one voter");
			}
			leaders = Collections.unmodifiableMap(new TreeMap<>(leaders));
			Set<String> touched = new TreeSet<>(inTouch);
			touched.add(self);
			inTouch = Collections.unmodifiableSet(touched);
			preferred = Collections.unmodifiableMap(new TreeMap<>(preferred));
		}

		/** A view without preferred members. */
		public View(String self, Set<String> voters, Map<String, @Nullable String> leaders, Set<String> inTouch) {
			this(self, voters, leaders, inTouch, Map.of());
		}

	}

	/**
	 * A leadership transfer to start.
	 *
	 * @param group the group whose leadership moves
	 * @param target the member to hand it to
	 */
	public record Move(String group, String target) {
	}

}
