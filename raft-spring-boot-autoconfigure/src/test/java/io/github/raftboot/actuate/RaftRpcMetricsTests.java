package io.github.raftboot.actuate;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link RaftRpcMetrics}.
 */
class RaftRpcMetricsTests {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void recordsEveryRpcInATimerTaggedWithRpcPeerOutcomeAndNode() {
		RaftRpcMetrics metrics = new RaftRpcMetrics(this.registry, "n1");
		metrics.rpcCompleted("append-entries", "n2", "success", Duration.ofMillis(3));
		metrics.rpcCompleted("append-entries", "n2", "success", Duration.ofMillis(5));
		Timer timer = this.registry.get("raft.rpc")
			.tag("rpc", "append-entries")
			.tag("peer", "n2")
			.tag("outcome", "success")
			.tag("node", "n1")
			.timer();
		assertThat(timer.count()).isEqualTo(2);
		assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(8);
		assertThat(timer.max(TimeUnit.MILLISECONDS)).isEqualTo(5);
	}

	@Test
	void recordsEachRpcPeerAndOutcomeInATimerOfItsOwn() {
		RaftRpcMetrics metrics = new RaftRpcMetrics(this.registry, "n1");
		metrics.rpcCompleted("request-vote", "n2", "success", Duration.ofMillis(1));
		metrics.rpcCompleted("request-vote", "n3", "timeout", Duration.ofMillis(100));
		metrics.rpcCompleted("pre-vote", "n3", "circuit-open", Duration.ZERO);
		assertThat(this.registry.get("raft.rpc").timers()).hasSize(3)
			.allSatisfy((timer) -> assertThat(timer.count()).isOne());
		assertThat(this.registry.get("raft.rpc").tag("peer", "n3").tag("outcome", "timeout").timer().count())
			.isOne();
	}

	@Test
	void resolvesTheNodeIdOnceOnTheFirstRpc() {
		AtomicInteger lookups = new AtomicInteger();
		RaftRpcMetrics metrics = new RaftRpcMetrics(this.registry, () -> {
			lookups.incrementAndGet();
			return "n1";
		});
		assertThat(lookups).hasValue(0);
		metrics.rpcCompleted("append-entries", "n2", "success", Duration.ofMillis(1));
		metrics.rpcCompleted("append-entries", "n3", "error", Duration.ofMillis(1));
		assertThat(lookups).hasValue(1);
		assertThat(this.registry.get("raft.rpc").tag("node", "n1").timers()).hasSize(2);
	}

	@Test
	void neverThrowsAndRecordsOnceTheNodeIdCanBeResolved() {
		AtomicInteger lookups = new AtomicInteger();
		RaftRpcMetrics metrics = new RaftRpcMetrics(this.registry, () -> {
			if (lookups.incrementAndGet() == 1) {
				throw new IllegalStateException("No RaftLeadership yet");
			}
			return "n1";
		});
		assertThatNoException()
			.isThrownBy(() -> metrics.rpcCompleted("append-entries", "n2", "success", Duration.ofMillis(1)));
		assertThat(this.registry.find("raft.rpc").timers()).isEmpty();
		metrics.rpcCompleted("append-entries", "n2", "success", Duration.ofMillis(1));
		assertThat(this.registry.get("raft.rpc").tag("node", "n1").timer().count()).isOne();
	}

}
