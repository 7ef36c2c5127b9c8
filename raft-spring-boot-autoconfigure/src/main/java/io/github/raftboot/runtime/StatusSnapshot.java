package io.github.raftboot.runtime;

import java.time.Instant;
import java.util.List;

import io.github.raftboot.core.Role;
import io.github.raftboot.core.Status;
import io.github.raftboot.leader.RaftStatus;
import org.jspecify.annotations.Nullable;

/**
 * What application threads read of a member: immutable, published by the core thread after
 * every input (see {@link StatusBoard}).
 *
 * @param status the node's status after the input
 * @param state whether the member runs
 * @param leadership the active leadership of this member when the snapshot was taken, or
 * {@code null} if it was not the active leader then
 * @param lastLeaderContact when a leader was last known, on the wall clock, or {@code null} if
 * none ever was
 */
record StatusSnapshot(Status status, RaftStatus.State state, @Nullable Leadership leadership,
		@Nullable Instant lastLeaderContact) {

	/**
	 * The snapshot of a member that has not started yet.
	 * @param nodeId the member
	 * @return a follower's snapshot of term 0 that knows no leader
	 */
	static StatusSnapshot initial(String nodeId) {
		Status status = new Status(nodeId, Role.FOLLOWER, 0, null, null, 0, 0, 0, null, null, null, List.of(), null, 0,
				null, false);
		return new StatusSnapshot(status, RaftStatus.State.STARTING, null, null);
	}

	/**
	 * A leadership, from the snapshot in which it became active to the one in which it ended.
	 *
	 * @param term the term of the leadership
	 * @param since when it became active, on the wall clock
	 */
	record Leadership(long term, Instant since) {

	}

}
