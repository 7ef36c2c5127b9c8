package io.github.raftboot.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link RaftNode} asks of its driver after some input: persist {@link #toPersist()} (if
 * present) durably, <em>then</em> send {@link #messages()}. {@link #roleChanges()} and
 * {@link #status()} describe the node after the input.
 *
 * <p>A driver may send {@link #messagesBeforePersisting()} while it persists, as long as the
 * state is durable before it hands the node any further input, and the rest,
 * {@link #messagesAfterPersisting()}, only once it is (Raft thesis §10.2.1; etcd-io/raft's
 * {@code msgs} and {@code msgsAfterAppend}). The requests a leader or a (pre-)candidate sends
 * promise nothing about this node's disk: if it crashes before its state is durable, it never
 * counted itself towards the entry or the election it asked for. Answers, on the other hand,
 * are promises (a vote, an appended entry) and a {@link TimeoutNow} lets another member bypass
 * the followers' stickiness, so they leave only after everything before them is durable.
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

	/** The requests that may leave before {@link #toPersist()} is durable: AppendEntries and (pre-)votes asked for. */
	public List<Message> messagesBeforePersisting() {
		return this.messages.stream().filter(Ready::mayPrecedePersisting).toList();
	}

	/** The messages that may leave only once {@link #toPersist()} is durable, in order. */
	public List<Message> messagesAfterPersisting() {
		return this.messages.stream().filter((message) -> !mayPrecedePersisting(message)).toList();
	}

	private static boolean mayPrecedePersisting(Message message) {
		return message instanceof AppendEntries || message instanceof RequestVote;
	}

	/** Whether there is nothing to persist, send or report. */
	public boolean isEmpty() {
		return this.toPersist == null && this.messages.isEmpty() && this.roleChanges.isEmpty();
	}

}
