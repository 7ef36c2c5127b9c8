package io.github.raftboot.test;

import io.github.raftboot.autoconfigure.RaftConfigurationException;
import io.github.raftboot.leader.OnLeader;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.runtime.RaftServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TestRaftLeadershipAutoConfiguration}, through
 * {@link AutoConfigureTestRaftLeadership @AutoConfigureTestRaftLeadership} on applications without
 * a web server whose {@code raft.peers} lists other members.
 */
class TestRaftLeadershipAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withPropertyValues(
			"raft.peers.n1=http://127.0.0.1:1", "raft.peers.n2=http://127.0.0.1:2", "raft.node-id=n1");

	@Test
	void applicationWithoutTheAnnotationCannotStartWithoutAWebServer() {
		this.contextRunner.withUserConfiguration(Application.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(RaftConfigurationException.class)
				.hasMessageContaining("runs in an application without a web server"));
	}

	@Test
	void annotationReplacesTheReplicaSoTheSameApplicationStarts() {
		this.contextRunner.withUserConfiguration(TestedApplication.class).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(RaftLeadership.class).doesNotHaveBean(RaftServer.class);
			TestRaftLeadership leadership = context.getBean(TestRaftLeadership.class);
			assertThat(leadership.nodeId()).isEqualTo("n1");
			assertThat(leadership.resetsAfterEachTest()).isTrue();
		});
	}

	@Test
	void groupsOfRaftGroupsAreAddedInEitherForm() {
		this.contextRunner.withUserConfiguration(TestedApplication.class)
			.withPropertyValues("raft.groups=billing,outbox")
			.run((context) -> assertThat(context.getBean(TestRaftLeadership.class).groups())
				.containsExactly("default", "billing", "outbox"));
		this.contextRunner.withUserConfiguration(TestedApplication.class)
			.withPropertyValues("raft.groups[0]=billing", "raft.groups[1]=outbox")
			.run((context) -> assertThat(context.getBean(TestRaftLeadership.class).groups())
				.containsExactly("default", "billing", "outbox"));
	}

	@Test
	void replicaIsNamedRaftWithoutANodeId() {
		new ApplicationContextRunner().withUserConfiguration(TestedApplication.class)
			.run((context) -> assertThat(context.getBean(TestRaftLeadership.class).nodeId()).isEqualTo("raft"));
	}

	@Test
	void applicationsOwnLeadershipWinsAndIsNotReset() {
		this.contextRunner.withUserConfiguration(TestedApplication.class, OwnLeadershipConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(RaftLeadership.class);
				TestRaftLeadership leadership = context.getBean(TestRaftLeadership.class);
				assertThat(leadership.nodeId()).isEqualTo("own");
				assertThat(leadership.resetsAfterEachTest()).isFalse();
			});
	}

	@Test
	void inATestSliceWithoutTheOtherAutoConfigurationsOnLeaderFollowsTheTestLeadership() {
		new ApplicationContextRunner().withUserConfiguration(SliceOfAnApplication.class).run((context) -> {
			Invoicing invoicing = context.getBean(Invoicing.class);
			assertThat(invoicing.sendInvoices()).isNull();
			context.getBean(TestRaftLeadership.class).grant();
			assertThat(invoicing.sendInvoices()).isEqualTo("sent");
		});
	}

	@Test
	void raftDisabledIsRefusedSinceItWouldTurnOnLeaderOff() {
		this.contextRunner.withUserConfiguration(TestedApplication.class)
			.withPropertyValues("raft.enabled=false")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(RaftConfigurationException.class)
				.hasMessageContaining("raft.enabled is false in a test with @AutoConfigureTestRaftLeadership")
				.extracting((failure) -> ((RaftConfigurationException) failure).getAction())
				.asString()
				.contains("Remove raft.enabled=false"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@AutoConfigureTestRaftLeadership
	static class TestedApplication {

	}

	/** What a test slice loads: the application's beans under test, no auto-configuration but the annotation's. */
	@Configuration(proxyBeanMethods = false)
	@AutoConfigureTestRaftLeadership
	@Import(Invoicing.class)
	static class SliceOfAnApplication {

	}

	static class Invoicing {

		@OnLeader
		public @Nullable String sendInvoices() {
			return "sent";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnLeadershipConfiguration {

		@Bean
		TestRaftLeadership ownLeadership() {
			return new TestRaftLeadership("own");
		}

	}

}
