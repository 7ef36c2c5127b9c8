package io.github.raftboot.autoconfigure;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.raftboot.core.RaftConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the circuit breakers of {@link RaftAutoConfiguration}, on a clock the test moves.
 */
class RaftCircuitBreakerConfigTests {

	private final MovableClock clock = new MovableClock();

	private final CircuitBreaker circuitBreaker = CircuitBreakerRegistry
		.of(RaftAutoConfiguration.circuitBreakerConfig(RaftConfig.builder("n1", List.of("n1", "n2", "n3")).build(),
				this.clock))
		.circuitBreaker("raft-n2");

	@Test
	void failuresFromAnElectionLongAgoDoNotOpenTheCircuitWhenTheNextCallSucceeds() {
		// The cluster starts: n2 is not up yet when n1 first campaigns.
		fail();
		fail();
		// n1 follows for a while and calls no one, then campaigns again.
		this.clock.advance(Duration.ofSeconds(15));
		succeed();
		assertThat(this.circuitBreaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(this.circuitBreaker.tryAcquirePermission()).isTrue();
	}

	@Test
	void threeFailuresInARowOpenTheCircuitUntilAProbeAfterTheMinimumElectionTimeoutSucceeds() {
		fail();
		fail();
		fail();
		assertThat(this.circuitBreaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(this.circuitBreaker.tryAcquirePermission()).isFalse();
		this.clock.advance(Duration.ofMillis(149));
		assertThat(this.circuitBreaker.tryAcquirePermission()).isFalse();
		this.clock.advance(Duration.ofMillis(2));
		assertThat(this.circuitBreaker.tryAcquirePermission()).as("the probe").isTrue();
		assertThat(this.circuitBreaker.tryAcquirePermission()).as("while the probe is out").isFalse();
		this.circuitBreaker.onSuccess(1, TimeUnit.MILLISECONDS);
		assertThat(this.circuitBreaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void aDeadMemberOpensTheCircuitWithinItsFirstHeartbeats() {
		for (int heartbeat = 0; heartbeat < 3; heartbeat++) {
			fail();
			this.clock.advance(Duration.ofMillis(50));
		}
		assertThat(this.circuitBreaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
	}

	private void fail() {
		assertThat(this.circuitBreaker.tryAcquirePermission()).isTrue();
		this.circuitBreaker.onError(1, TimeUnit.MILLISECONDS, new IOException("Connection refused"));
	}

	private void succeed() {
		assertThat(this.circuitBreaker.tryAcquirePermission()).isTrue();
		this.circuitBreaker.onSuccess(1, TimeUnit.MILLISECONDS);
	}

	private static final class MovableClock extends Clock {

		private Instant now = Instant.parse("2026-11-22T04:00:00Z");

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
