package io.github.raftboot.test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import io.github.raftboot.event.LeadershipAcquiredEvent;
import io.github.raftboot.event.RaftEvent;
import io.github.raftboot.leader.RaftMembership;
import io.github.raftboot.leader.RaftStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RaftTestCluster}: real replicas in one JVM elect, fail over, hand over and
 * survive cut links, and a watcher samples {@link RaftTestCluster#activeLeaders()} all the time:
 * never two at once.
 */
class RaftTestClusterTests {

	/** Generous: the machine may be loaded; every wait ends as soon as its condition holds. */
	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private RaftTestCluster cluster;

	private final AtomicBoolean watching = new AtomicBoolean(true);

	private final AtomicReference<List<String>> twoLeaders = new AtomicReference<>();

	private final AtomicLong passesWithALeader = new AtomicLong();

	private Thread watcher;

	private RaftTestCluster start(RaftTestCluster.Builder builder) {
		this.cluster = builder.build().startAll();
		this.watcher = new Thread(() -> {
			while (this.watching.get()) {
				List<String> leaders = this.cluster.activeLeaders();
				if (leaders.size() > 1) {
					this.twoLeaders.compareAndSet(null, leaders);
				}
				else if (leaders.size() == 1) {
					this.passesWithALeader.incrementAndGet();
				}
				LockSupport.parkNanos(100_000);
			}
		}, "two-leaders-watcher");
		this.watcher.setDaemon(true);
		this.watcher.start();
		return this.cluster;
	}

	@AfterEach
	void closeAndCheckThereWereNeverTwoLeaders() throws InterruptedException {
		this.watching.set(false);
		if (this.watcher != null) {
			this.watcher.join();
		}
		if (this.cluster != null) {
			this.cluster.close();
		}
		assertThat(this.twoLeaders.get()).as("two active leaders at once, as sampled by the watcher").isNull();
		if (this.watcher != null) {
			assertThat(this.passesWithALeader.get()).as("passes of the watcher that saw a leader").isPositive();
		}
	}

	@Test
	void electsOneLeaderThatEveryReplicaFollows() {
		start(RaftTestCluster.builder("n1", "n2", "n3"));
		String leader = this.cluster.awaitLeader(TIMEOUT);
		for (String id : this.cluster.ids()) {
			assertThat(this.cluster.server(id).leaderId()).contains(leader);
		}
		assertThat(this.cluster.server(leader).fencingToken()).hasValue(this.cluster.server(leader).currentTerm());
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(this.cluster.events()).filteredOn(LeadershipAcquiredEvent.class::isInstance)
				.extracting(RaftEvent::getNodeId)
				.contains(leader));
	}

	@Test
	void crashedLeaderIsReplacedInALaterTerm() {
		start(RaftTestCluster.builder("n1", "n2", "n3"));
		String old = this.cluster.awaitLeader(TIMEOUT);
		long oldTerm = this.cluster.server(old).currentTerm();
		this.cluster.crash(old);
		assertThat(this.cluster.server(old).isLeader()).isFalse();
		assertThat(this.cluster.server(old).status().state()).isEqualTo(RaftStatus.State.STOPPED);
		String next = this.cluster.awaitLeader(TIMEOUT);
		assertThat(next).isNotEqualTo(old);
		assertThat(this.cluster.server(next).fencingToken().orElseThrow()).isGreaterThan(oldTerm);
	}

	@Test
	void crashedReplicaStartsAgainFromItsStateAndFollows() {
		start(RaftTestCluster.builder("n1", "n2", "n3"));
		String old = this.cluster.awaitLeader(TIMEOUT);
		long oldTerm = this.cluster.server(old).currentTerm();
		this.cluster.crash(old);
		String next = this.cluster.awaitLeader(TIMEOUT);
		this.cluster.start(old);
		assertThat(this.cluster.server(old).currentTerm()).isGreaterThanOrEqualTo(oldTerm);
		await().atMost(TIMEOUT).until(() -> this.cluster.server(old).leaderId().isPresent());
		String leader = this.cluster.awaitLeader(TIMEOUT);
		assertThat(this.cluster.server(old).leaderId()).contains(leader);
		assertThat(leader).as("a replica that crashed and came back does not disturb the leader").isEqualTo(next);
	}

	@Test
	void stoppedLeaderHandsOverBeforeStopReturns() {
		start(RaftTestCluster.builder("n1", "n2", "n3"));
		String old = this.cluster.awaitLeader(TIMEOUT);
		this.cluster.stop(old);
		assertThat(this.cluster.ids()).filteredOn((id) -> !id.equals(old))
			.anySatisfy((id) -> assertThat(this.cluster.server(id).leaderId()).isPresent().get().isNotEqualTo(old));
		assertThat(this.cluster.server(old).status().state()).isEqualTo(RaftStatus.State.STOPPED);
		assertThat(this.cluster.awaitLeader(TIMEOUT)).isNotEqualTo(old);
	}

	@Test
	void isolatedLeaderIsReplacedAndFollowsTheNewOneOnceHealed() {
		start(RaftTestCluster.builder("n1", "n2", "n3"));
		String old = this.cluster.awaitLeader(TIMEOUT);
		this.cluster.isolate(old);
		String next = this.cluster.awaitLeader(TIMEOUT);
		assertThat(next).isNotEqualTo(old);
		await().atMost(TIMEOUT).until(() -> !this.cluster.server(old).isLeader());
		this.cluster.heal();
		await().atMost(TIMEOUT).until(() -> this.cluster.server(old).leaderId().filter(next::equals).isPresent());
		assertThat(this.cluster.server(old).isLeader()).isFalse();
	}

	@Test
	void leaderThatLosesOneFollowerKeepsLeadingWithTheOther() {
		start(RaftTestCluster.builder("n1", "n2", "n3"));
		String leader = this.cluster.awaitLeader(TIMEOUT);
		String follower = this.cluster.ids().stream().filter((id) -> !id.equals(leader)).findFirst().orElseThrow();
		long term = this.cluster.server(leader).currentTerm();
		this.cluster.cut(leader, follower);
		await().during(Duration.ofMillis(500))
			.atMost(TIMEOUT)
			.until(() -> this.cluster.server(leader).isLeader() && this.cluster.server(leader).currentTerm() == term);
	}

	@Test
	void membersAreAddedAndRemovedThroughTheLeader() {
		start(RaftTestCluster.builder("n1", "n2", "n3").config((config) -> config.autoJoin(false)));
		this.cluster.awaitLeader(TIMEOUT);
		this.cluster.addReplica("n4").start("n4");
		assertThat(this.cluster.server("n4").status().standing()).isEqualTo(RaftStatus.Standing.JOINING);
		CompletableFuture<RaftMembership> adding = askTheLeader(
				(leader) -> this.cluster.server(leader).addMember("n4", RaftTestCluster.url("n4")));
		assertThat(adding).succeedsWithin(TIMEOUT)
			.satisfies((membership) -> assertThat(membership.voters()).containsExactly("n1", "n2", "n3", "n4"));
		await().atMost(TIMEOUT)
			.until(() -> this.cluster.server("n4").status().standing() == RaftStatus.Standing.VOTER);
		CompletableFuture<RaftMembership> removing = askTheLeader((leader) -> this.cluster.server(leader).removeMember("n1"));
		assertThat(removing).succeedsWithin(TIMEOUT)
			.satisfies((membership) -> assertThat(membership.voters()).containsExactly("n2", "n3", "n4"));
		await().atMost(TIMEOUT)
			.until(() -> this.cluster.server("n1").status().standing() == RaftStatus.Standing.REMOVED);
		assertThat(this.cluster.awaitLeader(TIMEOUT)).isNotEqualTo("n1");
	}

	/** Asks whoever leads until the change starts: a leader may change in between. */
	private CompletableFuture<RaftMembership> askTheLeader(
			Function<String, CompletableFuture<RaftMembership>> change) {
		AtomicReference<CompletableFuture<RaftMembership>> started = new AtomicReference<>();
		await().atMost(TIMEOUT).until(() -> {
			started.set(change.apply(this.cluster.awaitLeader(TIMEOUT)));
			return !started.get().isCompletedExceptionally();
		});
		return started.get();
	}

	@Test
	void awaitLeaderTellsEachReplicasStateWhenThereIsNone() {
		this.cluster = RaftTestCluster.builder("n1", "n2", "n3").build().start("n1");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.cluster.awaitLeader(Duration.ofMillis(500)))
			.withMessageContaining("No leader that a majority follows")
			.withMessageContaining("n1 RUNNING")
			.withMessageContaining("n2 STARTING");
	}

	@Test
	void replicaIdsNameUrls() {
		assertThatIllegalArgumentException().isThrownBy(() -> RaftTestCluster.builder("n1", "n_2"))
			.withMessageContaining("'n_2' is not letters, digits and hyphens");
		assertThatIllegalArgumentException().isThrownBy(() -> RaftTestCluster.builder("n1", "n1"))
			.withMessageContaining("must differ");
		assertThat(RaftTestCluster.url("n4")).hasToString("http://n4.invalid");
	}

}
