package io.github.raftboot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;

import io.github.raftboot.actuate.RaftRpcMetrics;
import io.github.raftboot.transport.RpcObserver;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RaftRpcMetricsAutoConfiguration}.
 */
class RaftRpcMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RaftRpcMetricsAutoConfiguration.class));

	@TempDir
	Path dataDir;

	@Test
	void rpcObserverRecordsTimersTaggedWithTheNodeIdOfTheRaftServer() {
		this.contextRunner.withUserConfiguration(SimpleMeterRegistryConfiguration.class, SingleMemberRaftServerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(RpcObserver.class).hasSingleBean(RaftRpcMetrics.class);
				context.getBean(RpcObserver.class).rpcCompleted("pre-vote", "n2", "timeout", Duration.ofMillis(100));
				assertThat(context.getBean(MeterRegistry.class)
					.get("raft.rpc")
					.tags("rpc", "pre-vote", "peer", "n2", "outcome", "timeout", "node", "n1")
					.timer()
					.count()).isOne();
			});
	}

	@Test
	void transportOfRaftAutoConfigurationReportsEveryRpc() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(RaftAutoConfiguration.class))
			.withUserConfiguration(SimpleMeterRegistryConfiguration.class)
			.withPropertyValues("raft.node-id=n1", "raft.peers.n1=http://127.0.0.1:2", "raft.peers.n2=http://127.0.0.1:1",
					"raft.data-dir=" + this.dataDir)
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(registry.find("raft.rpc").tags("peer", "n2", "node", "n1").timers())
						.isNotEmpty());
			});
	}

	@Test
	void rpcObserverBacksOffWhenUserDefinesOne() {
		this.contextRunner.withUserConfiguration(SimpleMeterRegistryConfiguration.class, CustomRpcObserverConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(RpcObserver.class)
				.doesNotHaveBean(RaftRpcMetrics.class));
	}

	@Test
	void noRpcObserverWithoutMeterRegistry() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(RpcObserver.class));
	}

	@Test
	void noRpcObserverWhenRaftIsDisabled() {
		this.contextRunner.withUserConfiguration(SimpleMeterRegistryConfiguration.class)
			.withPropertyValues("raft.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RpcObserver.class));
	}

	@Test
	void noRpcObserverWithoutMicrometerOnClassPath() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("raftRpcMetrics"));
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomRpcObserverConfiguration {

		@Bean
		RpcObserver customRpcObserver() {
			return RpcObserver.NONE;
		}

	}

}
