package io.github.raftboot.runtime;

import io.github.raftboot.core.Timing;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long the members wait for each other's answers while the cluster's timing is widened:
 * the sender for its answer and the receiver for its election thread.
 */
@DisplayName("RPC waits stretch with the timing in force")
class TimeoutFactorTests {

	@Test
	void configuredTimingOrNoneKeepsTheConfiguredTimeout() {
		assertThat(CoreLoop.timeoutFactor(null, 50)).isEqualTo(1);
		assertThat(CoreLoop.timeoutFactor(new Timing(150, 300, 50, 0, "configured"), 50)).isEqualTo(1);
	}

	@Test
	void widenedTimingStretchesTheTimeoutAsItStretchesTheHeartbeat() {
		assertThat(CoreLoop.timeoutFactor(new Timing(600, 1000, 200, 2, "widened"), 50)).isEqualTo(4);
	}

	@Test
	void timingNarrowerThanConfiguredNeverShortensTheTimeout() {
		assertThat(CoreLoop.timeoutFactor(new Timing(100, 200, 25, 0, "narrower"), 50)).isEqualTo(1);
	}

}
