package io.github.raftboot.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link RaftNode} asks of its driver after some input: persist {@link #toPersist()} (if
 * present) durably, <em>then</em> send {@link #messages()}. {@link #roleChanges()} and
 * {@link #status()} describe the node after the input.
 *
 * @param toPersist the state to persist before sending, or {@code null} if it did not change
 * @param messages messages to send, in order
 * @param roleChanges role changes since the previous {@code Ready}, in order
 * @param status the node's status now
 */
public record Ready(@Nullable PersistentState toPersist, List<Message> messages, List<RoleChange> roleChanges,
		Status status) {

	public Ready {
		messages = List.copyOf(messages);
		roleChanges = List.copyOf(roleChanges);
	}

	/** Whether there is nothing to persist, send or report. */
	public boolean isEmpty() {
		return this.toPersist == null && this.messages.isEmpty() && this.roleChanges.isEmpty();
	}

}
