package io.github.raftboot.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.runtime.RaftStatistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three replicas with a token, over real HTTP on loopback, under hostile traffic: requests
 * without the token or with a wrong one, and requests with the token but invalid in every way
 * the RPC endpoints check. None of it may reach an election thread: the cluster keeps its leader
 * and its term, and no replica even starts a pre-vote.
 *
 * <p>All three replicas and the flood share one JVM, so a long garbage collection or a CPU
 * starved by other builds on a CI machine stalls them all at once. The election timings are
 * therefore about three times the defaults, so that such stalls alone do not cause elections, and
 * the flood starts only once the cluster has been stable for a while. Every hostile request that
 * carries a message would move the term at once if it reached an election thread, whatever the
 * timings: the depositions and transfer votes carry a far higher term.
 */
class HostileTrafficIntegrationTests {

	private static final String TOKEN = "hostile-traffic-test-token-0123456789";

	private static final Duration FLOOD = Duration.ofSeconds(3);

	private static final int FLOOD_THREADS = 4;

	private static final int MAX_REQUESTS = 30_000;

	@TempDir
	Path dataRoot;

	private TestCluster cluster;

	private final JsonMapper mapper = JsonMapper.builder().build();

	@AfterEach
	void stopCluster() {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Test
	void floodOfUnauthenticatedAndInvalidRequestsNeitherMovesTheTermNorDisturbsTheLeader() throws Exception {
		this.cluster = new TestCluster(3, this.dataRoot, "raft.security.token=" + TOKEN,
				"raft.election-timeout-min=500ms", "raft.election-timeout-max=1000ms", "raft.heartbeat-interval=150ms",
				"raft.rpc-timeout=250ms")
			.startAll();
		String leader = awaitStableLeader();
		long term = this.cluster.server(leader).currentTerm();
		Map<String, List<Long>> elections = electionCounters();
		Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
		LongAdder failures = new LongAdder();
		AtomicInteger budget = new AtomicInteger(MAX_REQUESTS);
		long deadline = System.nanoTime() + FLOOD.toNanos();
		ExecutorService flooders = Executors.newFixedThreadPool(FLOOD_THREADS);
		try {
			List<Future<?>> floods = new ArrayList<>();
			for (int i = 0; i < FLOOD_THREADS; i++) {
				long seed = i;
				floods.add(flooders.submit(() -> flood(seed, term, deadline, budget, statuses, failures)));
			}
			await().atMost(FLOOD.plusSeconds(20)).until(() -> floods.stream().allMatch(Future::isDone));
			for (Future<?> flood : floods) {
				flood.get();
			}
		}
		finally {
			flooders.shutdownNow();
		}
		long sent = statuses.values().stream().mapToLong(LongAdder::sum).sum();
		System.out.println("Hostile requests answered in " + FLOOD.toSeconds() + " s: " + sent + " by status " + statuses
				+ ", " + failures.sum() + " without an answer");
		// Even on a slow machine: dozens of hostile requests per heartbeat interval
		assertThat(sent).as("hostile requests answered").isGreaterThan(200);
		assertThat(statuses).allSatisfy((status, count) -> assertThat(status).isIn(400, 401, 403, 413, 415));
		assertThat(statuses).containsKeys(400, 401, 403, 413, 415);
		for (String id : this.cluster.ids()) {
			RaftServer server = this.cluster.server(id);
			assertThat(server.currentTerm()).as("term of %s", id).isEqualTo(term);
			assertThat(server.leaderId()).as("leader known to %s", id).contains(leader);
		}
		assertThat(electionCounters()).as("pre-votes and elections started per replica").isEqualTo(elections);
		await().atMost(Duration.ofSeconds(1)).until(() -> this.cluster.server(leader).isLeader());
	}

	@Test
	void everyRejectionIsJsonWithoutInternals() throws Exception {
		// One replica suffices: n2 is not a member of its cluster, and 'mallory' of none.
		this.cluster = new TestCluster(1, this.dataRoot, "raft.security.token=" + TOKEN).startAll();
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		URI rpc = this.cluster.rpcUrl("n1");
		String vote = "{\"from\":\"n2\",\"to\":\"n1\",\"term\":99,\"lastLogIndex\":0,\"lastLogTerm\":0,\"preVote\":false,"
				+ "\"transfer\":true,\"bootstrap\":\"\"}";
		assertJsonError(client.send(post(rpc, "request-vote", null, "application/json", vote), body()), 401,
				"Unauthorized");
		assertJsonError(client.send(post(rpc, "request-vote", "wrong", "application/json", vote), body()), 401,
				"Unauthorized");
		assertJsonError(client.send(post(rpc, "request-vote", TOKEN, "text/plain", vote), body()), 415,
				"Unsupported Media Type");
		assertJsonError(client.send(post(rpc, "request-vote", TOKEN, "application/json", "x".repeat(70_000)), body()),
				413, "Content Too Large");
		assertJsonError(client.send(post(rpc, "request-vote", TOKEN, "application/json", "[" + vote + "]"), body()),
				400, "Bad Request");
		assertJsonError(client.send(post(rpc, "request-vote", TOKEN, "application/json", ""), body()), 400,
				"Bad Request");
		assertJsonError(client.send(post(rpc, "append-entries", TOKEN, "application/json", vote), body()), 400,
				"Bad Request");
		assertJsonError(client.send(post(rpc, "request-vote", TOKEN, "application/json",
				vote.replace("\"n2\"", "\"mallory\"")), body()), 403, "Forbidden");
		assertJsonError(client.send(post(rpc, "request-vote", TOKEN, "application/json", vote), body()), 403,
				"Forbidden");
		// Spring's own answers on the RPC paths: JSON from Boot's error handling, without a trace.
		HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create(rpc + "/request-vote")).GET().build(),
				body());
		assertThat(get.statusCode()).isEqualTo(405);
		assertThat(get.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/json"));
		assertThat(get.body()).doesNotContain("trace", "Exception", "\tat ");
		assertThat(this.cluster.server("n1").currentTerm()).isLessThan(99);
		assertThat(this.cluster.server("n1").status().votedFor()).isIn(null, "n1");
	}

	private void assertJsonError(HttpResponse<String> response, int status, String error) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
		JsonNode json = this.mapper.readTree(response.body());
		assertThat(json.propertyNames()).containsExactly("error", "message");
		assertThat(json.get("error").asString()).isEqualTo(error);
		assertThat(response.body()).doesNotContain("Exception", "\tat ", "io.github", "tools.jackson", TOKEN);
	}

	/** Sends hostile requests to random replicas until the deadline or the shared budget runs out. */
	private void flood(long seed, long term, long deadline, AtomicInteger budget, Map<Integer, LongAdder> statuses,
			LongAdder failures) {
		SplittableRandom random = new SplittableRandom(seed);
		HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(2))
			.build();
		long higher = term + 1000;
		String oversized = "{\"padding\":\"" + "x".repeat(70_000) + "\"}";
		while (System.nanoTime() - deadline < 0 && budget.getAndDecrement() > 0) {
			List<String> ids = this.cluster.ids();
			String target = ids.get(random.nextInt(ids.size()));
			String other = ids.stream().filter((id) -> !id.equals(target)).toList().get(random.nextInt(ids.size() - 1));
			URI rpc = this.cluster.rpcUrl(target);
			// Each of these would move the term or start an election if it reached the election thread.
			String depose = "{\"from\":\"" + other + "\",\"to\":\"" + target + "\",\"term\":" + higher
					+ ",\"prevLogIndex\":0,\"prevLogTerm\":0,\"entries\":[],\"leaderCommit\":0,\"round\":1,"
					+ "\"base\":null,\"stickinessMillis\":300}";
			String timeoutNow = "{\"from\":\"" + other + "\",\"to\":\"" + target + "\",\"term\":" + higher + "}";
			String vote = "{\"from\":\"" + other + "\",\"to\":\"" + target + "\",\"term\":" + higher
					+ ",\"lastLogIndex\":99,\"lastLogTerm\":" + higher + ",\"preVote\":false,\"transfer\":true,"
					+ "\"bootstrap\":\"\"}";
			HttpRequest request = switch (random.nextInt(13)) {
				case 0, 1 -> post(rpc, "append-entries", null, "application/json", depose);
				case 2, 3 -> post(rpc, "timeout-now", "not-the-token", "application/json", timeoutNow);
				case 4 -> post(rpc, "request-vote", TOKEN.substring(1), "application/json", vote);
				case 5 -> post(rpc, "request-vote", TOKEN, "application/json", vote.replace(other, "mallory"));
				case 6 -> post(rpc, "append-entries", TOKEN, "application/json",
						depose.replace(",\"to\":\"" + target, ",\"to\":\"" + other));
				case 7 -> post(rpc, "append-entries", TOKEN, "application/json",
						depose.replace("\"term\":" + higher, "\"term\":9007199254740993"));
				case 8 -> post(rpc, "timeout-now", TOKEN, "application/json", timeoutNow.replace("}", ",\"term\":1}"));
				case 9 -> post(rpc, "request-vote", TOKEN, "text/plain", vote);
				case 10 -> post(rpc, "request-vote", TOKEN, "application/json",
						(random.nextInt(20) == 0) ? oversized : "[" + vote + "]");
				case 11 -> post(rpc, "append-entries", TOKEN, "application/json",
						depose.replace("\"base\":null", "\"base\":{\"clusterId\":\"c\",\"voters\":[],"
								+ "\"outgoingVoters\":[],\"learners\":[],\"addresses\":{}}"));
				default -> post(rpc, "append-entries", TOKEN, "application/json",
						depose.replace("\"entries\":[]", "\"entries\":{}"));
			};
			try {
				HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
				statuses.computeIfAbsent(response.statusCode(), (status) -> new LongAdder()).increment();
			}
			catch (IOException ex) {
				failures.increment();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private static HttpRequest post(URI rpc, String endpoint, String token, String contentType, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(rpc + "/" + endpoint))
			.timeout(Duration.ofSeconds(5))
			.header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return request.build();
	}

	private static HttpResponse.BodyHandler<String> body() {
		return HttpResponse.BodyHandlers.ofString();
	}

	/**
	 * Waits until every replica has known the same leader in the same term for a second, so that
	 * the flood starts on a settled cluster, not on the churn of start-up.
	 */
	private String awaitStableLeader() {
		AtomicReference<String> settled = new AtomicReference<>();
		AtomicLong since = new AtomicLong();
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
			String current = leaderAndTermKnownByAll();
			if (current == null || !current.equals(settled.get())) {
				settled.set(current);
				since.set(System.nanoTime());
				return false;
			}
			return System.nanoTime() - since.get() >= Duration.ofSeconds(1).toNanos();
		});
		return settled.get().substring(0, settled.get().indexOf('@'));
	}

	/** {@code leader@term} if every replica knows the active leader and has its term, else {@code null}. */
	private String leaderAndTermKnownByAll() {
		String leader = this.cluster.activeLeader().orElse(null);
		if (leader == null) {
			return null;
		}
		long term = this.cluster.server(leader).currentTerm();
		for (String id : this.cluster.ids()) {
			RaftServer server = this.cluster.server(id);
			if (server.currentTerm() != term || !server.leaderId().filter(leader::equals).isPresent()) {
				return null;
			}
		}
		return leader + "@" + term;
	}

	private Map<String, List<Long>> electionCounters() {
		Map<String, List<Long>> counters = new TreeMap<>();
		for (String id : this.cluster.ids()) {
			RaftStatistics statistics = this.cluster.server(id).statistics();
			counters.put(id, List.of(statistics.preVotesStarted(), statistics.electionsStarted()));
		}
		return counters;
	}

}
