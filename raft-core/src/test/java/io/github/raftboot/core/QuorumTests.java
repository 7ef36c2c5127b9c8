package io.github.raftboot.core;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Quorum}: the majority rules of simple and joint configurations.
 */
class QuorumTests {

	private static final Membership THREE = new Membership("c", Set.of("a", "b", "c"), Set.of(), Set.of("l"), Map.of());

	/** From {a, b, c} to {a, b, d, e}: only a and b are in both. */
	private static final Membership JOINT = new Membership("c", Set.of("a", "b", "d", "e"), Set.of("a", "b", "c"),
			Set.of(), Map.of());

	@Test
	void majorityOfASimpleConfigurationCountsVotersOnly() {
		assertThat(Quorum.isReached(THREE, Set.of("a", "b")::contains)).isTrue();
		assertThat(Quorum.isReached(THREE, Set.of("a", "l")::contains)).as("a learner never counts").isFalse();
	}

	@Test
	void jointConfigurationNeedsAMajorityOfTheIncomingAndOfTheOutgoingVoters() {
		assertThat(Quorum.isReached(JOINT, Set.of("a", "d", "e")::contains)).as("incoming only").isFalse();
		assertThat(Quorum.isReached(JOINT, Set.of("a", "c")::contains)).as("outgoing only").isFalse();
		assertThat(Quorum.isReached(JOINT, Set.of("a", "b", "d")::contains)).isTrue();
		assertThat(Quorum.isReached(JOINT, Set.of("a", "c", "d", "e")::contains)).isTrue();
	}

	@Test
	void voteIsWonWithMajoritiesOfBothAndLostOnceEitherCannotBeReached() {
		assertThat(Quorum.voteResult(JOINT, Set.of("d", "e", "a")::contains, Set.of()::contains))
			.isEqualTo(Quorum.VoteResult.PENDING);
		assertThat(Quorum.voteResult(JOINT, Set.of("d", "e", "a")::contains, Set.of("b", "c")::contains))
			.as("the outgoing voters refused").isEqualTo(Quorum.VoteResult.LOST);
		assertThat(Quorum.voteResult(JOINT, Set.of("a", "b", "d")::contains, Set.of("c", "e")::contains))
			.isEqualTo(Quorum.VoteResult.WON);
		assertThat(Quorum.voteResult(JOINT, Set.of("a")::contains, Set.of("e")::contains))
			.as("one of four incoming refused: three may still grant").isEqualTo(Quorum.VoteResult.PENDING);
		assertThat(Quorum.voteResult(JOINT, Set.of("a")::contains, Set.of("d", "e")::contains))
			.as("two of four incoming refused: three can no longer grant").isEqualTo(Quorum.VoteResult.LOST);
	}

	@Test
	void agreedValueIsTheLowestOfWhatAMajorityOfEachVoterSetReached() {
		Map<String, Long> match = Map.of("a", 9L, "b", 8L, "c", 1L, "d", 7L, "e", 2L, "l", 100L);
		assertThat(Quorum.agreedValue(THREE, match::get)).isEqualTo(8);
		// incoming {a 9, b 8, d 7, e 2}: a majority of three reached 7; outgoing {a 9, b 8, c 1}: 8
		assertThat(Quorum.agreedValue(JOINT, match::get)).isEqualTo(7);
		Map<String, Long> lagging = Map.of("a", 9L, "b", 1L, "c", 1L, "d", 9L, "e", 9L);
		assertThat(Quorum.agreedValue(JOINT, lagging::get)).as("held back by the outgoing voters").isEqualTo(1);
	}

	@Test
	void majorityOfNIsMoreThanHalf() {
		assertThat(Quorum.majority(1)).isEqualTo(1);
		assertThat(Quorum.majority(2)).isEqualTo(2);
		assertThat(Quorum.majority(3)).isEqualTo(2);
		assertThat(Quorum.majority(4)).isEqualTo(3);
		assertThat(Quorum.majority(5)).isEqualTo(3);
	}

}
