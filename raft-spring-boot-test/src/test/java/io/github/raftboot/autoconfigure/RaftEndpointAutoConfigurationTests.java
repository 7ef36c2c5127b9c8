package io.github.raftboot.autoconfigure;

import java.time.Clock;

import io.github.raftboot.actuate.RaftEndpoint;
import io.github.raftboot.actuate.RaftEndpointWebExtension;
import io.github.raftboot.leader.RaftLeadership;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RaftEndpointAutoConfiguration}.
 */
class RaftEndpointAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RaftEndpointAutoConfiguration.class));

	@Test
	void endpointReadsTheRaftServerWhenExposed() {
		this.contextRunner.withUserConfiguration(SingleMemberRaftServerConfiguration.class)
			.withPropertyValues("management.endpoints.web.exposure.include=raft")
			.run((context) -> {
				assertThat(context).hasSingleBean(RaftEndpoint.class);
				RaftEndpoint.RaftDescriptor raft = context.getBean(RaftEndpoint.class).raft();
				assertThat(raft.nodeId()).isEqualTo("n1");
				assertThat(raft.peers()).isEmpty();
			});
	}

	@Test
	void endpointReadsAnyRaftLeadership() {
		this.contextRunner.withUserConfiguration(FollowerRaftLeadershipConfiguration.class)
			.withPropertyValues("management.endpoints.web.exposure.include=raft")
			.run((context) -> assertThat(context.getBean(RaftEndpoint.class).raft().leaderId()).isEqualTo("n2"));
	}

	@Test
	void webExtensionAnswersForTheEndpointWhenExposedOverHttp() {
		this.contextRunner.withUserConfiguration(FollowerRaftLeadershipConfiguration.class)
			.withPropertyValues("management.endpoints.web.exposure.include=raft")
			.run((context) -> {
				assertThat(context).hasSingleBean(RaftEndpointWebExtension.class);
				assertThat(context.getBean(RaftEndpointWebExtension.class).removeMember("other", "n3").getStatus())
					.isEqualTo(404);
			});
	}

	@Test
	void noWebExtensionWhenExposedOnlyOverJmx() {
		this.contextRunner.withUserConfiguration(FollowerRaftLeadershipConfiguration.class)
			.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=raft")
			.run((context) -> assertThat(context).hasSingleBean(RaftEndpoint.class)
				.doesNotHaveBean(RaftEndpointWebExtension.class));
	}

	@Test
	void endpointNotCreatedWhenNotExposed() {
		this.contextRunner.withUserConfiguration(SingleMemberRaftServerConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(RaftEndpoint.class)
				.doesNotHaveBean(RaftEndpointWebExtension.class));
	}

	@Test
	void endpointNotCreatedWhenAccessIsNone() {
		this.contextRunner.withUserConfiguration(SingleMemberRaftServerConfiguration.class)
			.withPropertyValues("management.endpoints.web.exposure.include=raft",
					"management.endpoint.raft.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(RaftEndpoint.class));
	}

	@Test
	void endpointNotCreatedWithoutRaftLeadership() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=raft")
			.run((context) -> assertThat(context).doesNotHaveBean(RaftEndpoint.class));
	}

	@Test
	void endpointBacksOffWhenUserDefinesOne() {
		this.contextRunner.withUserConfiguration(SingleMemberRaftServerConfiguration.class, CustomEndpointConfiguration.class)
			.withPropertyValues("management.endpoints.web.exposure.include=raft")
			.run((context) -> assertThat(context).hasSingleBean(RaftEndpoint.class)
				.getBean(RaftEndpoint.class)
				.isSameAs(context.getBean("customRaftEndpoint")));
	}

	@Test
	void noEndpointWithoutActuatorOnClassPath() {
		this.contextRunner.withUserConfiguration(SingleMemberRaftServerConfiguration.class)
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.withPropertyValues("management.endpoints.web.exposure.include=raft")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("raftEndpoint"));
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomEndpointConfiguration {

		@Bean
		RaftEndpoint customRaftEndpoint(RaftLeadership leadership) {
			return new RaftEndpoint(leadership, Clock.systemUTC());
		}

	}

}
