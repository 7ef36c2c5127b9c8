package io.github.raftboot.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.github.raftboot.core.MembershipChangeResult;
import io.github.raftboot.core.Role;
import io.github.raftboot.event.MembershipChangedEvent;
import io.github.raftboot.leader.MembershipChangeException;
import io.github.raftboot.leader.RaftMembership;
import io.github.raftboot.leader.RaftStatus;
import io.github.raftboot.runtime.RaftServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Changing the members of a running cluster over real HTTP: replicas started with a longer
 * {@code raft.peers} wait until they are added, added members catch up as learners and vote,
 * removed members stop campaigning, and members of another cluster are refused.
 */
class MembershipIntegrationTests {

	private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(20);

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@TempDir
	Path dataRoot;

	private @Nullable TestCluster cluster;

	@RegisterExtension
	final TestWatcher printTimelineOnFailure = new TestWatcher() {

		@Override
		public void testFailed(ExtensionContext context, @Nullable Throwable cause) {
			TestCluster failed = MembershipIntegrationTests.this.cluster;
			if (failed != null) {
				System.out.println("Timeline of " + context.getDisplayName() + ":" + System.lineSeparator()
						+ failed.timeline());
			}
		}

	};

	@AfterEach
	void stopCluster() {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Test
	void replicaStartedWithALongerListAsksTheLeaderToAddItAndVotes() {
		TestCluster cluster = startThree();
		String leader = awaitSettledLeader(cluster);
		cluster.addReplica("n4").start("n4");
		RaftServer newcomer = cluster.server("n4");
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			assertThat(newcomer.status().standing()).isEqualTo(RaftStatus.Standing.VOTER);
			RaftMembership membership = cluster.server(leader).membership().orElseThrow();
			assertThat(membership.voters()).containsExactly("n1", "n2", "n3", "n4");
			assertThat(membership.settled()).isTrue();
		});
		assertThat(cluster.server(leader).membership().orElseThrow().addresses().get("n4")).isEqualTo(cluster.url("n4"));
	}

	@Test
	void replicaThatMayNotAskToJoinWaitsUntilTheLeaderAddsItThenVotes() throws Exception {
		TestCluster cluster = startThree();
		String leader = awaitSettledLeader(cluster);
		cluster.addReplica("n4").withProperties("n4", "raft.membership.auto-join=false").start("n4");
		RaftServer newcomer = cluster.server("n4");
		// It neither forms a cluster of its own nor joins one by itself.
		await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
			.until(() -> newcomer.membership().isEmpty() && newcomer.status().standing() == RaftStatus.Standing.JOINING);
		assertThat(newcomer.status().formation()).isNotNull();
		assertThat(newcomer.status().formation().refused()).containsAnyOf("n1", "n2", "n3");
		assertThat(cluster.server(leader).membership().orElseThrow().voters()).containsExactly("n1", "n2", "n3");

		RaftMembership added = changeOnLeader(cluster, (server) -> server.addMember("n4", cluster.url("n4")));
		assertThat(added.voters()).containsExactly("n1", "n2", "n3", "n4");
		assertThat(added.settled()).isTrue();
		assertThat(added.addresses().get("n4")).isEqualTo(cluster.url("n4"));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(newcomer.status().standing()).isEqualTo(RaftStatus.Standing.VOTER);
			assertThat(newcomer.membership().orElseThrow().voters()).contains("n4");
			assertThat(newcomer.leaderId()).isPresent().isEqualTo(cluster.activeLeader());
		});
		assertThat(cluster.events()).filteredOn(MembershipChangedEvent.class::isInstance)
			.filteredOn((event) -> event.getNodeId().equals("n4"))
			.isNotEmpty();
		// The new member takes part: with one of the old three stopped, n4 is needed for the majority.
		String current = await().atMost(Duration.ofSeconds(5)).until(cluster::activeLeader, Optional::isPresent)
			.orElseThrow();
		String other = cluster.ids().stream().filter((id) -> !id.equals(current) && !id.equals("n4")).findFirst()
			.orElseThrow();
		cluster.stop(other);
		await().atMost(Duration.ofSeconds(5)).until(() -> cluster.activeLeader().isPresent());
	}

	@Test
	void removedReplicaLearnsItAndNeverCampaignsAgain() throws Exception {
		TestCluster cluster = startThree();
		String leader = awaitSettledLeader(cluster);
		String removed = cluster.ids().stream().filter((id) -> !id.equals(leader)).findFirst().orElseThrow();
		RaftMembership after = changeOnLeader(cluster, (server) -> server.removeMember(removed));
		assertThat(after.voters()).hasSize(2).doesNotContain(removed);
		RaftServer gone = cluster.server(removed);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> gone.status().standing() == RaftStatus.Standing.REMOVED);
		long term = gone.currentTerm();
		long preVotes = gone.statistics().preVotesStarted();
		cluster.isolate(removed);
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
			.until(() -> gone.currentTerm() == term && gone.status().role() == Role.FOLLOWER);
		cluster.healAll();
		assertThat(gone.statistics().preVotesStarted()).as("no campaign since it was removed").isEqualTo(preVotes);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> cluster.activeLeader().filter((id) -> !id.equals(removed)).isPresent());
	}

	@Test
	void leaderThatRemovesItselfHandsOverToARemainingVoter() {
		TestCluster cluster = startThree();
		awaitSettledLeader(cluster);
		List<String> removed = new CopyOnWriteArrayList<>();
		RaftMembership after = changeOnLeader(cluster, (server) -> {
			removed.add(0, server.nodeId());
			return server.removeMember(server.nodeId());
		});
		String leader = removed.get(0);
		assertThat(after.voters()).hasSize(2).doesNotContain(leader);
		await().atMost(Duration.ofSeconds(5)).until(() -> cluster.activeLeader().filter((id) -> !id.equals(leader))
			.isPresent());
		await().atMost(Duration.ofSeconds(5))
			.until(() -> cluster.server(leader).status().standing() == RaftStatus.Standing.REMOVED);
	}

	@Test
	void changeAskedOfAFollowerIsRefusedNamingTheLeader() throws Exception {
		TestCluster cluster = startThree();
		String leader = awaitSettledLeader(cluster);
		String follower = cluster.ids().stream().filter((id) -> !id.equals(leader)).findFirst().orElseThrow();
		CompletableFuture<RaftMembership> refused = cluster.server(follower).addMember("n9",
				URI.create("http://127.0.0.1:1"));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> refused.get(1, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(MembershipChangeException.class, (ex) -> {
				assertThat(ex.getResult()).isEqualTo(MembershipChangeResult.NOT_LEADER);
				assertThat(ex.getLeaderId()).isEqualTo(leader);
				assertThat(ex.getMessage()).contains("ask the leader, '" + leader + "'");
			});
		CompletableFuture<RaftMembership> invalid = cluster.server(leader).addMember("n9", URI.create("ftp://x"));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> invalid.get(1, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(MembershipChangeException.class,
					(ex) -> assertThat(ex.getResult()).isEqualTo(MembershipChangeResult.INVALID));
		assertThat(cluster.server(leader).membership().orElseThrow().voters()).containsExactly("n1", "n2", "n3");
	}

	@Test
	void requestOfAMemberOfAnotherClusterIsRefusedWithConflict() throws Exception {
		TestCluster cluster = startThree();
		String leader = awaitSettledLeader(cluster);
		String ours = cluster.server(leader).membership().orElseThrow().clusterId();
		// A "leader" of another cluster with a huge term: had it got through, every member would follow it.
		String foreign = "{\"from\":\"x1\",\"to\":\"" + leader + "\",\"term\":1000000,\"prevLogIndex\":0,"
				+ "\"prevLogTerm\":0,\"entries\":[],\"leaderCommit\":0,\"round\":1,\"base\":null,\"stickinessMillis\":300}";
		HttpResponse<String> answer = post(cluster, leader, "/append-entries", foreign, "0123456789abcdef");
		assertThat(answer.statusCode()).isEqualTo(409);
		assertThat(answer.body()).contains("belongs to cluster " + ours).contains("0123456789abcdef");
		assertThat(cluster.server(leader).currentTerm()).isLessThan(1000000);
		String preVote = "{\"from\":\"x1\",\"to\":\"" + leader + "\",\"term\":1,\"lastLogIndex\":0,\"lastLogTerm\":0,"
				+ "\"preVote\":true,\"transfer\":false,\"bootstrap\":\"\"}";
		assertThat(post(cluster, leader, "/request-vote", preVote, ours).statusCode())
			.as("a stranger that names this cluster is heard").isEqualTo(200);
	}

	/**
	 * Asks the current leader for a change until it starts, and waits until it is done: on a
	 * loaded machine the leader may change, or may not have heard from every voter lately, just
	 * when the test asks.
	 */
	private static RaftMembership changeOnLeader(TestCluster cluster,
			Function<RaftServer, CompletableFuture<RaftMembership>> change) {
		List<CompletableFuture<RaftMembership>> started = new ArrayList<>();
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
			String leader = cluster.activeLeader().orElse(null);
			if (leader == null) {
				return false;
			}
			CompletableFuture<RaftMembership> attempt = change.apply(cluster.server(leader));
			if (attempt.isCompletedExceptionally()) {
				// A refusal fails the future at once, unwrapped; a later failure would come wrapped.
				Throwable failure = attempt.handle((m, ex) -> ex).join();
				MembershipChangeException refused = (MembershipChangeException) ((failure instanceof CompletionException)
						? failure.getCause() : failure);
				assertThat(refused.getResult()).as(refused.getMessage())
					.isIn(MembershipChangeResult.NOT_LEADER, MembershipChangeResult.NOT_READY,
							MembershipChangeResult.CHANGE_IN_PROGRESS, MembershipChangeResult.WOULD_LOSE_QUORUM,
							MembershipChangeResult.TRANSFER_IN_PROGRESS);
				return false;
			}
			started.add(attempt);
			return true;
		});
		try {
			return started.get(0).get(CHANGE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("The change did not complete", ex);
		}
	}

	private HttpResponse<String> post(TestCluster cluster, String id, String path, String body, String clusterId)
			throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.rpcUrl(id) + path))
			.header("Content-Type", "application/json")
			.header("Raft-Cluster-Id", clusterId)
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private TestCluster startThree() {
		this.cluster = new TestCluster(3, this.dataRoot).startAll();
		return this.cluster;
	}

	/** An active leader that every running replica follows, with no change under way. */
	private static String awaitSettledLeader(TestCluster cluster) {
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			List<String> leaders = cluster.activeLeaders();
			if (leaders.size() != 1) {
				return false;
			}
			String leader = leaders.get(0);
			RaftMembership membership = cluster.server(leader).membership().orElse(null);
			return membership != null && membership.settled()
					&& cluster.server(leader).status().peers().stream()
						.filter((peer) -> membership.voters().contains(peer.id()))
						.allMatch((peer) -> peer.matchIndex() != null && peer.lastContact() != null)
					&& cluster.runningIds().stream()
						.allMatch((id) -> cluster.server(id).leaderId().filter(leader::equals).isPresent());
		});
		return cluster.activeLeaders().get(0);
	}

}
