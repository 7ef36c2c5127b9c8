package io.github.raftboot.aop;

import java.util.concurrent.atomic.AtomicInteger;

import io.github.raftboot.autoconfigure.OnLeaderAutoConfiguration;
import io.github.raftboot.event.LeadershipRevokedEvent;
import io.github.raftboot.leader.NotLeaderException;
import io.github.raftboot.leader.OnLeader;
import io.github.raftboot.test.TestRaftLeadership;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.test.util.AopTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @OnLeader("billing")}: methods and lifecycle beans that follow the leadership of one
 * election group of {@code raft.groups}, and the startup failure for a group it does not list.
 */
class OnLeaderGroupsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OnLeaderAutoConfiguration.class))
		.withUserConfiguration(GroupsConfiguration.class)
		.withPropertyValues("raft.groups=billing,reports");

	@Test
	void aMethodOfAGroupRunsWhileThisReplicaLeadsThatGroupWhateverItsOtherLeaderships() {
		this.contextRunner.withBean(GroupService.class).run((context) -> {
			GroupService service = context.getBean(GroupService.class);
			TestRaftLeadership leadership = context.getBean(TestRaftLeadership.class);
			leadership.group("default").grant();
			leadership.group("reports").grant();
			assertThat(service.billing()).isNull();
			assertThat(AopTestUtils.<GroupService>getTargetObject(service).billingRuns).hasValue(0);
			leadership.group("billing").grant();
			assertThat(service.billing()).isEqualTo("billed");
			leadership.group("default").follow("node-2");
			leadership.group("reports").follow("node-2");
			assertThat(service.billing()).isEqualTo("billed");
			leadership.group("billing").follow("node-3");
			assertThat(service.billing()).isNull();
			assertThat(AopTestUtils.<GroupService>getTargetObject(service).billingRuns).hasValue(2);
		});
	}

	@Test
	void aMethodWithoutAGroupFollowsTheDefaultGroupOnly() {
		this.contextRunner.withBean(GroupService.class).run((context) -> {
			GroupService service = context.getBean(GroupService.class);
			TestRaftLeadership leadership = context.getBean(TestRaftLeadership.class);
			leadership.group("billing").grant();
			assertThat(service.unnamed()).isNull();
			assertThat(service.named()).isNull();
			leadership.group("default").grant();
			assertThat(service.unnamed()).isEqualTo("default");
			assertThat(service.named()).isEqualTo("default");
		});
	}

	@Test
	void aRefusedCallNamesTheGroupAndItsLeader() {
		this.contextRunner.withBean(GroupService.class).run((context) -> {
			GroupService service = context.getBean(GroupService.class);
			TestRaftLeadership leadership = context.getBean(TestRaftLeadership.class);
			leadership.group("default").grant();
			leadership.group("billing").follow("node-2");
			assertThatExceptionOfType(NotLeaderException.class).isThrownBy(service::refusingBilling)
				.satisfies((ex) -> {
					assertThat(ex.getNodeId()).isEqualTo("node-1");
					assertThat(ex.getLeaderId()).isEqualTo("node-2");
				})
				.withMessage("Replica 'node-1' is not the leader of election group 'billing', so it refused "
						+ GroupService.class.getName() + ".refusingBilling(); the leader is 'node-2'");
		});
	}

	@Test
	void aRefusedCallOfTheDefaultGroupReadsAsBefore() {
		this.contextRunner.withBean(GroupService.class).run((context) -> {
			GroupService service = context.getBean(GroupService.class);
			context.getBean(TestRaftLeadership.class).group("billing").grant();
			assertThatExceptionOfType(NotLeaderException.class).isThrownBy(service::refusingDefault)
				.withMessage("Replica 'node-1' is not the leader, so it refused " + GroupService.class.getName()
						+ ".refusingDefault(); no leader is known right now");
		});
	}

	@Test
	void theGroupOfAClassAnnotationGuardsItsMethodsAndAMethodAnnotationWins() {
		this.contextRunner.withBean(ReportsService.class).run((context) -> {
			ReportsService service = context.getBean(ReportsService.class);
			TestRaftLeadership leadership = context.getBean(TestRaftLeadership.class);
			leadership.group("default").grant();
			leadership.group("billing").grant();
			assertThat(service.report()).isNull();
			assertThat(service.bill()).isEqualTo("bill");
			leadership.group("reports").grant();
			leadership.group("billing").follow("node-2");
			assertThat(service.report()).isEqualTo("report");
			assertThat(service.bill()).isNull();
		});
	}

	@Test
	void aLifecycleBeanOfAGroupStartsAndStopsWithTheLeadershipOfThatGroupOnly() {
		this.contextRunner.withBean("billingWorker", BillingWorker.class).run((context) -> {
			BillingWorker worker = context.getBean(BillingWorker.class);
			TestRaftLeadership leadership = context.getBean(TestRaftLeadership.class);
			assertThat(context.getBean(OnLeaderLifecycleController.class).getBeanNames())
				.containsExactly("billingWorker");
			leadership.group("default").grant();
			leadership.group("reports").grant();
			assertThat(worker.isRunning()).isFalse();
			leadership.group("billing").grant();
			assertThat(worker.isRunning()).isTrue();
			leadership.group("default").revoke(LeadershipRevokedEvent.Reason.TRANSFER);
			leadership.group("reports").follow("node-2");
			assertThat(worker.isRunning()).isTrue();
			leadership.group("billing").follow("node-2");
			assertThat(worker.isRunning()).isFalse();
			assertThat(target(worker).starts).hasValue(1);
			assertThat(target(worker).stops).hasValue(1);
		});
	}

	@Test
	void aLifecycleBeanOfAGroupStartsWithTheContextWhenThisReplicaLeadsThatGroupAlready() {
		this.contextRunner.withPropertyValues("test.lead=billing").withBean(BillingWorker.class).run((context) -> {
			assertThat(context.getBean(BillingWorker.class).isRunning()).isTrue();
			assertThat(target(context.getBean(BillingWorker.class)).starts).hasValue(1);
		});
		this.contextRunner.withPropertyValues("test.lead=default").withBean(BillingWorker.class).run((context) -> {
			assertThat(context.getBean(BillingWorker.class).isRunning()).isFalse();
		});
	}

	@Test
	void aMethodNamingAGroupThatRaftGroupsDoesNotListFailsStartup() {
		this.contextRunner.withBean("typoService", TypoService.class).run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).isEqualTo("@OnLeader names an election group that raft.groups "
					+ "does not list, on bean 'typoService': 'biling' (on " + TypoService.class.getName()
					+ ".work()). The election groups are [default, billing, reports].");
			assertThat(analysis.getAction()).isEqualTo("Add 'biling' to raft.groups (on every replica) or correct "
					+ "the name in @OnLeader; @OnLeader without a name means the default group.");
		});
	}

	@Test
	void aClassNamingAGroupThatRaftGroupsDoesNotListFailsStartupWithTheOtherUnknownNames() {
		this.contextRunner.withBean("unknownWorker", UnknownGroupWorker.class).run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).isEqualTo("@OnLeader names election groups that raft.groups "
					+ "does not list, on bean 'unknownWorker': 'audit' (on " + UnknownGroupWorker.class.getName()
					+ ".audit()), 'nightly' (on " + UnknownGroupWorker.class.getName()
					+ "). The election groups are [default, billing, reports].");
			assertThat(analysis.getAction()).startsWith("Add 'audit', 'nightly' to raft.groups");
		});
	}

	@Test
	void aGroupNameFailsStartupWhenRaftGroupsListsNone() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(OnLeaderAutoConfiguration.class))
			.withBean(TestRaftLeadership.class, () -> new TestRaftLeadership("node-1"))
			.withBean("groupService", GroupService.class)
			.run((context) -> assertThat(analysis(context).getDescription())
				.startsWith("@OnLeader names an election group that raft.groups does not list, on bean "
						+ "'groupService': 'billing' (on ")
				.contains(GroupService.class.getName() + ".billing()",
						GroupService.class.getName() + ".refusingBilling()")
				.endsWith("The election groups are [default]."));
	}

	@Test
	void theDefaultGroupMayBeNamedWithoutRaftGroups() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(OnLeaderAutoConfiguration.class))
			.withBean(TestRaftLeadership.class, () -> new TestRaftLeadership("node-1").grant())
			.withBean(DefaultOnlyService.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(DefaultOnlyService.class).named()).isEqualTo("default");
			});
	}

	private static BillingWorker target(BillingWorker worker) {
		return AopTestUtils.getTargetObject(worker);
	}

	private static FailureAnalysis analysis(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		assertThat(context.getStartupFailure()).rootCause().isInstanceOf(OnLeaderConfigurationException.class);
		FailureAnalysis analysis = new OnLeaderFailureAnalyzer().analyze(context.getStartupFailure());
		assertThat(analysis).isNotNull();
		return analysis;
	}

	@Configuration(proxyBeanMethods = false)
	static class GroupsConfiguration {

		@Bean
		TestRaftLeadership groupedLeadership(ApplicationEventPublisher publisher, Environment environment) {
			TestRaftLeadership leadership = new TestRaftLeadership("node-1", publisher).withGroups("billing", "reports");
			String lead = environment.getProperty("test.lead");
			if (lead != null) {
				leadership.group(lead).grant();
			}
			return leadership;
		}

	}

	public static class GroupService {

		final AtomicInteger billingRuns = new AtomicInteger();

		@OnLeader("billing")
		public String billing() {
			this.billingRuns.incrementAndGet();
			return "billed";
		}

		@OnLeader(value = "billing", skip = false)
		public String refusingBilling() {
			return "billed";
		}

		@OnLeader
		public String unnamed() {
			return "default";
		}

		@OnLeader("default")
		public String named() {
			return "default";
		}

		@OnLeader(skip = false)
		public String refusingDefault() {
			return "default";
		}

	}

	public static class DefaultOnlyService {

		@OnLeader("default")
		public String named() {
			return "default";
		}

	}

	@OnLeader("reports")
	public static class ReportsService {

		public String report() {
			return "report";
		}

		@OnLeader("billing")
		public String bill() {
			return "bill";
		}

	}

	public static class TypoService {

		@OnLeader("biling")
		public void work() {
		}

	}

	@OnLeader("nightly")
	public static class UnknownGroupWorker {

		@OnLeader("audit")
		public void audit() {
		}

		@OnLeader("billing")
		public void bill() {
		}

	}

	@OnLeader("billing")
	public static class BillingWorker implements SmartLifecycle {

		final AtomicInteger starts = new AtomicInteger();

		final AtomicInteger stops = new AtomicInteger();

		private volatile boolean running;

		@Override
		public void start() {
			this.starts.incrementAndGet();
			this.running = true;
		}

		@Override
		public void stop() {
			this.stops.incrementAndGet();
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

	}

}
