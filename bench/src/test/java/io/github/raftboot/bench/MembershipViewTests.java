package io.github.raftboot.bench;

import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link MembershipView}, on answers of {@code GET /actuator/raft} captured from
 * sample-app replicas ({@code actuator/raft-*.json}): n1 alone in its cluster, n2 started with
 * n1 and n2 in {@code raft.peers} and waiting to be added, and n1 once it had added n2.
 */
class MembershipViewTests {

	@Test
	void readsTheConfigurationOfALeaderAloneInItsCluster() {
		MembershipView view = MembershipView.parse(Samples.text("actuator/raft-leader-alone.json"));
		assertThat(view.nodeId()).isEqualTo("n1");
		assertThat(view.leader()).isTrue();
		assertThat(view.standing()).isEqualTo("VOTER");
		assertThat(view.membership()).isEqualTo(new MembershipView.Configuration(Set.of("n1"),
				Set.of(), Set.of(), false, 0, true));
		assertThat(view.settled()).isTrue();
		assertThat(view.votes("n1")).isTrue();
		assertThat(view.lists("n2")).isFalse();
	}

	@Test
	void aReplicaThatWaitsToBeAddedHasNoConfiguration() {
		MembershipView view = MembershipView.parse(Samples.text("actuator/raft-joining.json"));
		assertThat(view.nodeId()).isEqualTo("n2");
		assertThat(view.standing()).isEqualTo("JOINING");
		assertThat(view.membership()).isNull();
		assertThat(view.settled()).isFalse();
		assertThat(view.votes("n2")).isFalse();
		assertThat(view.lists("n2")).isFalse();
	}

	@Test
	void readsTheConfigurationAfterAnAddition() {
		MembershipView view = MembershipView.parse(Samples.text("actuator/raft-leader-of-two.json"));
		assertThat(view.membership()).isNotNull();
		assertThat(view.membership().voters()).containsExactlyInAnyOrder("n1", "n2");
		assertThat(view.membership().index()).isEqualTo(4);
		assertThat(view.settled()).isTrue();
		assertThat(view.votes("n2")).isTrue();
	}

	@Test
	void aLearnerIsListedButDoesNotVoteAndAJointConfigurationIsNotSettled() {
		MembershipView.Configuration learner = new MembershipView.Configuration(Set.of("n1", "n2", "n3"),
				Set.of(), Set.of("n4"), false, 5, true);
		MembershipView view = new MembershipView("n1", true, "n1", 3, "VOTER", learner);
		assertThat(view.lists("n4")).isTrue();
		assertThat(view.votes("n4")).isFalse();
		assertThat(view.settled()).isFalse();
		MembershipView.Configuration joint = new MembershipView.Configuration(Set.of("n1", "n2", "n3"),
				Set.of("n1", "n2", "n3", "n4"), Set.of(), true, 6, true);
		MembershipView leaving = new MembershipView("n1", true, "n1", 3, "VOTER", joint);
		assertThat(leaving.votes("n4")).as("an outgoing voter still votes").isTrue();
		assertThat(leaving.settled()).isFalse();
		MembershipView.Configuration uncommitted = new MembershipView.Configuration(Set.of("n1", "n2", "n3"),
				Set.of(), Set.of(), false, 7, false);
		assertThat(new MembershipView("n1", true, "n1", 3, "VOTER", uncommitted).settled()).isFalse();
	}

	@Test
	void anAnswerOfAReplicaThatCannotChangeItsMembersIsRejected() {
		// Captured before the members could change: no standing, no membership.
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MembershipView.parse(Samples.text("actuator/raft-leader.json")))
			.withMessageContaining("'standing'")
			.withMessageStartingWith("Not an answer of /actuator/raft with a configuration");
	}

}
