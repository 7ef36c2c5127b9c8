package io.github.raftboot.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.github.raftboot.event.LeadershipAcquiredEvent;
import io.github.raftboot.event.RaftEvent;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.transport.RaftRpcFilter;
import io.github.raftboot.transport.RaftRpcWebFilter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.reactor.netty.NettyWebServer;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three replicas in one JVM, each a Spring WebFlux application on Netty on its own loopback port,
 * electing a leader over real HTTP: the RPCs are served by {@link RaftRpcWebFilter} on the
 * server's event loop ({@link RaftClusterIntegrationTests} covers the election itself on Spring
 * MVC).
 */
class ReactiveClusterIntegrationTests {

	@TempDir
	Path dataRoot;

	private TestCluster cluster;

	@RegisterExtension
	final TimelineOnFailure timeline = new TimelineOnFailure();

	private TestCluster start(String... properties) {
		this.cluster = new TestCluster(3, this.dataRoot, properties).reactive().startAll();
		return this.cluster;
	}

	@AfterEach
	void stopCluster() {
		if (this.cluster != null) {
			this.timeline.keep(this.cluster.timeline());
			this.cluster.close();
		}
	}

	@Test
	void replicasOnWebFluxElectOneLeaderThatEveryReplicaKnows() {
		start();
		for (String id : this.cluster.ids()) {
			ConfigurableApplicationContext context = this.cluster.context(id);
			assertThat(context).isInstanceOf(ReactiveWebServerApplicationContext.class);
			assertThat(((ReactiveWebServerApplicationContext) context).getWebServer()).isInstanceOf(NettyWebServer.class);
			assertThat(context.getBeansOfType(RaftRpcWebFilter.class)).hasSize(1);
			assertThat(context.getBeansOfType(RaftRpcFilter.class)).isEmpty();
		}
		String leader = this.cluster.awaitLeader();
		assertThat(this.cluster.server(leader).fencingToken()).hasValue(this.cluster.server(leader).currentTerm());
		// Events reach the listeners on the event thread, after the status that awaitLeader reads
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.cluster.events()).filteredOn(LeadershipAcquiredEvent.class::isInstance)
				.extracting(RaftEvent::getNodeId)
				.containsExactly(leader));
	}

	@Test
	void theRpcsAreMeasuredAsRaftRpcsNotAsServerRequests() {
		start();
		String leader = this.cluster.awaitLeader();
		MeterRegistry registry = this.cluster.context(leader).getBean(MeterRegistry.class);
		await().atMost(Duration.ofSeconds(2))
			.untilAsserted(() -> assertThat(registry.find("raft.rpc").timers()).isNotEmpty());
		for (String id : this.cluster.ids()) {
			MeterRegistry meters = this.cluster.context(id).getBean(MeterRegistry.class);
			assertThat(meters.find("http.server.requests").timers()).as("server requests of " + id).isEmpty();
		}
	}

	@Test
	void everyElectionGroupElectsALeaderEveryReplicaFollowsOverBatchesAnsweredOnTheEventLoop() {
		// With raft.groups every request travels in a batch, answered asynchronously by the web filter
		TestCluster replicas = start("raft.groups=billing,outbox");
		List<String> groups = List.of(RaftLeadership.DEFAULT_GROUP, "billing", "outbox");
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
			for (String group : groups) {
				assertThat(GroupsIntegrationTests.agreedLeader(replicas, group)).as("leader of " + group).isPresent();
			}
		});
		assertThat(replicas.events()).filteredOn(LeadershipAcquiredEvent.class::isInstance)
			.extracting(RaftEvent::getGroup)
			.containsAll(groups);
	}

	@Test
	void closingTheLeaderHandsLeadershipOverWithoutWaitingForAnElectionTimeout() throws InterruptedException {
		start();
		String old = this.cluster.awaitLeader();
		Thread closing = new Thread(() -> this.cluster.stop(old));
		closing.start();
		String replacement = this.cluster.awaitLeaderOtherThan(old);
		closing.join();
		assertThat(this.cluster.isRunning(old)).isFalse();
		// The new leader was elected by the hand-over, not after an election timeout.
		assertThat(this.cluster.server(replacement).statistics().transferCampaigns()).isEqualTo(1);
		// The two left keep talking: closing one replica stopped none of the others' servers. An
		// active leader needs the other's answers, and both must know it. (Not that the replacement
		// leads throughout: on a loaded machine its lease may lapse and the other take over, which
		// is talking too; CI saw that once.)
		List<String> left = this.cluster.ids().stream().filter((id) -> !id.equals(old)).toList();
		// Right after the hand-over, and again a while later
		for (Duration delay : List.of(Duration.ZERO, Duration.ofSeconds(2))) {
			await().pollDelay(delay).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				Optional<String> leader = this.cluster.activeLeader();
				assertThat(leader).isPresent();
				assertThat(left).contains(leader.get());
				for (String id : left) {
					assertThat(this.cluster.isRunning(id)).isTrue();
					assertThat(this.cluster.server(id).leaderId()).isEqualTo(leader);
				}
			});
		}
	}

}
