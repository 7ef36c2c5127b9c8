package io.github.raftboot.test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.raftboot.actuate.RaftHealthIndicator;
import io.github.raftboot.event.LeadershipRevokedEvent;
import io.github.raftboot.event.RaftEvent;
import io.github.raftboot.leader.NotLeaderException;
import io.github.raftboot.leader.OnLeader;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.transport.RaftTransport;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.test.util.AopTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An application's test with {@link AutoConfigureTestRaftLeadership @AutoConfigureTestRaftLeadership},
 * as its users write one: no web server, the three members of its {@code application.yml} in
 * {@code raft.peers}, and no {@code raft.enabled=false}; the test flips leadership, and the
 * application's {@code @OnLeader} beans and listeners follow.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "raft.node-id=n1", "raft.peers.n1=http://127.0.0.1:1", "raft.peers.n2=http://127.0.0.1:2",
				"raft.peers.n3=http://127.0.0.1:3" })
@AutoConfigureTestRaftLeadership
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AutoConfigureTestRaftLeadershipTests {

	@Autowired
	private TestRaftLeadership leadership;

	@Autowired
	private ReportJob reportJob;

	@Autowired
	private Invoicing invoicing;

	@Autowired
	private LeadershipLog log;

	@Autowired
	private ApplicationContext context;

	@Test
	void replacesTheRaftReplicaWithTheTestLeadership() {
		assertThat(this.context.getBean(RaftLeadership.class)).isSameAs(this.leadership);
		assertThat(this.context.getBeansOfType(RaftServer.class)).isEmpty();
		assertThat(this.context.getBeansOfType(RaftTransport.class)).isEmpty();
		assertThat(this.leadership.nodeId()).isEqualTo("n1");
	}

	@Test
	void leaderOnlyLifecycleBeanRunsWhileTheTestGrantsLeadership() {
		AtomicInteger starts = AopTestUtils.<ReportJob>getTargetObject(this.reportJob).starts;
		int startsBefore = starts.get();
		assertThat(this.reportJob.isRunning()).isFalse();
		this.leadership.grant();
		assertThat(this.reportJob.isRunning()).isTrue();
		this.leadership.follow("n2");
		assertThat(this.reportJob.isRunning()).isFalse();
		this.leadership.grant();
		assertThat(this.reportJob.isRunning()).isTrue();
		this.leadership.revoke(LeadershipRevokedEvent.Reason.LEASE_LOST);
		assertThat(this.reportJob.isRunning()).isFalse();
		assertThat(starts).hasValue(startsBefore + 2);
	}

	@Test
	void onLeaderMethodRunsOnlyOnTheLeader() {
		assertThat(this.invoicing.sendInvoices()).isNull();
		assertThatExceptionOfType(NotLeaderException.class).isThrownBy(this.invoicing::closeTheMonth)
			.withMessageContaining("'n1' is not the leader");
		this.leadership.grant();
		assertThat(this.invoicing.sendInvoices()).isEqualTo("sent");
		assertThat(this.invoicing.closeTheMonth()).isEqualTo("closed");
		this.leadership.noLeader();
		assertThat(this.invoicing.sendInvoices()).isNull();
		assertThat(this.invoicing.sent()).isOne();
	}

	@Test
	void applicationListenersHearTheEventsOfARealReplica() {
		this.log.events.clear();
		this.leadership.grant(7);
		this.leadership.follow("n3");
		assertThat(this.log.events).containsExactly("LeadershipAcquiredEvent n1 7", "LeaderChangedEvent n1 7",
				"LeadershipRevokedEvent n1 7", "LeaderChangedEvent n1 8");
	}

	@Test
	void healthFollowsTheTestLeadership() {
		RaftHealthIndicator health = this.context.getBean(RaftHealthIndicator.class);
		this.leadership.grant();
		assertThat(health.health().getStatus()).isEqualTo(Status.UP);
		assertThat(health.health().getDetails()).containsEntry("nodeId", "n1").containsEntry("leader", true);
	}

	@Test
	@Order(1)
	void aTestThatLeavesItsReplicaLeading() {
		this.leadership.grant();
		assertThat(this.reportJob.isRunning()).isTrue();
	}

	@Test
	@Order(2)
	void theNextTestFindsAFollowerAndItsLeaderOnlyBeansStopped() {
		assertThat(this.leadership.isLeader()).isFalse();
		assertThat(this.leadership.leaderId()).isEmpty();
		assertThat(this.leadership.currentTerm()).isPositive();
		assertThat(this.reportJob.isRunning()).isFalse();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ReportingApplication {

		@Bean
		ReportJob reportJob() {
			return new ReportJob();
		}

		@Bean
		Invoicing invoicing() {
			return new Invoicing();
		}

		@Bean
		LeadershipLog leadershipLog() {
			return new LeadershipLog();
		}

	}

	@OnLeader
	static class ReportJob implements SmartLifecycle {

		final AtomicInteger starts = new AtomicInteger();

		private final AtomicBoolean running = new AtomicBoolean();

		@Override
		public void start() {
			if (this.running.compareAndSet(false, true)) {
				this.starts.incrementAndGet();
			}
		}

		@Override
		public void stop() {
			this.running.set(false);
		}

		@Override
		public boolean isRunning() {
			return this.running.get();
		}

	}

	static class Invoicing {

		private final AtomicInteger sent = new AtomicInteger();

		@OnLeader
		public String sendInvoices() {
			this.sent.incrementAndGet();
			return "sent";
		}

		public int sent() {
			return this.sent.get();
		}

		@OnLeader(skip = false)
		public String closeTheMonth() {
			return "closed";
		}

	}

	static class LeadershipLog {

		final List<String> events = new CopyOnWriteArrayList<>();

		@EventListener
		void on(RaftEvent event) {
			this.events.add(event.getClass().getSimpleName() + " " + event.getNodeId() + " " + event.getTerm());
		}

	}

}
