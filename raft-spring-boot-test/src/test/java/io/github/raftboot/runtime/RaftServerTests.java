package io.github.raftboot.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.InMemoryStorage;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.PersistentState;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.RaftStorage;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.core.StorageException;
import io.github.raftboot.core.TimeoutNow;
import io.github.raftboot.core.TransferResult;
import io.github.raftboot.actuate.MutableClock;
import io.github.raftboot.event.LeaderChangedEvent;
import io.github.raftboot.event.LeadershipAcquiredEvent;
import io.github.raftboot.event.LeadershipRevokedEvent;
import io.github.raftboot.event.RaftEvent;
import io.github.raftboot.leader.RaftStatus;
import io.github.raftboot.test.RaftTestCluster;
import io.github.raftboot.testing.HookedStorage;
import io.github.raftboot.transport.RaftTransport;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The driver's own promises, on three replicas wired in memory by a {@link RaftTestCluster}:
 * events in order and after the state, listeners that never delay the election, persisting
 * before answering (asking may go first), hand-over on stop.
 */
class RaftServerTests {

	private static final String[] MEMBERS = { "n1", "n2", "n3" };

	private @Nullable RaftTestCluster cluster;

	/** Servers of a test's own, outside the cluster. */
	private final List<RaftServer> servers = new ArrayList<>();

	@AfterEach
	void stopAll() {
		if (this.cluster != null) {
			this.cluster.close();
		}
		this.servers.forEach(RaftServer::stop);
	}

	/** The three replicas, none started yet. */
	private RaftTestCluster three(RaftTestCluster.Builder builder) {
		RaftTestCluster three = builder.build();
		this.cluster = three;
		return three;
	}

	private List<RaftServer> startThree(Consumer<RaftEvent> listener) {
		return startThree((id) -> new InMemoryStorage(), listener);
	}

	private List<RaftServer> startThree(Function<String, RaftStorage> storageOf, Consumer<RaftEvent> listener) {
		three(RaftTestCluster.builder(MEMBERS).storage(storageOf).listener(listener)).startAll();
		return servers();
	}

	private RaftTestCluster cluster() {
		return Objects.requireNonNull(this.cluster, "no cluster started");
	}

	private List<RaftServer> servers() {
		return cluster().ids().stream().map(cluster()::server).toList();
	}

	private List<RaftEvent> events() {
		return cluster().events();
	}

	/** n1 of the three, started alone on that storage: the others never answer. */
	private RaftServer startOnlyN1(RaftStorage storage) {
		return three(RaftTestCluster.builder(MEMBERS).storage((id) -> id.equals("n1") ? storage : new InMemoryStorage()))
			.start("n1")
			.server("n1");
	}

	private RaftServer awaitLeader() {
		await().atMost(Duration.ofSeconds(3)).until(() -> servers().stream().anyMatch(RaftServer::isLeader));
		return servers().stream().filter(RaftServer::isLeader).findFirst().orElseThrow();
	}

	@Test
	void leaderIsAlreadyActiveWhenItsAcquiredEventIsDelivered() {
		List<Boolean> leaderInsideEvent = new CopyOnWriteArrayList<>();
		List<RaftServer> started = startThree((event) -> {
			if (event instanceof LeadershipAcquiredEvent acquired) {
				RaftServer source = (RaftServer) acquired.getSource();
				leaderInsideEvent.add(source.isLeader());
				assertThat(source.fencingToken()).hasValue(acquired.getTerm());
			}
		});
		RaftServer leader = awaitLeader();
		await().atMost(Duration.ofSeconds(1)).until(() -> !leaderInsideEvent.isEmpty());
		assertThat(leaderInsideEvent).containsExactly(true);
		assertThat(started).contains(leader);
	}

	@Test
	void leaderIsNoLongerActiveWhenItsTimeoutNowIsSent() {
		// The target campaigns as soon as TimeoutNow arrives and bypasses the followers'
		// stickiness: the old leader must read as inactive before that message leaves.
		List<Boolean> activeAtSend = new CopyOnWriteArrayList<>();
		three(RaftTestCluster.builder(MEMBERS).onSend((message) -> {
			if (message instanceof TimeoutNow) {
				RaftServer sender = cluster().server(message.from());
				activeAtSend.add(sender.isLeader() || sender.fencingToken().isPresent());
			}
		})).startAll();
		RaftServer leader = awaitLeader();
		assertThat(leader.transferLeadership()).isEqualTo(TransferResult.STARTED);
		await().atMost(Duration.ofSeconds(2)).until(() -> !activeAtSend.isEmpty());
		assertThat(activeAtSend).containsExactly(false);
	}

	@Test
	void candidateAsksForVotesWhileItsOwnVoteIsBeingPersisted() {
		// Asking promises nothing about the candidate's disk (Raft thesis §10.2.1), so the fsync
		// overlaps the round trip; the answers it counts are handled only after it returned.
		Map<String, Long> savedTerm = new ConcurrentHashMap<>();
		List<Boolean> askedBeforeSaving = new CopyOnWriteArrayList<>();
		three(RaftTestCluster.builder(MEMBERS)
			.storage((id) -> HookedStorage.inMemory((state) -> savedTerm.put(id, state.term())))
			.onSend((message) -> {
				if (message instanceof RequestVote vote && !vote.preVote()) {
					askedBeforeSaving.add(savedTerm.getOrDefault(vote.from(), 0L) < vote.term());
				}
			})).startAll();
		RaftServer leader = awaitLeader();
		assertThat(askedBeforeSaving).isNotEmpty().containsOnly(true);
		assertThat(savedTerm).containsEntry(leader.nodeId(), leader.currentTerm());
	}

	@Test
	void handOverOnASlowDiskWaitsForTwoSavesNotFour() {
		// Saving before sending put four saves in a row on a hand-over's path (the target's
		// term and vote, a voter's vote, the new leader's no-op, a follower's copy of it): at
		// least 4 x 20 ms. With requests leaving during the save, they overlap in pairs.
		long diskMillis = 20;
		startThree((id) -> HookedStorage.inMemory((state) -> {
			try {
				Thread.sleep(diskMillis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new StorageException("interrupted");
			}
		}), (event) -> {
		});
		List<Long> millis = new ArrayList<>();
		for (int i = 0; i < 9; i++) {
			RaftServer leader = awaitLeader();
			await().atMost(Duration.ofSeconds(3))
				.until(() -> servers().stream().allMatch((server) -> server.leaderId().equals(Optional.of(leader.nodeId()))));
			long start = System.nanoTime();
			assertThat(leader.transferLeadership()).isEqualTo(TransferResult.STARTED);
			await().atMost(Duration.ofSeconds(3))
				.pollInterval(Duration.ofMillis(1))
				.until(() -> servers().stream().anyMatch((server) -> server != leader && server.isLeader()));
			millis.add((System.nanoTime() - start) / 1_000_000);
		}
		millis.sort(null);
		System.out.println("Hand-over with a 20 ms disk, 9 transfers: median " + millis.get(4) + " ms, all " + millis);
		assertThat(millis.get(4)).isLessThan(3 * diskMillis);
	}

	@Test
	void everyReplicaHearsOfTheNewLeaderOnce() {
		startThree((event) -> {
		});
		RaftServer leader = awaitLeader();
		await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(events()).filteredOn(
				(event) -> event instanceof LeaderChangedEvent changed && changed.getLeaderId().equals(Optional.of(leader.nodeId())))
			.extracting(RaftEvent::getNodeId)
			.containsExactlyInAnyOrder(MEMBERS));
	}

	@Test
	void slowListenerNeverDelaysHeartbeats() throws InterruptedException {
		CountDownLatch release = new CountDownLatch(1);
		startThree((event) -> {
			try {
				// Every listener call blocks for a long time: ten maximum election timeouts.
				release.await(3, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		RaftServer leader = awaitLeader();
		long term = leader.currentTerm();
		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(3))
			.until(() -> leader.isLeader() && leader.currentTerm() == term);
		release.countDown();
	}

	@Test
	void listenerThatThrowsDoesNotStopLaterEvents() {
		startThree((event) -> {
			throw new IllegalStateException("listener failure");
		});
		RaftServer leader = awaitLeader();
		leader.transferLeadership();
		await().atMost(Duration.ofSeconds(2))
			.untilAsserted(() -> assertThat(events()).anySatisfy((event) -> assertThat(event)
				.isInstanceOf(LeadershipRevokedEvent.class)
				.extracting((revoked) -> ((LeadershipRevokedEvent) revoked).getReason())
				.isEqualTo(LeadershipRevokedEvent.Reason.TRANSFER)));
	}

	@Test
	void eventsOfOneReplicaArriveInTheOrderOfTheChanges() {
		startThree((event) -> {
		});
		RaftServer first = awaitLeader();
		assertThat(first.transferLeadership()).isEqualTo(TransferResult.STARTED);
		await().atMost(Duration.ofSeconds(2))
			.until(() -> servers().stream().anyMatch((server) -> server != first && server.isLeader()));
		await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
			List<String> ofFirst = events().stream()
				.filter((event) -> event.getNodeId().equals(first.nodeId())
						&& (event instanceof LeadershipAcquiredEvent || event instanceof LeadershipRevokedEvent))
				.map((event) -> event.getClass().getSimpleName())
				.toList();
			assertThat(ofFirst).containsExactly("LeadershipAcquiredEvent", "LeadershipRevokedEvent");
		});
	}

	@Test
	void replicaThatCannotPersistStopsVotingAndLeading() {
		Map<String, FailingStorage> storages = new ConcurrentHashMap<>();
		startThree((id) -> storages.computeIfAbsent(id, (key) -> new FailingStorage()), (event) -> {
		});
		RaftServer leader = awaitLeader();
		int index = (servers().indexOf(leader) + 1) % MEMBERS.length;
		RaftServer follower = servers().get(index);
		storages.get(follower.nodeId()).failing = true;
		cluster().isolate(leader.nodeId());
		// To elect a new leader the follower must raise its term or cast a vote: it cannot persist either.
		await().atMost(Duration.ofSeconds(3)).until(() -> follower.status().state() == RaftStatus.State.FAILED);
		assertThat(follower.isLeader()).isFalse();
		await().during(Duration.ofMillis(600))
			.atMost(Duration.ofSeconds(1))
			.until(() -> servers().stream().noneMatch(RaftServer::isLeader));
		assertThat(events()).anySatisfy((event) -> assertThat(event.getNodeId()).isEqualTo(leader.nodeId()));
	}

	@Test
	void requestWhoseStateCannotBePersistedIsAnsweredAsFailedNotAsIgnored() {
		FailingStorage storage = new FailingStorage();
		RaftServer server = startOnlyN1(storage);
		storage.failing = true;
		// A transfer vote passes the stickiness of a freshly started member, so it is granted and must be persisted.
		CompletableFuture<Optional<Message>> reply = server.receive(new RequestVote("n2", "n1", 5, 0, 0, false, true));
		assertThat(reply).failsWithin(Duration.ofSeconds(2))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(IllegalStateException.class)
			.withMessageContaining("'n1' has failed");
		assertThat(server.status().state()).isEqualTo(RaftStatus.State.FAILED);
		assertThat(server.status().votedFor()).isNull();
	}

	@Test
	void failedReplicaRefusesEveryRequestAndStaysFailedUntilStopped() {
		FailingStorage storage = new FailingStorage();
		RaftServer server = startOnlyN1(storage);
		storage.failing = true;
		server.receive(new RequestVote("n2", "n1", 5, 0, 0, false, true));
		await().atMost(Duration.ofSeconds(2)).until(() -> server.status().state() == RaftStatus.State.FAILED);
		assertThat(server.status().runningSince()).isNull();
		storage.failing = false;
		assertThat(server.receive(new AppendEntries("n2", "n1", 6, 0, 0, List.of(), 0, 1)))
			.failsWithin(Duration.ofSeconds(2))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(IllegalStateException.class)
			.withMessageContaining("has failed");
		// Its timers do not bring it back: it stays FAILED for the health check to see.
		await().during(Duration.ofMillis(400))
			.atMost(Duration.ofSeconds(1))
			.until(() -> server.status().state() == RaftStatus.State.FAILED && server.currentTerm() == 0);
		assertThat(server.isRunning()).isTrue();
		server.stop();
		assertThat(server.status().state()).isEqualTo(RaftStatus.State.STOPPED);
		assertThat(server.isRunning()).isFalse();
		assertThat(server.receive(new AppendEntries("n2", "n1", 6, 0, 0, List.of(), 0, 2)))
			.failsWithin(Duration.ofSeconds(2))
			.withThrowableOfType(ExecutionException.class)
			.withMessageContaining("not running");
	}

	@Test
	void stoppingTheLeaderHandsOverBeforeItReturns() {
		startThree((event) -> {
		});
		RaftServer leader = awaitLeader();
		leader.stop();
		RaftServer next = servers().stream()
			.filter((server) -> server != leader && server.leaderId().filter((id) -> !id.equals(leader.nodeId())).isPresent())
			.findFirst()
			.orElseThrow(() -> new AssertionError("no other leader known when stop() returned"));
		assertThat(next.leaderId()).isPresent();
		assertThat(leader.status().state()).isEqualTo(RaftStatus.State.STOPPED);
		assertThat(leader.isLeader()).isFalse();
	}

	@Test
	void awaitLeadershipMeasuresItsTimeoutOnTheInjectedClock() {
		AtomicLong nanoTime = new AtomicLong();
		RaftTransport silent = (request) -> new CompletableFuture<>();
		RaftServer server = new RaftServer(RaftConfig.builder("n1", List.of(MEMBERS)).build(), new InMemoryStorage(), silent,
				(event) -> {
				}, nanoTime::get, Clock.systemUTC());
		this.servers.add(server);
		server.start();
		CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
			try {
				return server.awaitLeadership(Duration.ofMillis(100));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new CompletionException(ex);
			}
		}, (task) -> new Thread(task, "waiter").start());
		// Real time passes beyond the timeout, but the member's clock stands still.
		await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(1)).until(() -> !waiting.isDone());
		nanoTime.addAndGet(Duration.ofMillis(100).toNanos());
		assertThat(waiting).succeedsWithin(Duration.ofSeconds(1)).isEqualTo(false);
	}

	@Test
	void pausesOfARunningMemberAreCountedAndItsPauseMonitorRunsOnlyWhileItRuns() {
		// The monitor's sleeper oversleeps once: a pause of 200 ms on the real clock
		AtomicBoolean overslept = new AtomicBoolean();
		RaftServer server = new RaftServer(RaftConfig.builder("solo", List.of("solo")).build(), new InMemoryStorage(),
				(request) -> new CompletableFuture<>(), (event) -> {
				}, System::nanoTime, Clock.systemUTC(), (nanos) -> PauseMonitor.Sleeper.THREAD
					.sleep(overslept.getAndSet(true) ? nanos : nanos + Duration.ofMillis(200).toNanos()));
		this.servers.add(server);
		assertThat(threadsNamed("raft-pause-monitor-solo")).isEmpty();
		server.start();
		assertThat(threadsNamed("raft-pause-monitor-solo")).hasSize(1);
		await().atMost(Duration.ofSeconds(5)).until(() -> server.statistics().pauses() > 0);
		assertThat(server.statistics().pausedNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
		server.stop();
		assertThat(threadsNamed("raft-pause-monitor-solo")).as("ended with the member").isEmpty();
		server.start();
		assertThat(threadsNamed("raft-pause-monitor-solo")).as("started again with it").hasSize(1);
		server.stop();
		assertThat(threadsNamed("raft-pause-monitor-solo")).isEmpty();
	}

	private static List<Thread> threadsNamed(String name) {
		return Thread.getAllStackTraces().keySet().stream().filter((thread) -> thread.getName().equals(name)).toList();
	}

	@Test
	void statusTellsSinceWhenTheReplicaRunsOnTheWallClock() {
		MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:15:30Z"));
		RaftTransport silent = (request) -> new CompletableFuture<>();
		RaftServer server = new RaftServer(RaftConfig.builder("n1", List.of(MEMBERS)).build(), new InMemoryStorage(), silent,
				(event) -> {
				}, System::nanoTime, clock);
		this.servers.add(server);
		assertThat(server.status().runningSince()).isNull();
		server.start();
		assertThat(server.status().runningSince()).isEqualTo(Instant.parse("2026-03-01T10:15:30Z"));
		clock.advance(Duration.ofMinutes(1));
		assertThat(server.status().runningSince()).isEqualTo(Instant.parse("2026-03-01T10:15:30Z"));
		server.stop();
		assertThat(server.status().runningSince()).isNull();
		clock.advance(Duration.ofMinutes(1));
		server.start();
		assertThat(server.status().runningSince()).isEqualTo(Instant.parse("2026-03-01T10:17:30Z"));
	}

	/** Storage that starts failing on demand, as a full disk would. */
	static final class FailingStorage implements RaftStorage {

		volatile boolean failing;

		volatile PersistentState saved = PersistentState.empty();

		@Override
		public PersistentState load() {
			return this.saved;
		}

		@Override
		public void save(PersistentState state) {
			if (this.failing) {
				throw new StorageException("No space left on device");
			}
			this.saved = state;
		}

	}

}
