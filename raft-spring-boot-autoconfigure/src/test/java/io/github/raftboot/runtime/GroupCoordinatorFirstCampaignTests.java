package io.github.raftboot.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.github.raftboot.core.PersistentState;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.RaftNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a replica's group nodes hold their first campaigns back at a start: each group has one
 * first campaigner, and every other member waits for it.
 */
class GroupCoordinatorFirstCampaignTests {

	private static final long NOW = 1_000_000_000L;

	private static final List<String> GROUPS = List.of("billing", "outbox", "warmer");

	private static final List<String> MEMBERS = List.of("n1", "n2", "n3");

	@Test
	void memberHoldsItsElectionsInTheGroupsOthersCampaignFirstInAndNotInItsOwn() {
		// Voters in turn from the second: billing n2, outbox n3, warmer n1.
		RaftNode billing = node("n1");
		RaftNode warmer = node("n1");
		assertThat(GroupCoordinator.holdFirstCampaign(billing, "billing", GROUPS, Map.of(), NOW)).isEqualTo("n2");
		assertThat(GroupCoordinator.holdFirstCampaign(warmer, "warmer", GROUPS, Map.of(), NOW)).isEqualTo("n1");
		assertThat(billing.electionsHeld()).isTrue();
		assertThat(billing.nextTickNanos()).isEqualTo(NOW + Duration.ofSeconds(5).toNanos());
		assertThat(warmer.electionsHeld()).isFalse();
		assertThat(warmer.nextTickNanos() - NOW).isLessThan(Duration.ofMillis(300).toNanos());
	}

	@Test
	void aPreferredLeaderCampaignsFirstInItsGroup() {
		RaftNode billing = node("n1");
		assertThat(GroupCoordinator.holdFirstCampaign(billing, "billing", GROUPS, Map.of("billing", "n1"), NOW))
			.isEqualTo("n1");
		assertThat(billing.electionsHeld()).isFalse();
	}

	@Test
	void holdIsTenMaximumElectionTimeoutsOnceThatIsLongerThanFiveSeconds() {
		RaftConfig slow = RaftConfig.builder("n1", MEMBERS).electionTimeout(Duration.ofMillis(400), Duration.ofMillis(800))
			.heartbeatInterval(Duration.ofMillis(100))
			.build();
		assertThat(GroupCoordinator.firstCampaignHold(RaftConfig.builder("n1", MEMBERS).build()))
			.isEqualTo(Duration.ofSeconds(5));
		assertThat(GroupCoordinator.firstCampaignHold(slow)).isEqualTo(Duration.ofSeconds(8));
	}

	private static RaftNode node(String id) {
		return new RaftNode(RaftConfig.builder(id, MEMBERS).build(), PersistentState.empty(), new SplittableRandom(7),
				NOW);
	}

}
