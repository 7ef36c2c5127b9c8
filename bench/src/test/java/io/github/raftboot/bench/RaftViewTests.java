package io.github.raftboot.bench;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RaftView}, on answers of {@code GET /actuator/raft} captured from a sample-app
 * replica ({@code actuator/raft-*.json}): alone in its cluster, so it leads
 * ({@code raft-leader-with-timing.json}), and with two members that do not run, so it knows no
 * leader ({@code raft-no-leader.json}); {@code raft-leader.json} and
 * {@code raft-pre-candidate.json} were captured before the endpoint showed the timing.
 */
class RaftViewTests {

	private static final RaftView.Timing CONFIGURED = new RaftView.Timing(150, 300, 50, 0, "configured timing of n1",
			new RaftView.Incidents(0, 0, 0, 0, 0, 0));

	@Test
	void readsTheLeadersAnswerWithTheTimingInForce() {
		RaftView view = RaftView.parse(Samples.text("actuator/raft-leader-with-timing.json"));
		assertThat(view).isEqualTo(new RaftView("n1", "LEADER", 1, "n1", true,
				Instant.parse("2026-11-30T08:14:39.687086210Z"), CONFIGURED));
		assertThat(view.timing()).isNotNull()
			.extracting(RaftView.Timing::describe)
			.isEqualTo("level 0: 150–300 ms, heartbeat 50 ms");
	}

	@Test
	void readsNullsOfAReplicaThatKnowsNoLeaderAndTheIncidentsItCounted() {
		RaftView view = RaftView.parse(Samples.text("actuator/raft-no-leader.json"));
		assertThat(view).isEqualTo(new RaftView("n1", "FOLLOWER", 0, null, false, null, new RaftView.Timing(150, 300, 50,
				0, "configured timing of n1", new RaftView.Incidents(0, 0, 0, 3, 66, 0))));
	}

	@Test
	void aFollowerFollowsTheLeaderItNames() {
		RaftView follower = new RaftView("n2", "FOLLOWER", 3, "n1", false, null, CONFIGURED);
		assertThat(follower.isFollowerOf("n1")).isTrue();
		assertThat(follower.isFollowerOf("n3")).isFalse();
		assertThat(new RaftView("n2", "CANDIDATE", 3, "n1", false, null, CONFIGURED).isFollowerOf("n1")).isFalse();
	}

	@Test
	void aWidenedTimingIsDescribedWithItsLevel() {
		RaftView.Timing widened = new RaftView.Timing(600, 1000, 200, 2, "2 lease lapses in 30 s",
				new RaftView.Incidents(2, 0, 0, 0, 0, 2));
		assertThat(widened.describe()).isEqualTo("level 2: 600–1000 ms, heartbeat 200 ms");
	}

	@Test
	void anAnswerOfAReplicaFromBeforeAdaptiveTimingIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> RaftView.parse(Samples.text("actuator/raft-pre-candidate.json")))
			.withMessageContaining("'timing'");
	}

	@Test
	void anAnswerWithoutOneOfTheMembersReadIsRejected() {
		String withoutTerm = Samples.text("actuator/raft-leader-with-timing.json").replace("\"term\":1,", "");
		assertThatIllegalArgumentException().isThrownBy(() -> RaftView.parse(withoutTerm))
			.withMessageContaining("'term'")
			.withMessageContaining("\"nodeId\":\"n1\"");
	}

	@Test
	void anAnswerWithANullNodeIdIsRejected() {
		String nullId = Samples.text("actuator/raft-leader-with-timing.json").replace("\"nodeId\":\"n1\"", "\"nodeId\":null");
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
