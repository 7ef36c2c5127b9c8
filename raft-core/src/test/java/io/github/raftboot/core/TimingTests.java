package io.github.raftboot.core;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static io.github.raftboot.core.NodeHarness.HEARTBEAT;
import static io.github.raftboot.core.NodeHarness.LEASE;
import static io.github.raftboot.core.NodeHarness.MS;
import static io.github.raftboot.core.NodeHarness.START;
import static io.github.raftboot.core.NodeHarness.THREE;
import static io.github.raftboot.core.NodeHarness.log;
import static io.github.raftboot.core.NodeHarness.sent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Timing as cluster state: the loyalty a leader's lease rests on, timing entries in the log,
 * adaptive widening and narrowing, and pauses.
 */
class TimingTests {

	private static final Membership MEMBERS = NodeHarness.membersOf(THREE);

	private static RequestVote preVote(String from, long term) {
		return new RequestVote(from, "a", term, 10, 10, true, false);
	}

	private static boolean granted(Ready ready) {
		return sent(ready, RequestVoteResponse.class).stream().anyMatch(RequestVoteResponse::granted);
	}

	private static AppendEntries heartbeat(long term, long prev, long prevTerm, long round, long stickiness) {
		return new AppendEntries("b", "a", term, prev, prevTerm, List.of(), 0, round, null, stickiness);
	}

	@Nested
	@DisplayName("A follower stays loyal for as long as the leader's lease needs")
	class Loyalty {

		@Test
		void followerRefusesOtherCandidatesForTheStickinessTheLeaderAsksEvenBeyondItsOwnTiming() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, null, log(1, 2)));
			long heard = START + MS;
			a.step(heartbeat(2, 2, 2, 1, 400), heard);
			// 300 ms later its own 150 ms loyalty is long over, the leader's 400 ms not.
			assertThat(granted(a.step(preVote("c", 3), heard + 300 * MS))).isFalse();
			assertThat(a.node().term()).isEqualTo(2);
			assertThat(granted(a.step(preVote("c", 3), heard + 400 * MS))).isTrue();
		}

		@Test
		void followerWhoseLogDoesNotMatchStaysLoyalToo() {
			// The leader counts every answer towards its lease, a refusal of entries too.
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, null, log(1, 1)));
			long heard = START + MS;
			Ready refused = a.step(heartbeat(2, 3, 2, 1, 500), heard);
			assertThat(sent(refused, AppendEntriesResponse.class)).singleElement()
				.satisfies((answer) -> assertThat(answer.success()).isFalse());
			assertThat(refused.toPersist().stickinessMillis()).isEqualTo(500);
			assertThat(granted(a.step(preVote("c", 3), heard + 450 * MS))).isFalse();
		}

		@Test
		void followerNeverCampaignsBeforeItsLoyaltyHasRunOut() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, null, log(1, 2)));
			long heard = START + MS;
			a.step(heartbeat(2, 2, 2, 1, 1000), heard);
			assertThat(a.node().nextTickNanos()).isGreaterThanOrEqualTo(heard + 1000 * MS);
			a.tick(heard + 999 * MS);
			assertThat(a.node().role()).isEqualTo(Role.FOLLOWER);
			a.tickWhenDue();
			assertThat(a.node().role()).isEqualTo(Role.PRE_CANDIDATE);
		}

		@Test
		void longerLoyaltyIsPersistedBeforeTheAnswerThatPromisesItLeaves() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, null, log(1, 2)));
			Ready ready = a.step(heartbeat(2, 2, 2, 1, 400), START + MS);
			assertThat(ready.toPersist()).isNotNull();
			assertThat(ready.toPersist().stickinessMillis()).isEqualTo(400);
			assertThat(ready.messagesAfterPersisting()).singleElement().isInstanceOf(AppendEntriesResponse.class);
			// The same promise again needs nothing new on disk.
			assertThat(a.step(heartbeat(2, 2, 2, 2, 400), START + 50 * MS).toPersist()).isNull();
		}

		@Test
		void persistedLoyaltyShrinksOnlyOnceNoLongerPromiseCanStillRun() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, null, log(1, 2)));
			long heard = START + MS;
			a.step(heartbeat(2, 2, 2, 1, 400), heard);
			// The leader narrowed: 150 ms from now ends before the 400 ms promised a moment ago.
			assertThat(a.step(heartbeat(2, 2, 2, 2, 150), heard + 50 * MS).toPersist()).isNull();
			Ready later = a.step(heartbeat(2, 2, 2, 3, 150), heard + 260 * MS);
			assertThat(later.toPersist()).isNotNull();
			assertThat(later.toPersist().stickinessMillis()).isEqualTo(150);
		}

		@Test
		void restartedMemberKeepsThePersistedLoyaltyBeforeVotingOrCampaigning() {
			PersistentState state = new PersistentState(2, null, log(1, 2), MEMBERS, 700);
			NodeHarness a = NodeHarness.startRaw(NodeHarness.config("a", THREE), state, START);
			assertThat(granted(a.step(preVote("c", 3), START + 600 * MS))).isFalse();
			assertThat(a.node().nextTickNanos()).isGreaterThanOrEqualTo(START + 700 * MS);
			assertThat(granted(a.step(preVote("c", 3), START + 700 * MS))).isTrue();
		}

		@Test
		void leaderAsksForItsTimingsStickinessAndCountsTheLeaseFromIt() {
			NodeHarness a = leader();
			assertThat(a.node().changeTiming(1, a.now())).isTrue();
			a.node().ready();
			Ready round = a.tick(a.now() + HEARTBEAT);
			long sentAt = a.now();
			assertThat(sent(round, AppendEntries.class)).isNotEmpty()
				.allSatisfy((append) -> assertThat(append.stickinessMillis()).isEqualTo(300));
			long index = a.node().lastLogIndex();
			a.ack("b", index, NodeHarness.round(round), sentAt + MS);
			// 300 ms × (1 − 0.1)
			assertThat(a.node().lease().endNanos()).isEqualTo(sentAt + 270 * MS);
		}

	}

	@Nested
	@DisplayName("The timing in force is the latest in the log")
	class TimingInTheLog {

		@Test
		void followerAdoptsATimingEntryAsSoonAsItIsInItsLog() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, null, log(1, 2)));
			Timing wide = new Timing(600, 1200, 200, 2, "widened");
			a.step(new AppendEntries("b", "a", 2, 2, 2, List.of(LogEntry.timing(3, 2, wide)), 0, 1, null, 600),
					START + MS);
			assertThat(a.node().status().timing()).isEqualTo(wide);
			assertThat(a.node().status().timingIndex()).isEqualTo(3);
			assertThat(a.node().nextTickNanos()).isGreaterThanOrEqualTo(START + MS + 600 * MS);
			// Truncated by a later leader, it is no longer in force.
			a.step(new AppendEntries("c", "a", 3, 2, 2, List.of(new LogEntry(3, 3, EntryType.NOOP)), 0, 1, null, 150),
					START + 2 * MS);
			assertThat(a.node().status().timing()).isEqualTo(NodeHarness.config("a", THREE).baselineTiming());
			assertThat(a.node().status().timingIndex()).isZero();
		}

		@Test
		void aMessageCarriesAtMostFourTimingOrConfigurationEntriesSoItStaysSmall() {
			List<LogEntry> log = new java.util.ArrayList<>(List.of(new LogEntry(1, 1, EntryType.NOOP)));
			for (int i = 2; i <= 7; i++) {
				log.add(LogEntry.timing(i, 1, new Timing(150, 300, 50, 0, "change " + i)));
			}
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(1, null, log));
			a.electLeader();
			// b has nothing: the leader sends the log from its start.
			Ready resent = a.step(new AppendEntriesResponse("b", "a", a.node().term(), false, 7, 0, 1), a.now() + MS);
			assertThat(sent(resent, AppendEntries.class)).singleElement()
				.satisfies((append) -> assertThat(append.entries()).extracting(LogEntry::index)
					.containsExactly(1L, 2L, 3L, 4L, 5L));
		}

		@Test
		void leaderWritesNoTimingEntryWhileNothingWasEverAdapted() {
			NodeHarness a = leader();
			for (int i = 1; i <= 20; i++) {
				long now = a.now() + HEARTBEAT;
				Ready round = a.tick(now);
				a.ack("b", a.node().lastLogIndex(), NodeHarness.round(round), now + MS);
			}
			assertThat(a.node().status().timingIndex()).isZero();
			assertThat(a.node().lastLogIndex()).isEqualTo(2);
		}

		@Test
		void leaderWithAdaptiveTimingOffBringsAWidenedClusterBackToItsConfiguredTiming() {
			RaftConfig config = RaftConfig.builder("a", THREE).adaptiveTiming(false).build();
			Timing wide = config.baselineTiming().scaled(2, 1000, "widened by another leader");
			PersistentState state = new PersistentState(1, null,
					List.of(new LogEntry(1, 1, EntryType.NOOP), LogEntry.timing(2, 1, wide)), MEMBERS, 600);
			NodeHarness a = NodeHarness.startRaw(config, state, START);
			a.electLeader();
			long index = a.node().lastLogIndex();
			a.ack("b", index, 1, a.now() + MS);
			Ready round = a.tick(a.nextHeartbeat());
			assertThat(a.node().status().timing().sameValues(config.baselineTiming())).isTrue();
			assertThat(sent(round, AppendEntries.class)).anySatisfy((append) -> assertThat(append.entries())
				.anySatisfy((entry) -> assertThat(entry.type()).isEqualTo(EntryType.TIMING)));
		}

	}

	@Nested
	@DisplayName("Adaptive timing widens on trouble and narrows after a quiet period")
	class Adaptive {

		@Test
		void twoLeaseLapsesWidenTheTimingByOneLevel() {
			NodeHarness a = leader();
			long index = a.node().lastLogIndex();
			long round = 1;
			for (int lapse = 1; lapse <= 2; lapse++) {
				assertThat(a.node().status().timing().level()).isZero();
				assertThat(a.node().isActiveLeader(a.now())).isTrue();
				// Heartbeats that nobody acknowledges, until the lease lapses.
				while (a.node().isActiveLeader(a.nextHeartbeat())) {
					round = NodeHarness.round(a.tick(a.nextHeartbeat()));
				}
				round = NodeHarness.round(a.tick(a.nextHeartbeat()));
				assertThat(a.node().status().incidents().leaseLapses()).isEqualTo(lapse);
				// Acknowledged again: active again.
				a.ack("b", index, round, a.now() + MS);
			}
			Status status = a.node().status();
			assertThat(status.incidents().leaseLapses()).isEqualTo(2);
			assertThat(status.timing().level()).isEqualTo(1);
			assertThat(status.timing().electionTimeoutMinMillis()).isEqualTo(300);
			assertThat(status.timing().heartbeatIntervalMillis()).isEqualTo(100);
			assertThat(status.timing().reason()).contains("2 lease lapses");
			assertThat(status.incidents().timingChanges()).isEqualTo(1);
		}

		@Test
		void newLeadershipBecomesActiveOnlyWithALeaseThatLastsAHeartbeatSoALateNoOpAnswerDoesNotMakeItFlap() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(1, null, log(1)));
			Ready elected = a.electLeader();
			long sentAt = a.now();
			long noop = NodeHarness.round(elected);
			a.tick(sentAt + HEARTBEAT);
			Ready third = a.tick(sentAt + 2 * HEARTBEAT);
			// The no-op's answer comes so late that its round's lease has less than a heartbeat left
			long late = sentAt + LEASE - HEARTBEAT / 2;
			a.ack("b", 2, noop, late);
			assertThat(a.node().commitIndex()).as("committed all the same").isEqualTo(2);
			assertThat(a.node().lease()).as("withheld").isNull();
			assertThat(a.node().isActiveLeader(late)).isFalse();
			// The answer to a recent round gives a lease that lasts: active
			a.ack("b", 2, NodeHarness.round(third), late + MS);
			assertThat(a.node().isActiveLeader(late + MS)).isTrue();
			assertThat(a.node().status().incidents().leaseLapses()).isZero();
		}

		@Test
		void newLeadershipAnsweredInTimeIsActiveAtOnce() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(1, null, log(1)));
			Ready elected = a.electLeader();
			a.ack("b", 2, NodeHarness.round(elected), a.now() + MS);
			assertThat(a.node().isActiveLeader(a.now())).isTrue();
		}

		@Test
		void lapsedLeaseComesBackOnlyWithARenewalThatLastsAHeartbeatSoLateAnswersDoNotMakeItFlap() {
			NodeHarness a = leader();
			long index = a.node().lastLogIndex();
			java.util.Map<Long, Long> sentAt = new java.util.HashMap<>();
			while (a.node().isActiveLeader(a.nextHeartbeat())) {
				Ready ready = a.tick(a.nextHeartbeat());
				sentAt.put(NodeHarness.round(ready), a.now());
			}
			Ready lapsed = a.tick(a.nextHeartbeat());
			long latest = NodeHarness.round(lapsed);
			sentAt.put(latest, a.now());
			assertThat(a.node().status().incidents().leaseLapses()).isEqualTo(1);
			// A late answer to a round sent 100 ms ago: a lease of 34 ms more, less than a heartbeat
			long late = latest - 2;
			long now = a.now() + MS;
			assertThat(LEASE - (now - sentAt.get(late))).isBetween(1L, HEARTBEAT - 1);
			a.ack("b", index, late, now);
			assertThat(a.node().status().lease()).as("withheld").isNull();
			assertThat(a.node().isActiveLeader(now)).isFalse();
			// A timely answer to the latest round brings it back
			a.ack("b", index, latest, now + MS);
			assertThat(a.node().isActiveLeader(now + MS)).isTrue();
			assertThat(a.node().status().incidents().leaseLapses()).isEqualTo(1);
		}

		@Test
		void lapsesInARowWithholdTheLeaseLongerEachTimeSoTheLeadershipDoesNotFlapEveryFewMilliseconds() {
			NodeHarness a = leader();
			long index = a.node().lastLogIndex();
			// The first lapse: back with the first timely answer, as before
			long round = lapse(a);
			a.ack("b", index, round, a.now() + MS);
			assertThat(a.node().isActiveLeader(a.now() + MS)).isTrue();
			for (int inARow = 2; inARow <= 3; inARow++) {
				long heartbeat = a.node().status().timing().heartbeatIntervalMillis() * MS;
				round = lapse(a);
				long lapsedAt = a.now();
				long withheld = ((1L << (inARow - 1)) - 1) * heartbeat;
				// However timely the answers, the lease stays withheld for 2^(k-1) - 1 heartbeats
				a.ack("b", index, round, lapsedAt + MS);
				assertThat(a.node().lease()).as("lapse %d in a row, 1 ms later", inARow).isNull();
				while (a.nextHeartbeat() - (lapsedAt + withheld) < 0) {
					long sent = NodeHarness.round(a.tick(a.nextHeartbeat()));
					a.ack("b", index, sent, a.now() + MS);
					assertThat(a.node().lease()).as("lapse %d in a row, %d ms later", inARow, (a.now() - lapsedAt) / MS)
						.isNull();
				}
				long sent = NodeHarness.round(a.tick(a.nextHeartbeat()));
				a.ack("b", index, sent, a.now() + MS);
				assertThat(a.node().isActiveLeader(a.now() + MS)).as("lapse %d in a row, once withheld long enough", inARow)
					.isTrue();
			}
			assertThat(a.node().status().incidents().leaseLapses()).isEqualTo(3);
		}

		@Test
		void leaseThatLapsesWhileTheLeadershipSettlesComesBackOnlyWithTheWidenedTimingSoItDoesNotLapseTwiceInItsFirstSecond() {
			NodeHarness a = settlingLeader(RaftConfig.builder("a", THREE).build());
			long index = a.node().lastLogIndex();
			long round = lapse(a);
			assertThat(a.node().status().incidents().leaseLapses()).isEqualTo(1);
			// A timely answer, which brings a lapsed lease back past the settling time, does not here
			a.ack("b", index, round, a.now() + MS);
			assertThat(a.node().lease()).as("withheld for the widening").isNull();
			// The next round widens the timing (the lapse renewed by a majority) and asks for its stickiness
			Ready widening = a.tick(a.nextHeartbeat());
			Timing widened = a.node().status().timing();
			assertThat(widened.level()).isEqualTo(1);
			assertThat(widened.reason()).endsWith(TimingPolicy.SETTLING_LAPSE_REASON);
			a.ack("b", a.node().lastLogIndex(), NodeHarness.round(widening), a.now() + MS);
			assertThat(a.node().lease()).as("a round of the configured timing renewed it, not one of the widened")
				.isNull();
			Ready wide = a.tick(a.nextHeartbeat());
			assertThat(sent(wide, AppendEntries.class))
				.allSatisfy((append) -> assertThat(append.stickinessMillis()).isEqualTo(widened.electionTimeoutMinMillis()));
			a.ack("b", a.node().lastLogIndex(), NodeHarness.round(wide), a.now() + MS);
			assertThat(a.node().isActiveLeader(a.now())).as("renewed by a round of the widened timing").isTrue();
			assertThat(a.node().status().incidents().leaseLapses()).isEqualTo(1);
		}

		@Test
		void wideningOnALapseWhileTheLeadershipSettlesNarrowsWithinAMinuteOnlyForOneOfSeveralGroups() {
			NodeHarness several = settlingLeader(RaftConfig.builder("a", THREE).build());
			several.node().oneOfSeveralGroups(true);
			NodeHarness one = settlingLeader(RaftConfig.builder("a", THREE).build());
			for (NodeHarness a : List.of(several, one)) {
				a.ack("b", a.node().lastLogIndex(), lapse(a), a.now() + MS);
				Ready widening = a.tick(a.nextHeartbeat());
				a.ack("b", a.node().lastLogIndex(), NodeHarness.round(widening), a.now() + MS);
				assertThat(a.node().status().timing().level()).isEqualTo(1);
				long minute = a.now() + 60_000 * MS;
				// Every round answered within a millisecond: no trouble at all
				while (a.nextHeartbeat() - minute < 0) {
					long sent = NodeHarness.round(a.tick(a.nextHeartbeat()));
					a.ack("b", a.node().lastLogIndex(), sent, a.now() + MS);
				}
			}
			assertThat(several.node().status().timing().level()).as("a start storm of many groups passes").isZero();
			assertThat(several.node().status().timing().reason()).contains("since a widening on a lapse while a leadership settled");
			assertThat(one.node().status().timing().level()).as("one group: the quiet period, five minutes").isEqualTo(1);
			assertThat(one.node().status().timing().reason()).endsWith(TimingPolicy.SETTLING_LAPSE_REASON);
		}

		@Test
		void leaseThatLapsesWhileTheLeadershipSettlesWithAdaptiveTimingOffComesBackWithTheFirstTimelyAnswer() {
			NodeHarness a = settlingLeader(RaftConfig.builder("a", THREE).adaptiveTiming(false).build());
			long round = lapse(a);
			a.ack("b", a.node().lastLogIndex(), round, a.now() + MS);
			assertThat(a.node().isActiveLeader(a.now())).isTrue();
			assertThat(a.node().status().timing().level()).isZero();
		}

		@Test
		void leaseThatLapsesWhileTheLeadershipSettlesWaitsForTheWideningAtMostThreeElectionTimeouts() {
			NodeHarness a = settlingLeader(RaftConfig.builder("a", THREE).build());
			long round = lapse(a);
			long bound = a.now() + 3 * 300 * MS;
			// The configured timing set again by hand: the change forgets the lapse, no widening comes
			assertThat(a.node().changeTiming(0, a.now())).isTrue();
			a.ack("b", a.node().lastLogIndex(), round, a.now() + MS);
			while (a.nextHeartbeat() - bound < 0) {
				long sent = NodeHarness.round(a.tick(a.nextHeartbeat()));
				a.ack("b", a.node().lastLogIndex(), sent, a.now() + MS);
				assertThat(a.node().lease()).as("%d ms after the lapse", (a.now() - bound) / MS + 900).isNull();
			}
			long sent = NodeHarness.round(a.tick(a.nextHeartbeat()));
			a.ack("b", a.node().lastLogIndex(), sent, a.now() + MS);
			assertThat(a.node().isActiveLeader(a.now())).as("past the bound").isTrue();
			assertThat(a.node().status().timing().level()).isZero();
		}

		/** A leader of term 2 over a, b, c, whose no-op is committed, in the first second of its leadership. */
		private NodeHarness settlingLeader(RaftConfig config) {
			NodeHarness a = NodeHarness.startRaw(config, new PersistentState(1, null, log(1)), START);
			Ready elected = a.electLeader();
			a.ack("b", 2, NodeHarness.round(elected), a.now() + MS);
			assertThat(a.node().isActiveLeader(a.now())).isTrue();
			return a;
		}

		/** Sends heartbeats that nobody acknowledges until the lease lapses; the latest round. */
		private long lapse(NodeHarness a) {
			while (a.node().isActiveLeader(a.nextHeartbeat())) {
				a.tick(a.nextHeartbeat());
			}
			return NodeHarness.round(a.tick(a.nextHeartbeat()));
		}

		@Test
		void votersThatCampaignWhileTheLeaderIsAliveAreCountedAndWidenTheTiming() {
			NodeHarness a = leader();
			long index = a.node().lastLogIndex();
			Ready first = a.tick(a.nextHeartbeat());
			a.ack("b", index, NodeHarness.round(first), a.now() + MS);
			a.ack("c", index, NodeHarness.round(first), a.now() + MS);
			a.step(new RequestVote("c", "a", a.node().term() + 1, index, a.node().term(), true, false), a.now() + MS);
			a.step(new RequestVote("c", "a", a.node().term() + 1, index, a.node().term(), true, false), a.now() + MS);
			assertThat(a.node().status().incidents().campaignsWhileLeading()).isEqualTo(2);
			assertThat(a.node().role()).isEqualTo(Role.LEADER);
			Ready next = a.tick(a.nextHeartbeat());
			assertThat(a.node().status().timing().level()).isEqualTo(1);
			assertThat(a.node().status().timing().reason()).contains("2 campaigns while it led");
			assertThat(next.messages()).isNotEmpty();
		}

		@Test
		void voterThatCampaignsOnItsReturnFromARestartIsNotCounted() {
			NodeHarness a = leader();
			long index = a.node().lastLogIndex();
			// c never answered this leader: it was down, and campaigns as soon as it is back
			Ready first = a.tick(a.nextHeartbeat());
			a.ack("b", index, NodeHarness.round(first), a.now() + MS);
			a.step(new RequestVote("c", "a", a.node().term() + 1, index, a.node().term(), true, false), a.now() + MS);
			a.step(new RequestVote("c", "a", a.node().term() + 1, index, a.node().term(), true, false), a.now() + MS);
			assertThat(a.node().status().incidents().campaignsWhileLeading()).isZero();
			a.tick(a.nextHeartbeat());
			assertThat(a.node().status().timing().level()).isZero();
		}

		@Test
		void quietClusterNarrowsBackOneLevelAfterTheQuietPeriod() {
			RaftConfig config = RaftConfig.builder("a", THREE).timingQuietPeriod(Duration.ofSeconds(2)).build();
			NodeHarness a = NodeHarness.start(config, new PersistentState(1, null, log(1)), START);
			a.electLeader();
			a.ack("b", 2, 1, a.now() + MS);
			assertThat(a.node().changeTiming(1, a.now())).isTrue();
			a.node().ready();
			long widenedAt = a.now();
			while (a.now() - widenedAt < 2100 * MS) {
				Ready round = a.tick(a.nextHeartbeat());
				a.ack("b", a.node().lastLogIndex(), NodeHarness.round(round), a.now() + MS);
			}
			Timing timing = a.node().status().timing();
			assertThat(timing.level()).isZero();
			assertThat(timing.electionTimeoutMinMillis()).isEqualTo(150);
			assertThat(timing.reason()).startsWith("narrowed after 2 s without trouble");
		}

		@Test
		void widenedTimingNeverGoesBeyondTheCeiling() {
			Timing configured = Timing.of(Duration.ofMillis(150), Duration.ofMillis(300), Duration.ofMillis(50), "c");
			assertThat(configured.maxLevel(1000)).isEqualTo(2);
			Timing top = configured.scaled(2, 1000, "r");
			assertThat(top.electionTimeoutMaxMillis()).isEqualTo(1000);
			assertThat(top.electionTimeoutMinMillis()).isEqualTo(500);
			assertThat(top.heartbeatIntervalMillis()).isEqualTo(167);
			assertThat(configured.scaled(9, 1000, "r").electionTimeoutMaxMillis()).isEqualTo(1000);
			assertThat(configured.scaled(1, 1000, "r")).extracting(Timing::electionTimeoutMinMillis,
					Timing::electionTimeoutMaxMillis, Timing::heartbeatIntervalMillis)
				.containsExactly(300L, 600L, 100L);
		}

		@Test
		void timingsThatCannotWorkAreRefused() {
			assertThatIllegalArgumentException().isThrownBy(() -> new Timing(150, 150, 50, 0, "r"));
			assertThatIllegalArgumentException().isThrownBy(() -> new Timing(150, 300, 150, 0, "r"));
			assertThatIllegalArgumentException().isThrownBy(() -> new Timing(150, 300, 50, -1, "r"));
			assertThatIllegalArgumentException().isThrownBy(() -> new Timing(150, 300, 50, 0, "r".repeat(201)));
			assertThatIllegalArgumentException()
				.isThrownBy(() -> RaftConfig.builder("a", THREE).timingCeiling(Duration.ofMillis(200)).build());
		}

	}

	@Nested
	@DisplayName("A member that was not run for a while does not act on stale timers")
	class Pauses {

		@Test
		void followerPausedPastItsElectionTimeoutWaitsAnotherTimeoutBeforeCampaigning() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, null, log(1, 2)));
			a.step(heartbeat(2, 2, 2, 1, 150), START + MS);
			long due = a.node().nextTickNanos();
			a.tick(due + 500 * MS);
			assertThat(a.node().role()).isEqualTo(Role.FOLLOWER);
			assertThat(a.node().status().incidents().pauses()).isEqualTo(1);
			assertThat(a.node().status().incidents().longestPauseNanos()).isEqualTo(500 * MS);
			// The leader's heartbeat that waited behind the tick arrives: nothing happened.
			a.step(heartbeat(2, 2, 2, 2, 150), due + 500 * MS);
			assertThat(a.node().role()).isEqualTo(Role.FOLLOWER);
			// Nobody speaks up: it campaigns at its next timeout after all.
			a.tickWhenDue();
			assertThat(a.node().role()).isEqualTo(Role.PRE_CANDIDATE);
		}

		@Test
		void leaderPausedPastTheCheckQuorumWindowWaitsForTheQueuedAnswersBeforeSteppingDown() {
			NodeHarness a = leader();
			long index = a.node().lastLogIndex();
			Ready first = a.tick(a.nextHeartbeat());
			a.ack("b", index, NodeHarness.round(first), a.now() + MS);
			long resumed = a.nextHeartbeat() + 400 * MS;
			Ready afterPause = a.tick(resumed);
			assertThat(a.node().role()).isEqualTo(Role.LEADER);
			assertThat(a.node().isActiveLeader(resumed)).isFalse();
			assertThat(a.node().status().incidents().pauses()).isEqualTo(1);
			// The answers queued during the pause, then the next round's.
			a.ack("b", index, NodeHarness.round(afterPause), resumed + MS);
			assertThat(a.node().isActiveLeader(resumed + MS)).isTrue();
			// Without further answers it still steps down, a check-quorum window later (of the
			// timing that the pause and the lapse that followed widened).
			while (a.node().role() == Role.LEADER && a.now() < resumed + 1000 * MS) {
				a.tick(a.nextHeartbeat());
			}
			assertThat(a.node().role()).isEqualTo(Role.FOLLOWER);
			assertThat(a.now() - resumed).isGreaterThanOrEqualTo(300 * MS);
			assertThat(a.node().status().incidents().leaseLapses()).isEqualTo(1);
			assertThat(a.node().status().timing().level()).isEqualTo(1);
		}

		@Test
		void leaseThatEndedDuringAPauseCountsAsLapsedOnlyIfTheQueuedAnswersDoNotRenewItWithinHalfAHeartbeat() {
			NodeHarness a = leader();
			long index = a.node().lastLogIndex();
			long heartbeat = a.node().status().timing().heartbeatIntervalMillis() * MS;
			Ready first = a.tick(a.nextHeartbeat());
			a.ack("b", index, NodeHarness.round(first), a.now() + MS);
			long resumed = a.nextHeartbeat() + 400 * MS;
			Ready afterPause = a.tick(resumed);
			Lease lease = a.node().lease();
			assertThat(lease).isNotNull();
			// It does not hold: nothing may act on it. But its end is not a lapse yet.
			assertThat(lease.isValidAt(resumed)).isFalse();
			assertThat(lease.hasLapsedAt(resumed)).isFalse();
			assertThat(lease.lapseReportedFromNanos()).isEqualTo(resumed + heartbeat / 2);
			assertThat(lease.hasLapsedAt(resumed + heartbeat / 2 - 1)).isFalse();
			assertThat(lease.hasLapsedAt(resumed + heartbeat / 2)).isTrue();
			// The answer queued behind the pause renews it: nothing lapsed, only the pause counts.
			a.ack("b", index, NodeHarness.round(afterPause), resumed + MS);
			Lease renewed = a.node().lease();
			assertThat(renewed).isNotNull();
			assertThat(renewed.isValidAt(resumed + MS)).isTrue();
			assertThat(renewed.lapseReportedFromNanos()).isEqualTo(renewed.endNanos());
			assertThat(a.node().status().incidents().leaseLapses()).isZero();
			assertThat(a.node().status().incidents().pauses()).isEqualTo(1);
		}

		@Test
		void oneLeaderPauseCountsOnceAndIsOneIncidentHoweverManyQueuedAnswersArriveBeforeItsNextTick() {
			NodeHarness a = leader();
			long index = a.node().lastLogIndex();
			Ready first = a.tick(a.nextHeartbeat());
			a.ack("b", index, NodeHarness.round(first), a.now() + MS);
			long resumed = a.nextHeartbeat() + 400 * MS;
			// The answers queued behind the pause come first; the round stays due until the tick.
			a.ack("b", index, NodeHarness.round(first), resumed);
			a.ack("c", index, NodeHarness.round(first), resumed);
			a.ack("b", index, NodeHarness.round(first), resumed + MS / 2);
			Ready afterPause = a.tick(resumed + MS);
			a.ack("b", index, NodeHarness.round(afterPause), resumed + 2 * MS);
			assertThat(a.node().isActiveLeader(resumed + 2 * MS)).isTrue();
			assertThat(a.node().status().incidents().pauses()).isEqualTo(1);
			assertThat(a.node().status().incidents().longestPauseNanos()).isEqualTo(400 * MS);
			assertThat(a.node().status().incidents().leaseLapses()).isZero();
			// One incident does not widen the timing: it takes two.
			assertThat(a.node().status().timing().level()).isZero();
			// A second pause later is a second count.
			a.tick(a.nextHeartbeat() + 300 * MS);
			assertThat(a.node().status().incidents().pauses()).isEqualTo(2);
		}

		@Test
		void leaseThatEndsWhileTheLeaderRunsCountsAsLapsedTheInstantItEnds() {
			NodeHarness a = leader();
			Lease lease = a.node().lease();
			assertThat(lease).isNotNull();
			assertThat(lease.lapseReportedFromNanos()).isEqualTo(lease.endNanos());
			assertThat(lease.hasLapsedAt(lease.endNanos() - 1)).isFalse();
			assertThat(lease.hasLapsedAt(lease.endNanos())).isTrue();
			// Heartbeats that nobody answers, without a pause: the lapse is reported at once.
			while (a.node().status().incidents().leaseLapses() == 0) {
				a.tick(a.nextHeartbeat());
			}
			assertThat(a.node().lease()).isNull();
		}

	}

	/**
	 * A leader of term 2 over a, b, c whose no-op (index 2) is committed, past the settling time of
	 * its leadership, in which incidents do not widen the timing.
	 */
	private static NodeHarness leader() {
		NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(1, null, log(1)));
		a.electLeader();
		a.ack("b", 2, 1, a.now() + MS);
		assertThat(a.node().commitIndex()).isEqualTo(2);
		long settled = a.now() + TimingPolicy.SETTLE.toNanos();
		while (a.now() < settled) {
			Ready round = a.tick(a.nextHeartbeat());
			a.ack("b", a.node().lastLogIndex(), NodeHarness.round(round), a.now() + MS);
		}
		assertThat(a.node().status().incidents()).isEqualTo(Incidents.none());
		return a;
	}

}
