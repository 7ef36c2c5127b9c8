package io.github.raftboot.core;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static io.github.raftboot.core.NodeHarness.HEARTBEAT;
import static io.github.raftboot.core.NodeHarness.MS;
import static io.github.raftboot.core.NodeHarness.START;
import static io.github.raftboot.core.NodeHarness.THREE;
import static io.github.raftboot.core.NodeHarness.config;
import static io.github.raftboot.core.NodeHarness.membersOf;
import static io.github.raftboot.core.NodeHarness.round;
import static io.github.raftboot.core.NodeHarness.sent;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cluster membership (Raft thesis ch. 4) on one {@link RaftNode} driven by hand: forming a
 * cluster, joining one, learners, joint configurations and the refusals of a change.
 */
class MembershipTests {

	private static final Membership OF_THREE = membersOf(THREE);

	@Nested
	@DisplayName("Forming a cluster: only by every proposed member")
	class Forming {

		@Test
		void freshNodeAsksEveryOtherProposedMemberWithAPreVoteThatChangesNothing() {
			NodeHarness a = NodeHarness.startFresh("a", THREE);
			assertThat(a.node().membership()).isNull();
			Ready ready = a.tickWhenDue();
			assertThat(sent(ready, RequestVote.class)).containsExactly(
					new RequestVote("a", "b", 1, 0, 0, true, false, OF_THREE.clusterId()),
					new RequestVote("a", "c", 1, 0, 0, true, false, OF_THREE.clusterId()));
			assertThat(ready.toPersist()).isNull();
			assertThat(ready.roleChanges()).isEmpty();
			assertThat(a.node().term()).isZero();
		}

		@Test
		void freshNodeFormsTheClusterOnlyOnceEveryOtherMemberGrantedAndThenCampaigns() {
			NodeHarness a = NodeHarness.startFresh("a", THREE);
			a.tickWhenDue();
			Ready first = a.step(new RequestVoteResponse("b", "a", 1, true, true));
			assertThat(first.isEmpty()).as("a majority is not enough to form").isTrue();
			assertThat(a.node().membership()).isNull();
			Ready formed = a.step(new RequestVoteResponse("c", "a", 1, true, true));
			assertThat(formed.toPersist()).isEqualTo(PersistentState.formed(OF_THREE));
			assertThat(a.node().membership()).isEqualTo(OF_THREE);
			assertThat(formed.roleChanges()).extracting(RoleChange::to).containsExactly(Role.PRE_CANDIDATE);
			assertThat(sent(formed, RequestVote.class)).allSatisfy((request) -> {
				assertThat(request.asksToForm()).isFalse();
				assertThat(request.preVote()).isTrue();
			});
		}

		@Test
		void freshNodeThatIsRefusedOrNotAnsweredWaitsAndSaysWhy() {
			NodeHarness a = NodeHarness.startFresh("a", THREE);
			a.tickWhenDue();
			a.step(new RequestVoteResponse("b", "a", 1, false, true));
			for (int round = 0; round < 5; round++) {
				Ready again = a.tickWhenDue();
				assertThat(sent(again, RequestVote.class)).hasSize(2).allMatch(RequestVote::asksToForm);
				assertThat(a.node().role()).isEqualTo(Role.FOLLOWER);
			}
			Formation formation = a.node().status().formation();
			assertThat(formation.refused()).isEmpty();
			assertThat(formation.unanswered()).containsExactly("b", "c");
			a.step(new RequestVoteResponse("b", "a", 1, false, true));
			a.step(new RequestVoteResponse("c", "a", 1, true, true));
			a.tickWhenDue();
			assertThat(a.node().status().formation()).isEqualTo(new Formation(Set.of("c"), Set.of("b"), Set.of()));
			assertThat(a.node().membership()).isNull();
		}

		@Test
		void onlyAFreshNodeThatProposesTheSameMembersGrants() {
			RequestVote ask = new RequestVote("a", "b", 1, 0, 0, true, false, OF_THREE.clusterId());
			NodeHarness fresh = NodeHarness.startFresh("b", THREE);
			assertThat(fresh.step(ask, START + MS).messages())
				.containsExactly(new RequestVoteResponse("b", "a", 1, true, true));
			NodeHarness otherList = NodeHarness.startFresh("b", List.of("a", "b", "c", "d"));
			assertThat(otherList.step(ask, START + MS).messages())
				.containsExactly(new RequestVoteResponse("b", "a", 1, false, true));
			NodeHarness member = NodeHarness.start("b", THREE);
			Ready answer = member.step(ask, START + MS);
			assertThat(answer.messages()).containsExactly(new RequestVoteResponse("b", "a", 1, false, true));
			assertThat(answer.toPersist()).isNull();
			assertThat(member.node().term()).isZero();
		}

		@Test
		void nodeProposingOnlyItselfFormsAOneMemberClusterAndLeadsAtOnce() {
			RaftNode node = new RaftNode(config("a", List.of("a")), PersistentState.empty(),
					new SplittableRandom(1), START);
			assertThat(node.role()).isEqualTo(Role.LEADER);
			assertThat(node.isActiveLeader(START)).isTrue();
			assertThat(node.ready().toPersist().base()).isEqualTo(membersOf(List.of("a")));
		}

		@Test
		void freshNodeTakesTheConfigurationOfTheLeaderThatSendsItTheLogFromItsStart() {
			NodeHarness d = NodeHarness.startFresh("d", List.of("a", "b", "c", "d"));
			Membership withLearner = OF_THREE.withLearner("d", "addr-d");
			Ready ready = d.step(new AppendEntries("a", "d", 2, 0, 0,
					List.of(new LogEntry(1, 1, EntryType.NOOP), LogEntry.config(2, 2, withLearner)), 1, 7, OF_THREE),
					START + MS);
			assertThat(ready.toPersist().base()).isEqualTo(OF_THREE);
			assertThat(d.node().membership()).isEqualTo(withLearner);
			assertThat(ready.messages()).containsExactly(new AppendEntriesResponse("d", "a", 2, true, 2, 2, 7));
			assertThat(d.node().status().formation()).isNull();
		}

	}

	@Nested
	@DisplayName("State written before configurations were in the log")
	class Upgrade {

		@Test
		void logWithoutConfigurationRunsWithRaftPeersAndItsFirstLeaderWritesThemIntoTheLog() {
			PersistentState before = new PersistentState(3, null, NodeHarness.log(1, 2, 3));
			NodeHarness a = NodeHarness.startRaw(config("a", THREE), before, START);
			assertThat(a.node().membership()).isEqualTo(OF_THREE);
			a.electLeader();
			LogEntry last = a.node().entryAt(a.node().lastLogIndex());
			assertThat(last.type()).isEqualTo(EntryType.CONFIG);
			assertThat(last.membership()).isEqualTo(OF_THREE);
			assertThat(a.node().entryAt(a.node().lastLogIndex() - 1).type()).isEqualTo(EntryType.NOOP);
		}

		@Test
		void memberThatReceivesSuchALogFromItsStartGetsRaftPeersOfTheLeaderAsBase() {
			PersistentState before = new PersistentState(3, null, NodeHarness.log(1, 2, 3));
			NodeHarness a = NodeHarness.startRaw(config("a", THREE), before, START);
			Ready won = a.electLeader();
			AppendEntries toB = sent(won, AppendEntries.class).get(0);
			// b lags: the leader walks back to the start of its log.
			Ready fromStart = a.step(new AppendEntriesResponse("b", "a", a.node().term(), false, toB.prevLogIndex(), 0,
					toB.round()), a.now() + MS);
			AppendEntries first = sent(fromStart, AppendEntries.class).get(0);
			assertThat(first.prevLogIndex()).isZero();
			assertThat(first.base()).isEqualTo(OF_THREE);
		}

	}

	@Nested
	@DisplayName("Learners and members that left: they never campaign")
	class NonVoters {

		@Test
		void learnerNeverCampaignsNorTakesOverOnTimeoutNow() {
			Membership withLearner = OF_THREE.withLearner("d", "addr-d");
			NodeHarness d = NodeHarness.start(config("d", List.of("a", "b", "c", "d")),
					new PersistentState(2, null, List.of(LogEntry.config(1, 2, withLearner)), OF_THREE), START);
			for (int i = 0; i < 10; i++) {
				Ready ready = d.tickWhenDue();
				assertThat(ready.messages()).isEmpty();
				assertThat(d.node().role()).isEqualTo(Role.FOLLOWER);
			}
			assertThat(d.step(new TimeoutNow("a", "d", 2), d.now() + MS).isEmpty()).isTrue();
			assertThat(d.node().role()).isEqualTo(Role.FOLLOWER);
		}

		@Test
		void memberThatTheConfigurationInItsLogRemovedNeverCampaigns() {
			Membership withoutC = new Membership(OF_THREE.clusterId(), Set.of("a", "b"), Set.of(), Set.of(), Map.of());
			NodeHarness c = NodeHarness.start(config("c", THREE),
					new PersistentState(3, null, List.of(LogEntry.config(1, 3, withoutC)), OF_THREE), START);
			for (int i = 0; i < 10; i++) {
				assertThat(c.tickWhenDue().messages()).isEmpty();
			}
			assertThat(c.node().term()).isEqualTo(3);
		}

		@Test
		void transferToALearnerIsRefused() {
			NodeHarness a = leaderWithLearner();
			assertThat(a.node().transferLeadership("d", a.now())).isEqualTo(TransferResult.NOT_A_VOTER);
			assertThat(a.node().transferLeadership("z", a.now())).isEqualTo(TransferResult.UNKNOWN_MEMBER);
		}

		@Test
		void acknowledgementsOfALearnerNeitherCommitNorExtendTheLease() {
			NodeHarness a = leaderWithLearner();
			long leaseEnd = a.node().lease().endNanos();
			long lastIndex = a.node().lastLogIndex();
			long commit = a.node().commitIndex();
			Ready heartbeat = a.tick(a.now() + HEARTBEAT);
			a.step(new AppendEntriesResponse("d", "a", a.node().term(), true, lastIndex, lastIndex, round(heartbeat)),
					a.now() + MS);
			assertThat(a.node().lease().endNanos()).isEqualTo(leaseEnd);
			assertThat(a.node().commitIndex()).isEqualTo(commit);
		}

	}

	@Nested
	@DisplayName("Dissertation §4.3 Joint consensus")
	class JointConsensus {

		@Test
		void addedMemberIsALearnerUntilItCaughtUpThenJointThenVoter() {
			NodeHarness a = leaderWithLearner();
			long learnerConfig = a.node().lastLogIndex();
			assertThat(a.node().membership().learners()).containsExactly("d");
			a.ack("b", learnerConfig, 1, a.now() + MS);
			assertThat(a.node().commitIndex()).isEqualTo(learnerConfig);
			assertThat(a.node().membership().isJoint()).as("d has not caught up").isFalse();
			a.ack("d", learnerConfig, 1, a.now() + MS);
			Membership joint = a.node().membership();
			assertThat(joint.voters()).containsExactly("a", "b", "c", "d");
			assertThat(joint.outgoingVoters()).containsExactly("a", "b", "c");
			assertThat(joint.learners()).isEmpty();
			long jointIndex = a.node().lastLogIndex();
			a.ack("b", jointIndex, 1, a.now() + MS);
			assertThat(a.node().commitIndex()).as("a, b: a majority of the old three, not of the new four")
				.isEqualTo(learnerConfig);
			assertThat(a.node().membership()).as("the joint configuration is left only once committed")
				.isEqualTo(joint);
			a.ack("d", jointIndex, 1, a.now() + MS);
			assertThat(a.node().commitIndex()).isEqualTo(jointIndex);
			assertThat(a.node().membership().isJoint()).isFalse();
			assertThat(a.node().membership().voters()).containsExactly("a", "b", "c", "d");
			assertThat(a.node().lastLogIndex()).isEqualTo(jointIndex + 1);
		}

		@Test
		void candidateOfAJointConfigurationNeedsMajoritiesOfBothHalves() {
			// From {a, b, c} to {a, d, e}, as a log may hold it.
			Membership joint = new Membership(OF_THREE.clusterId(), Set.of("a", "d", "e"), Set.of("a", "b", "c"),
					Set.of(), Map.of());
			NodeHarness d = NodeHarness.start(config("d", List.of("a", "b", "c", "d", "e")),
					new PersistentState(1, null, List.of(LogEntry.config(1, 1, joint)), OF_THREE), START);
			d.tickWhenDue();
			assertThat(d.node().role()).isEqualTo(Role.PRE_CANDIDATE);
			d.step(new RequestVoteResponse("e", "d", 2, true, true));
			assertThat(d.node().role()).as("a majority of the incoming voters only").isEqualTo(Role.PRE_CANDIDATE);
			d.step(new RequestVoteResponse("b", "d", 2, true, true));
			assertThat(d.node().role()).isEqualTo(Role.PRE_CANDIDATE);
			d.step(new RequestVoteResponse("c", "d", 2, true, true));
			assertThat(d.node().role()).isEqualTo(Role.CANDIDATE);
		}

		@Test
		void configurationEntryReachesNoOtherMemberBeforeItIsDurableOnTheLeader() {
			NodeHarness a = leaderWithCommittedNoop();
			assertThat(a.node().addMember("d", "addr-d", a.now())).isEqualTo(MembershipChangeResult.STARTED);
			Ready ready = a.node().ready();
			assertThat(ready.toPersist().log()).last().extracting(LogEntry::type).isEqualTo(EntryType.CONFIG);
			assertThat(sent(ready, AppendEntries.class)).isNotEmpty()
				.allSatisfy((append) -> assertThat(append.entries()).noneMatch((e) -> e.type() == EntryType.CONFIG));
			// Once saved, the next message to a member carries it.
			long index = a.node().lastLogIndex();
			Ready next = a.ack("b", index - 1, 1, a.now() + MS);
			assertThat(sent(next, AppendEntries.class)).singleElement()
				.satisfies((append) -> assertThat(append.entries()).extracting(LogEntry::index).containsExactly(index));
		}

		@Test
		void leaderThatIsNoIncomingVoterHandsOverOnceTheJointConfigurationIsCommitted() {
			NodeHarness a = leaderWithCommittedNoop();
			a.ack("c", 1, 1, a.now());
			assertThat(a.node().removeMember("a", a.now())).isEqualTo(MembershipChangeResult.STARTED);
			long joint = a.node().lastLogIndex();
			assertThat(a.node().membership().voters()).containsExactly("b", "c");
			assertThat(a.node().isActiveLeader(a.now())).as("leads the joint configuration").isTrue();
			a.node().ready();
			a.ack("b", joint, 1, a.now() + MS);
			Ready handOver = a.ack("c", joint, 1, a.now() + MS);
			assertThat(a.node().commitIndex()).isEqualTo(joint);
			assertThat(a.node().lastLogIndex()).as("the final configuration is left to a remaining voter")
				.isEqualTo(joint);
			assertThat(a.node().status().transferTarget()).isIn("b", "c");
			assertThat(sent(handOver, TimeoutNow.class)).hasSize(1);
			assertThat(a.node().isActiveLeader(a.now())).isFalse();
		}

	}

	@Nested
	@DisplayName("A change is refused with a reason")
	class Refusals {

		@Test
		void followerIsNotLeader() {
			NodeHarness b = NodeHarness.start("b", THREE);
			assertThat(b.node().addMember("d", "addr-d", START)).isEqualTo(MembershipChangeResult.NOT_LEADER);
			assertThat(b.node().removeMember("c", START)).isEqualTo(MembershipChangeResult.NOT_LEADER);
		}

		@Test
		void newLeaderIsNotReadyUntilAnEntryOfItsTermIsCommitted() {
			NodeHarness a = NodeHarness.start("a", THREE);
			a.electLeader();
			assertThat(a.node().addMember("d", "addr-d", a.now())).isEqualTo(MembershipChangeResult.NOT_READY);
			assertThat(a.node().removeMember("c", a.now())).isEqualTo(MembershipChangeResult.NOT_READY);
			a.ack("b", 1, 1, a.now() + MS);
			assertThat(a.node().addMember("d", "addr-d", a.now())).isEqualTo(MembershipChangeResult.STARTED);
		}

		@Test
		void oneChangeAtATimeButAPendingLearnerCanBeRemoved() {
			NodeHarness a = leaderWithLearner();
			assertThat(a.node().addMember("e", "addr-e", a.now())).isEqualTo(MembershipChangeResult.CHANGE_IN_PROGRESS);
			assertThat(a.node().removeMember("b", a.now())).isEqualTo(MembershipChangeResult.CHANGE_IN_PROGRESS);
			long learnerConfig = a.node().lastLogIndex();
			a.ack("b", learnerConfig, 1, a.now() + MS);
			assertThat(a.node().removeMember("d", a.now())).isEqualTo(MembershipChangeResult.STARTED);
			assertThat(a.node().membership().learners()).isEmpty();
		}

		@Test
		void membersAndStrangersAreNamed() {
			NodeHarness a = leaderWithCommittedNoop();
			assertThat(a.node().addMember("b", "addr-b", a.now())).isEqualTo(MembershipChangeResult.ALREADY_MEMBER);
			assertThat(a.node().removeMember("z", a.now())).isEqualTo(MembershipChangeResult.UNKNOWN_MEMBER);
			assertThat(a.node().addMember(" ", "addr", a.now())).isEqualTo(MembershipChangeResult.INVALID);
		}

		@Test
		void removalThatWouldLeaveTooFewReachableVotersIsRefused() {
			NodeHarness a = leaderWithCommittedNoop();
			// Only b answered: without b, a and the silent c would have to make a majority.
			assertThat(a.node().removeMember("b", a.now())).isEqualTo(MembershipChangeResult.WOULD_LOSE_QUORUM);
			assertThat(a.node().removeMember("c", a.now())).isEqualTo(MembershipChangeResult.STARTED);
		}

		@Test
		void lastVoterCannotBeRemoved() {
			RaftNode alone = new RaftNode(config("a", List.of("a")), PersistentState.empty(),
					new SplittableRandom(1), START);
			assertThat(alone.removeMember("a", START)).isEqualTo(MembershipChangeResult.WOULD_LOSE_QUORUM);
		}

		@Test
		void noChangeDuringATransfer() {
			NodeHarness a = leaderWithCommittedNoop();
			a.transferLeadership("b", a.now());
			assertThat(a.node().addMember("d", "addr-d", a.now()))
				.isEqualTo(MembershipChangeResult.TRANSFER_IN_PROGRESS);
		}

	}

	/** {@code a} leading {a, b, c} in term 1, its no-op committed by b's answer. */
	private static NodeHarness leaderWithCommittedNoop() {
		NodeHarness a = NodeHarness.start("a", THREE);
		a.electLeader();
		a.ack("b", 1, 1, a.now() + MS);
		assertThat(a.node().commitIndex()).isEqualTo(1);
		a.node().ready();
		return a;
	}

	/** {@code a} leading {a, b, c} with the learner d, whose configuration is saved. */
	private static NodeHarness leaderWithLearner() {
		NodeHarness a = leaderWithCommittedNoop();
		assertThat(a.node().addMember("d", "addr-d", a.now())).isEqualTo(MembershipChangeResult.STARTED);
		a.node().ready();
		return a;
	}

}
