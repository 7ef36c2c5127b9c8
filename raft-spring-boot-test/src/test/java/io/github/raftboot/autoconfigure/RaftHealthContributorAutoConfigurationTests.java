package io.github.raftboot.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.raftboot.actuate.Statuses;
import io.github.raftboot.actuate.RaftHealthIndicator;
import io.github.raftboot.core.InMemoryStorage;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.Role;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.runtime.RaftServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RaftHealthContributorAutoConfiguration}.
 */
class RaftHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RaftHealthContributorAutoConfiguration.class));

	@Test
	void healthIndicatorPresentByDefault() {
		this.contextRunner.withUserConfiguration(RaftServerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(RaftHealthIndicator.class).hasBean("raftHealthIndicator");
			RaftHealthIndicator indicator = context.getBean(RaftHealthIndicator.class);
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				Health health = indicator.health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("nodeId", "n1")
					.containsEntry("leaderId", "n1")
					.containsEntry("leader", true);
			});
		});
	}

	@Test
	void gracePeriodIsTheMaximumElectionTimeoutOfTheRaftServer() {
		this.contextRunner.withUserConfiguration(RaftServerConfiguration.class)
			.run((context) -> assertThat(context.getBean(RaftHealthIndicator.class)).extracting("gracePeriod")
				.isEqualTo(Duration.ofMillis(700)));
	}

	@Test
	void leaderlessStatusDefaultsToOutOfService() {
		this.contextRunner.withUserConfiguration(LeaderlessConfiguration.class)
			.run((context) -> assertThat(context.getBean(RaftHealthIndicator.class).health().getStatus())
				.isEqualTo(Status.OUT_OF_SERVICE));
	}

	@Test
	void leaderlessStatusComesFromRaftProperties() {
		this.contextRunner.withUserConfiguration(LeaderlessConfiguration.class, RaftPropertiesConfiguration.class)
			.withPropertyValues("raft.health.leaderless-status=DEGRADED")
			.run((context) -> assertThat(context.getBean(RaftHealthIndicator.class).health().getStatus())
				.isEqualTo(new Status("DEGRADED")));
	}

	@Test
	void healthIndicatorBacksOffWhenDisabled() {
		this.contextRunner.withUserConfiguration(RaftServerConfiguration.class)
			.withPropertyValues("management.health.raft.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RaftHealthIndicator.class));
	}

	@Test
	void healthIndicatorBacksOffWhenUserDefinesOneNamedRaftHealthIndicator() {
		this.contextRunner
			.withUserConfiguration(RaftServerConfiguration.class, CustomHealthIndicatorConfiguration.class)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(RaftHealthIndicator.class);
				assertThat(context.getBean("raftHealthIndicator", HealthIndicator.class).health().getStatus())
					.isEqualTo(Status.DOWN);
			});
	}

	@Test
	void noHealthIndicatorWithoutRaftLeadership() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(RaftHealthIndicator.class));
	}

	@Test
	void noHealthIndicatorWithoutHealthOnClassPath() {
		this.contextRunner.withUserConfiguration(RaftServerConfiguration.class)
			.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("raftHealthIndicator"));
	}

	@Configuration(proxyBeanMethods = false)
	static class RaftServerConfiguration {

		@Bean
		RaftServer raftServer() {
			RaftConfig config = RaftConfig.builder("n1", List.of("n1"))
				.electionTimeout(Duration.ofMillis(150), Duration.ofMillis(700))
				.build();
			return new RaftServer(config, new InMemoryStorage(), (request) -> new CompletableFuture<>(), (event) -> {
			});
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LeaderlessConfiguration {

		@Bean
		RaftLeadership raftLeadership() {
			return Statuses.leadership(Statuses.running("n1", Role.FOLLOWER, 2, null, Instant.EPOCH));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(RaftProperties.class)
	static class RaftPropertiesConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomHealthIndicatorConfiguration {

		@Bean
		HealthIndicator raftHealthIndicator() {
			return () -> Health.down().build();
		}

	}

}
