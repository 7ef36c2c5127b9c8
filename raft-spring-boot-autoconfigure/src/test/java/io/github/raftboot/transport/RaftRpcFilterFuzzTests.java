package io.github.raftboot.transport;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.InMemoryStorage;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.core.Role;
import io.github.raftboot.core.TimeoutNow;
import io.github.raftboot.leader.RaftStatus;
import io.github.raftboot.runtime.RaftServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * Property: whatever the body, {@link RaftRpcFilter} answers {@code 200} with a JSON message,
 * {@code 204} without a body, or {@code 4xx} with a JSON error, never {@code 5xx}; and the member
 * changes only when the body was a valid message of the endpoint's type that it answered with a
 * {@code 2xx}. Bodies are mutations of valid requests from members, plus random bytes and JSON.
 *
 * <p>Each case has its own seed, named by a failure; {@code -Draft.fuzz.seed=S} changes the first
 * seed and {@code -Draft.fuzz.cases=N} the number of cases. Every 50 cases start on a fresh member.
 */
class RaftRpcFilterFuzzTests {

	private static final long FIRST_SEED = Long.getLong("raft.fuzz.seed", 0);

	private static final int CASES = Integer.getInteger("raft.fuzz.cases", 1500);

	private static final Map<String, Class<? extends Message>> ENDPOINTS = Map.of("request-vote", RequestVote.class,
			"append-entries", AppendEntries.class, "timeout-now", TimeoutNow.class);

	private static final List<String> RPCS = List.of("request-vote", "append-entries", "timeout-now");

	private static final List<String> SENDERS = List.of("n2", "n3", "n2", "n3", "n1", "intruder");

	private final RaftJson json = new RaftJson();

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final AtomicLong nanoTime = new AtomicLong();

	private RaftServer server;

	private MockMvc mvc;

	/**
	 * Starts a member whose monotonic clock then stands still at the end of the quiet period after
	 * start: it considers votes, and its own election timer, which runs out at least that long
	 * after start, never does. Only requests change it.
	 */
	@BeforeEach
	void startServer() {
		this.nanoTime.set(0);
		RaftConfig config = RaftConfig.builder("n1", List.of("n1", "n2", "n3")).build();
		this.server = new RaftServer(config, new InMemoryStorage(), (request) -> new CompletableFuture<>(), (event) -> {
		}, this.nanoTime::get, Clock.systemUTC());
		this.server.start();
		this.nanoTime.set(config.electionTimeoutMin().toNanos());
		this.mvc = MockMvcBuilders.standaloneSetup(new Object())
			.addFilter(new RaftRpcFilter(this.server, this.json, Duration.ofSeconds(2)))
			.build();
	}

	@AfterEach
	void stopServer() {
		this.server.stop();
	}

	@Test
	void everyBodyIsAnsweredWith2xxOr4xxAndOnlyAValidMessageChangesTheMember() throws Exception {
		int changes = 0;
		for (int i = 0; i < CASES; i++) {
			if (i > 0 && i % 50 == 0) {
				// A fresh member now and then, so that low terms are not all stale
				stopServer();
				startServer();
			}
			long seed = FIRST_SEED + i;
			SplittableRandom random = new SplittableRandom(seed);
			String rpc = RPCS.get(random.nextInt(RPCS.size()));
			// Mostly a body of the endpoint's own type, sometimes of another.
			Class<? extends Message> bodyType = (random.nextInt(5) == 0) ? ENDPOINTS.get(RPCS.get(random.nextInt(3)))
					: ENDPOINTS.get(rpc);
			String to = (random.nextInt(8) == 0) ? "n3" : "n1";
			Message valid = HostileBodies.validMessage(random, bodyType, SENDERS.get(random.nextInt(SENDERS.size())), to);
			byte[] body = (random.nextInt(10) == 0) ? this.json.write(valid) : HostileBodies.any(random, valid);
			boolean validBody = isValid(body, ENDPOINTS.get(rpc));
			State before = State.of(this.server.status());

			MockHttpServletResponse response = send(rpc, body);

			String text = new String(body, StandardCharsets.UTF_8);
			String context = "seed " + seed + ", " + rpc + " " + ((text.length() > 300) ? text.substring(0, 300) : text);
			int status = response.getStatus();
			assertThat(status).as(context).isIn(200, 204, 400, 403, 409);
			if (status != 204) {
				assertThat(response.getContentType()).as(context).isEqualTo(MediaType.APPLICATION_JSON_VALUE);
				JsonNode answer = this.mapper.readTree(response.getContentAsByteArray());
				assertThat(answer.isObject()).as(context).isTrue();
				if (status >= 400) {
					assertThat(answer.get("error").isString()).as(context).isTrue();
					assertThat(answer.get("message").isString()).as(context).isTrue();
				}
				if (status == 409) {
					// Only a message that claims to come from this very member: another process with its id.
					assertThat(answer.get("code").asString()).as(context).isEqualTo("duplicate-member-id");
				}
			}
			State after = State.of(this.server.status());
			if (!after.equals(before)) {
				assertThat(validBody).as("%s: changed the member from %s to %s", context, before, after).isTrue();
				assertThat(status).as(context).isIn(200, 204);
				changes++;
			}
			if (!validBody) {
				assertThat(status).as(context).isEqualTo(400);
			}
		}
		assertThat(this.server.status().state()).isEqualTo(RaftStatus.State.RUNNING);
		// The valid bodies among them did reach the member.
		assertThat(changes).isPositive();
	}

	private MockHttpServletResponse send(String rpc, byte[] body) throws Exception {
		return this.mvc.perform(post("/raft/" + rpc).contentType(MediaType.APPLICATION_JSON).content(body))
			.andReturn()
			.getResponse();
	}

	private boolean isValid(byte[] body, Class<? extends Message> type) {
		try {
			this.json.read(body, type);
			return true;
		}
		catch (RaftJson.InvalidMessageException ex) {
			return false;
		}
	}

	/** What of a member's state an RPC can change. */
	private record State(RaftStatus.State state, Role role, long term, String leaderId, String votedFor,
			long commitIndex, long lastLogIndex) {

		static State of(RaftStatus status) {
			return new State(status.state(), status.role(), status.term(), status.leaderId(), status.votedFor(),
					status.commitIndex(), status.lastLogIndex());
		}

	}

}
