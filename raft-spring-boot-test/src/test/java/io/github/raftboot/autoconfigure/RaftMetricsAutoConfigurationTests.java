package io.github.raftboot.autoconfigure;

import io.github.raftboot.actuate.RaftMetrics;
import io.github.raftboot.runtime.RaftServer;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RaftMetricsAutoConfiguration}.
 */
class RaftMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RaftMetricsAutoConfiguration.class));

	@Test
	void metricsBoundToRegistry() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class))
			.withUserConfiguration(SingleMemberRaftServerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(RaftMetrics.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				RaftServer server = context.getBean(RaftServer.class);
				assertThat(registry.get("raft.term").tag("node", "n1").gauge().value())
					.isEqualTo(server.currentTerm());
				assertThat(registry.get("raft.elections.won").tag("node", "n1").functionCounter().count())
					.isEqualTo(server.statistics().electionsWon());
			});
	}

	@Test
	void metricsBoundToUserDefinedRegistry() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class))
			.withUserConfiguration(SingleMemberRaftServerConfiguration.class, SimpleMeterRegistryConfiguration.class)
			.run((context) -> assertThat(context.getBean(SimpleMeterRegistry.class).find("raft.leader").gauges())
				.singleElement()
				.satisfies((gauge) -> assertThat(gauge.getId().getTag("node")).isEqualTo("n1")));
	}

	@Test
	void metricsListenToTheEventsOfTheReplicaToFollowItsMembers() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class))
			.withUserConfiguration(SingleMemberRaftServerConfiguration.class, SimpleMeterRegistryConfiguration.class)
			.run((context) -> assertThat(context.getBeansOfType(ApplicationListener.class))
				.containsValue(context.getBean(RaftMetrics.class)));
	}

	@Test
	void noMetricsWithoutMeterRegistry() {
		this.contextRunner.withUserConfiguration(SingleMemberRaftServerConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(RaftMetrics.class));
	}

	@Test
	void noMetricsWithoutRaftServer() {
		this.contextRunner.withUserConfiguration(FollowerRaftLeadershipConfiguration.class, SimpleMeterRegistryConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(RaftMetrics.class));
	}

	@Test
	void noMetricsWithoutMicrometerOnClassPath() {
		this.contextRunner.withUserConfiguration(SingleMemberRaftServerConfiguration.class)
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean("raftMetrics")
				.doesNotHaveBean("raftCircuitBreakerMetrics"));
	}

	@Test
	void metricsBackOffWhenUserDefinesThem() {
		this.contextRunner
			.withUserConfiguration(SingleMemberRaftServerConfiguration.class, SimpleMeterRegistryConfiguration.class,
					CustomRaftMetricsConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(RaftMetrics.class).hasBean("customRaftMetrics"));
	}

	@Test
	void circuitBreakerMetricsBoundForRaftCircuitBreakerRegistry() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class))
			.withUserConfiguration(SingleMemberRaftServerConfiguration.class, SimpleMeterRegistryConfiguration.class,
					CircuitBreakerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasBean("raftCircuitBreakerMetrics");
				context.getBean(CircuitBreakerRegistry.class).circuitBreaker("n2");
				SimpleMeterRegistry registry = context.getBean(SimpleMeterRegistry.class);
				assertThat(registry.find("resilience4j.circuitbreaker.state").tag("name", "n2").gauges()).isNotEmpty();
			});
	}

	@Test
	void noCircuitBreakerMetricsWithoutRaftCircuitBreakerRegistry() {
		this.contextRunner.withUserConfiguration(SingleMemberRaftServerConfiguration.class, SimpleMeterRegistryConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(RaftMetrics.class)
				.doesNotHaveBean(TaggedCircuitBreakerMetrics.class));
	}

	@Test
	void noCircuitBreakerMetricsWithoutResilience4jMicrometerOnClassPath() {
		this.contextRunner
			.withUserConfiguration(SingleMemberRaftServerConfiguration.class, SimpleMeterRegistryConfiguration.class,
					CircuitBreakerConfiguration.class)
			.withClassLoader(new FilteredClassLoader(TaggedCircuitBreakerMetrics.class))
			.run((context) -> assertThat(context).hasSingleBean(RaftMetrics.class)
				.doesNotHaveBean("raftCircuitBreakerMetrics"));
	}

	@Configuration(proxyBeanMethods = false)
	static class CircuitBreakerConfiguration {

		@Bean
		CircuitBreakerRegistry raftCircuitBreakerRegistry() {
			return CircuitBreakerRegistry.ofDefaults();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomRaftMetricsConfiguration {

		@Bean
		RaftMetrics customRaftMetrics(RaftServer server) {
			return new RaftMetrics(server);
		}

	}

}
