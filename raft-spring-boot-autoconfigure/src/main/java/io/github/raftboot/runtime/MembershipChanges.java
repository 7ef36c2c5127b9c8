package io.github.raftboot.runtime;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import io.github.raftboot.core.Membership;
import io.github.raftboot.core.Status;
import io.github.raftboot.leader.RaftMembership;
import org.jspecify.annotations.Nullable;

/**
 * The callers waiting for a membership change to be done: each waits until a published
 * configuration satisfies its condition. Completed on the event thread, after the events of the
 * same snapshot; a member that stops fails them.
 */
final class MembershipChanges implements CoreLoop.PublicationListener {

	private final List<Waiter> waiters = new CopyOnWriteArrayList<>();

	/**
	 * Waits until a configuration satisfies {@code done}.
	 * @param done when the change is done
	 * @param current the snapshot published last, checked at once
	 * @return completes with the first configuration that satisfies it
	 */
	CompletableFuture<RaftMembership> await(Predicate<RaftMembership> done, StatusSnapshot current) {
		Waiter waiter = new Waiter(done, new CompletableFuture<>());
		this.waiters.add(waiter);
		check(waiter, membershipOf(current.status()));
		return waiter.future();
	}

	@Override
	public boolean listening() {
		return !this.waiters.isEmpty();
	}

	@Override
	public void published(StatusSnapshot snapshot) {
		RaftMembership membership = membershipOf(snapshot.status());
		for (Waiter waiter : this.waiters) {
			check(waiter, membership);
		}
	}

	/** Fails every waiter: the member stopped, so it will not see the change done. */
	void stopped(String nodeId) {
		for (Waiter waiter : this.waiters) {
			this.waiters.remove(waiter);
			waiter.future()
				.completeExceptionally(new IllegalStateException("Raft member '" + nodeId + "' stopped before it saw "
						+ "the change of members done; the cluster may still complete it"));
		}
	}

	private void check(Waiter waiter, @Nullable RaftMembership membership) {
		if (membership != null && waiter.done().test(membership)) {
			this.waiters.remove(waiter);
			waiter.future().complete(membership);
		}
	}

	private static @Nullable RaftMembership membershipOf(Status status) {
		Membership membership = status.membership();
		return (membership != null)
				? RaftMembership.of(membership, status.membershipIndex(), status.isMembershipCommitted()) : null;
	}

	private record Waiter(Predicate<RaftMembership> done, CompletableFuture<RaftMembership> future) {
	}

}
