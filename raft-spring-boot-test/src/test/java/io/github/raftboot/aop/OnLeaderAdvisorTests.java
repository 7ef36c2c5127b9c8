package io.github.raftboot.aop;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.raftboot.autoconfigure.OnLeaderAutoConfiguration;
import io.github.raftboot.leader.NotLeaderException;
import io.github.raftboot.leader.OnLeader;
import io.github.raftboot.test.TestRaftLeadership;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.framework.autoproxy.InfrastructureAdvisorAutoProxyCreator;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link OnLeaderAdvisor}, {@link OnLeaderInterceptor},
 * {@link OnLeaderMethodValidator}, {@link OnLeaderFailureAnalyzer} and
 * {@link OnLeaderAutoConfiguration}.
 */
@ExtendWith(OutputCaptureExtension.class)
class OnLeaderAdvisorTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OnLeaderAutoConfiguration.class))
		.withUserConfiguration(LeadershipConfiguration.class);

	@Test
	void guardedMethodIsSkippedWhileNotLeaderAndRunsWhileLeader() {
		this.contextRunner.withBean(MethodGuardedService.class).run((context) -> {
			MethodGuardedService service = context.getBean(MethodGuardedService.class);
			TestRaftLeadership leadership = context.getBean(TestRaftLeadership.class);
			service.work();
			service.work();
			assertThat(service.invocations()).isZero();
			leadership.grant();
			service.work();
			service.work();
			assertThat(service.invocations()).isEqualTo(2);
			leadership.follow("node-2");
			service.work();
			assertThat(service.invocations()).isEqualTo(2);
		});
	}

	@Test
	void skippedMethodReturningOptionalReturnsEmpty() {
		this.contextRunner.withBean(MethodGuardedService.class).run((context) -> {
			MethodGuardedService service = context.getBean(MethodGuardedService.class);
			assertThat(service.optional()).isEmpty();
			context.getBean(TestRaftLeadership.class).grant();
			assertThat(service.optional()).contains("result");
		});
	}

	@Test
	void skippedMethodReturningReferenceReturnsNull() {
		this.contextRunner.withBean(MethodGuardedService.class).run((context) -> {
			MethodGuardedService service = context.getBean(MethodGuardedService.class);
			assertThat(service.reference()).isNull();
			assertThat(service.boxed()).isNull();
			context.getBean(TestRaftLeadership.class).grant();
			assertThat(service.reference()).isEqualTo("result");
			assertThat(service.boxed()).isEqualTo(42);
		});
	}

	@Test
	void methodThatDoesNotSkipThrowsNotLeaderExceptionNamingNodeAndLeader() {
		this.contextRunner.withBean(MethodGuardedService.class).run((context) -> {
			MethodGuardedService service = context.getBean(MethodGuardedService.class);
			context.getBean(TestRaftLeadership.class).follow("node-2");
			assertThatExceptionOfType(NotLeaderException.class).isThrownBy(service::refusing)
				.satisfies((ex) -> {
					assertThat(ex.getNodeId()).isEqualTo("node-1");
					assertThat(ex.getLeaderId()).isEqualTo("node-2");
				})
				.withMessageContaining("'node-1'")
				.withMessageContaining("the leader is 'node-2'")
				.withMessageContaining(MethodGuardedService.class.getName() + ".refusing()");
			assertThat(service.invocations()).isZero();
		});
	}

	@Test
	void methodThatDoesNotSkipSaysSoWhenNoLeaderIsKnown() {
		this.contextRunner.withBean(MethodGuardedService.class).run((context) -> {
			MethodGuardedService service = context.getBean(MethodGuardedService.class);
			context.getBean(TestRaftLeadership.class).noLeader();
			assertThatExceptionOfType(NotLeaderException.class).isThrownBy(service::refusing)
				.satisfies((ex) -> assertThat(ex.getLeaderId()).isNull())
				.withMessageContaining("no leader is known");
		});
	}

	@Test
	void methodThatDoesNotSkipMayReturnPrimitiveAndRunsWhileLeader() {
		this.contextRunner.withBean(MethodGuardedService.class).run((context) -> {
			assertThat(context).hasNotFailed();
			MethodGuardedService service = context.getBean(MethodGuardedService.class);
			assertThatExceptionOfType(NotLeaderException.class).isThrownBy(service::primitiveRefusing);
			context.getBean(TestRaftLeadership.class).grant();
			assertThat(service.primitiveRefusing()).isEqualTo(7);
			assertThat(service.refusing()).isEqualTo("refusing");
		});
	}

	@Test
	void classLevelAnnotationGuardsEveryPublicMethod() {
		this.contextRunner.withBean(Recorder.class).withBean(ClassGuardedService.class).run((context) -> {
			ClassGuardedService service = context.getBean(ClassGuardedService.class);
			Recorder recorder = context.getBean(Recorder.class);
			service.first();
			assertThat(service.second()).isNull();
			assertThat(service.optional()).isEmpty();
			assertThat(recorder.count()).isZero();
			context.getBean(TestRaftLeadership.class).grant();
			service.first();
			assertThat(service.second()).isEqualTo("second");
			assertThat(service.optional()).contains("optional");
			assertThat(recorder.count()).isEqualTo(3);
		});
	}

	@Test
	void classLevelAnnotationLeavesObjectMethodsAlone() {
		this.contextRunner.withBean(Recorder.class).withBean(ClassGuardedService.class).run((context) -> {
			ClassGuardedService service = context.getBean(ClassGuardedService.class);
			assertThat(service.toString()).isEqualTo("ClassGuardedService");
			assertThat(context.getBean(Recorder.class).count()).isOne();
		});
	}

	@Test
	void classLevelAnnotationLeavesOrderingCallbackAlone() {
		this.contextRunner.withBean(OrderedGuardedService.class).run((context) -> {
			assertThat(context).hasNotFailed();
			OrderedGuardedService service = context.getBean(OrderedGuardedService.class);
			assertThat(AopUtils.isAopProxy(service)).isTrue();
			assertThat(service.getOrder()).isEqualTo(5);
			assertThat(service.name()).isNull();
		});
	}

	@Test
	void methodAnnotationWinsOverClassAnnotation() {
		this.contextRunner.withBean(Recorder.class).withBean(ClassGuardedService.class).run((context) -> {
			ClassGuardedService service = context.getBean(ClassGuardedService.class);
			assertThat(service.second()).isNull();
			assertThatExceptionOfType(NotLeaderException.class).isThrownBy(service::refusing);
		});
	}

	@Test
	void primitiveReturningMethodFailsStartupWithAnAnalysisThatNamesTheBeanTheMethodAndTheFix() {
		this.contextRunner.withBean("primitiveService", PrimitiveService.class).run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).contains("bean 'primitiveService'")
				.contains(PrimitiveService.class.getName() + ".count() (returns int)");
			assertThat(analysis.getAction()).contains("@OnLeader(skip = false)", "wrapper type", "Optional");
		});
	}

	@Test
	void classLevelAnnotationOnClassWithPublicPrimitiveMethodFailsStartup() {
		this.contextRunner.withBean(ClassGuardedPrimitiveService.class).run((context) -> {
			assertThat(analysis(context).getDescription())
				.contains(ClassGuardedPrimitiveService.class.getName() + ".ready() (returns boolean)")
				.doesNotContain("name()")
				.doesNotContain("internal()");
		});
	}

	@Test
	void annotatedMethodsTheProxyCannotInterceptFailStartupInsteadOfRunningOnEveryReplica() {
		this.contextRunner.withBean("unguardableService", UnguardableService.class).run((context) -> {
			FailureAnalysis analysis = analysis(context);
			String type = UnguardableService.class.getName();
			assertThat(analysis.getDescription()).contains("bean 'unguardableService'")
				.contains(type + ".privateJob() (private)", type + ".staticJob() (static)",
						type + ".finalJob() (final)")
				.contains("every replica would run them as if they were not annotated")
				.doesNotContain("publicJob()");
			assertThat(analysis.getAction()).contains("those methods public, not static and not final",
					"private @Scheduled");
		});
	}

	@Test
	void aFinalPublicMethodOfAnAnnotatedClassFailsStartup() {
		this.contextRunner.withBean(ClassGuardedFinalService.class).run((context) -> {
			assertThat(analysis(context).getDescription())
				.contains(ClassGuardedFinalService.class.getName() + ".finalWork() (final)")
				.doesNotContain(".work()")
				.doesNotContain("helper()");
		});
	}

	@Test
	void bothKindsOfMistakesAreReportedAtOnce() {
		this.contextRunner.withBean(TwoMistakesService.class).run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).contains(".job() (private)", ".count() (returns int)");
			assertThat(analysis.getAction()).contains("not final", "skip = false");
		});
	}

	@Test
	void anApplicationWithAMisusedOnLeaderFailsToStartWithTheAnalysisInsteadOfAStackTrace(CapturedOutput output) {
		SpringApplicationBuilder application = new SpringApplicationBuilder(MisusedOnLeaderApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off");
		assertThatException().isThrownBy(application::run)
			.havingRootCause()
			.isInstanceOf(OnLeaderConfigurationException.class);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Description:")
			.contains(UnguardableService.class.getName() + ".privateJob() (private)")
			.contains("Action:")
			.contains("public, not static and not final");
	}

	@Test
	void worksWithoutAspectJAndWithoutEnableAspectJAutoProxy() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.aspectj"))
			.withBean(MethodGuardedService.class)
			.run((context) -> {
				assertThat(context.getBean(AopConfigUtils.AUTO_PROXY_CREATOR_BEAN_NAME))
					.isExactlyInstanceOf(InfrastructureAdvisorAutoProxyCreator.class);
				MethodGuardedService service = context.getBean(MethodGuardedService.class);
				assertThat(AopUtils.isCglibProxy(service)).isTrue();
				service.work();
				assertThat(service.invocations()).isZero();
				context.getBean(TestRaftLeadership.class).grant();
				service.work();
				assertThat(service.invocations()).isOne();
			});
	}

	@Test
	void worksAlongsideAopAutoConfiguration() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
			.withBean(MethodGuardedService.class)
			.run((context) -> {
				MethodGuardedService service = context.getBean(MethodGuardedService.class);
				service.work();
				assertThat(service.invocations()).isZero();
				context.getBean(TestRaftLeadership.class).grant();
				service.work();
				assertThat(service.invocations()).isOne();
			});
	}

	@Test
	void proxiesInterfaceBasedWhenClassProxyingIsSwitchedOff() {
		this.contextRunner.withPropertyValues("spring.aop.proxy-target-class=false")
			.withBean(Greeter.class, GuardedGreeter::new)
			.run((context) -> {
				Greeter greeter = context.getBean(Greeter.class);
				assertThat(AopUtils.isJdkDynamicProxy(greeter)).isTrue();
				assertThat(greeter.greet()).isNull();
				context.getBean(TestRaftLeadership.class).grant();
				assertThat(greeter.greet()).isEqualTo("hello");
			});
	}

	@Test
	void worksWithScheduled() {
		this.contextRunner.withUserConfiguration(SchedulingConfiguration.class).run((context) -> {
			ScheduledJob job = context.getBean(ScheduledJob.class);
			TestRaftLeadership leadership = context.getBean(TestRaftLeadership.class);
			await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> job.runs() == 0);
			leadership.grant();
			await().atMost(Duration.ofSeconds(5)).until(() -> job.runs() >= 3);
			leadership.follow("node-2");
			Thread.sleep(100);
			int runs = job.runs();
			await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> job.runs() == runs);
			leadership.grant();
			await().atMost(Duration.ofSeconds(5)).until(() -> job.runs() > runs);
		});
	}

	@Test
	void plainBeanIsNotProxied() {
		this.contextRunner.withBean(PlainService.class).withBean(MethodGuardedService.class).run((context) -> {
			assertThat(AopUtils.isAopProxy(context.getBean(PlainService.class))).isFalse();
			assertThat(AopUtils.isAopProxy(context.getBean(MethodGuardedService.class))).isTrue();
			assertThat(context.getBean(PlainService.class).work()).isEqualTo("plain");
		});
	}

	@Test
	void advisorBacksOffWhenUserDefinesOne() {
		this.contextRunner.withUserConfiguration(CustomAdvisorConfiguration.class)
			.withBean(MethodGuardedService.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(OnLeaderAdvisor.class);
				assertThat(context).getBean(OnLeaderAdvisor.class)
					.isSameAs(context.getBean(CustomAdvisorConfiguration.class).advisor);
				// The user's advisor asks a replica that always leads.
				MethodGuardedService service = context.getBean(MethodGuardedService.class);
				service.work();
				assertThat(service.invocations()).isOne();
			});
	}

	@Test
	void nothingIsRegisteredWhenRaftIsDisabled() {
		this.contextRunner.withPropertyValues("raft.enabled=false")
			.withBean(MethodGuardedService.class)
			.withBean(PrimitiveService.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(OnLeaderAdvisor.class)
					.doesNotHaveBean(OnLeaderMethodValidator.class)
					.doesNotHaveBean(OnLeaderLifecycleController.class)
					.doesNotHaveBean(AopConfigUtils.AUTO_PROXY_CREATOR_BEAN_NAME);
				MethodGuardedService service = context.getBean(MethodGuardedService.class);
				assertThat(AopUtils.isAopProxy(service)).isFalse();
				service.work();
				assertThat(service.invocations()).isOne();
			});
	}

	private static FailureAnalysis analysis(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		assertThat(context.getStartupFailure()).rootCause().isInstanceOf(OnLeaderConfigurationException.class);
		FailureAnalysis analysis = new OnLeaderFailureAnalyzer().analyze(context.getStartupFailure());
		assertThat(analysis).isNotNull();
		return analysis;
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(OnLeaderAutoConfiguration.class)
	static class MisusedOnLeaderApplication {

		@Bean
		UnguardableService unguardableService() {
			return new UnguardableService();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LeadershipConfiguration {

		@Bean
		TestRaftLeadership testRaftLeadership() {
			return new TestRaftLeadership("node-1");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomAdvisorConfiguration {

		final OnLeaderAdvisor advisor = new OnLeaderAdvisor(() -> new TestRaftLeadership("custom").grant());

		@Bean
		OnLeaderAdvisor customOnLeaderAdvisor() {
			return this.advisor;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class SchedulingConfiguration {

		@Bean
		ScheduledJob scheduledJob() {
			return new ScheduledJob();
		}

	}

	static class ScheduledJob {

		private final AtomicInteger runs = new AtomicInteger();

		@OnLeader
		@Scheduled(fixedRate = 10)
		public void run() {
			this.runs.incrementAndGet();
		}

		int runs() {
			return this.runs.get();
		}

	}

	public static class MethodGuardedService {

		private final AtomicInteger invocations = new AtomicInteger();

		@OnLeader
		public void work() {
			this.invocations.incrementAndGet();
		}

		@OnLeader
		public Optional<String> optional() {
			this.invocations.incrementAndGet();
			return Optional.of("result");
		}

		@OnLeader
		public String reference() {
			this.invocations.incrementAndGet();
			return "result";
		}

		@OnLeader
		public Integer boxed() {
			this.invocations.incrementAndGet();
			return 42;
		}

		@OnLeader(skip = false)
		public String refusing() {
			this.invocations.incrementAndGet();
			return "refusing";
		}

		@OnLeader(skip = false)
		public int primitiveRefusing() {
			this.invocations.incrementAndGet();
			return 7;
		}

		public int invocations() {
			return this.invocations.get();
		}

	}

	static class Recorder {

		private final AtomicInteger count = new AtomicInteger();

		void record() {
			this.count.incrementAndGet();
		}

		int count() {
			return this.count.get();
		}

	}

	@OnLeader
	static class ClassGuardedService {

		private final Recorder recorder;

		ClassGuardedService(Recorder recorder) {
			this.recorder = recorder;
		}

		public void first() {
			this.recorder.record();
		}

		public String second() {
			this.recorder.record();
			return "second";
		}

		public Optional<String> optional() {
			this.recorder.record();
			return Optional.of("optional");
		}

		@OnLeader(skip = false)
		public String refusing() {
			this.recorder.record();
			return "refusing";
		}

		@Override
		public String toString() {
			this.recorder.record();
			return "ClassGuardedService";
		}

	}

	@OnLeader
	static class OrderedGuardedService implements Ordered {

		@Override
		public int getOrder() {
			return 5;
		}

		public String name() {
			return "name";
		}

	}

	static class PrimitiveService {

		@OnLeader
		public int count() {
			return 1;
		}

	}

	@OnLeader
	static class ClassGuardedPrimitiveService {

		public String name() {
			return "name";
		}

		public boolean ready() {
			return true;
		}

		int internal() {
			return 1;
		}

	}

	static class UnguardableService {

		@OnLeader
		private void privateJob() {
		}

		@OnLeader
		static void staticJob() {
		}

		@OnLeader
		public final void finalJob() {
		}

		@OnLeader
		public void publicJob() {
		}

	}

	@OnLeader
	static class ClassGuardedFinalService {

		public void work() {
		}

		public final void finalWork() {
		}

		final void helper() {
		}

	}

	static class TwoMistakesService {

		@OnLeader
		private void job() {
		}

		@OnLeader
		public int count() {
			return 1;
		}

	}

	static class PlainService {

		public String work() {
			return "plain";
		}

	}

	interface Greeter {

		String greet();

	}

	static class GuardedGreeter implements Greeter {

		@Override
		@OnLeader
		public String greet() {
			return "hello";
		}

	}

}
