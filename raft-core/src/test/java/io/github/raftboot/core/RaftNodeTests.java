package io.github.raftboot.core;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import io.github.raftboot.core.NodeHarness.EarlyTick;
import io.github.raftboot.core.RaftNode.TransferAttempt;
import io.github.raftboot.core.RoleChange.Reason;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static io.github.raftboot.core.NodeHarness.FIVE;
import static io.github.raftboot.core.NodeHarness.HEARTBEAT;
import static io.github.raftboot.core.NodeHarness.LEASE;
import static io.github.raftboot.core.NodeHarness.MAX;
import static io.github.raftboot.core.NodeHarness.MIN;
import static io.github.raftboot.core.NodeHarness.MS;
import static io.github.raftboot.core.NodeHarness.START;
import static io.github.raftboot.core.NodeHarness.STICKINESS;
import static io.github.raftboot.core.NodeHarness.THREE;
import static io.github.raftboot.core.NodeHarness.config;
import static io.github.raftboot.core.NodeHarness.entry;
import static io.github.raftboot.core.NodeHarness.formed;
import static io.github.raftboot.core.NodeHarness.log;
import static io.github.raftboot.core.NodeHarness.round;
import static io.github.raftboot.core.NodeHarness.sent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The rules of Raft, one per test, checked on a single {@link RaftNode} driven by hand:
 * hand-made messages, explicit times (nanoseconds), and what {@link RaftNode#ready()} hands
 * out. Sections refer to the Raft paper (Ongaro and Ousterhout, 2014) and to Ongaro's
 * dissertation (2014).
 */
class RaftNodeTests {

	@Nested
	@DisplayName("Held elections: one first campaigner per group at a cold start")
	class HeldElections {

		private static final long HOLD = 5_000 * MS;

		@Test
		void heldFollowerDoesNotCampaignBeforeTheHoldEndsAndThenCampaignsAsUsual() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, null, log(1, 2)));
			a.node().holdElections(START + HOLD, START);
			assertThat(a.node().electionsHeld()).isTrue();
			assertThat(a.node().nextTickNanos()).isEqualTo(START + HOLD);
			Ready quiet = a.tick(START + HOLD - MS);
			assertThat(a.node().role()).isEqualTo(Role.FOLLOWER);
			assertThat(quiet.messages()).isEmpty();
			Ready campaign = a.tick(START + HOLD);
			assertThat(a.node().role()).isEqualTo(Role.PRE_CANDIDATE);
			assertThat(sent(campaign, RequestVote.class)).hasSize(2);
			assertThat(a.node().electionsHeld()).isFalse();
			// Its next round is timed as any other.
			assertThat(a.node().nextTickNanos() - (START + HOLD)).isBetween(MIN, MAX - 1);
		}

		@Test
		void heldFollowerStillGrantsVotesAndKeepsHoldingUntilItHearsTheLeader() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, null, log(1, 2)));
			a.node().holdElections(START + HOLD, START);
			Ready vote = a.step(new RequestVote("b", "a", 3, 2, 2, false, false), START + MIN);
			assertThat(vote.messages()).containsExactly(new RequestVoteResponse("a", "b", 3, true, false));
			assertThat(a.node().electionsHeld()).isTrue();
			assertThat(a.node().nextTickNanos()).isEqualTo(START + HOLD);
			a.step(new AppendEntries("b", "a", 3, 2, 2, List.of(), 2, 1), START + MIN + MS);
			assertThat(a.node().electionsHeld()).isFalse();
			// Its leader gone, it times out as usual, well before the hold would have ended.
			long deadline = a.node().nextTickNanos();
			assertThat(deadline - (START + MIN + MS)).isBetween(MIN, MAX - 1);
			a.tick(deadline);
			assertThat(a.node().role()).isEqualTo(Role.PRE_CANDIDATE);
		}

		@Test
		void heldFollowerTakesOverAtOnceWhenATransferAsksIt() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, null, log(1, 2)));
			a.node().holdElections(START + HOLD, START);
			Ready ready = a.step(new TimeoutNow("b", "a", 2), START + MS);
			assertThat(a.node().role()).isEqualTo(Role.CANDIDATE);
			assertThat(ready.roleChanges())
				.containsExactly(new RoleChange(Role.FOLLOWER, Role.CANDIDATE, 3, Reason.TRANSFER_REQUESTED));
			assertThat(a.node().electionsHeld()).isFalse();
			assertThat(a.node().nextTickNanos() - (START + MS)).isBetween(MIN, MAX - 1);
		}

		@Test
		void holdIsIgnoredByANodeThatKnowsALeaderOrWhenItIsAlreadyOver() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, null, log(1, 2)));
			a.step(new AppendEntries("b", "a", 2, 2, 2, List.of(), 2, 1), START + MS);
			long deadline = a.node().nextTickNanos();
			a.node().holdElections(START + HOLD, START + MS);
			assertThat(a.node().electionsHeld()).isFalse();
			assertThat(a.node().nextTickNanos()).isEqualTo(deadline);
			NodeHarness b = NodeHarness.start("b", THREE, new PersistentState(2, null, log(1, 2)));
			long due = b.node().nextTickNanos();
			b.node().holdElections(START, START);
			assertThat(b.node().electionsHeld()).isFalse();
			assertThat(b.node().nextTickNanos()).isEqualTo(due);
		}

		@Test
		void heldNodeThatNeverJoinedAClusterDoesNotProbeToFormOneUntilTheHoldEnds() {
			NodeHarness a = NodeHarness.startFresh("a", THREE);
			a.node().holdElections(START + HOLD, START);
			assertThat(a.tick(START + HOLD - MS).messages()).isEmpty();
			assertThat(sent(a.tick(START + HOLD), RequestVote.class)).hasSize(2);
		}

	}

	@Nested
	@DisplayName("§5.2 Leader election")
	class LeaderElection {

		@Test
		void firstElectionTimeoutIsDrawnFromMinInclusiveToMaxExclusive() {
			RaftConfig config = config("a", THREE);
			Set<Long> timeouts = new HashSet<>();
			for (long seed = 0; seed < 200; seed++) {
				RaftNode node = new RaftNode(config, formed(config), new SplittableRandom(seed), START);
				long deadline = node.nextTickNanos();
				assertThat(deadline - START).as("seed %d", seed).isBetween(MIN, MAX - 1);
				timeouts.add(deadline - START);
				node.tick(deadline - 1);
				assertThat(node.role()).as("seed %d", seed).isEqualTo(Role.FOLLOWER);
				assertThat(node.ready().isEmpty()).as("seed %d", seed).isTrue();
				node.tick(deadline);
				assertThat(node.role()).as("seed %d", seed).isEqualTo(Role.PRE_CANDIDATE);
			}
			assertThat(timeouts).as("timeouts are randomized").hasSizeGreaterThan(150);
		}

		@Test
		void electionTimeoutStaysWithinMinInclusiveToMaxExclusiveAtTheExtremesOfTheRandomSource() {
			RaftConfig config = config("a", THREE);
			RaftNode lowest = new RaftNode(config, formed(config), new ExtremeRandom(false), START);
			RaftNode highest = new RaftNode(config, formed(config), new ExtremeRandom(true), START);
			assertThat(lowest.nextTickNanos() - START).isEqualTo(MIN);
			assertThat(highest.nextTickNanos() - START).isBetween(MIN, MAX - 1);
		}

		@Test
		void followerWhoseTimeoutElapsesAsksForPreVotesForTheNextTermWithoutRaisingItsOwn() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(3, "b", log(1, 3)));
			Ready ready = a.tickWhenDue();
			assertThat(a.node().role()).isEqualTo(Role.PRE_CANDIDATE);
			assertThat(a.node().term()).isEqualTo(3);
			assertThat(a.node().status().votedFor()).isEqualTo("b");
			assertThat(ready.toPersist()).isNull();
			assertThat(ready.roleChanges())
				.containsExactly(new RoleChange(Role.FOLLOWER, Role.PRE_CANDIDATE, 3, Reason.ELECTION_TIMEOUT));
			assertThat(ready.messages()).containsExactlyInAnyOrder(new RequestVote("a", "b", 4, 2, 3, true, false),
					new RequestVote("a", "c", 4, 2, 3, true, false));
		}

		@Test
		void preCandidateGrantedPreVotesByAMajorityBecomesCandidateAndPersistsTermAndSelfVoteWithItsRequests() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(3, null, log(1, 3)));
			a.tickWhenDue();
			Ready ready = a.step(new RequestVoteResponse("b", "a", 4, true, true));
			assertThat(a.node().role()).isEqualTo(Role.CANDIDATE);
			assertThat(a.node().term()).isEqualTo(4);
			assertThat(ready.toPersist()).isEqualTo(a.persisted(4, "a", log(1, 3)));
			assertThat(ready.messages()).containsExactlyInAnyOrder(new RequestVote("a", "b", 4, 2, 3, false, false),
					new RequestVote("a", "c", 4, 2, 3, false, false));
			assertThat(ready.roleChanges())
				.containsExactly(new RoleChange(Role.PRE_CANDIDATE, Role.CANDIDATE, 4, Reason.PRE_VOTE_WON));
			// Asking promises nothing: the requests may leave while term and vote are saved.
			assertThat(ready.messagesBeforePersisting()).isEqualTo(ready.messages());
			assertThat(ready.messagesAfterPersisting()).isEmpty();
		}

		@Test
		void preCandidateNeedsPreVotesFromAMajorityCountingItself() {
			NodeHarness a = NodeHarness.start("a", FIVE, new PersistentState(3, null, List.of()));
			a.tickWhenDue();
			Ready one = a.step(new RequestVoteResponse("b", "a", 4, true, true));
			assertThat(a.node().role()).isEqualTo(Role.PRE_CANDIDATE);
			assertThat(one.isEmpty()).isTrue();
			a.step(new RequestVoteResponse("c", "a", 4, true, true));
			assertThat(a.node().role()).isEqualTo(Role.CANDIDATE);
			assertThat(a.node().term()).isEqualTo(4);
		}

		@Test
		void repeatedGrantsFromOneVoterCountOnce() {
			NodeHarness a = NodeHarness.start("a", FIVE, new PersistentState(3, null, List.of()));
			a.tickWhenDue();
			a.step(new RequestVoteResponse("b", "a", 4, true, true));
			a.step(new RequestVoteResponse("b", "a", 4, true, true));
			assertThat(a.node().role()).isEqualTo(Role.PRE_CANDIDATE);
			a.step(new RequestVoteResponse("c", "a", 4, true, true));
			a.step(new RequestVoteResponse("b", "a", 4, true, false));
			a.step(new RequestVoteResponse("b", "a", 4, true, false));
			assertThat(a.node().role()).isEqualTo(Role.CANDIDATE);
			a.step(new RequestVoteResponse("c", "a", 4, true, false));
			assertThat(a.node().role()).isEqualTo(Role.LEADER);
		}

		@Test
		void candidateGrantedVotesByAMajorityBecomesLeaderAppendsANoopOfItsTermAndSendsAppendEntriesToAll() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(3, null, log(1, 3)));
			a.tickWhenDue();
			a.step(new RequestVoteResponse("b", "a", 4, true, true));
			Ready ready = a.step(new RequestVoteResponse("c", "a", 4, true, false));
			assertThat(a.node().role()).isEqualTo(Role.LEADER);
			assertThat(a.node().leaderId()).isEqualTo("a");
			assertThat(a.node().lastLogIndex()).isEqualTo(3);
			assertThat(a.node().termAt(3)).isEqualTo(4);
			assertThat(ready.roleChanges())
				.containsExactly(new RoleChange(Role.CANDIDATE, Role.LEADER, 4, Reason.ELECTION_WON));
			assertThat(ready.toPersist()).isEqualTo(a.persisted(4, "a",
					List.of(entry(1, 1), entry(2, 3), new LogEntry(3, 4, EntryType.NOOP))));
			List<AppendEntries> appends = sent(ready, AppendEntries.class);
			assertThat(appends).extracting(AppendEntries::to).containsExactlyInAnyOrder("b", "c");
			// Raft thesis §10.2.1: the leader writes its no-op while the followers do.
			assertThat(ready.messagesBeforePersisting()).containsExactlyInAnyOrderElementsOf(appends);
			assertThat(appends).allSatisfy((append) -> {
				assertThat(append.term()).isEqualTo(4);
				assertThat(append.prevLogIndex()).isEqualTo(2);
				assertThat(append.prevLogTerm()).isEqualTo(3);
				assertThat(append.entries()).containsExactly(new LogEntry(3, 4, EntryType.NOOP));
			});
		}

		@Test
		void leaderSendsAppendEntriesToEveryFollowerOnceEveryHeartbeatInterval() {
			NodeHarness a = NodeHarness.start("a", THREE);
			a.electLeader();
			long elected = a.now();
			for (int i = 1; i <= 6; i++) {
				long due = elected + i * HEARTBEAT;
				assertThat(a.node().nextTickNanos()).isEqualTo(due);
				assertThat(a.tick(due - 1).messages()).isEmpty();
				Ready heartbeat = a.tick(due);
				assertThat(sent(heartbeat, AppendEntries.class)).extracting(AppendEntries::to)
					.containsExactlyInAnyOrder("b", "c");
				assertThat(round(heartbeat)).isEqualTo(i + 1);
				a.ack("b", a.node().lastLogIndex(), i + 1, due + MS);
			}
			assertThat(a.node().role()).isEqualTo(Role.LEADER);
		}

		@Test
		void grantsOneVotePerTermToTheFirstCandidateThatAsks() {
			NodeHarness a = NodeHarness.start("a", THREE);
			Ready first = a.step(new RequestVote("b", "a", 1, 0, 0, false, false), START + MIN);
			assertThat(first.messages()).containsExactly(new RequestVoteResponse("a", "b", 1, true, false));
			Ready second = a.step(new RequestVote("c", "a", 1, 0, 0, false, false), START + MIN + MS);
			assertThat(second.messages()).containsExactly(new RequestVoteResponse("a", "c", 1, false, false));
			assertThat(second.toPersist()).isNull();
			assertThat(a.node().status().votedFor()).isEqualTo("b");
		}

		@Test
		void grantsTheVoteAgainToTheCandidateItAlreadyVotedForInTheSameTerm() {
			NodeHarness a = NodeHarness.start("a", THREE);
			a.step(new RequestVote("b", "a", 1, 0, 0, false, false), START + MIN);
			Ready again = a.step(new RequestVote("b", "a", 1, 0, 0, false, false), START + MIN + MS);
			assertThat(again.messages()).containsExactly(new RequestVoteResponse("a", "b", 1, true, false));
			assertThat(again.toPersist()).isNull();
		}

		@Test
		void persistsTheVoteInTheSameReadyAsTheResponseThatGrantsIt() {
			NodeHarness a = NodeHarness.start("a", THREE);
			Ready ready = a.step(new RequestVote("b", "a", 1, 0, 0, false, false), START + MIN);
			assertThat(ready.toPersist()).isEqualTo(a.persisted(1, "b", List.of()));
			assertThat(ready.messages()).containsExactly(new RequestVoteResponse("a", "b", 1, true, false));
			// A vote is a promise: it leaves only once it is durable.
			assertThat(ready.messagesBeforePersisting()).isEmpty();
			assertThat(ready.messagesAfterPersisting()).isEqualTo(ready.messages());
		}

		@Test
		void voteSurvivesARestart() {
			NodeHarness a = NodeHarness.start("a", THREE);
			PersistentState saved = a.step(new RequestVote("b", "a", 1, 0, 0, false, false), START + MIN).toPersist();
			NodeHarness restarted = NodeHarness.start(config("a", THREE), saved, START + 2 * MIN);
			Ready ready = restarted.step(new RequestVote("c", "a", 1, 0, 0, false, false), START + 4 * MIN);
			assertThat(ready.messages()).containsExactly(new RequestVoteResponse("a", "c", 1, false, false));
			assertThat(restarted.node().term()).isEqualTo(1);
			assertThat(restarted.node().status().votedFor()).isEqualTo("b");
		}

		@Test
		void voteCastInTheTermTheVoterWasAlreadyInSurvivesARestart() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(5, null, log(1, 2)));
			// Same term as the voter's: start-up stickiness concerns higher terms only.
			Ready vote = a.step(new RequestVote("b", "a", 5, 2, 2, false, false), START + MS);
			assertThat(vote.messages()).containsExactly(new RequestVoteResponse("a", "b", 5, true, false));
			assertThat(vote.toPersist()).isEqualTo(a.persisted(5, "b", log(1, 2)));
			NodeHarness restarted = NodeHarness.start(config("a", THREE), vote.toPersist(), START + 2 * MS);
			Ready ready = restarted.step(new RequestVote("c", "a", 5, 2, 2, false, false), START + 3 * MS);
			assertThat(ready.messages()).containsExactly(new RequestVoteResponse("a", "c", 5, false, false));
			assertThat(restarted.node().status().votedFor()).isEqualTo("b");
		}

		@Test
		void leaderReceivingAResponseOfAHigherTermStepsDownToFollowerOfThatTerm() {
			NodeHarness a = NodeHarness.start("a", THREE);
			a.electLeader();
			Ready ready = a.step(new AppendEntriesResponse("b", "a", 7, false, 0, 0, 1), a.now() + MS);
			assertThat(a.node().role()).isEqualTo(Role.FOLLOWER);
			assertThat(a.node().term()).isEqualTo(7);
			assertThat(a.node().leaderId()).isNull();
			assertThat(ready.roleChanges())
				.containsExactly(new RoleChange(Role.LEADER, Role.FOLLOWER, 7, Reason.HIGHER_TERM));
			assertThat(ready.toPersist()).isNotNull();
			assertThat(ready.toPersist().term()).isEqualTo(7);
			assertThat(ready.toPersist().votedFor()).isNull();
			assertThat(a.node().lease()).isNull();
		}

		@Test
		void higherTermInAnyMessageMakesACandidateFollowerOfThatTerm() {
			List<Message> messages = List.of(new AppendEntries("b", "a", 9, 0, 0, List.of(), 0, 1),
					new AppendEntriesResponse("b", "a", 9, false, 0, 0, 1),
					new RequestVote("b", "a", 9, 0, 0, false, false),
					new RequestVoteResponse("b", "a", 9, false, false),
					new RequestVoteResponse("b", "a", 9, false, true));
			for (Message message : messages) {
				NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, null, List.of()));
				a.tickWhenDue();
				a.step(new RequestVoteResponse("c", "a", 3, true, true));
				assertThat(a.node().role()).isEqualTo(Role.CANDIDATE);
				Ready ready = a.step(message, a.now() + MS);
				assertThat(a.node().role()).as("%s", message).isEqualTo(Role.FOLLOWER);
				assertThat(a.node().term()).as("%s", message).isEqualTo(9);
				assertThat(ready.roleChanges()).as("%s", message)
					.containsExactly(new RoleChange(Role.CANDIDATE, Role.FOLLOWER, 9, Reason.HIGHER_TERM));
				assertThat(ready.toPersist()).as("%s", message).isNotNull();
				assertThat(ready.toPersist().term()).as("%s", message).isEqualTo(9);
			}
		}

		@Test
		void staleAppendEntriesIsAnsweredWithTheReceiversTermAndFailureAndChangesNothing() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(5, "c", log(1, 5)));
			Status before = a.node().status();
			long deadline = a.node().nextTickNanos();
			Ready ready = a.step(new AppendEntries("b", "a", 3, 1, 1, List.of(entry(2, 3)), 2, 7), START + MIN);
			assertThat(ready.messages()).containsExactly(new AppendEntriesResponse("a", "b", 5, false, 1, 2, 7));
			assertThat(ready.toPersist()).isNull();
			assertThat(ready.roleChanges()).isEmpty();
			assertThat(a.node().status()).isEqualTo(before);
			assertThat(a.node().nextTickNanos()).isEqualTo(deadline);
			assertThat(a.node().termAt(2)).isEqualTo(5);
		}

		@Test
		void staleVoteAndPreVoteRequestsAreRefusedAndChangeNothing() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(5, null, List.of()));
			Status before = a.node().status();
			long deadline = a.node().nextTickNanos();
			Ready vote = a.step(new RequestVote("b", "a", 4, 9, 4, false, false), START + MIN);
			Ready preVote = a.step(new RequestVote("c", "a", 4, 9, 4, true, false), START + MIN + MS);
			assertThat(vote.messages()).allSatisfy((message) -> assertThat(message)
				.isEqualTo(new RequestVoteResponse("a", "b", 5, false, false)));
			assertThat(preVote.messages()).containsExactly(new RequestVoteResponse("a", "c", 5, false, true));
			assertThat(vote.toPersist()).isNull();
			assertThat(preVote.toPersist()).isNull();
			assertThat(a.node().status()).isEqualTo(before);
			assertThat(a.node().nextTickNanos()).isEqualTo(deadline);
		}

	}

	@Nested
	@DisplayName("§5.4.1 Election restriction")
	class ElectionRestriction {

		@Test
		void refusesVoteToCandidateWhoseLastLogTermIsLower() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, null, log(1, 2)));
			Ready ready = a.step(new RequestVote("b", "a", 3, 5, 1, false, false), START + MIN);
			assertThat(ready.messages()).containsExactly(new RequestVoteResponse("a", "b", 3, false, false));
			assertThat(a.node().status().votedFor()).isNull();
		}

		@Test
		void refusesVoteToCandidateWithTheSameLastTermButAShorterLog() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, null, log(1, 2, 2)));
			Ready ready = a.step(new RequestVote("b", "a", 3, 2, 2, false, false), START + MIN);
			assertThat(ready.messages()).containsExactly(new RequestVoteResponse("a", "b", 3, false, false));
			assertThat(a.node().status().votedFor()).isNull();
		}

		@Test
		void refusesPreVoteToCandidateWhoseLogIsLessUpToDate() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, null, log(1, 2, 2)));
			Ready ready = a.step(new RequestVote("b", "a", 3, 2, 2, true, false), START + MIN);
			assertThat(ready.messages()).containsExactly(new RequestVoteResponse("a", "b", 2, false, true));
		}

		@Test
		void grantsVoteToCandidateWithTheSameLastTermAndAnEqualLog() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, null, log(1, 2, 2)));
			Ready ready = a.step(new RequestVote("b", "a", 3, 3, 2, false, false), START + MIN);
			assertThat(ready.messages()).containsExactly(new RequestVoteResponse("a", "b", 3, true, false));
		}

		@Test
		void grantsVoteToCandidateWithAHigherLastTermEvenIfItsLogIsShorter() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, null, log(1, 1, 1, 1)));
			Ready ready = a.step(new RequestVote("b", "a", 3, 2, 2, false, false), START + MIN);
			assertThat(ready.messages()).containsExactly(new RequestVoteResponse("a", "b", 3, true, false));
		}

	}

	@Nested
	@DisplayName("§5.3 Log replication")
	class LogReplication {

		@Test
		void rejectsAppendEntriesWhosePreviousEntryIsMissingOrOfAnotherTermAndHintsItsLastIndex() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, null, log(1, 1)));
			Ready missing = a.step(new AppendEntries("b", "a", 2, 4, 2, List.of(entry(5, 2)), 0, 1), START + MS);
			assertThat(missing.messages()).containsExactly(new AppendEntriesResponse("a", "b", 2, false, 4, 2, 1));
			Ready otherTerm = a.step(new AppendEntries("b", "a", 2, 2, 2, List.of(entry(3, 2)), 0, 2), START + 2 * MS);
			assertThat(otherTerm.messages()).containsExactly(new AppendEntriesResponse("a", "b", 2, false, 2, 2, 2));
			assertThat(otherTerm.toPersist()).isNull();
			assertThat(a.node().lastLogIndex()).isEqualTo(2);
			assertThat(a.node().termAt(2)).isEqualTo(1);
		}

		@Test
		void truncatesAConflictingSuffixAndAppendsTheLeadersEntries() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(3, null, log(1, 1, 2, 2)));
			Ready ready = a.step(new AppendEntries("b", "a", 3, 2, 1, List.of(entry(3, 3)), 0, 1), START + MS);
			assertThat(ready.messages()).containsExactly(new AppendEntriesResponse("a", "b", 3, true, 3, 3, 1));
			assertThat(ready.toPersist()).isEqualTo(a.persisted(3, null, log(1, 1, 3)));
			assertThat(a.node().lastLogIndex()).isEqualTo(3);
			assertThat(a.node().termAt(3)).isEqualTo(3);
			assertThat(a.node().termAt(4)).isEqualTo(-1);
		}

		@Test
		void keepsEntriesThatFollowOnesThatAlreadyMatch() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(1, null, log(1, 1, 1)));
			Ready ready = a.step(new AppendEntries("b", "a", 1, 0, 0, List.of(entry(1, 1)), 0, 1), START + MS);
			assertThat(ready.messages()).containsExactly(new AppendEntriesResponse("a", "b", 1, true, 1, 3, 1));
			assertThat(ready.toPersist()).isNull();
			assertThat(a.node().lastLogIndex()).isEqualTo(3);
		}

		@Test
		void followerCommitsUpToTheLeadersCommitIndexButNoFurtherThanTheLastNewEntry() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, null, log(1, 1, 1)));
			// Entries 2 and 3 are not known to match the leader's: only index 1 may be committed.
			a.step(new AppendEntries("b", "a", 2, 1, 1, List.of(), 3, 1), START + MS);
			assertThat(a.node().commitIndex()).isEqualTo(1);
			a.step(new AppendEntries("b", "a", 2, 1, 1, List.of(entry(2, 2)), 5, 2), START + 2 * MS);
			assertThat(a.node().lastLogIndex()).isEqualTo(2);
			assertThat(a.node().commitIndex()).isEqualTo(2);
			a.step(new AppendEntries("b", "a", 2, 2, 2, List.of(entry(3, 2), entry(4, 2)), 3, 3), START + 3 * MS);
			assertThat(a.node().commitIndex()).isEqualTo(3);
			// A late heartbeat covering less never lowers the commit index.
			a.step(new AppendEntries("b", "a", 2, 1, 1, List.of(), 4, 4), START + 4 * MS);
			assertThat(a.node().commitIndex()).isEqualTo(3);
			a.step(new AppendEntries("b", "a", 2, 4, 2, List.of(), 4, 5), START + 5 * MS);
			assertThat(a.node().commitIndex()).isEqualTo(4);
		}

		@Test
		void leaderBacksOffNextIndexWhenRejectedAndResends() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(1, null, log(1, 1, 1)));
			a.electLeader();
			long term = a.node().term();
			assertThat(nextIndex(a, "b")).isEqualTo(4);
			// b's log is shorter: skip straight to just after its last entry.
			Ready toB = a.step(new AppendEntriesResponse("b", "a", term, false, 3, 1, 1), a.now() + MS);
			assertThat(nextIndex(a, "b")).isEqualTo(2);
			assertThat(toB.messages()).containsExactly(new AppendEntries("a", "b", term, 1, 1,
					List.of(entry(2, 1), entry(3, 1), new LogEntry(4, term, EntryType.NOOP)), 0, 1, null, STICKINESS));
			// c's log is long enough but differs: step back one entry at a time.
			Ready toC = a.step(new AppendEntriesResponse("c", "a", term, false, 3, 3, 1), a.now() + MS);
			assertThat(nextIndex(a, "c")).isEqualTo(3);
			assertThat(sent(toC, AppendEntries.class)).singleElement()
				.satisfies((append) -> assertThat(append.prevLogIndex()).isEqualTo(2));
			toC = a.step(new AppendEntriesResponse("c", "a", term, false, 2, 3, 1), a.now() + MS);
			assertThat(nextIndex(a, "c")).isEqualTo(2);
			assertThat(sent(toC, AppendEntries.class)).singleElement()
				.satisfies((append) -> assertThat(append.prevLogIndex()).isEqualTo(1));
			// A duplicate of an earlier rejection changes nothing.
			Ready duplicate = a.step(new AppendEntriesResponse("c", "a", term, false, 3, 3, 1), a.now() + MS);
			assertThat(duplicate.messages()).isEmpty();
			assertThat(nextIndex(a, "c")).isEqualTo(2);
			Ready accepted = a.ack("c", 4, 1, a.now() + MS);
			assertThat(accepted.messages()).isEmpty();
			assertThat(nextIndex(a, "c")).isEqualTo(5);
			assertThat(a.node().commitIndex()).isEqualTo(4);
		}

		@Test
		void appendEntriesThatWouldReplaceACommittedEntryIsRefusedAsInvalidAndChangesNothing() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(1, null, log(1, 1)));
			a.step(new AppendEntries("b", "a", 1, 2, 1, List.of(), 2, 1), START + MS);
			assertThat(a.node().commitIndex()).isEqualTo(2);
			long deadline = a.node().nextTickNanos();
			AppendEntries conflicting = new AppendEntries("c", "a", 2, 1, 1, List.of(entry(2, 2)), 2, 1);
			assertThatIllegalArgumentException().isThrownBy(() -> a.node().step(conflicting, START + 2 * MS))
				.withMessageContaining("committed entry 2");
			assertThat(a.node().termAt(2)).isEqualTo(1);
			assertThat(a.node().term()).isEqualTo(1);
			assertThat(a.node().leaderId()).isEqualTo("b");
			assertThat(a.node().nextTickNanos()).isEqualTo(deadline);
			assertThat(a.node().ready().isEmpty()).isTrue();
		}

		@Test
		void staleLeaderWithEntriesThatConflictWithCommittedOnesIsToldTheNewerTerm() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, null, log(1, 2)));
			a.step(new AppendEntries("b", "a", 2, 2, 2, List.of(), 2, 1), START + MS);
			Ready ready = a.step(new AppendEntries("c", "a", 1, 1, 1, List.of(entry(2, 1)), 2, 5), START + 2 * MS);
			assertThat(sent(ready, AppendEntriesResponse.class)).singleElement()
				.isEqualTo(new AppendEntriesResponse("a", "c", 2, false, 1, 2, 5));
		}

	}

	@Nested
	@DisplayName("§5.4.2 Committing entries from previous terms")
	class CommittingEntriesFromPreviousTerms {

		@Test
		void leaderCommitsOnlyEntriesOfItsCurrentTermByCountingReplicas() {
			// Figure 8: the leader of term 4 holds [t1, t2] from earlier terms, then its no-op.
			NodeHarness a = NodeHarness.start("a", FIVE, new PersistentState(3, null, log(1, 2)));
			a.electLeader();
			assertThat(a.node().term()).isEqualTo(4);
			assertThat(a.node().termAt(3)).isEqualTo(4);
			long commitBefore = a.node().commitIndex();
			a.ack("b", 2, 1, a.now() + MS);
			a.ack("c", 2, 1, a.now() + MS);
			a.ack("d", 2, 1, a.now() + MS);
			// Index 2 is on every member but one, yet it is of term 2.
			assertThat(a.node().commitIndex()).isEqualTo(commitBefore);
			a.ack("b", 3, 1, a.now() + MS);
			assertThat(a.node().commitIndex()).as("index 3 on two members of five").isEqualTo(commitBefore);
			a.ack("c", 3, 1, a.now() + MS);
			assertThat(a.node().commitIndex()).isEqualTo(3);
		}

	}

	@Nested
	@DisplayName("Dissertation §9.6 Pre-vote")
	class PreVote {

		@Test
		void preVoteRequestNeverChangesTheVotersTermOrVote() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, "c", log(1, 2)));
			long deadline = a.node().nextTickNanos();
			Ready granted = a.step(new RequestVote("b", "a", 3, 2, 2, true, false), START + MIN);
			Ready farAhead = a.step(new RequestVote("b", "a", 8, 2, 2, true, false), START + MIN + MS);
			assertThat(granted.messages()).containsExactly(new RequestVoteResponse("a", "b", 3, true, true));
			assertThat(farAhead.messages()).containsExactly(new RequestVoteResponse("a", "b", 8, true, true));
			assertThat(granted.toPersist()).isNull();
			assertThat(farAhead.toPersist()).isNull();
			assertThat(a.node().term()).isEqualTo(2);
			assertThat(a.node().status().votedFor()).isEqualTo("c");
			assertThat(a.node().nextTickNanos()).isEqualTo(deadline);
		}

		@Test
		void preVoteForTheVotersCurrentTermIsRefusedOnceItVotedForAnotherCandidate() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(3, "c", List.of()));
			Ready ready = a.step(new RequestVote("b", "a", 3, 0, 0, true, false), START + MIN);
			assertThat(ready.messages()).containsExactly(new RequestVoteResponse("a", "b", 3, false, true));
		}

		@Test
		void nodeIsolatedForManyElectionTimeoutsKeepsItsTerm() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(4, null, List.of()));
			for (int i = 0; i < 100; i++) {
				long before = a.now();
				Ready ready = a.tickWhenDue();
				assertThat(a.now() - before).isBetween(MIN, MAX - 1);
				assertThat(a.node().role()).isEqualTo(Role.PRE_CANDIDATE);
				assertThat(ready.toPersist()).isNull();
				assertThat(sent(ready, RequestVote.class)).hasSize(2)
					.allSatisfy((request) -> assertThat(request.preVote()).isTrue())
					.allSatisfy((request) -> assertThat(request.term()).isEqualTo(5));
			}
			assertThat(a.node().term()).isEqualTo(4);
		}

		@Test
		void grantedPreVoteResponseCarriesTheRequestedTerm() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, null, List.of()));
			Ready ready = a.step(new RequestVote("b", "a", 6, 0, 0, true, false), START + MIN);
			assertThat(ready.messages()).containsExactly(new RequestVoteResponse("a", "b", 6, true, true));
		}

		@Test
		void preCandidateIgnoresAPreVoteGrantedForAnotherTerm() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(3, null, List.of()));
			a.tickWhenDue();
			Ready ready = a.step(new RequestVoteResponse("b", "a", 6, true, true));
			assertThat(ready.isEmpty()).isTrue();
			assertThat(a.node().role()).isEqualTo(Role.PRE_CANDIDATE);
			assertThat(a.node().term()).isEqualTo(3);
		}

		@Test
		void preCandidateRefusesTheEqualRivalItOutranksSoThatOnlyOneOfThemCampaigns() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(3, null, log(1, 3)));
			NodeHarness b = NodeHarness.start("b", THREE, new PersistentState(3, null, log(1, 3)));
			a.tickWhenDue();
			b.tickWhenDue();
			assertThat(a.node().role()).isEqualTo(Role.PRE_CANDIDATE);
			assertThat(b.node().role()).isEqualTo(Role.PRE_CANDIDATE);
			Ready fromA = a.step(new RequestVote("b", "a", 4, 2, 3, true, false));
			Ready fromB = b.step(new RequestVote("a", "b", 4, 2, 3, true, false));
			assertThat(fromA.messages()).containsExactly(new RequestVoteResponse("a", "b", 3, false, true));
			assertThat(fromB.messages()).containsExactly(new RequestVoteResponse("b", "a", 4, true, true));
		}

		@Test
		void followerRefusesAPreVoteForTheSameTermToARivalRankedAfterTheOneItGrantedWithinMin() {
			NodeHarness a = NodeHarness.start("a", FIVE, new PersistentState(3, null, log(1, 3)));
			Ready toC = a.step(new RequestVote("c", "a", 4, 2, 3, true, false), START + MIN);
			Ready toE = a.step(new RequestVote("e", "a", 4, 2, 3, true, false), START + MIN + 5 * MS);
			Ready toCAgain = a.step(new RequestVote("c", "a", 4, 2, 3, true, false), START + MIN + 6 * MS);
			assertThat(toC.messages()).containsExactly(new RequestVoteResponse("a", "c", 4, true, true));
			assertThat(toE.messages()).containsExactly(new RequestVoteResponse("a", "e", 3, false, true));
			assertThat(toCAgain.messages()).containsExactly(new RequestVoteResponse("a", "c", 4, true, true));
			assertThat(a.node().term()).isEqualTo(3);
		}

		@Test
		void followerStillGrantsAPreVoteToARivalThatRanksFirstOrHasAMoreUpToDateLog() {
			NodeHarness a = NodeHarness.start("a", FIVE, new PersistentState(3, null, log(1, 3)));
			a.step(new RequestVote("c", "a", 4, 2, 3, true, false), START + MIN);
			Ready toB = a.step(new RequestVote("b", "a", 4, 2, 3, true, false), START + MIN + MS);
			Ready toDWithALongerLog = a.step(new RequestVote("d", "a", 4, 3, 3, true, false), START + MIN + 2 * MS);
			assertThat(toB.messages()).containsExactly(new RequestVoteResponse("a", "b", 4, true, true));
			assertThat(toDWithALongerLog.messages()).containsExactly(new RequestVoteResponse("a", "d", 4, true, true));
		}

		@Test
		void followerGrantsTheRivalOnceMinHasPassedOrForAnotherTerm() {
			NodeHarness a = NodeHarness.start("a", FIVE, new PersistentState(3, null, log(1, 3)));
			a.step(new RequestVote("c", "a", 4, 2, 3, true, false), START + MIN);
			Ready nextTerm = a.step(new RequestVote("e", "a", 5, 2, 3, true, false), START + MIN + MS);
			Ready afterMin = a.step(new RequestVote("d", "a", 5, 2, 3, true, false), START + MIN + MS + MIN);
			assertThat(nextTerm.messages()).containsExactly(new RequestVoteResponse("a", "e", 5, true, true));
			assertThat(afterMin.messages()).containsExactly(new RequestVoteResponse("a", "d", 5, true, true));
		}

		@Test
		void preCandidateStillGrantsARivalWithAMoreUpToDateLog() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(3, null, log(1)));
			a.tickWhenDue();
			Ready ready = a.step(new RequestVote("b", "a", 4, 2, 3, true, false));
			assertThat(ready.messages()).containsExactly(new RequestVoteResponse("a", "b", 4, true, true));
		}

		@Test
		void preCandidateRefusedByAMajorityFallsBackToFollowerWithoutRaisingItsTerm() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(3, null, List.of()));
			a.tickWhenDue();
			a.step(new RequestVoteResponse("b", "a", 3, false, true));
			Ready ready = a.step(new RequestVoteResponse("c", "a", 3, false, true));
			assertThat(a.node().role()).isEqualTo(Role.FOLLOWER);
			assertThat(a.node().term()).isEqualTo(3);
			assertThat(ready.toPersist()).isNull();
			assertThat(ready.roleChanges())
				.containsExactly(new RoleChange(Role.PRE_CANDIDATE, Role.FOLLOWER, 3, Reason.ELECTION_LOST));
		}

	}

	@Nested
	@DisplayName("Dissertation §6.2 Check-quorum: a leader without a majority steps down")
	class CheckQuorum {

		@Test
		void leaderThatHearsFromNoFollowerStepsDownAtTheFirstHeartbeatTickMinAfterItWasElected() {
			NodeHarness a = NodeHarness.start("a", THREE);
			a.electLeader();
			long elected = a.now();
			assertThat(sent(a.tick(elected + HEARTBEAT), AppendEntries.class)).hasSize(2);
			assertThat(sent(a.tick(elected + 2 * HEARTBEAT), AppendEntries.class)).hasSize(2);
			assertThat(a.node().role()).isEqualTo(Role.LEADER);
			Ready ready = a.tick(elected + MIN);
			assertThat(a.node().role()).isEqualTo(Role.FOLLOWER);
			assertThat(a.node().term()).isEqualTo(1);
			assertThat(ready.messages()).isEmpty();
			assertThat(ready.roleChanges())
				.containsExactly(new RoleChange(Role.LEADER, Role.FOLLOWER, 1, Reason.QUORUM_LOST));
		}

		@Test
		void leaderStepsDownAtTheFirstHeartbeatTickMinAfterItLastHeardFromAMajority() {
			NodeHarness a = NodeHarness.start("a", THREE);
			a.electLeader();
			long elected = a.now();
			a.ack("b", 1, 1, elected + 10 * MS);
			a.tick(elected + HEARTBEAT);
			a.tick(elected + 2 * HEARTBEAT);
			a.tick(elected + 3 * HEARTBEAT);
			assertThat(a.node().role()).as("140 ms after b answered").isEqualTo(Role.LEADER);
			Ready ready = a.tick(elected + 4 * HEARTBEAT);
			assertThat(a.node().role()).isEqualTo(Role.FOLLOWER);
			assertThat(ready.roleChanges()).extracting(RoleChange::reason).containsExactly(Reason.QUORUM_LOST);
		}

		@Test
		void leaderHearingFromAMajorityStaysLeader() {
			NodeHarness a = NodeHarness.start("a", THREE);
			a.electLeader();
			long elected = a.now();
			for (int i = 1; i <= 20; i++) {
				Ready heartbeat = a.tick(elected + i * HEARTBEAT);
				a.ack("c", 1, round(heartbeat), a.now() + 5 * MS);
			}
			assertThat(a.node().role()).isEqualTo(Role.LEADER);
		}

		@Test
		void leaderHearingOnlyFromAMinorityStepsDown() {
			NodeHarness a = NodeHarness.start("a", FIVE);
			a.electLeader();
			long elected = a.now();
			a.ack("b", 1, 1, elected + MS);
			a.tick(elected + HEARTBEAT);
			a.ack("b", 1, 2, elected + HEARTBEAT + MS);
			a.tick(elected + 2 * HEARTBEAT);
			a.ack("b", 1, 3, elected + 2 * HEARTBEAT + MS);
			Ready ready = a.tick(elected + 3 * HEARTBEAT);
			assertThat(a.node().role()).isEqualTo(Role.FOLLOWER);
			assertThat(ready.roleChanges()).extracting(RoleChange::reason).containsExactly(Reason.QUORUM_LOST);
		}

		@Test
		void leaderWithCheckQuorumDisabledStaysLeaderWithoutAnswers() {
			RaftConfig config = RaftConfig.builder("a", THREE).checkQuorum(false).build();
			NodeHarness a = NodeHarness.start(config, PersistentState.empty(), START);
			a.electLeader();
			long elected = a.now();
			for (int i = 1; i <= 20; i++) {
				a.tick(elected + i * HEARTBEAT);
			}
			assertThat(a.node().role()).isEqualTo(Role.LEADER);
		}

	}

	@Nested
	@DisplayName("Dissertation §4.2.3 Disruptive servers: stickiness")
	class Stickiness {

		private static final long CONTACT = START + 200 * MS;

		private NodeHarness followerOfB() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(1, null, List.of()));
			a.step(new AppendEntries("b", "a", 1, 0, 0, List.of(), 0, 1), CONTACT);
			assertThat(a.node().leaderId()).isEqualTo("b");
			return a;
		}

		@Test
		void followerThatHeardFromItsLeaderWithinMinIgnoresHigherTermVoteAndPreVoteRequests() {
			NodeHarness a = followerOfB();
			Ready vote = a.step(new RequestVote("c", "a", 2, 0, 0, false, false), CONTACT + MIN - 1);
			Ready preVote = a.step(new RequestVote("c", "a", 2, 0, 0, true, false), CONTACT + MIN - 1);
			assertThat(vote.isEmpty()).isTrue();
			assertThat(preVote.isEmpty()).isTrue();
			assertThat(a.node().term()).isEqualTo(1);
			assertThat(a.node().leaderId()).isEqualTo("b");
			assertThat(a.node().status().votedFor()).isNull();
		}

		@Test
		void followerConsidersTheSameRequestsOnceMinHasPassedSinceItHeardFromItsLeader() {
			NodeHarness a = followerOfB();
			Ready preVote = a.step(new RequestVote("c", "a", 2, 0, 0, true, false), CONTACT + MIN);
			assertThat(preVote.messages()).containsExactly(new RequestVoteResponse("a", "c", 2, true, true));
			assertThat(a.node().term()).isEqualTo(1);
			Ready vote = a.step(new RequestVote("c", "a", 2, 0, 0, false, false), CONTACT + MIN);
			assertThat(vote.messages()).containsExactly(new RequestVoteResponse("a", "c", 2, true, false));
			assertThat(a.node().term()).isEqualTo(2);
			assertThat(a.node().status().votedFor()).isEqualTo("c");
		}

		@Test
		void followerHonoursATransferVoteRequestEvenWhileSticky() {
			NodeHarness a = followerOfB();
			Ready vote = a.step(new RequestVote("c", "a", 2, 0, 0, false, true), CONTACT + MS);
			assertThat(vote.messages()).containsExactly(new RequestVoteResponse("a", "c", 2, true, false));
			assertThat(a.node().term()).isEqualTo(2);
			assertThat(a.node().status().votedFor()).isEqualTo("c");
		}

		@Test
		void freshlyStartedNodeIgnoresHigherTermVoteRequestsForMinAfterStart() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(3, null, List.of()));
			Ready vote = a.step(new RequestVote("b", "a", 4, 0, 0, false, false), START + MIN - 1);
			Ready preVote = a.step(new RequestVote("b", "a", 4, 0, 0, true, false), START + MIN - 1);
			assertThat(vote.isEmpty()).isTrue();
			assertThat(preVote.isEmpty()).isTrue();
			assertThat(a.node().term()).isEqualTo(3);
			Ready later = a.step(new RequestVote("b", "a", 4, 0, 0, false, false), START + MIN);
			assertThat(later.messages()).containsExactly(new RequestVoteResponse("a", "b", 4, true, false));
			assertThat(a.node().term()).isEqualTo(4);
		}

		@Test
		void leaderIgnoresHigherTermVoteRequestsThatAreNotTransfers() {
			NodeHarness a = NodeHarness.start("a", THREE);
			a.electLeader();
			long term = a.node().term();
			Ready vote = a.step(new RequestVote("c", "a", term + 1, 9, term, false, false), a.now() + 10 * MIN);
			Ready preVote = a.step(new RequestVote("c", "a", term + 1, 9, term, true, false), a.now());
			assertThat(vote.isEmpty()).isTrue();
			assertThat(preVote.isEmpty()).isTrue();
			assertThat(a.node().role()).isEqualTo(Role.LEADER);
			assertThat(a.node().term()).isEqualTo(term);
		}

	}

	@Nested
	@DisplayName("Dissertation §6.4.1 Leader lease")
	class LeaderLease {

		/** A leader of term 2 whose no-op is at index 2, elected at {@code now()}, round 1 sent. */
		private NodeHarness leader(List<String> members) {
			NodeHarness a = NodeHarness.start("a", members, new PersistentState(1, null, log(1)));
			a.electLeader();
			assertThat(a.node().term()).isEqualTo(2);
			assertThat(a.node().lastLogIndex()).isEqualTo(2);
			return a;
		}

		@Test
		void newLeaderIsNotActiveUntilItsNoopIsCommitted() {
			NodeHarness a = leader(THREE);
			long elected = a.now();
			assertThat(a.node().isActiveLeader(elected)).isFalse();
			assertThat(a.node().status().lease()).isNull();
			// A majority acknowledged round 1, but b's log does not match: nothing committed.
			a.step(new AppendEntriesResponse("b", "a", 2, false, 1, 0, 1), elected + MS);
			assertThat(a.node().commitIndex()).isZero();
			assertThat(a.node().isActiveLeader(elected + MS)).isFalse();
			assertThat(a.node().status().lease()).isNull();
			a.ack("c", 2, 1, elected + 2 * MS);
			assertThat(a.node().commitIndex()).isEqualTo(2);
			assertThat(a.node().isActiveLeader(elected + 2 * MS)).isTrue();
			assertThat(a.node().status().lease()).isEqualTo(new Lease(2, elected + LEASE, false));
		}

		@Test
		void leaseHoldsUntilTheSendTimeOfTheRoundAMajorityAcknowledgedPlusTheLeaseDuration() {
			NodeHarness a = leader(THREE);
			long elected = a.now();
			a.ack("b", 2, 1, elected + 40 * MS);
			a.tick(elected + HEARTBEAT);
			a.tick(elected + 2 * HEARTBEAT);
			assertThat(a.node().lease().endNanos()).isEqualTo(elected + LEASE);
			assertThat(a.node().isActiveLeader(elected + LEASE - 1)).isTrue();
			assertThat(a.node().isActiveLeader(elected + LEASE)).isFalse();
			assertThat(a.node().status().isActiveLeaderAt(elected + LEASE)).isFalse();
			a.tick(elected + 3 * HEARTBEAT);
			assertThat(a.node().role()).isEqualTo(Role.LEADER);
			assertThat(a.node().isActiveLeader(a.now())).isFalse();
		}

		@Test
		void acknowledgementsOfALaterRoundExtendTheLease() {
			NodeHarness a = leader(THREE);
			long elected = a.now();
			a.ack("b", 2, 1, elected + 10 * MS);
			long sent = elected + HEARTBEAT;
			assertThat(round(a.tick(sent))).isEqualTo(2);
			a.ack("c", 2, 2, elected + 70 * MS);
			assertThat(a.node().lease().endNanos()).isEqualTo(sent + LEASE);
			assertThat(a.node().isActiveLeader(elected + LEASE)).isTrue();
			assertThat(a.node().isActiveLeader(sent + LEASE - 1)).isTrue();
			assertThat(a.node().isActiveLeader(sent + LEASE)).isFalse();
		}

		@Test
		void roundAcknowledgedByOnlyAMinorityDoesNotExtendTheLease() {
			NodeHarness a = leader(FIVE);
			long elected = a.now();
			a.ack("b", 2, 1, elected + MS);
			assertThat(a.node().lease()).as("no-op on two of five").isNull();
			a.ack("c", 2, 1, elected + 2 * MS);
			assertThat(a.node().lease().endNanos()).isEqualTo(elected + LEASE);
			long sent = elected + HEARTBEAT;
			a.tick(sent);
			a.ack("b", 2, 2, sent + MS);
			assertThat(a.node().lease().endNanos()).as("round 2 on two of five").isEqualTo(elected + LEASE);
			a.ack("d", 2, 2, sent + 2 * MS);
			assertThat(a.node().lease().endNanos()).isEqualTo(sent + LEASE);
		}

		@Test
		void unsuccessfulResponseInTheLeadersTermStillCountsForTheLease() {
			NodeHarness a = leader(THREE);
			long elected = a.now();
			a.ack("c", 2, 1, elected + 10 * MS);
			long sent = elected + HEARTBEAT;
			assertThat(round(a.tick(sent))).isEqualTo(2);
			assertThat(a.node().lease().endNanos()).isEqualTo(elected + LEASE);
			a.step(new AppendEntriesResponse("b", "a", 2, false, 1, 0, 2), sent + 10 * MS);
			assertThat(a.node().lease().endNanos()).isEqualTo(sent + LEASE);
			assertThat(a.node().isActiveLeader(elected + LEASE)).isTrue();
		}

		@Test
		void responseOfAnOlderTermDoesNotCountForTheLease() {
			NodeHarness a = leader(THREE);
			long elected = a.now();
			a.ack("c", 2, 1, elected + 10 * MS);
			long sent = elected + HEARTBEAT;
			assertThat(round(a.tick(sent))).isEqualTo(2);
			a.step(new AppendEntriesResponse("b", "a", 1, true, 2, 2, 2), sent + 10 * MS);
			a.step(new AppendEntriesResponse("c", "a", 1, false, 1, 2, 2), sent + 11 * MS);
			assertThat(a.node().lease().endNanos()).isEqualTo(elected + LEASE);
			assertThat(a.node().isActiveLeader(elected + LEASE)).isFalse();
		}

		@Test
		void leaseCarriesTheLeadersTerm() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(6, null, log(1, 6)));
			a.electLeader();
			a.ack("b", 3, 1, a.now() + MS);
			assertThat(a.node().term()).isEqualTo(7);
			assertThat(a.node().lease().term()).isEqualTo(7);
			assertThat(a.node().status().lease().term()).isEqualTo(7);
		}

		@Test
		void leaseDurationIsMinTimesOneMinusTheClockDriftBound() {
			assertThat(config("a", THREE).leaseDuration()).isEqualTo(Duration.ofNanos(LEASE));
		}

		@Test
		void oneMemberClusterLeadsAtOnceInItsConstructorWithAnUnboundedLease() {
			RaftNode node = new RaftNode(config("a", List.of("a")), PersistentState.empty(), new SplittableRandom(1),
					START);
			assertThat(node.role()).isEqualTo(Role.LEADER);
			assertThat(node.term()).isEqualTo(1);
			assertThat(node.commitIndex()).isEqualTo(1);
			assertThat(node.lease()).isNotNull();
			assertThat(node.lease().unbounded()).isTrue();
			assertThat(node.lease().term()).isEqualTo(1);
			assertThat(node.isActiveLeader(START)).isTrue();
			assertThat(node.isActiveLeader(START + 3650L * 24 * 3600 * 1000 * MS)).isTrue();
			Ready ready = node.ready();
			assertThat(ready.toPersist())
				.isEqualTo(new PersistentState(1, "a", log(1), config("a", List.of("a")).initialMembership()));
			assertThat(ready.messages()).isEmpty();
			assertThat(ready.roleChanges()).last()
				.isEqualTo(new RoleChange(Role.CANDIDATE, Role.LEADER, 1, Reason.ELECTION_WON));
			for (int i = 1; i <= 10; i++) {
				node.tick(START + i * MIN);
			}
			assertThat(node.role()).isEqualTo(Role.LEADER);
			assertThat(node.isActiveLeader(START + 11 * MIN)).isTrue();
		}

	}

	@Nested
	@DisplayName("Dissertation §3.10 Leadership transfer")
	class LeadershipTransfer {

		/** A leader of term 2 (no-op at index 2) acknowledged by b and c, so active. */
		private NodeHarness activeLeader(RaftConfig config) {
			NodeHarness a = NodeHarness.start(config, new PersistentState(1, null, log(1)), START);
			a.electLeader();
			long elected = a.now();
			a.ack("b", 2, 1, elected + 10 * MS);
			a.ack("c", 2, 1, elected + 10 * MS);
			assertThat(a.node().isActiveLeader(a.now())).isTrue();
			return a;
		}

		@Test
		void transferMakesTheLeaderInactiveAtOnce() {
			NodeHarness a = activeLeader(config("a", THREE));
			long now = a.now() + MS;
			assertThat(a.node().transferLeadership("b", now)).isEqualTo(TransferResult.STARTED);
			assertThat(a.node().isActiveLeader(now)).isFalse();
			assertThat(a.node().lease()).isNull();
			assertThat(a.node().status().transferTarget()).isEqualTo("b");
			assertThat(a.node().role()).isEqualTo(Role.LEADER);
		}

		@Test
		void transferToAnUpToDateTargetSendsTimeoutNowAtOnce() {
			NodeHarness a = activeLeader(config("a", THREE));
			Ready ready = a.transferLeadership("b", a.now() + MS);
			assertThat(ready.messages()).containsExactly(new TimeoutNow("a", "b", 2));
			// It lets the target pass the followers' stickiness: only after everything before it.
			assertThat(ready.messagesAfterPersisting()).isEqualTo(ready.messages());
		}

		@Test
		void transferToALaggingTargetCatchesItUpFirstAndSendsTimeoutNowOnceItsLogMatches() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(1, null, log(1, 1, 1)));
			a.electLeader();
			a.ack("c", 4, 1, a.now() + 10 * MS);
			Ready started = a.transferLeadership("b", a.now() + MS);
			assertThat(started.messages()).containsExactly(
					new AppendEntries("a", "b", 2, 3, 1, List.of(new LogEntry(4, 2, EntryType.NOOP)), 4, 1, null,
							STICKINESS));
			Ready rejected = a.step(new AppendEntriesResponse("b", "a", 2, false, 3, 1, 1), a.now() + MS);
			assertThat(rejected.messages()).singleElement().isInstanceOf(AppendEntries.class);
			Ready partly = a.ack("b", 3, 1, a.now() + MS);
			assertThat(partly.messages()).singleElement().isInstanceOf(AppendEntries.class);
			Ready caughtUp = a.ack("b", 4, 1, a.now() + MS);
			assertThat(caughtUp.messages()).containsExactly(new TimeoutNow("a", "b", 2));
		}

		@Test
		void followerReceivingTimeoutNowCampaignsAtOnceAsCandidateAskingForTransferVotes() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(2, null, log(1, 2)));
			a.step(new AppendEntries("b", "a", 2, 2, 2, List.of(), 2, 1), START + MS);
			Ready ready = a.step(new TimeoutNow("b", "a", 2), START + 2 * MS);
			assertThat(a.node().role()).isEqualTo(Role.CANDIDATE);
			assertThat(a.node().term()).isEqualTo(3);
			assertThat(ready.roleChanges())
				.containsExactly(new RoleChange(Role.FOLLOWER, Role.CANDIDATE, 3, Reason.TRANSFER_REQUESTED));
			assertThat(ready.toPersist()).isEqualTo(a.persisted(3, "a", log(1, 2)));
			assertThat(ready.messages()).containsExactlyInAnyOrder(new RequestVote("a", "b", 3, 2, 2, false, true),
					new RequestVote("a", "c", 3, 2, 2, false, true));
		}

		@Test
		void transferAbortedBeforeTimeoutNowWasSentLetsTheLeaderResume() {
			RaftConfig config = RaftConfig.builder("a", THREE).checkQuorum(false).build();
			NodeHarness a = NodeHarness.start(config, new PersistentState(1, null, log(1)), START);
			a.electLeader();
			long elected = a.now();
			a.ack("c", 2, 1, elected + 10 * MS);
			long started = elected + 75 * MS;
			Ready transfer = a.transferLeadership("b", started);
			assertThat(sent(transfer, TimeoutNow.class)).isEmpty();
			a.tick(elected + 2 * HEARTBEAT);
			a.tick(elected + 3 * HEARTBEAT);
			a.tick(elected + 4 * HEARTBEAT);
			assertThat(a.node().status().transferTarget()).isEqualTo("b");
			assertThat(a.node().nextTickNanos()).isEqualTo(started + MIN);
			a.tick(started + MIN - 1);
			assertThat(a.node().status().transferTarget()).isEqualTo("b");
			Ready aborted = a.tick(started + MIN);
			assertThat(a.node().role()).isEqualTo(Role.LEADER);
			assertThat(a.node().status().transferTarget()).isNull();
			assertThat(aborted.roleChanges()).isEmpty();
			assertThat(a.node().isActiveLeader(a.now())).as("no acknowledgement since round 1").isFalse();
			long sent = elected + 5 * HEARTBEAT;
			long round = round(a.tick(sent));
			a.ack("c", 2, round, sent + MS);
			assertThat(a.node().isActiveLeader(sent + MS)).isTrue();
			assertThat(a.node().lease().endNanos()).isEqualTo(sent + LEASE);
		}

		@Test
		void transferAbortedAfterTimeoutNowWasSentMakesTheLeaderStepDown() {
			NodeHarness a = activeLeader(config("a", THREE));
			long elected = a.now() - 10 * MS;
			long started = elected + 20 * MS;
			a.transferLeadership("b", started);
			a.tick(elected + HEARTBEAT);
			a.tick(elected + 2 * HEARTBEAT);
			a.tick(elected + 3 * HEARTBEAT);
			assertThat(a.node().role()).isEqualTo(Role.LEADER);
			assertThat(a.node().nextTickNanos()).isEqualTo(started + MIN);
			Ready ready = a.tick(started + MIN);
			assertThat(a.node().role()).isEqualTo(Role.FOLLOWER);
			assertThat(a.node().term()).isEqualTo(2);
			assertThat(a.node().leaderId()).isNull();
			assertThat(ready.roleChanges())
				.containsExactly(new RoleChange(Role.LEADER, Role.FOLLOWER, 2, Reason.TRANSFER_ABORTED));
		}

		@Test
		void transferIsRefusedWithAReasonWhenItCannotStart() {
			NodeHarness follower = NodeHarness.start("a", THREE);
			assertThat(follower.node().transferLeadership("b", START)).isEqualTo(TransferResult.NOT_LEADER);
			NodeHarness a = activeLeader(config("a", THREE));
			long now = a.now();
			assertThat(a.node().transferLeadership("a", now)).isEqualTo(TransferResult.TARGET_IS_SELF);
			assertThat(a.node().transferLeadership("z", now)).isEqualTo(TransferResult.UNKNOWN_MEMBER);
			assertThat(a.node().status().transferTarget()).isNull();
			assertThat(a.node().transferLeadership("b", now)).isEqualTo(TransferResult.STARTED);
			assertThat(a.node().transferLeadership("b", now)).isEqualTo(TransferResult.IN_PROGRESS);
			assertThat(a.node().transferLeadership("c", now)).isEqualTo(TransferResult.OTHER_TRANSFER_IN_PROGRESS);
			assertThat(a.node().status().transferTarget()).isEqualTo("b");
		}

		@Test
		void transferToTheBestPeerPicksTheReachablePeerWithTheHighestMatchIndex() {
			NodeHarness a = NodeHarness.start("a", FIVE, new PersistentState(1, null, log(1, 1)));
			a.electLeader();
			long elected = a.now();
			a.ack("b", 3, 1, elected + MS); // most up to date, but not heard from within min
			a.ack("c", 1, 1, elected + 100 * MS);
			a.ack("d", 2, 1, elected + 110 * MS);
			TransferAttempt attempt = a.node().transferLeadershipToBestPeer(elected + 160 * MS);
			assertThat(attempt).isEqualTo(new TransferAttempt("d", TransferResult.STARTED));
			assertThat(a.node().status().transferTarget()).isEqualTo("d");
		}

		@Test
		void transferToTheBestPeerPrefersThePeerHeardFromLastAmongEquallyUpToDateOnes() {
			NodeHarness a = NodeHarness.start("a", FIVE, new PersistentState(1, null, log(1, 1)));
			a.electLeader();
			long elected = a.now();
			a.ack("c", 3, 1, elected + 10 * MS);
			a.ack("d", 3, 1, elected + 20 * MS);
			a.ack("b", 2, 1, elected + 30 * MS);
			TransferAttempt attempt = a.node().transferLeadershipToBestPeer(elected + 40 * MS);
			assertThat(attempt).isEqualTo(new TransferAttempt("d", TransferResult.STARTED));
		}

		@Test
		void transferToTheBestPeerPrefersTheVoterBackMostRecentlyAsTheReplicaRestartedJustBeforeInARollingRestart() {
			NodeHarness a = NodeHarness.start("a", FIVE, new PersistentState(1, null, log(1, 1)));
			a.electLeader();
			long elected = a.now();
			long round = 1;
			for (String peer : List.of("b", "c", "d", "e")) {
				a.ack(peer, 2, round, elected + MS);
			}
			// c and e answer all along; b and d fall silent (restarting) and are back at different times
			long now = elected + MS;
			for (int i = 1; i <= 12; i++) {
				now += 50 * MS;
				round++;
				a.ack("c", 2, round, now);
				a.ack("e", 2, round, now + MS);
				if (i >= 9) {
					a.ack("b", 2, round, now + 2 * MS);
				}
				if (i >= 11) {
					a.ack("d", 2, round, now + 3 * MS);
				}
			}
			assertThat(a.node().role()).isEqualTo(Role.LEADER);
			TransferAttempt attempt = a.node().transferLeadershipToBestPeer(now + 4 * MS);
			assertThat(attempt).as("back most recently").isEqualTo(new TransferAttempt("d", TransferResult.STARTED));
		}

		@Test
		void aVoterBackAgainIsPreferredOverVotersThatCameBackEarlierInTheSameLeadership() {
			NodeHarness a = NodeHarness.start("a", FIVE, new PersistentState(1, null, log(1, 1)));
			a.electLeader();
			long now = a.now() + MS;
			long round = 1;
			for (String peer : List.of("b", "c", "d", "e")) {
				a.ack(peer, 2, round, now);
			}
			// Earlier in this leadership every follower restarted once, b first (follower restarts,
			// crashes); then a rolling restart begins with c, which is back again just before the
			// leader's own turn: the others have not been restarted in this roll. Neither the one
			// back for longest (b) nor the last of the first returns (e) is right.
			List<String> restarting = List.of("b", "c", "d", "e", "c");
			for (String silent : restarting) {
				for (int i = 1; i <= 8; i++) {
					now += 50 * MS;
					round++;
					for (String peer : List.of("b", "c", "d", "e")) {
						if (!peer.equals(silent)) {
							a.ack(peer, 2, round, now + MS);
						}
					}
				}
				now += 50 * MS;
				round++;
				for (String peer : List.of("b", "c", "d", "e")) {
					a.ack(peer, 2, round, now + MS);
				}
			}
			assertThat(a.node().role()).isEqualTo(Role.LEADER);
			assertThat(a.node().transferLeadershipToBestPeer(now + 2 * MS))
				.isEqualTo(new TransferAttempt("c", TransferResult.STARTED));
		}

		@Test
		void voterThatCameBackIsNotPreferredOverAMoreUpToDateOne() {
			NodeHarness a = NodeHarness.start("a", FIVE, new PersistentState(1, null, log(1, 1)));
			a.electLeader();
			long elected = a.now();
			a.ack("b", 1, 1, elected + MS);
			for (String peer : List.of("c", "d", "e")) {
				a.ack(peer, 2, 1, elected + MS);
			}
			long back = elected + MS + MAX + 10 * MS;
			a.ack("c", 2, 2, elected + MAX / 2);
			a.ack("d", 2, 2, elected + MAX / 2);
			a.ack("c", 2, 3, back - 20 * MS);
			a.ack("d", 2, 3, back - 19 * MS);
			a.ack("b", 1, 4, back);
			assertThat(a.node().transferLeadershipToBestPeer(back + MS))
				.isEqualTo(new TransferAttempt("d", TransferResult.STARTED));
		}

		@Test
		void transferToTheBestPeerFindsNoReachableMemberWhenNobodyAnsweredWithinMin() {
			NodeHarness silent = NodeHarness.start("a", THREE);
			silent.electLeader();
			assertThat(silent.node().transferLeadershipToBestPeer(silent.now() + MS))
				.isEqualTo(new TransferAttempt(null, TransferResult.NO_REACHABLE_MEMBER));
			assertThat(silent.node().status().transferTarget()).isNull();
			NodeHarness a = activeLeader(config("a", THREE));
			long answered = a.now();
			assertThat(a.node().transferLeadershipToBestPeer(answered + MIN))
				.isEqualTo(new TransferAttempt(null, TransferResult.NO_REACHABLE_MEMBER));
			assertThat(a.node().status().transferTarget()).isNull();
			assertThat(a.node().ready().messages()).isEmpty();
			NodeHarness follower = NodeHarness.start("a", THREE);
			assertThat(follower.node().transferLeadershipToBestPeer(START))
				.isEqualTo(new TransferAttempt(null, TransferResult.NOT_LEADER));
		}

	}

	@Nested
	@DisplayName("Election groups: heartbeat rounds sent early to travel together")
	class EarlyHeartbeats {

		/** A leader of term 2 (no-op at index 2) acknowledged by b and c, so active; round 1 sent at {@code now()}. */
		private NodeHarness activeLeader() {
			NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(1, null, log(1)));
			a.electLeader();
			a.ack("b", 2, 1, a.now());
			a.ack("c", 2, 1, a.now());
			assertThat(a.node().isActiveLeader(a.now())).isTrue();
			return a;
		}

		@Test
		void leaderSendsItsNextRoundAtOnceWhenItIsDueWithinTheWindow() {
			NodeHarness a = activeLeader();
			long elected = a.now();
			long early = elected + HEARTBEAT - 20 * MS;
			EarlyTick tick = a.tickEarly(20 * MS, early);
			assertThat(tick.sent()).isTrue();
			assertThat(sent(tick.ready(), AppendEntries.class)).extracting(AppendEntries::to)
				.containsExactlyInAnyOrder("b", "c");
			assertThat(round(tick.ready())).isEqualTo(2);
			assertThat(a.node().role()).isEqualTo(Role.LEADER);
		}

		@Test
		void theRoundAfterAnEarlyOneIsDueAHeartbeatIntervalAfterIt() {
			NodeHarness a = activeLeader();
			long early = a.now() + HEARTBEAT - 20 * MS;
			a.tickEarly(20 * MS, early);
			assertThat(a.node().nextTickNanos()).isEqualTo(early + HEARTBEAT);
			assertThat(a.tick(early + HEARTBEAT - 1).messages()).isEmpty();
			assertThat(round(a.tick(early + HEARTBEAT))).isEqualTo(3);
		}

		@Test
		void nothingIsSentWhenTheRoundIsDueLaterThanTheWindow() {
			NodeHarness a = activeLeader();
			long due = a.node().nextTickNanos();
			EarlyTick tick = a.tickEarly(20 * MS, due - 20 * MS - 1);
			assertThat(tick.sent()).isFalse();
			assertThat(tick.ready().isEmpty()).isTrue();
			assertThat(a.node().nextTickNanos()).isEqualTo(due);
		}

		@Test
		void nodeThatDoesNotLeadSendsNothingAndKeepsItsElectionTimer() {
			NodeHarness a = NodeHarness.start("a", THREE);
			long deadline = a.node().nextTickNanos();
			EarlyTick tick = a.tickEarly(HEARTBEAT, deadline - MS);
			assertThat(tick.sent()).isFalse();
			assertThat(tick.ready().isEmpty()).isTrue();
			assertThat(a.node().role()).isEqualTo(Role.FOLLOWER);
			assertThat(a.node().nextTickNanos()).isEqualTo(deadline);
		}

		@Test
		void leaseCountsFromTheSendTimeOfTheEarlyRound() {
			NodeHarness a = activeLeader();
			long elected = a.now();
			long early = elected + HEARTBEAT - 20 * MS;
			a.tickEarly(20 * MS, early);
			assertThat(a.node().lease().endNanos()).isEqualTo(elected + LEASE);
			a.ack("b", 2, 2, early + 5 * MS);
			assertThat(a.node().lease().endNanos()).isEqualTo(early + LEASE);
			assertThat(a.node().isActiveLeader(early + LEASE - 1)).isTrue();
			assertThat(a.node().isActiveLeader(early + LEASE)).isFalse();
		}

		@Test
		void roundsSentEarlyAgainAndAgainKeepTheLeaseAndCountNoPause() {
			NodeHarness a = activeLeader();
			for (int i = 0; i < 20; i++) {
				long early = a.node().nextTickNanos() - 10 * MS;
				EarlyTick tick = a.tickEarly(10 * MS, early);
				assertThat(tick.sent()).isTrue();
				a.ack("c", 2, round(tick.ready()), early + 2 * MS);
				assertThat(a.node().isActiveLeader(a.now())).isTrue();
			}
			assertThat(a.node().status().incidents()).isEqualTo(Incidents.none());
		}

		@Test
		void windowCountsAsHalfTheHeartbeatIntervalAtMostSoThatRoundsCannotFollowEachOtherAtOnce() {
			NodeHarness a = activeLeader();
			long elected = a.now();
			assertThat(a.tickEarly(HEARTBEAT, elected).sent()).as("just sent").isFalse();
			assertThat(a.tickEarly(HEARTBEAT, elected + HEARTBEAT / 2 - 1).sent()).isFalse();
			assertThat(a.tickEarly(HEARTBEAT, elected + HEARTBEAT / 2).sent()).isTrue();
		}

		@Test
		void overdueRoundIsSentAsATickWouldSendItAndThePauseIsNoticed() {
			NodeHarness a = activeLeader();
			long due = a.node().nextTickNanos();
			EarlyTick tick = a.tickEarly(0, due + 2 * HEARTBEAT);
			assertThat(tick.sent()).isTrue();
			assertThat(round(tick.ready())).isEqualTo(2);
			assertThat(a.node().status().incidents().pauses()).isEqualTo(1);
		}

		@Test
		void leaderThatHeardFromNoMajorityWithinMinStepsDownInsteadOfSendingTheEarlyRound() {
			NodeHarness a = NodeHarness.start("a", THREE);
			a.electLeader();
			long elected = a.now();
			a.ack("b", 1, 1, elected + 10 * MS);
			a.tick(elected + HEARTBEAT);
			a.tick(elected + 2 * HEARTBEAT);
			a.tick(elected + 3 * HEARTBEAT);
			assertThat(a.node().role()).as("140 ms after b answered").isEqualTo(Role.LEADER);
			EarlyTick tick = a.tickEarly(HEARTBEAT / 2, elected + 3 * HEARTBEAT + HEARTBEAT / 2);
			assertThat(tick.sent()).isFalse();
			assertThat(a.node().role()).isEqualTo(Role.FOLLOWER);
			assertThat(tick.ready().roleChanges()).extracting(RoleChange::reason).containsExactly(Reason.QUORUM_LOST);
		}

		@Test
		void negativeWindowIsRefused() {
			NodeHarness a = activeLeader();
			assertThatIllegalArgumentException().isThrownBy(() -> a.node().tickEarly(-1, a.now()))
				.withMessageContaining("windowNanos");
		}

	}

	@Nested
	@DisplayName("Configuration and input validation")
	class Validation {

		@Test
		void electionTimeoutMinMustBeBelowMax() {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> RaftConfig.builder("a", THREE)
					.electionTimeout(Duration.ofMillis(300), Duration.ofMillis(300))
					.build())
				.withMessageContaining("electionTimeoutMax")
				.withMessageContaining("electionTimeoutMin");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> RaftConfig.builder("a", THREE)
					.electionTimeout(Duration.ofMillis(400), Duration.ofMillis(300))
					.build())
				.withMessageContaining("electionTimeoutMax")
				.withMessageContaining("electionTimeoutMin");
		}

		@Test
		void heartbeatIntervalMustBeAtMostHalfTheLease() {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> RaftConfig.builder("a", THREE).heartbeatInterval(Duration.ofMillis(68)).build())
				.withMessageContaining("heartbeatInterval");
			Duration halfTheLease = Duration.ofNanos(LEASE / 2);
			assertThatNoException()
				.isThrownBy(() -> RaftConfig.builder("a", THREE).heartbeatInterval(halfTheLease).build());
		}

		@Test
		void clockDriftBoundMustBeFromZeroInclusiveToOneHalfExclusive() {
			for (double drift : new double[] { -0.01, 0.5, 0.7, Double.NaN }) {
				assertThatIllegalArgumentException().as("drift %s", drift)
					.isThrownBy(() -> RaftConfig.builder("a", THREE).clockDriftBound(drift).build())
					.withMessageStartingWith("clockDriftBound must be in [0, 0.5)");
			}
			for (double drift : new double[] { 0.0, 0.3 }) {
				assertThatNoException().as("drift %s", drift)
					.isThrownBy(() -> RaftConfig.builder("a", THREE).clockDriftBound(drift).build());
			}
		}

		@Test
		void nodeIdMustBeAMember() {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> new RaftConfig("a", Set.of("b", "c"), Duration.ofMillis(150), Duration.ofMillis(300),
						Duration.ofMillis(50), true, true, 0.1, 64, Map.of(), true))
				.withMessageContaining("members")
				.withMessageContaining("'a'");
		}

		@Test
		void idsMustNotBeBlank() {
			assertThatIllegalArgumentException().isThrownBy(() -> RaftConfig.builder(" ", THREE).build())
				.withMessageContaining("nodeId");
			assertThatIllegalArgumentException().isThrownBy(() -> RaftConfig.builder("", THREE).build())
				.withMessageContaining("nodeId");
			assertThatIllegalArgumentException().isThrownBy(() -> RaftConfig.builder("a", List.of("b", " ")).build())
				.withMessageContaining("Member ids");
		}

		@Test
		void messageFromTheNodeItselfIsRefusedAndLeavesTheNodeUnchanged() {
			NodeHarness a = NodeHarness.start("a", THREE);
			Status before = a.node().status();
			long deadline = a.node().nextTickNanos();
			assertThatIllegalArgumentException()
				.isThrownBy(() -> a.node().step(new AppendEntries("a", "a", 5, 0, 0, List.of(), 0, 1), START + MIN));
			assertThat(a.node().status()).isEqualTo(before);
			assertThat(a.node().nextTickNanos()).isEqualTo(deadline);
			assertThat(a.node().ready().isEmpty()).isTrue();
		}

		@Test
		void messageAddressedToAnotherNodeIsRefusedAndLeavesTheNodeUnchanged() {
			NodeHarness a = NodeHarness.start("a", THREE);
			Status before = a.node().status();
			long deadline = a.node().nextTickNanos();
			assertThatIllegalArgumentException()
				.isThrownBy(() -> a.node().step(new AppendEntries("b", "c", 5, 0, 0, List.of(), 0, 1), START + MIN));
			assertThat(a.node().status()).isEqualTo(before);
			assertThat(a.node().nextTickNanos()).isEqualTo(deadline);
			assertThat(a.node().ready().isEmpty()).isTrue();
		}

	}

	@Nested
	@DisplayName("Monotonic time: only differences of instants are compared")
	class MonotonicTime {

		@Test
		void nodeBehavesTheSameStartingAtAHugeNegativeInstant() {
			assertLifecycle(Long.MIN_VALUE / 2);
		}

		@Test
		void nodeBehavesTheSameWhenTheClockWrapsPastLongMaxValueWhileItFollows() {
			assertLifecycle(Long.MAX_VALUE - 100 * MS);
		}

		@Test
		void nodeBehavesTheSameWhenTheClockWrapsPastLongMaxValueWhileItLeads() {
			long firstTimeout = NodeHarness.start(config("a", THREE), PersistentState.empty(), 0)
				.node()
				.nextTickNanos();
			// Elected 20 ms before the wrap: heartbeats and lease end fall after it.
			assertLifecycle(Long.MAX_VALUE - firstTimeout - 20 * MS);
		}

		private void assertLifecycle(long start) {
			NodeHarness a = NodeHarness.start(config("a", THREE), new PersistentState(1, null, log(1)), start);
			long deadline = a.node().nextTickNanos();
			assertThat(deadline - start).isBetween(MIN, MAX - 1);
			assertThat(a.tick(start + 50 * MS).isEmpty()).isTrue();
			assertThat(a.step(new RequestVote("b", "a", 2, 1, 1, false, false), start + MIN - 1).isEmpty()).isTrue();
			assertThat(a.tick(deadline - 1).isEmpty()).isTrue();
			a.electLeader();
			long elected = a.now();
			assertThat(elected).isEqualTo(deadline);
			assertThat(a.node().nextTickNanos()).isEqualTo(elected + HEARTBEAT);
			a.ack("b", 2, 1, elected + 10 * MS);
			assertThat(a.tick(elected + 15 * MS).isEmpty()).isTrue();
			assertThat(a.node().isActiveLeader(elected + 15 * MS)).isTrue();
			assertThat(a.node().isActiveLeader(elected + LEASE - 1)).isTrue();
			assertThat(a.node().isActiveLeader(elected + LEASE)).isFalse();
			assertThat(a.tick(elected + HEARTBEAT - 1).messages()).isEmpty();
			assertThat(sent(a.tick(elected + HEARTBEAT), AppendEntries.class)).hasSize(2);
			a.tick(elected + 2 * HEARTBEAT);
			a.tick(elected + 3 * HEARTBEAT);
			assertThat(a.node().role()).isEqualTo(Role.LEADER);
			Ready ready = a.tick(elected + 4 * HEARTBEAT);
			assertThat(ready.roleChanges()).extracting(RoleChange::reason).containsExactly(Reason.QUORUM_LOST);
		}

	}

	/** A random source stuck at its lowest or highest possible value. */
	private static final class ExtremeRandom implements RandomGenerator {

		private final boolean highest;

		ExtremeRandom(boolean highest) {
			this.highest = highest;
		}

		@Override
		public long nextLong() {
			return this.highest ? -1L : 0L;
		}

		@Override
		public long nextLong(long bound) {
			return this.highest ? bound - 1 : 0;
		}

		@Override
		public long nextLong(long origin, long bound) {
			return this.highest ? bound - 1 : origin;
		}

		@Override
		public double nextDouble() {
			return this.highest ? Math.nextDown(1.0) : 0.0;
		}

	}

	private static long nextIndex(NodeHarness leader, String peer) {
		return leader.node()
			.status()
			.peers()
			.stream()
			.filter((progress) -> progress.id().equals(peer))
			.findFirst()
			.orElseThrow()
			.nextIndex();
	}

}
