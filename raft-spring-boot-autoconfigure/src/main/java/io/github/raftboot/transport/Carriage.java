package io.github.raftboot.transport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.AppendEntriesResponse;
import io.github.raftboot.core.Message;
import io.github.raftboot.transport.RaftTransport.GroupRequest;

/**
 * The heartbeats one member carries back to another in its answers, so that two members that
 * both lead election groups need one exchange per heartbeat interval rather than two.
 *
 * <p>Of every two members, one sends and the other carries: the members in the order of their
 * ids form a ring, and each sends to the next {@code floor(n / 2)} of it (both ways between two
 * members exactly half the ring apart, when {@code n} is even). A member's batch to a member it
 * sends to says {@code "carry":true}; the other member then holds its next heartbeats for the
 * sender instead of sending them in an exchange of their own, and writes them into the answer to
 * the sender's next batch, which brings their replies back in the batch after. A member thus
 * hears at once from the {@code floor(n / 2)} members it sends to, which with itself are a
 * majority: the leases of the groups it leads rest on those answers, and the carried ones, a
 * heartbeat interval later, come on top. A member holds heartbeats only (an AppendEntries
 * without entries; votes, entries and hand-overs go at once), only for a member whose batch asked
 * for them since it last held, only while every member it sends to answered its latest exchange
 * (so that its majority of prompt answers stands), and never twice: what the next batch did not
 * take by the member's next heartbeat goes then, in an exchange of its own.
 *
 * <p>The carrying is the HTTP transport's and is on once the member's groups run
 * ({@link #receiver(RaftRpcHandler)}); a member of one election group never carries, since its
 * followers send nothing of their own.
 */
public final class Carriage {

	private final String selfId;

	private final Map<String, Member> members = new ConcurrentHashMap<>();

	private final AtomicLong ids = new AtomicLong();

	/** Every member's id, this one's included, in order. */
	private volatile List<String> ring;

	private volatile @Nullable RaftRpcHandler receiver;

	Carriage(String selfId, Iterable<String> memberIds) {
		this.selfId = Objects.requireNonNull(selfId, "selfId");
		this.ring = ring(selfId, memberIds);
	}

	/**
	 * Starts carrying: heartbeats carried to this member are handed to {@code receiver}; or stops,
	 * with {@code null}.
	 * @param receiver the member's handler of requests, or {@code null}
	 */
	public void receiver(@Nullable RaftRpcHandler receiver) {
		this.receiver = receiver;
	}

	/** Whether this member carries: see {@link #receiver(RaftRpcHandler)}. */
	boolean active() {
		return this.receiver != null;
	}

	/** The members as they change: see {@link RaftTransport#members(String, Map)}. */
	void members(Iterable<String> memberIds) {
		this.ring = ring(this.selfId, memberIds);
	}

	private static List<String> ring(String selfId, Iterable<String> memberIds) {
		java.util.TreeSet<String> ids = new java.util.TreeSet<>();
		memberIds.forEach(ids::add);
		ids.add(selfId);
		return List.copyOf(ids);
	}

	/**
	 * Whether this member sends its batches to that member itself, rather than carrying them
	 * back: see the class description.
	 * @param memberId another member
	 * @return {@code true} for a member outside the ring too
	 */
	boolean sendsTo(String memberId) {
		List<String> order = this.ring;
		int self = order.indexOf(this.selfId);
		int other = order.indexOf(memberId);
		if (self < 0 || other < 0 || self == other) {
			return true;
		}
		int distance = Math.floorMod(other - self, order.size());
		return distance >= 1 && distance <= order.size() / 2;
	}

	// Outbound: the heartbeats held for a member

	/**
	 * Holds heartbeats for a member's next batch, if it may: see the class description.
	 * @param to the member
	 * @param requests the requests to it, all from this member
	 * @param replies a future per request, completed when the answer comes back
	 * @param promptMajority whether every member this one sends to answered its latest exchange
	 * @return whether they are held; if not, the caller sends them
	 */
	boolean hold(String to, List<GroupRequest> requests, List<CompletableFuture<Optional<Message>>> replies,
			boolean promptMajority) {
		Member member = member(to);
		synchronized (member) {
			boolean asked = member.asked;
			member.asked = false;
			if (!asked || !promptMajority || !active() || sendsTo(to) || !member.held.isEmpty()) {
				return false;
			}
			for (GroupRequest request : requests) {
				if (!(request.request() instanceof AppendEntries append) || !append.entries().isEmpty()
						|| append.base() != null) {
					return false;
				}
			}
			for (int i = 0; i < requests.size(); i++) {
				long id = this.ids.incrementAndGet();
				CompletableFuture<Optional<Message>> reply = replies.get(i);
				member.held.add(new Held(new RaftJson.CarriedRequest(id, requests.get(i).group(),
						(AppendEntries) requests.get(i).request()), reply));
				reply.whenComplete((answer, failure) -> forget(member, id));
			}
			return true;
		}
	}

	/**
	 * What is still held for a member, taken: the caller sends it now, as the member's batch did
	 * not come for it.
	 * @param to the member
	 * @return the held requests, with their futures
	 */
	List<Held> takeHeld(String to) {
		Member member = this.members.get(to);
		if (member == null) {
			return List.of();
		}
		synchronized (member) {
			if (member.held.isEmpty()) {
				return List.of();
			}
			List<Held> taken = new ArrayList<>(member.held);
			member.held.clear();
			return taken;
		}
	}

	/**
	 * A member's batch asked for what this member holds for it: taken, to go into the answer;
	 * their futures complete when the member's answers come.
	 * @param from the member
	 * @return the requests to carry back
	 */
	List<RaftJson.CarriedRequest> askedBy(String from) {
		Member member = member(from);
		synchronized (member) {
			member.asked = true;
			if (member.held.isEmpty()) {
				return List.of();
			}
			List<RaftJson.CarriedRequest> carried = new ArrayList<>(member.held.size());
			for (Held held : member.held) {
				member.awaiting.put(held.request().id(), held);
				carried.add(held.request());
			}
			member.held.clear();
			return carried;
		}
	}

	/**
	 * A member's batch brought answers to requests carried to it.
	 * @param from the member
	 * @param answers its answers
	 */
	void answered(String from, List<RaftJson.CarriedAnswer> answers) {
		if (answers.isEmpty()) {
			return;
		}
		Member member = member(from);
		List<Held> answered = new ArrayList<>(answers.size());
		synchronized (member) {
			for (RaftJson.CarriedAnswer answer : answers) {
				answered.add(member.awaiting.remove(answer.id()));
			}
		}
		for (int i = 0; i < answers.size(); i++) {
			Held held = answered.get(i);
			if (held == null) {
				// Timed out meanwhile, or never carried to that member
				continue;
			}
			RaftJson.CarriedAnswer answer = answers.get(i);
			AppendEntriesResponse reply = answer.reply();
			if (answer.status() == 200 && reply != null) {
				held.reply().complete(Optional.of(reply));
			}
			else if (answer.status() == 204) {
				held.reply().complete(Optional.empty());
			}
			else {
				held.reply().completeExceptionally(new RpcRefusedException(from, RaftRpc.APPEND_ENTRIES.rpcName(),
						answer.status(), "Raft member '" + from + "' answered a carried heartbeat with status "
								+ answer.status(), null));
			}
		}
	}

	private void forget(Member member, long id) {
		synchronized (member) {
			member.awaiting.remove(id);
			member.held.removeIf((held) -> held.request().id() == id);
		}
	}

	// The carrying side: heartbeats carried to this member, and its answers to them

	/**
	 * Whether this member's batches to that member ask for its heartbeats.
	 * @param to the member
	 * @return whether to write {@code "carry":true}
	 */
	boolean carries(String to) {
		return active() && sendsTo(to) && this.ring.contains(to);
	}

	/**
	 * The answers this member owes that member, taken, for the batch about to go to it.
	 * @param to the member
	 * @return the answers
	 */
	List<RaftJson.CarriedAnswer> answersFor(String to) {
		Member member = this.members.get(to);
		if (member == null) {
			return List.of();
		}
		synchronized (member) {
			if (member.owed.isEmpty()) {
				return List.of();
			}
			List<RaftJson.CarriedAnswer> answers = List.copyOf(member.owed);
			member.owed.clear();
			return answers;
		}
	}

	/**
	 * Hands heartbeats a member carried back to this member's handler; their answers go with
	 * this member's next batch to it.
	 * @param from the member whose answer carried them
	 * @param carried the heartbeats
	 */
	void deliver(String from, List<RaftJson.CarriedRequest> carried) {
		RaftRpcHandler handler = this.receiver;
		for (RaftJson.CarriedRequest item : carried) {
			AppendEntries request = item.request();
			RaftRpcHandler group = (handler != null) ? handler.groupHandler(item.group()) : null;
			if (group == null || !request.from().equals(from) || !request.to().equals(this.selfId)
					|| !group.acceptsSender(from)) {
				owe(from, new RaftJson.CarriedAnswer(item.id(), 403, null));
				continue;
			}
			CompletableFuture<Optional<Message>> reply;
			try {
				reply = group.receive(request);
			}
			catch (RuntimeException ex) {
				owe(from, new RaftJson.CarriedAnswer(item.id(), 503, null));
				continue;
			}
			reply.whenComplete((answer, failure) -> {
				if (failure != null || answer == null) {
					owe(from, new RaftJson.CarriedAnswer(item.id(), 503, null));
				}
				else if (answer.orElse(null) instanceof AppendEntriesResponse ack) {
					owe(from, new RaftJson.CarriedAnswer(item.id(), 200, ack));
				}
				else {
					owe(from, new RaftJson.CarriedAnswer(item.id(), 204, null));
				}
			});
		}
	}

	private void owe(String to, RaftJson.CarriedAnswer answer) {
		Member member = member(to);
		synchronized (member) {
			member.owed.add(answer);
		}
	}

	private Member member(String id) {
		return this.members.computeIfAbsent(id, (key) -> new Member());
	}

	/** A heartbeat held for a member, and the future of its reply. */
	record Held(RaftJson.CarriedRequest request, CompletableFuture<Optional<Message>> reply) {
	}

	/** What is held for, carried to and owed to one other member; guarded by itself. */
	private static final class Member {

		/** Whether its batch asked since this member last decided whether to hold. */
		private boolean asked;

		private final List<Held> held = new ArrayList<>();

		private final Map<Long, Held> awaiting = new HashMap<>();

		private final List<RaftJson.CarriedAnswer> owed = new ArrayList<>();

	}

}
