package io.github.raftboot.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.AppendEntriesResponse;
import io.github.raftboot.core.Membership;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.transport.RaftTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GroupThreads}: what the groups of a member send to another member while one
 * task runs on the core thread leaves in one exchange, and a heartbeat pulls the others' along;
 * and for {@link GroupCoordinator#nextChange}, how a group follows the default group's members.
 */
class GroupThreadsTests {

	private final List<List<RaftTransport.GroupRequest>> exchanges = new CopyOnWriteArrayList<>();

	private final RaftTransport transport = new RaftTransport() {

		@Override
		public CompletableFuture<Optional<Message>> send(Message request) {
			throw new AssertionError("Groups send together");
		}

		@Override
		public List<CompletableFuture<Optional<Message>>> sendTogether(List<GroupRequest> requests, double factor) {
			GroupThreadsTests.this.exchanges.add(List.copyOf(requests));
			List<CompletableFuture<Optional<Message>>> replies = new ArrayList<>();
			for (GroupRequest request : requests) {
				Message message = request.request();
				replies.add(CompletableFuture.completedFuture(Optional.of(
						new AppendEntriesResponse(message.to(), message.from(), message.term(), true, 0, 0, 0))));
			}
			return replies;
		}

	};

	private final GroupThreads threads = new GroupThreads("n1", this.transport);

	@AfterEach
	void shutdown() {
		this.threads.shutdown();
	}

	@Test
	void requestsOfOneTaskToOneMemberLeaveTogetherAndEachGetsItsReply() throws Exception {
		List<CompletableFuture<Optional<Message>>> replies = new ArrayList<>();
		this.threads.core().submit(() -> {
			replies.add(this.threads.outbox().send("default", heartbeat("n2", 3), 1));
			replies.add(this.threads.outbox().send("billing", heartbeat("n2", 5), 1));
			replies.add(this.threads.outbox().send("billing", heartbeat("n3", 5), 1));
		}).get(5, TimeUnit.SECONDS);
		for (CompletableFuture<Optional<Message>> reply : replies) {
			reply.get(5, TimeUnit.SECONDS);
		}
		assertThat(this.exchanges).hasSize(2);
		assertThat(this.exchanges.get(0)).extracting(RaftTransport.GroupRequest::group).containsExactly("default", "billing");
		assertThat(this.exchanges.get(1)).extracting(RaftTransport.GroupRequest::group).containsExactly("billing");
		assertThat(replies.get(1).get()).get().extracting(Message::term).isEqualTo(5L);
	}

	@Test
	void aHeartbeatLetsTheOtherGroupsSendTheirsInTheSameExchange() throws Exception {
		this.threads.beforeFlush(() -> this.threads.outbox().send("outbox", heartbeat("n2", 7), 1));
		this.threads.core().submit(() -> this.threads.outbox().send("default", heartbeat("n2", 3), 1))
			.get(5, TimeUnit.SECONDS);
		this.threads.core().submit(() -> {
		}).get(5, TimeUnit.SECONDS);
		assertThat(this.exchanges).hasSize(1);
		assertThat(this.exchanges.get(0)).extracting(RaftTransport.GroupRequest::group).containsExactly("default", "outbox");
	}

	@Test
	void onlyAHeartbeatPullsTheOthersAlong() throws Exception {
		List<String> pulled = new CopyOnWriteArrayList<>();
		this.threads.beforeFlush(() -> pulled.add("pulled"));
		this.threads.core()
			.submit(() -> this.threads.outbox().send("default", new RequestVote("n1", "n2", 4, 0, 0, true, false), 1))
			.get(5, TimeUnit.SECONDS);
		this.threads.core().submit(() -> {
		}).get(5, TimeUnit.SECONDS);
		assertThat(this.exchanges).hasSize(1);
		assertThat(pulled).isEmpty();
	}

	@Test
	void aGroupAddsTheVotersItLacksFirstThenRemovesThoseTheDefaultGroupHasNot() {
		Membership target = membership(Set.of("n1", "n2", "n4"), Set.of());
		Membership group = membership(Set.of("n1", "n2", "n3"), Set.of());
		assertThat(GroupCoordinator.nextChange(target, group)).isEqualTo(new GroupCoordinator.Change("n4", true));
		Membership learning = membership(Set.of("n1", "n2", "n3"), Set.of("n4"));
		assertThat(GroupCoordinator.nextChange(target, learning))
			.as("a learner is left to its promotion; the voter the default group removed goes")
			.isEqualTo(new GroupCoordinator.Change("n3", false));
		assertThat(GroupCoordinator.nextChange(target, membership(Set.of("n1", "n2", "n4"), Set.of()))).isNull();
		assertThat(GroupCoordinator.nextChange(membership(Set.of("n1", "n2"), Set.of()),
				membership(Set.of("n1", "n2"), Set.of("n5"))))
			.as("a learner the default group does not have goes too")
			.isEqualTo(new GroupCoordinator.Change("n5", false));
	}

	private static AppendEntries heartbeat(String to, long term) {
		return new AppendEntries("n1", to, term, 1, 1, List.of(), 1, 1);
	}

	private static Membership membership(Set<String> voters, Set<String> learners) {
		Map<String, String> addresses = new TreeMap<>();
		for (String id : List.of("n1", "n2", "n3", "n4", "n5")) {
			addresses.put(id, "http://" + id + ":8080");
		}
		return new Membership("c", voters, Set.of(), learners, addresses);
	}

}
