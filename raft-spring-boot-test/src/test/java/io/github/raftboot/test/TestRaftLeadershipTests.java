package io.github.raftboot.test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.raftboot.core.MembershipChangeResult;
import io.github.raftboot.core.Role;
import io.github.raftboot.core.TransferResult;
import io.github.raftboot.event.LeaderChangedEvent;
import io.github.raftboot.event.LeadershipAcquiredEvent;
import io.github.raftboot.event.LeadershipRevokedEvent;
import io.github.raftboot.event.LeadershipRevokedEvent.Reason;
import io.github.raftboot.event.MembershipChangedEvent;
import io.github.raftboot.event.RaftEvent;
import io.github.raftboot.leader.MembershipChangeException;
import io.github.raftboot.leader.RaftMembership;
import io.github.raftboot.leader.RaftStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link TestRaftLeadership}: the test decides, and the application sees the events a
 * real replica publishes.
 */
class TestRaftLeadershipTests {

	private final List<RaftEvent> events = new CopyOnWriteArrayList<>();

	private final TestRaftLeadership leadership = new TestRaftLeadership("n1",
			(event) -> this.events.add((RaftEvent) event));

	@Test
	void startsAsARunningFollowerThatKnowsNoLeader() {
		assertThat(this.leadership.nodeId()).isEqualTo("n1");
		assertThat(this.leadership.isLeader()).isFalse();
		assertThat(this.leadership.fencingToken()).isEmpty();
		assertThat(this.leadership.leaderId()).isEmpty();
		assertThat(this.leadership.currentTerm()).isZero();
		assertThat(this.leadership.status().state()).isEqualTo(RaftStatus.State.RUNNING);
		assertThat(this.leadership.status().role()).isEqualTo(Role.FOLLOWER);
		assertThat(this.leadership.status().runningSince()).isNotNull();
		assertThat(this.leadership.membership()).isEmpty();
		assertThat(this.events).isEmpty();
	}

	@Test
	void grantMakesItTheActiveLeaderOfTheNextTermBeforeTheEventsArePublished() {
		List<Boolean> leaderInsideEvent = new CopyOnWriteArrayList<>();
		TestRaftLeadership[] self = new TestRaftLeadership[1];
		self[0] = new TestRaftLeadership("n1", (event) -> {
			this.events.add((RaftEvent) event);
			leaderInsideEvent.add(self[0].isLeader());
		});
		self[0].grant();
		assertThat(self[0].isLeader()).isTrue();
		assertThat(self[0].fencingToken()).hasValue(1);
		assertThat(self[0].leaderId()).contains("n1");
		assertThat(self[0].status().role()).isEqualTo(Role.LEADER);
		assertThat(self[0].status().leaderSince()).isNotNull();
		assertThat(describe(this.events)).containsExactly("acquired n1 term 1", "leader n1 term 1 is n1");
		assertThat(leaderInsideEvent).containsOnly(true);
	}

	@Test
	void grantOfAGivenTermSetsTheFencingToken() {
		this.leadership.grant(42);
		assertThat(this.leadership.fencingToken()).hasValue(42);
		assertThat(this.leadership.currentTerm()).isEqualTo(42);
	}

	@Test
	void termsNeverDecrease() {
		this.leadership.grant(5);
		assertThatIllegalArgumentException().isThrownBy(() -> this.leadership.grant(5))
			.withMessageContaining("in term 5")
			.withMessageContaining("not of term 5");
		assertThatIllegalArgumentException().isThrownBy(() -> this.leadership.grant(3));
		assertThat(this.leadership.fencingToken()).hasValue(5);
	}

	@Test
	void leaderOfAnEarlierTermThatIsGrantedALaterOneLosesTheEarlierLeadershipFirst() {
		this.leadership.grant(2);
		this.events.clear();
		this.leadership.grant(4);
		assertThat(describe(this.events)).containsExactly("revoked n1 term 2 HIGHER_TERM", "acquired n1 term 4",
				"leader n1 term 4 is n1");
	}

	@Test
	void followingAnotherReplicaEndsLeadershipInANewTerm() {
		this.leadership.grant();
		this.events.clear();
		this.leadership.follow("n2");
		assertThat(this.leadership.isLeader()).isFalse();
		assertThat(this.leadership.fencingToken()).isEmpty();
		assertThat(this.leadership.leaderId()).contains("n2");
		assertThat(this.leadership.currentTerm()).isEqualTo(2);
		assertThat(describe(this.events)).containsExactly("revoked n1 term 1 HIGHER_TERM", "leader n1 term 2 is n2");
	}

	@Test
	void followerHearsOfEveryNewLeaderOnce() {
		this.leadership.follow("n2");
		this.leadership.follow("n3");
		this.leadership.noLeader();
		this.leadership.noLeader();
		assertThat(describe(this.events)).containsExactly("leader n1 term 1 is n2", "leader n1 term 2 is n3",
				"leader n1 term 2 is none");
		assertThatIllegalArgumentException().isThrownBy(() -> this.leadership.follow("n1"))
			.withMessageContaining("grant()");
	}

	@Test
	void noLeaderEndsLeadershipAsALostLease() {
		this.leadership.grant();
		this.events.clear();
		this.leadership.noLeader();
		assertThat(this.leadership.isLeader()).isFalse();
		assertThat(this.leadership.currentTerm()).isOne();
		assertThat(describe(this.events)).containsExactly("revoked n1 term 1 LEASE_LOST", "leader n1 term 1 is none");
	}

	@Test
	void revokeEndsLeadershipForTheGivenReasonInTheStateThatReasonLeaves() {
		this.leadership.grant();
		this.leadership.revoke(Reason.TRANSFER);
		assertThat(this.leadership.status().state()).isEqualTo(RaftStatus.State.RUNNING);
		this.leadership.grant();
		this.leadership.revoke(Reason.HIGHER_TERM);
		assertThat(this.leadership.currentTerm()).isEqualTo(3);
		this.leadership.grant();
		this.leadership.revoke(Reason.FAILURE);
		assertThat(this.leadership.status().state()).isEqualTo(RaftStatus.State.FAILED);
		this.leadership.grant();
		this.leadership.revoke(Reason.SHUTDOWN);
		assertThat(this.leadership.status().state()).isEqualTo(RaftStatus.State.STOPPED);
		assertThat(this.leadership.status().runningSince()).isNull();
		assertThat(this.events).filteredOn(LeadershipRevokedEvent.class::isInstance)
			.map((event) -> ((LeadershipRevokedEvent) event).getReason())
			.containsExactly(Reason.TRANSFER, Reason.HIGHER_TERM, Reason.FAILURE, Reason.SHUTDOWN);
	}

	@Test
	void revokingAFollowerIsAMistakeOfTheTest() {
		assertThatIllegalStateException().isThrownBy(() -> this.leadership.revoke(Reason.LEASE_LOST))
			.withMessageContaining("'n1' is not the leader");
	}

	@Test
	void setStatusPublishesTheEventsOfTheDifference() {
		RaftStatus leader = new RaftStatus("n1", RaftStatus.State.RUNNING, Role.LEADER, 7, "n1", true, null, "n1", 41,
				42, null, List.of());
		this.leadership.setStatus(leader);
		this.leadership.setStatus(leader);
		this.leadership.setStatus(new RaftStatus("n1", RaftStatus.State.STOPPED, Role.FOLLOWER, 7, null, false, null,
				"n1", 41, 42, null, List.of()));
		assertThat(describe(this.events)).containsExactly("acquired n1 term 7", "leader n1 term 7 is n1",
				"revoked n1 term 7 SHUTDOWN", "leader n1 term 7 is none");
		assertThat(this.leadership.status().commitIndex()).isEqualTo(41);
	}

	@Test
	void setStatusRefusesAnotherReplicasStatus() {
		RaftStatus other = new RaftStatus("n2", RaftStatus.State.RUNNING, Role.FOLLOWER, 1, null, false, null, null, 0,
				0, null, List.of());
		assertThatIllegalArgumentException().isThrownBy(() -> this.leadership.setStatus(other))
			.withMessageContaining("'n2', not of this replica, 'n1'");
	}

	@Test
	void setMembershipPublishesOnlyARealChangeAfterTheNewsOfTheLeader() {
		RaftMembership three = membership(Set.of("n1", "n2", "n3"), Set.of(), 3);
		this.leadership.setMembership(three);
		this.leadership.setMembership(three);
		assertThat(this.leadership.membership()).contains(three);
		assertThat(this.events).hasSize(1)
			.first()
			.isInstanceOfSatisfying(MembershipChangedEvent.class,
					(changed) -> assertThat(changed.getMembership()).isEqualTo(three));
		this.events.clear();
		this.leadership.setStatus(new RaftStatus("n1", RaftStatus.State.RUNNING, Role.LEADER, 2, "n1", true, null, "n1",
				4, 4, null, List.of(), RaftStatus.Standing.VOTER, membership(Set.of("n1", "n2", "n3"), Set.of(), 4),
				null));
		assertThat(this.events).extracting((event) -> event.getClass().getSimpleName())
			.containsExactly("LeadershipAcquiredEvent", "LeaderChangedEvent", "MembershipChangedEvent");
	}

	@Test
	void membershipChangeStartsAndCompletesOnceTheTestSettlesIt() {
		this.leadership.grant();
		CompletableFuture<RaftMembership> adding = this.leadership.addMember("n4", URI.create("http://n4:8080"));
		CompletableFuture<RaftMembership> removing = this.leadership.removeMember("n2");
		assertThat(this.leadership.membershipChanges()).containsExactly("add n4 http://n4:8080", "remove n2");
		this.leadership.setMembership(membership(Set.of("n1", "n2", "n3"), Set.of("n4"), 5));
		assertThat(adding).isNotDone();
		RaftMembership withN4 = membership(Set.of("n1", "n2", "n3", "n4"), Set.of(), 6);
		this.leadership.setMembership(withN4);
		assertThat(adding).isCompletedWithValue(withN4);
		assertThat(removing).isNotDone();
		RaftMembership withoutN2 = membership(Set.of("n1", "n3", "n4"), Set.of(), 8);
		this.leadership.setMembership(withoutN2);
		assertThat(removing).isCompletedWithValue(withoutN2);
	}

	@Test
	void membershipChangesFailAtOnceWhenTheTestSaysSo() {
		MembershipChangeException refusal = new MembershipChangeException(MembershipChangeResult.NOT_LEADER, "n2",
				"not the leader");
		this.leadership.refuseMembershipChanges(refusal);
		assertThat(this.leadership.addMember("n4", URI.create("http://n4:8080"))).isCompletedExceptionally()
			.failsWithin(Duration.ZERO)
			.withThrowableThat()
			.havingCause()
			.isSameAs(refusal);
		IllegalStateException failure = new IllegalStateException("boom");
		this.leadership.failMembershipChanges(failure);
		assertThat(this.leadership.removeMember("n3")).failsWithin(Duration.ZERO)
			.withThrowableThat()
			.havingCause()
			.isSameAs(failure);
		this.leadership.acceptMembershipChanges();
		assertThat(this.leadership.removeMember("n3")).isNotDone();
		assertThat(this.leadership.membershipChanges()).containsExactly("add n4 http://n4:8080", "remove n3",
				"remove n3");
	}

	@Test
	void startedTransferEndsLeadershipAsARealLeadersDoes() {
		this.leadership.grant();
		assertThat(this.leadership.transferLeadership("n2")).isEqualTo(TransferResult.STARTED);
		assertThat(this.leadership.isLeader()).isFalse();
		assertThat(this.events).filteredOn(LeadershipRevokedEvent.class::isInstance)
			.singleElement()
			.extracting((event) -> ((LeadershipRevokedEvent) event).getReason())
			.isEqualTo(Reason.TRANSFER);
		this.leadership.setTransferResult(TransferResult.NOT_LEADER);
		assertThat(this.leadership.transferLeadership()).isEqualTo(TransferResult.NOT_LEADER);
		assertThat(this.leadership.transfers()).containsExactly("n2", TestRaftLeadership.BEST_PEER);
	}

	@Test
	void refusedTransferKeepsLeadership() {
		this.leadership.grant().setTransferResult(TransferResult.UNKNOWN_MEMBER);
		assertThat(this.leadership.transferLeadership("n9")).isEqualTo(TransferResult.UNKNOWN_MEMBER);
		assertThat(this.leadership.isLeader()).isTrue();
	}

	@Test
	void resetEndsLeadershipKeepsTheTermAndForgetsTheRequests() {
		this.leadership.grant(3).setTransferResult(TransferResult.NOT_LEADER);
		this.leadership.transferLeadership();
		CompletableFuture<RaftMembership> adding = this.leadership.addMember("n4", URI.create("http://n4:8080"));
		this.leadership.setMembership(membership(Set.of("n1", "n2"), Set.of(), 1));
		this.events.clear();
		this.leadership.reset();
		assertThat(describe(this.events)).containsExactly("revoked n1 term 3 LEASE_LOST", "leader n1 term 3 is none");
		assertThat(this.leadership.currentTerm()).isEqualTo(3);
		assertThat(this.leadership.membership()).isEmpty();
		assertThat(this.leadership.transfers()).isEmpty();
		assertThat(this.leadership.membershipChanges()).isEmpty();
		assertThat(adding).isCancelled();
		assertThat(this.leadership.grant().transferLeadership()).isEqualTo(TransferResult.STARTED);
		assertThat(this.leadership.currentTerm()).isEqualTo(4);
	}

	@Test
	void awaitLeadershipReturnsOnceAnotherThreadGrantsIt() throws Exception {
		assertThat(this.leadership.awaitLeadership(Duration.ofMillis(50))).isFalse();
		CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
			try {
				return this.leadership.awaitLeadership(Duration.ofSeconds(30));
			}
			catch (InterruptedException ex) {
				throw new CancellationException("interrupted");
			}
		});
		this.leadership.grant();
		assertThat(waiting).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(true);
	}

	private static List<String> describe(List<RaftEvent> events) {
		return events.stream().map(TestRaftLeadershipTests::describe).toList();
	}

	private static String describe(RaftEvent event) {
		String base = event.getNodeId() + " term " + event.getTerm();
		if (event instanceof LeadershipAcquiredEvent) {
			return "acquired " + base;
		}
		if (event instanceof LeadershipRevokedEvent revoked) {
			return "revoked " + base + " " + revoked.getReason();
		}
		if (event instanceof LeaderChangedEvent changed) {
			return "leader " + base + " is " + changed.getLeaderId().orElse("none");
		}
		return event.toString();
	}

	/** A committed configuration of the cluster "c1", addresses left out. */
	private static RaftMembership membership(Set<String> voters, Set<String> learners, long index) {
		return new RaftMembership("c1", new TreeSet<>(voters), new TreeSet<>(), new TreeSet<>(learners), new TreeMap<>(),
				index, true);
	}

	@Test
	void groupsAreInstancesOfTheirOwnWhoseEventsCarryTheGroup() {
		this.leadership.withGroups("billing", "outbox");
		assertThat(this.leadership.groups()).containsExactly("default", "billing", "outbox");
		TestRaftLeadership billing = this.leadership.group("billing");
		assertThat(billing.groupName()).isEqualTo("billing");
		assertThat(billing.group("default")).isSameAs(this.leadership);
		assertThat(billing.groups()).containsExactly("default", "billing", "outbox");
		billing.grant();
		assertThat(this.leadership.isLeader("billing")).isTrue();
		assertThat(this.leadership.fencingToken("billing")).hasValue(1);
		assertThat(this.leadership.isLeader()).as("the default group is not granted").isFalse();
		assertThat(this.leadership.isLeader("outbox")).isFalse();
		assertThat(this.events).extracting(RaftEvent::getGroup).containsOnly("billing");
		assertThat(this.events).first().isInstanceOf(LeadershipAcquiredEvent.class)
			.hasToString("LeadershipAcquiredEvent[node=n1, term=1, group=billing]");
	}

	@Test
	void anUnknownGroupIsRefusedWithTheGroupsThereAre() {
		this.leadership.withGroups("billing");
		assertThatIllegalArgumentException().isThrownBy(() -> this.leadership.isLeader("payroll"))
			.withMessage("No election group 'payroll': the groups are [default, billing] "
					+ "(add them with withGroups(...) or raft.groups)");
		assertThatIllegalArgumentException().isThrownBy(() -> this.leadership.withGroups("default"));
		assertThatIllegalStateException().isThrownBy(() -> this.leadership.group("billing").withGroups("x"));
	}

	@Test
	void resetAlsoResetsEveryGroupAndMembersAreTheDefaultGroups() {
		this.leadership.withGroups("billing");
		this.leadership.group("billing").grant();
		this.leadership.reset();
		assertThat(this.leadership.isLeader("billing")).isFalse();
		this.leadership.group("billing").removeMember("n2");
		assertThat(this.leadership.membershipChanges()).containsExactly("remove n2");
	}

}
