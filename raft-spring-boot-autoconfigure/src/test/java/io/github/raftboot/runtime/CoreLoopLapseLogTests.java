package io.github.raftboot.runtime;

import java.util.List;

import io.github.raftboot.core.PeerProgress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CoreLoop#lastAnswers(List, long)}: the log line of a lease lapse names, per
 * follower, when it last answered and how long its latest answer took, so that the slow or silent
 * replicas can be told from the prompt ones.
 */
class CoreLoopLapseLogTests {

	private static final long MS = 1_000_000;

	@Test
	void namesEveryFollowerWithTheAgeOfItsLastAnswerAndItsLatestRoundTrip() {
		long now = 10_000 * MS;
		List<PeerProgress> peers = List.of(new PeerProgress("n2", 5, 6, now - 12 * MS, 3 * MS),
				new PeerProgress("n3", 5, 6, now - 212 * MS, 180 * MS), new PeerProgress("n4", 0, 6, now - 40 * MS),
				new PeerProgress("n5", 0, 6, null));
		assertThat(CoreLoop.lastAnswers(peers, now)).isEqualTo("; last answers: n2 12 ms ago (round trip 3 ms), "
				+ "n3 212 ms ago (round trip 180 ms), n4 40 ms ago, n5 none in this term");
	}

	@Test
	void saysNothingWithoutFollowers() {
		assertThat(CoreLoop.lastAnswers(List.of(), 0)).isEmpty();
	}

	@Test
	void countsAnAnswerStampedAfterTheClockReadingAsJustNow() {
		assertThat(CoreLoop.lastAnswers(List.of(new PeerProgress("n2", 1, 2, 5 * MS)), 4 * MS))
			.isEqualTo("; last answers: n2 0 ms ago");
	}

}
