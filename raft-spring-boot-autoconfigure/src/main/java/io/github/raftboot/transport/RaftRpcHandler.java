package io.github.raftboot.transport;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.github.raftboot.core.Message;
import io.github.raftboot.leader.RaftLeadership;
import org.jspecify.annotations.Nullable;

/**
 * The inbound side of the transport: the member that handles the requests other members send
 * to this one. The Raft driver implements it; {@link RaftRpcFilter} (or {@link RaftRpcWebFilter}
 * in a WebFlux application) calls it once a request has passed every check that needs no member
 * state.
 *
 * @see RaftTransport the outbound side
 */
public interface RaftRpcHandler {

	/** This member's id: a request addressed to any other member is refused. */
	String nodeId();

	/**
	 * Whether this member handles requests from that sender: whether it is another member of
	 * the cluster, as this member knows the cluster now. Called on a request thread (in WebFlux,
	 * an event loop thread), for every request, so it must be cheap and must not block.
	 * @param memberId the {@code from} of a request
	 * @return {@code true} if the request may be handled
	 */
	boolean acceptsSender(String memberId);

	/**
	 * Whether this member handles that request, given the cluster its sender names (if any): a
	 * sender this member does not know may be a member it has not learned of yet, if it names this
	 * member's cluster, or a replica that introduces itself. Same constraints as
	 * {@link #acceptsSender(String)}, which it asks unless overridden.
	 * @param request the request
	 * @param clusterId the cluster the sender names, or {@code null}
	 * @return {@code true} if the request may be handled
	 */
	default boolean accepts(Message request, @Nullable String clusterId) {
		return acceptsSender(request.from());
	}

	/**
	 * Why this member refuses that request, if it does: the last check before the request
	 * reaches the member, and the place to refuse what the sender's process shows, such as two
	 * processes that send as one member. Refuses with {@code 403} what
	 * {@link #accepts(Message, String)} does not accept, unless overridden.
	 * @param request the request
	 * @param clusterId the cluster its sender names, or {@code null}
	 * @param instance the id of the sender's process ({@value HttpRaftTransport#INSTANCE_HEADER}),
	 * or {@code null}
	 * @return the refusal, or {@code null} if the request may be handled
	 */
	default @Nullable RpcRefusal refusal(Message request, @Nullable String clusterId, @Nullable String instance) {
		return accepts(request, clusterId) ? null
				: RpcRefusal.forbidden("Sender '" + RpcRefusal.echo(request.from()) + "' is not another member of this cluster");
	}

	/**
	 * The id of the cluster this member belongs to: a request that carries another one is
	 * refused, since it comes from a member of another cluster. Called for every request, so it
	 * must be cheap and must not block.
	 * @return the cluster id, or {@code null} while this member belongs to no cluster (then it
	 * accepts requests of any cluster, as it may be added to one)
	 */
	default @Nullable String clusterId() {
		return null;
	}

	/**
	 * How many times the usual timeout ({@code raft.rpc-timeout}) a request may take to be
	 * handled: more than 1 while the cluster's timing is widened (see
	 * {@link io.github.raftboot.core.Timing}), when the senders wait as much longer for the
	 * answer. Called for every request, so it must be cheap and must not block.
	 * @return the factor, at least 1
	 */
	default double timeoutFactor() {
		return 1;
	}

	/**
	 * Handles a request from another member.
	 * @param request the request, from a {@linkplain #acceptsSender(String) accepted sender} and
	 * addressed to this member
	 * @return completes with the reply, or empty if the member does not answer this request;
	 * exceptionally with {@link IllegalArgumentException} if the request is invalid, or
	 * {@link IllegalStateException} (with a message that may be shown to the sender) if this
	 * member does not run or could not handle it
	 */
	CompletableFuture<Optional<Message>> receive(Message request);

	/**
	 * The handler of the requests of an election group.
	 * @param group the group a request names: {@link RaftLeadership#DEFAULT_GROUP} or a name of
	 * {@code raft.groups}
	 * @return its handler, or {@code null} if this member has no such group
	 */
	default @Nullable RaftRpcHandler groupHandler(String group) {
		return RaftLeadership.DEFAULT_GROUP.equals(group) ? this : null;
	}

}
