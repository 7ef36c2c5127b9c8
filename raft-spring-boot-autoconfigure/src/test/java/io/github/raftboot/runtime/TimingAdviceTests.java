package io.github.raftboot.runtime;

import java.util.List;

import io.github.raftboot.core.Incidents;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.Timing;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a member that the timing can no longer help keeps losing its lease or being paused, the
 * log says so above DEBUG, with what to do, at most once a minute.
 */
@DisplayName("Advice when the timing can widen no further")
class TimingAdviceTests {

	private static final long SECOND = 1_000_000_000L;

	private static final RaftConfig CONFIG = RaftConfig.builder("n1", List.of("n1", "n2", "n3")).build();

	private static final Timing CONFIGURED = new Timing(150, 300, 50, 0, "configured");

	private static final Timing WIDENED_ONCE = new Timing(300, 600, 100, 1, "widened");

	private static final Timing AT_CEILING = new Timing(500, 1000, 167, 2, "widened");

	@Test
	void saysNothingWhileTheTimingCanStillWiden() {
		TimingAdvice advice = new TimingAdvice(CONFIG);
		assertThat(advice.advise(CONFIGURED, lapses(1), 0)).isNull();
		assertThat(advice.advise(WIDENED_ONCE, lapses(3), SECOND)).isNull();
	}

	@Test
	void namesTheCeilingAndTheFixWhenTheLeaseStillLapsesAtTheCeiling() {
		TimingAdvice advice = new TimingAdvice(CONFIG);
		assertThat(advice.advise(WIDENED_ONCE, lapses(1), 0)).isNull();
		assertThat(advice.advise(AT_CEILING, lapses(2), 0)).as("the lapse that widened the timing").isNull();
		assertThat(advice.advise(AT_CEILING, lapses(2), SECOND)).as("no new incident").isNull();
		assertThat(advice.advise(AT_CEILING, lapses(3), 2 * SECOND))
			.isEqualTo("Raft member 'n1' runs at its timing ceiling (election timeout 500-1000 ms, heartbeat 167 ms) "
					+ "and still lost its lease 1 time(s): this replica does not get CPU in time. Give it more CPU "
					+ "(a higher CPU limit or request, fewer neighbours), or raise raft.timing.ceiling (now 1000 ms); "
					+ "failover then takes longer.");
	}

	@Test
	void advisesAtMostOnceAMinuteAndCountsWhatHappenedMeanwhile() {
		TimingAdvice advice = new TimingAdvice(CONFIG);
		advice.advise(AT_CEILING, Incidents.none(), 0);
		assertThat(advice.advise(AT_CEILING, lapses(1), SECOND)).isNotNull();
		assertThat(advice.advise(AT_CEILING, lapses(2), 10 * SECOND)).isNull();
		assertThat(advice.advise(AT_CEILING, new Incidents(4, 0, 0, 1, 400_000_000L, 2), 30 * SECOND)).isNull();
		assertThat(advice.advise(AT_CEILING, new Incidents(4, 0, 0, 1, 400_000_000L, 2), 61 * SECOND))
			.contains("lost its lease 3 time(s) and was not run for a while 1 time(s) (the longest 400 ms) "
					+ "in the last minute");
	}

	@Test
	void saysNothingWithAdaptiveTimingOffWhoeverTurnedItOffChoseTheTiming() {
		TimingAdvice advice = new TimingAdvice(
				RaftConfig.builder("n1", List.of("n1", "n2", "n3")).adaptiveTiming(false).timingCeiling(
						java.time.Duration.ofMillis(300)).build());
		advice.advise(CONFIGURED, Incidents.none(), 0);
		assertThat(advice.advise(CONFIGURED, new Incidents(2, 0, 0, 1, 200_000_000L, 0), SECOND)).isNull();
	}

	private static Incidents lapses(long count) {
		return new Incidents(count, 0, 0, 0, 0, 0);
	}

}
