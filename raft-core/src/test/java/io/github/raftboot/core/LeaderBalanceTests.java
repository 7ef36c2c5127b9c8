package io.github.raftboot.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.github.raftboot.core.LeaderBalance.Move;
import io.github.raftboot.core.LeaderBalance.View;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.entry;

/**
 * The rules by which a replica that runs several election groups hands groups it leads to other
 * members ({@link LeaderBalance}), one per test, and the whole of them on simulated replicas.
 */
class LeaderBalanceTests {

	private static final long SECOND = 1_000_000_000L;

	private static final long DELAY = 5 * SECOND;

	/** An arbitrary start on a monotonic clock, close to wrapping. */
	private static final long T0 = Long.MAX_VALUE - 7 * SECOND;

	private static final Set<String> ABC = Set.of("a", "b", "c");

	@Nested
	@DisplayName("First campaigners at a cold start")
	class FirstCampaigners {

		@Test
		void groupsTakeTheVotersInTurnInNameOrderFromTheSecondVoterOn() {
			assertThat(LeaderBalance.firstCampaigners(List.of("g4", "g2", "g3", "g1"), List.of("c", "a", "b"), Map.of()))
				.containsExactly(entry("g1", "b"), entry("g2", "c"), entry("g3", "a"), entry("g4", "b"));
		}

		@Test
		void everyVoterCampaignsFirstInAsManyGroupsAsAnyOtherGivenOrTakenOne() {
			List<String> groups = new ArrayList<>();
			for (int i = 1; i < 50; i++) {
				groups.add("g" + i);
			}
			Map<String, Long> counts = LeaderBalance
				.firstCampaigners(groups, List.of("n1", "n2", "n3", "n4", "n5"), Map.of())
				.values()
				.stream()
				.collect(Collectors.groupingBy((member) -> member, Collectors.counting()));
			// The default group elects openly: with its leader, every member leads ceil(50 / 5).
			assertThat(counts).containsOnlyKeys("n1", "n2", "n3", "n4", "n5");
			assertThat(counts.values()).allSatisfy((count) -> assertThat(count).isBetween(9L, 10L));
			assertThat(counts.get("n1")).isEqualTo(9);
		}

		@Test
		void aPreferredVoterCampaignsFirstInItsGroupAndAPreferredNonVoterIsPassedOver() {
			assertThat(LeaderBalance.firstCampaigners(List.of("g1", "g2", "g3"), ABC, Map.of("g1", "a", "g2", "x")))
				.containsExactly(entry("g1", "a"), entry("g2", "b"), entry("g3", "c"));
		}

		@Test
		void anyOrderOfTheSameGroupsAndVotersGivesTheSameAnswerAndNoVotersNone() {
			Map<String, String> one = LeaderBalance.firstCampaigners(List.of("x", "y", "z"), List.of("b", "a"), Map.of());
			Map<String, String> other = LeaderBalance.firstCampaigners(Set.of("z", "x", "y"), Set.of("a", "b"), Map.of());
			assertThat(one).isEqualTo(other);
			assertThat(LeaderBalance.firstCampaigners(List.of("x"), List.of(), Map.of())).isEmpty();
		}

	}

	@Nested
	@DisplayName("Preferred members")
	class Preferred {

		@Test
		void groupMovesToItsPreferredMemberOnceThatMemberHasBeenInTouchForTheDelay() {
			LeaderBalance balance = new LeaderBalance(DELAY);
			View view = new View("a", ABC, leaders("g", "a"), ABC, Map.of("g", "b"));
			assertThat(balance.next(view, T0)).isNull();
			assertThat(balance.next(view, T0 + DELAY - 1)).isNull();
			assertThat(balance.next(view, T0 + DELAY)).isEqualTo(new Move("g", "b"));
		}

		@Test
		void preferredMemberThatDropsOutOfTouchCountsItsTimeInTouchAgainFromItsReturn() {
			LeaderBalance balance = new LeaderBalance(DELAY);
			Map<String, String> preferred = Map.of("g", "b");
			assertThat(balance.next(new View("a", ABC, leaders("g", "a"), ABC, preferred), T0)).isNull();
			assertThat(balance.next(new View("a", ABC, leaders("g", "a"), Set.of("a", "c"), preferred), T0 + SECOND))
				.isNull();
			View back = new View("a", ABC, leaders("g", "a"), ABC, preferred);
			assertThat(balance.next(back, T0 + 2 * SECOND)).isNull();
			assertThat(balance.next(back, T0 + DELAY)).as("in touch since T0 but not without a break").isNull();
			assertThat(balance.next(back, T0 + 2 * SECOND + DELAY)).isEqualTo(new Move("g", "b"));
		}

		@Test
		void groupStaysWhenItsPreferredMemberIsItsLeaderIsNoVoterOrWhenAnotherMemberLeadsIt() {
			LeaderBalance balance = new LeaderBalance(DELAY);
			Set<String> inTouch = Set.of("a", "b", "c", "x");
			// a leads its share (two of four groups), so only preferred members could move anything.
			View view = new View("a", ABC, leaders("g1", "a", "g2", "a", "g3", "b", "g4", "c"), inTouch,
					Map.of("g1", "a", "g2", "x", "g3", "c"));
			balance.next(view, T0);
			assertThat(balance.next(view, T0 + DELAY)).isNull();
			assertThat(balance.next(view, T0 + 10 * DELAY)).isNull();
		}

		@Test
		void preferredMovesComeInGroupNameOrderOnePerDelay() {
			LeaderBalance balance = new LeaderBalance(DELAY);
			View view = new View("a", ABC, leaders("g2", "a", "g1", "a"), ABC, Map.of("g1", "c", "g2", "b"));
			balance.next(view, T0);
			assertThat(balance.next(view, T0 + DELAY)).isEqualTo(new Move("g1", "c"));
			View moved = new View("a", ABC, leaders("g2", "a", "g1", "c"), ABC, Map.of("g1", "c", "g2", "b"));
			assertThat(balance.next(moved, T0 + 2 * DELAY - 1)).isNull();
			assertThat(balance.next(moved, T0 + 2 * DELAY)).isEqualTo(new Move("g2", "b"));
		}

		@Test
		void preferredMemberAppliesToASingleGroupAndToAReplicaWithinItsShare() {
			LeaderBalance balance = new LeaderBalance(DELAY);
			View view = new View("a", ABC, leaders("g1", "a", "g2", "b", "g3", "c"), ABC, Map.of("g1", "c"));
			balance.next(view, T0);
			assertThat(balance.next(view, T0 + DELAY)).isEqualTo(new Move("g1", "c"));
		}

	}

	@Nested
	@DisplayName("Balance")
	class Balance {

		@Test
		void replicaOverItsShareForTheDelayMovesItsGreatestGroupToTheSmallestIdAmongTheLeastLoaded() {
			LeaderBalance balance = new LeaderBalance(DELAY);
			View view = new View("a", ABC, leaders("g1", "a", "g2", "a", "g3", "a", "g4", "a"), ABC);
			assertThat(balance.next(view, T0)).isNull();
			assertThat(balance.next(view, T0 + DELAY - 1)).isNull();
			assertThat(balance.next(view, T0 + DELAY)).isEqualTo(new Move("g4", "b"));
		}

		@Test
		void targetIsTheSettledVoterThatLeadsFewestGroups() {
			LeaderBalance balance = new LeaderBalance(DELAY);
			View view = new View("a", ABC, leaders("g1", "a", "g2", "a", "g3", "a", "g4", "b"), ABC);
			balance.next(view, T0);
			assertThat(balance.next(view, T0 + DELAY)).isEqualTo(new Move("g3", "c"));
		}

		@Test
		void replicaWithinItsShareMovesNothing() {
			LeaderBalance balance = new LeaderBalance(DELAY);
			View view = new View("a", ABC, leaders("g1", "a", "g2", "a", "g3", "b", "g4", "b"), ABC);
			for (long t = T0; t - (T0 + 3 * DELAY) < 0; t += SECOND) {
				assertThat(balance.next(view, t)).isNull();
			}
		}

		@Test
		void surplusIsNeverJustShiftedToAMemberThatLeadsItsShareAlready() {
			LeaderBalance balance = new LeaderBalance(DELAY);
			// Share 1: a leads 2, b leads 1 and c, which leads none, is out of touch.
			View view = new View("a", ABC, leaders("g1", "a", "g2", "a", "g3", "b"), Set.of("a", "b"));
			for (long t = T0; t - (T0 + 3 * DELAY) < 0; t += SECOND) {
				assertThat(balance.next(view, t)).isNull();
			}
		}

		@Test
		void memberMustBeInTouchForTheDelayBeforeItGetsAGroup() {
			LeaderBalance balance = new LeaderBalance(DELAY);
			Map<String, @Nullable String> leaders = leaders("g1", "a", "g2", "a", "g3", "b");
			assertThat(balance.next(new View("a", ABC, leaders, Set.of("a", "b")), T0)).isNull();
			View back = new View("a", ABC, leaders, ABC);
			assertThat(balance.next(back, T0 + 3 * SECOND)).isNull();
			assertThat(balance.next(back, T0 + 3 * SECOND + DELAY - 1)).isNull();
			assertThat(balance.next(back, T0 + 3 * SECOND + DELAY)).isEqualTo(new Move("g2", "c"));
		}

		@Test
		void groupWhosePreferredMemberIsTheReplicaItselfNeverMoves() {
			LeaderBalance balance = new LeaderBalance(DELAY);
			Map<String, String> preferred = Map.of("g1", "a", "g2", "a", "g3", "a");
			View view = new View("a", ABC, leaders("g1", "a", "g2", "a", "g3", "a"), ABC, preferred);
			balance.next(view, T0);
			assertThat(balance.next(view, T0 + DELAY)).isNull();
			assertThat(balance.next(view, T0 + 3 * DELAY)).isNull();
			View oneFree = new View("a", ABC, leaders("g1", "a", "g2", "a", "g3", "a"), ABC, Map.of("g1", "a"));
			assertThat(balance.next(oneFree, T0 + 4 * DELAY)).isEqualTo(new Move("g3", "b"));
		}

		@Test
		void groupWhosePreferredMemberIsTheTargetGoesFirst() {
			LeaderBalance balance = new LeaderBalance(DELAY);
			// c is b's preferred member too, but b is out of touch: only c can be the target.
			View view = new View("a", ABC, leaders("g1", "a", "g2", "a", "g3", "a"), Set.of("a", "c"),
					Map.of("g1", "b"));
			balance.next(view, T0);
			assertThat(balance.next(view, T0 + DELAY)).isEqualTo(new Move("g3", "c"));
			LeaderBalance other = new LeaderBalance(DELAY);
			View preferringC = new View("a", ABC, leaders("g1", "a", "g2", "a", "g3", "a"), Set.of("a", "c"),
					Map.of("g1", "c", "g2", "b"));
			other.next(preferringC, T0);
			assertThat(other.next(preferringC, T0 + DELAY)).as("preferred rule").isEqualTo(new Move("g1", "c"));
		}

		@Test
		void tiesBetweenEquallyLoadedTargetsGoToTheSmallestId() {
			LeaderBalance balance = new LeaderBalance(DELAY);
			Set<String> voters = Set.of("a", "d", "c", "b");
			View view = new View("a", voters, leaders("g1", "a", "g2", "a", "g3", "a", "g4", "d", "g5", "c"), voters);
			balance.next(view, T0);
			assertThat(balance.next(view, T0 + DELAY)).isEqualTo(new Move("g3", "b"));
		}

		@Test
		void fewerGroupsThanVotersGetOneLeaderEach() {
			LeaderBalance balance = new LeaderBalance(DELAY);
			Set<String> voters = Set.of("a", "b", "c", "d", "e");
			View view = new View("a", voters, leaders("g1", "a", "g2", "a"), voters);
			balance.next(view, T0);
			assertThat(balance.next(view, T0 + DELAY)).isEqualTo(new Move("g2", "b"));
			View after = new View("a", voters, leaders("g1", "a", "g2", "b"), voters);
			for (long t = T0 + 2 * DELAY; t - (T0 + 5 * DELAY) < 0; t += SECOND) {
				assertThat(balance.next(after, t)).isNull();
			}
		}

		@Test
		void singleGroupNeverMovesWithoutAPreferredMember() {
			LeaderBalance balance = new LeaderBalance(DELAY);
			View view = new View("a", ABC, leaders("default", "a"), ABC);
			for (long t = T0; t - (T0 + 3 * DELAY) < 0; t += SECOND) {
				assertThat(balance.next(view, t)).isNull();
			}
		}

		@Test
		void soleVoterLeadsEveryGroupWithinItsShare() {
			LeaderBalance balance = new LeaderBalance(DELAY);
			View view = new View("a", Set.of("a"), leaders("g1", "a", "g2", "a", "g3", "a"), Set.of("a", "b"),
					Map.of("g1", "b"));
			for (long t = T0; t - (T0 + 3 * DELAY) < 0; t += SECOND) {
				assertThat(balance.next(view, t)).isNull();
			}
		}

		@Test
		void replicaThatIsNoVoterMovesNothing() {
			LeaderBalance balance = new LeaderBalance(DELAY);
			View view = new View("x", ABC, leaders("g1", "x", "g2", "x", "g3", "x", "g4", "x"), ABC,
					Map.of("g1", "b"));
			for (long t = T0; t - (T0 + 3 * DELAY) < 0; t += SECOND) {
				assertThat(balance.next(view, t)).isNull();
			}
		}

		@Test
		void groupsWithoutAKnownLeaderCountForTheShareOnly() {
			LeaderBalance balance = new LeaderBalance(DELAY);
			// Six groups, share 2: a leads 3, the others' leaders are unknown.
			Map<String, @Nullable String> leaders = leaders("g1", "a", "g2", "a", "g3", "a");
			leaders.put("g4", null);
			leaders.put("g5", null);
			leaders.put("g6", null);
			View view = new View("a", ABC, leaders, ABC);
			balance.next(view, T0);
			assertThat(balance.next(view, T0 + DELAY)).isEqualTo(new Move("g3", "b"));
		}

	}

	@Nested
	@DisplayName("Hysteresis")
	class Hysteresis {

		@Test
		void afterAMoveNothingMovesForTheDelayEvenWhileTheViewStillShowsTheOldLeader() {
			LeaderBalance balance = new LeaderBalance(DELAY);
			View view = new View("a", ABC, leaders("g1", "a", "g2", "a", "g3", "a", "g4", "a", "g5", "a"), ABC);
			balance.next(view, T0);
			assertThat(balance.next(view, T0 + DELAY)).isEqualTo(new Move("g5", "b"));
			for (long t = T0 + DELAY + 1; t - (T0 + 2 * DELAY) < 0; t += SECOND / 10) {
				assertThat(balance.next(view, t)).isNull();
			}
			assertThat(balance.next(view, T0 + 2 * DELAY)).as("the view never changed").isEqualTo(new Move("g5", "b"));
		}

		@Test
		void overShareClockRestartsWhenTheReplicaIsWithinItsShareForAWhile() {
			LeaderBalance balance = new LeaderBalance(DELAY);
			View over = new View("a", ABC, leaders("g1", "a", "g2", "a", "g3", "a", "g4", "b"), ABC);
			View within = new View("a", ABC, leaders("g1", "a", "g2", "a", "g3", "b", "g4", "b"), ABC);
			balance.next(over, T0);
			balance.next(within, T0 + 2 * SECOND);
			assertThat(balance.next(over, T0 + 3 * SECOND)).isNull();
			assertThat(balance.next(over, T0 + DELAY)).isNull();
			assertThat(balance.next(over, T0 + 3 * SECOND + DELAY - 1)).isNull();
			assertThat(balance.next(over, T0 + 3 * SECOND + DELAY)).isEqualTo(new Move("g3", "c"));
		}

	}

	@Nested
	@DisplayName("Replicas that all run it")
	class Replicas {

		@Test
		void firstStartedReplicaLeadingEveryGroupSpreadsThemWithTheLeastMovesAndThenNothingMoves() {
			for (int voters = 1; voters <= 5; voters++) {
				for (int groups = 1; groups <= 9; groups++) {
					World world = new World(voters, groups, 0);
					world.run(60 * DELAY);
					int share = (groups + voters - 1) / voters;
					assertThat(world.mostLed()).as("%d voters, %d groups", voters, groups).isLessThanOrEqualTo(share);
					assertThat(world.moves).as("%d voters, %d groups", voters, groups).hasSize(groups - share);
					int moves = world.moves.size();
					world.run(60 * DELAY);
					assertThat(world.moves).as("settled").hasSize(moves);
				}
			}
		}

		@Test
		void replicasStartingWithAnyLeadersSettleWithinTheirShares() {
			for (long seed = 0; seed < 300; seed++) {
				SplittableRandom random = new SplittableRandom(seed);
				int voters = 2 + random.nextInt(4);
				int groups = 1 + random.nextInt(10);
				World world = new World(voters, groups, seed);
				world.run(100 * DELAY);
				int share = (groups + voters - 1) / voters;
				assertThat(world.mostLed()).as("seed %d", seed).isLessThanOrEqualTo(share);
				int moves = world.moves.size();
				assertThat(moves).as("seed %d: at most one move per group and member", seed)
					.isLessThanOrEqualTo(groups * voters);
				world.run(60 * DELAY);
				assertThat(world.moves).as("seed %d settled", seed).hasSize(moves);
			}
		}

		@Test
		void restartingReplicaGetsGroupsBackOnlyOnceItWasBackForTheDelayAndNothingElseMoves() {
			World world = new World(3, 6, 0);
			world.run(60 * DELAY);
			assertThat(world.counts()).isEqualTo(Map.of("r1", 2, "r2", 2, "r3", 2));
			int before = world.moves.size();
			// r3 restarts: the others stop hearing from it, and elect leaders for its groups among themselves.
			world.down("r3");
			world.run(SECOND);
			assertThat(world.counts()).containsEntry("r3", 0);
			world.run(3 * DELAY);
			assertThat(world.moves).as("nothing moves while r3 is away").hasSize(before);
			world.up("r3");
			long back = world.now;
			world.run(60 * DELAY);
			List<World.Moved> after = world.moves.subList(before, world.moves.size());
			assertThat(after).isNotEmpty().allSatisfy((moved) -> {
				assertThat(moved.move().target()).isEqualTo("r3");
				assertThat(moved.at() - back).isGreaterThanOrEqualTo(DELAY);
			});
			assertThat(after).hasSize(2);
			assertThat(world.counts()).isEqualTo(Map.of("r1", 2, "r2", 2, "r3", 2));
		}

		@Test
		void replicaThatFlapsInAndOutOfTouchGetsNothingUntilItStaysForTheDelay() {
			World world = new World(3, 6, 0);
			world.run(60 * DELAY);
			world.down("r3");
			world.run(SECOND);
			int before = world.moves.size();
			for (int i = 0; i < 10; i++) {
				world.up("r3");
				world.run(DELAY - SECOND);
				world.down("r3");
				world.run(SECOND);
			}
			assertThat(world.moves).hasSize(before);
			world.up("r3");
			world.run(60 * DELAY);
			assertThat(world.counts()).containsEntry("r3", 2);
		}

	}

	@Test
	void balancerIsDeterministicWhateverOrderTheViewIsBuiltIn() {
		Map<String, @Nullable String> forwards = new LinkedHashMap<>();
		Map<String, @Nullable String> backwards = new LinkedHashMap<>();
		for (int i = 1; i <= 6; i++) {
			forwards.put("g" + i, "a");
			backwards.put("g" + (7 - i), "a");
		}
		LeaderBalance one = new LeaderBalance(DELAY);
		LeaderBalance two = new LeaderBalance(DELAY);
		one.next(new View("a", new TreeSet<>(List.of("a", "b", "c")), forwards, ABC), T0);
		two.next(new View("a", new TreeSet<>(List.of("c", "b", "a")), backwards, Set.of("c", "b", "a")), T0);
		Move first = one.next(new View("a", ABC, forwards, ABC), T0 + DELAY);
		assertThat(first).isEqualTo(new Move("g6", "b"));
		assertThat(two.next(new View("a", ABC, backwards, ABC), T0 + DELAY)).isEqualTo(first);
	}

	@Test
	void badInputIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new LeaderBalance(-1)).withMessageContaining("delayNanos");
		assertThatIllegalArgumentException().isThrownBy(() -> new View("a", Set.of(), Map.of(), Set.of()))
			.withMessageContaining("voter");
	}

	/** Alternating group and leader. */
	private static Map<String, @Nullable String> leaders(String... groupsAndLeaders) {
		Map<String, @Nullable String> leaders = new HashMap<>();
		for (int i = 0; i < groupsAndLeaders.length; i += 2) {
			leaders.put(groupsAndLeaders[i], groupsAndLeaders[i + 1]);
		}
		return leaders;
	}

	/**
	 * Replicas that all run a balancer every 100 ms on what they see: every replica knows every
	 * leader, a transfer takes effect 300 ms after it is asked for, and replicas that are up are
	 * in touch with each other. A replica that goes down loses its groups to the first replica
	 * up and comes back with a new balancer.
	 */
	private static final class World {

		private static final long STEP = SECOND / 10;

		private static final long LAG = 3 * STEP;

		private final List<String> replicas = new ArrayList<>();

		private final Map<String, LeaderBalance> balancers = new TreeMap<>();

		private final Map<String, @Nullable String> leaders = new TreeMap<>();

		private final Set<String> down = new TreeSet<>();

		private final List<Pending> pending = new ArrayList<>();

		private final List<Moved> moves = new ArrayList<>();

		private final SplittableRandom random;

		private long now = T0;

		/** Every group led by the first replica (seed 0), or by any replica. */
		World(int voters, int groups, long seed) {
			this.random = new SplittableRandom(seed);
			for (int i = 1; i <= voters; i++) {
				this.replicas.add("r" + i);
				this.balancers.put("r" + i, new LeaderBalance(DELAY));
			}
			for (int i = 1; i <= groups; i++) {
				String leader = (seed == 0) ? "r1" : this.replicas.get(this.random.nextInt(voters));
				this.leaders.put((i == 1) ? "default" : "g" + i, leader);
			}
		}

		void run(long duration) {
			long end = this.now + duration;
			while (this.now - end < 0) {
				this.now += STEP;
				this.pending.removeIf((transfer) -> {
					if (this.now - transfer.at() < 0) {
						return false;
					}
					if (!this.down.contains(transfer.move().target())) {
						this.leaders.put(transfer.move().group(), transfer.move().target());
					}
					return true;
				});
				Set<String> up = new TreeSet<>(this.replicas);
				up.removeAll(this.down);
				for (String replica : up) {
					View view = new View(replica, new TreeSet<>(this.replicas), this.leaders, up);
					Move move = this.balancers.get(replica).next(view, this.now);
					if (move != null) {
						assertThat(this.leaders.get(move.group())).as("moves only what it leads").isEqualTo(replica);
						this.moves.add(new Moved(move, this.now));
						this.pending.add(new Pending(move, this.now + LAG));
					}
				}
			}
		}

		void down(String replica) {
			this.down.add(replica);
			List<String> up = new ArrayList<>(this.replicas);
			up.removeAll(this.down);
			// The worst case for the others: the first one up wins every election.
			this.leaders.replaceAll((group, leader) -> replica.equals(leader) ? up.get(0) : leader);
			this.balancers.put(replica, new LeaderBalance(DELAY));
		}

		void up(String replica) {
			this.down.remove(replica);
		}

		Map<String, Integer> counts() {
			Map<String, Integer> counts = new TreeMap<>();
			for (String replica : this.replicas) {
				counts.put(replica, 0);
			}
			for (String leader : this.leaders.values()) {
				if (leader != null) {
					counts.merge(leader, 1, Integer::sum);
				}
			}
			return counts;
		}

		int mostLed() {
			return counts().values().stream().mapToInt(Integer::intValue).max().orElse(0);
		}

		record Pending(Move move, long at) {
		}

		record Moved(Move move, long at) {
		}

	}

}
