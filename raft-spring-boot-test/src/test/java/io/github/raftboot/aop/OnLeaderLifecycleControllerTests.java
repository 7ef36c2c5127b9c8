package io.github.raftboot.aop;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.raftboot.autoconfigure.OnLeaderAutoConfiguration;
import io.github.raftboot.event.LeadershipAcquiredEvent;
import io.github.raftboot.event.LeadershipRevokedEvent;
import io.github.raftboot.leader.OnLeader;
import io.github.raftboot.test.TestRaftLeadership;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.test.util.AopTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link OnLeaderLifecycleController}.
 */
class OnLeaderLifecycleControllerTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OnLeaderAutoConfiguration.class))
		.withUserConfiguration(LifecycleConfiguration.class);

	@Test
	void lifecycleBeanIsNotStartedWithTheContext() {
		this.contextRunner.run((context) -> {
			LeaderOnlyWorker worker = context.getBean(LeaderOnlyWorker.class);
			assertThat(AopUtils.isAopProxy(worker)).isTrue();
			assertThat(worker.isAutoStartup()).isFalse();
			assertThat(worker.isRunning()).isFalse();
			assertThat(recorder(context).starts).hasValue(0);
			assertThat(context.getBean(OnLeaderLifecycleController.class).getBeanNames()).containsExactly("worker");
		});
	}

	@Test
	void lifecycleBeanIsStartedOnLeadershipAcquiredOnTheEventThread() {
		this.contextRunner.run((context) -> {
			leadership(context).grant();
			Thread publisher = publishOnOtherThread(context, new LeadershipAcquiredEvent(this, "node-1", 1));
			await().atMost(Duration.ofSeconds(5)).until(() -> context.getBean(LeaderOnlyWorker.class).isRunning());
			assertThat(recorder(context).starts).hasValue(1);
			assertThat(recorder(context).startThreads).containsExactly(publisher);
		});
	}

	@Test
	void lifecycleBeanIsStoppedOnLeadershipRevoked() {
		this.contextRunner.run((context) -> {
			LeaderOnlyWorker worker = context.getBean(LeaderOnlyWorker.class);
			leadership(context).grant();
			context.publishEvent(new LeadershipAcquiredEvent(this, "node-1", 1));
			await().atMost(Duration.ofSeconds(5)).until(worker::isRunning);
			leadership(context).follow("node-2");
			publishOnOtherThread(context,
					new LeadershipRevokedEvent(this, "node-1", 1, LeadershipRevokedEvent.Reason.HIGHER_TERM));
			await().atMost(Duration.ofSeconds(5)).until(() -> !worker.isRunning());
			assertThat(recorder(context).stops).hasValue(1);
			leadership(context).grant();
			context.publishEvent(new LeadershipAcquiredEvent(this, "node-1", 3));
			await().atMost(Duration.ofSeconds(5)).until(worker::isRunning);
			assertThat(recorder(context).starts).hasValue(2);
		});
	}

	@Test
	void lifecycleBeanIsStoppedWhenTheContextCloses() {
		AtomicReference<Recorder> recorder = new AtomicReference<>();
		this.contextRunner.run((context) -> {
			recorder.set(recorder(context));
			leadership(context).grant();
			context.publishEvent(new LeadershipAcquiredEvent(this, "node-1", 1));
			await().atMost(Duration.ofSeconds(5)).until(() -> context.getBean(LeaderOnlyWorker.class).isRunning());
			assertThat(recorder.get().stops).hasValue(0);
		});
		assertThat(recorder.get().starts).hasValue(1);
		assertThat(recorder.get().stops).hasValue(1);
	}

	@Test
	void lifecycleBeanIsStartedWithTheContextWhenAlreadyLeader() {
		this.contextRunner.withPropertyValues("test.leader=true").run((context) -> {
			assertThat(context.getBean(LeaderOnlyWorker.class).isRunning()).isTrue();
			assertThat(recorder(context).starts).hasValue(1);
		});
	}

	@Test
	void acquiredEventIsIgnoredWhenLeadershipEndedAgainInBetween() {
		this.contextRunner.run((context) -> {
			context.publishEvent(new LeadershipAcquiredEvent(this, "node-1", 1));
			assertThat(context.getBean(LeaderOnlyWorker.class).isRunning()).isFalse();
			assertThat(recorder(context).starts).hasValue(0);
		});
	}

	@Test
	void startingTheContextExplicitlyDoesNotStartLifecycleBeanOnFollower() {
		this.contextRunner.run((context) -> {
			context.stop();
			context.start();
			assertThat(context.getBean(LeaderOnlyWorker.class).isRunning()).isFalse();
			assertThat(recorder(context).starts).hasValue(0);
			leadership(context).grant();
			context.publishEvent(new LeadershipAcquiredEvent(this, "node-1", 1));
			assertThat(context.getBean(LeaderOnlyWorker.class).isRunning()).isTrue();
		});
	}

	@Test
	void lifecycleMethodsAreNotGuardedButBusinessMethodsAre() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			LeaderOnlyWorker worker = context.getBean(LeaderOnlyWorker.class);
			assertThat(worker.getPhase()).isEqualTo(42);
			assertThat(worker.isRunning()).isFalse();
			assertThat(worker.work()).isNull();
			leadership(context).grant();
			assertThat(worker.work()).isEqualTo("worked");
		});
	}

	@Test
	void failureToStartOneBeanIsLoggedAndDoesNotStopTheOthers() {
		this.contextRunner.withBean("failing", FailingWorker.class).run((context) -> {
			leadership(context).grant();
			context.publishEvent(new LeadershipAcquiredEvent(this, "node-1", 1));
			FailingWorker failing = AopTestUtils.getTargetObject(context.getBean(FailingWorker.class));
			assertThat(failing.attempts).hasValue(1);
			assertThat(context.getBean(LeaderOnlyWorker.class).isRunning()).isTrue();
			leadership(context).noLeader();
			context.publishEvent(new LeadershipRevokedEvent(this, "node-1", 1, LeadershipRevokedEvent.Reason.LEASE_LOST));
			assertThat(context.getBean(LeaderOnlyWorker.class).isRunning()).isFalse();
		});
	}

	@Test
	void lifecycleBeanWithoutOnLeaderIsStartedWithTheContext() {
		this.contextRunner.withBean(PlainWorker.class).run((context) -> {
			PlainWorker worker = context.getBean(PlainWorker.class);
			assertThat(AopUtils.isAopProxy(worker)).isFalse();
			assertThat(worker.isRunning()).isTrue();
			assertThat(context.getBean(OnLeaderLifecycleController.class).getBeanNames()).doesNotContain("plainWorker");
		});
	}

	private static TestRaftLeadership leadership(AssertableApplicationContext context) {
		return context.getBean(TestRaftLeadership.class);
	}

	private static Recorder recorder(AssertableApplicationContext context) {
		return context.getBean(Recorder.class);
	}

	private static Thread publishOnOtherThread(AssertableApplicationContext context, Object event)
			throws InterruptedException {
		Thread thread = new Thread(() -> context.publishEvent(event), "raft-events");
		thread.start();
		thread.join(5000);
		return thread;
	}

	@Configuration(proxyBeanMethods = false)
	static class LifecycleConfiguration {

		@Bean
		TestRaftLeadership testRaftLeadership(Environment environment) {
			TestRaftLeadership leadership = new TestRaftLeadership("node-1");
			return environment.getProperty("test.leader", Boolean.class, false) ? leadership.grant()
					: leadership;
		}

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		LeaderOnlyWorker worker(Recorder recorder) {
			return new LeaderOnlyWorker(recorder);
		}

	}

	static class Recorder {

		final AtomicInteger starts = new AtomicInteger();

		final AtomicInteger stops = new AtomicInteger();

		final List<Thread> startThreads = new CopyOnWriteArrayList<>();

	}

	@OnLeader
	static class LeaderOnlyWorker implements SmartLifecycle {

		private final Recorder recorder;

		private volatile boolean running;

		LeaderOnlyWorker(Recorder recorder) {
			this.recorder = recorder;
		}

		@Override
		public void start() {
			this.recorder.starts.incrementAndGet();
			this.recorder.startThreads.add(Thread.currentThread());
			this.running = true;
		}

		@Override
		public void stop() {
			this.recorder.stops.incrementAndGet();
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public boolean isAutoStartup() {
			return true;
		}

		@Override
		public int getPhase() {
			return 42;
		}

		public @Nullable String work() {
			return "worked";
		}

	}

	@OnLeader
	static class FailingWorker implements SmartLifecycle {

		final AtomicInteger attempts = new AtomicInteger();

		@Override
		public void start() {
			this.attempts.incrementAndGet();
			throw new IllegalStateException("Boom");
		}

		@Override
		public void stop() {
		}

		@Override
		public boolean isRunning() {
			return false;
		}

		@Override
		public int getPhase() {
			return 0;
		}

	}

	static class PlainWorker implements SmartLifecycle {

		private volatile boolean running;

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

	}

}
