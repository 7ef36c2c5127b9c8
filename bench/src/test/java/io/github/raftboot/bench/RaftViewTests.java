package io.github.raftboot.bench;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RaftView}, on answers of {@code GET /actuator/raft} captured from a sample-app
 * replica ({@code actuator/raft-*.json}): alone in its cluster, so it leads, and with two members
 * that do not run, so it stays a pre-candidate.
 */
class RaftViewTests {

	@Test
	void readsTheLeadersAnswer() {
		RaftView view = RaftView.parse(Samples.text("actuator/raft-leader.json"));
		assertThat(view).isEqualTo(
				new RaftView("n1", "LEADER", 1, "n1", true, Instant.parse("2026-11-30T05:04:50.333120877Z")));
	}

	@Test
	void readsNullsOfAReplicaThatKnowsNoLeader() {
		RaftView view = RaftView.parse(Samples.text("actuator/raft-pre-candidate.json"));
		assertThat(view).isEqualTo(new RaftView("n1", "PRE_CANDIDATE", 0, null, false, null));
	}

	@Test
	void aFollowerFollowsTheLeaderItNames() {
		RaftView follower = new RaftView("n2", "FOLLOWER", 3, "n1", false, null);
		assertThat(follower.isFollowerOf("n1")).isTrue();
		assertThat(follower.isFollowerOf("n3")).isFalse();
		assertThat(new RaftView("n2", "CANDIDATE", 3, "n1", false, null).isFollowerOf("n1")).isFalse();
	}

	@Test
	void anAnswerWithoutOneOfTheMembersReadIsRejected() {
		String withoutTerm = Samples.text("actuator/raft-leader.json").replace("\"term\":1,", "");
		assertThatIllegalArgumentException().isThrownBy(() -> RaftView.parse(withoutTerm))
			.withMessageContaining("'term'")
			.withMessageContaining("\"nodeId\":\"n1\"");
	}

	@Test
	void anAnswerWithANullNodeIdIsRejected() {
		String nullId = Samples.text("actuator/raft-leader.json").replace("\"nodeId\":\"n1\"", "\"nodeId\":null");
		assertThatIllegalArgumentException().isThrownBy(() -> RaftView.parse(nullId)).withMessageContaining("nodeId");
	}

	@Test
	void aBodyThatIsNotAJsonObjectIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> RaftView.parse("<html>Bad Gateway</html>"))
			.withMessageStartingWith("Not an answer of /actuator/raft")
			.withMessageEndingWith("<html>Bad Gateway</html>");
		assertThatIllegalArgumentException().isThrownBy(() -> RaftView.parse("null"));
		assertThatIllegalArgumentException().isThrownBy(() -> RaftView.parse("[]"));
	}

}
