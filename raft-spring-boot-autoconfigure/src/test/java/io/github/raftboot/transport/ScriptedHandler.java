package io.github.raftboot.transport;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.github.raftboot.core.Message;
import io.github.raftboot.leader.RaftLeadership;
import org.jspecify.annotations.Nullable;

/**
 * Member {@code n1} of {@code n1, n2, n3} for dispatcher and adapter tests, answering as scripted
 * (by default with no reply) and recording what it received; the handlers of its other election
 * groups, if any, are scripted ones too.
 */
final class ScriptedHandler implements RaftRpcHandler {

	volatile Set<String> members = Set.of("n2", "n3");

	volatile @Nullable String clusterId;

	/** The id of a process refused as a second one that sends as {@code n2}. */
	volatile @Nullable String otherInstanceOfN2;

	volatile Function<Message, CompletableFuture<Optional<Message>>> reply = (request) -> CompletableFuture
		.completedFuture(Optional.empty());

	final List<Message> received = new CopyOnWriteArrayList<>();

	volatile double timeoutFactor = 1;

	/** The handlers of this member's election groups besides the default one, by name. */
	volatile Map<String, RaftRpcHandler> groups = Map.of();

	@Override
	public double timeoutFactor() {
		return this.timeoutFactor;
	}

	@Override
	public String nodeId() {
		return "n1";
	}

	@Override
	public boolean acceptsSender(String memberId) {
		return this.members.contains(memberId);
	}

	@Override
	public @Nullable RpcRefusal refusal(Message request, @Nullable String clusterId, @Nullable String instance) {
		if (instance != null && instance.equals(this.otherInstanceOfN2) && request.from().equals("n2")) {
			return new RpcRefusal(409, "Another process sends as 'n2'", RpcRefusal.DUPLICATE_MEMBER_ID);
		}
		return RaftRpcHandler.super.refusal(request, clusterId, instance);
	}

	@Override
	public @Nullable String clusterId() {
		return this.clusterId;
	}

	@Override
	public @Nullable RaftRpcHandler groupHandler(String group) {
		return RaftLeadership.DEFAULT_GROUP.equals(group) ? this : this.groups.get(group);
	}

	@Override
	public CompletableFuture<Optional<Message>> receive(Message request) {
		this.received.add(request);
		return this.reply.apply(request);
	}

}
