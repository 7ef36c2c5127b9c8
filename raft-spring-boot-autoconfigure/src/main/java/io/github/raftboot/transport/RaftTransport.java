package io.github.raftboot.transport;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.github.raftboot.core.Message;
import io.github.raftboot.leader.RaftLeadership;
import org.jspecify.annotations.Nullable;

/**
 * Carries requests ({@code RequestVote}, {@code AppendEntries}, {@code TimeoutNow}) to other
 * members and brings back their replies.
 *
 * <p>{@link #send(Message)} must never block the caller: the Raft driver calls it from the one
 * thread that runs the election.
 */
public interface RaftTransport extends AutoCloseable {

	/**
	 * Sends a request to {@code request.to()}.
	 * @param request the request
	 * @return completes with the reply, or empty when the member answered without one; completes
	 * exceptionally when the member could not be reached or did not answer in time
	 */
	CompletableFuture<Optional<Message>> send(Message request);

	/**
	 * Sends a request that may take longer than usual to be answered: the cluster's timing has
	 * been widened (see {@link io.github.raftboot.core.Timing}) by {@code timeoutFactor}, and so
	 * has the time a member may take to answer. A transport with a timeout of its own waits that
	 * many times as long; one without ignores it.
	 * @param request the request
	 * @param timeoutFactor how many times the usual timeout to wait, at least 1
	 * @return as {@link #send(Message)}
	 */
	default CompletableFuture<Optional<Message>> send(Message request, double timeoutFactor) {
		return send(request);
	}

	/**
	 * Sends requests of one or more election groups to one member together: a transport that
	 * can carries them in one exchange (the driver hands it everything a replica sends to a member
	 * at one moment, such as the heartbeats of every group it leads), so that what a replica costs
	 * grows with the members, not with the groups. Each request completes on its own, as
	 * {@link #send(Message, double)} describes.
	 * <p>This default sends the requests of the default group one by one and fails those of any
	 * other group: a transport that carries groups overrides it.
	 * @param requests the requests, all to the same member
	 * @param timeoutFactor as for {@link #send(Message, double)}
	 * @return one future per request, in the same order
	 */
	default List<CompletableFuture<Optional<Message>>> sendTogether(List<GroupRequest> requests,
			double timeoutFactor) {
		List<CompletableFuture<Optional<Message>>> replies = new ArrayList<>(requests.size());
		for (GroupRequest request : requests) {
			replies.add(RaftLeadership.DEFAULT_GROUP.equals(request.group())
					? send(request.request(), timeoutFactor)
					: CompletableFuture.failedFuture(new UnsupportedOperationException(getClass().getSimpleName()
							+ " carries the default election group only, not '" + request.group() + "'")));
		}
		return replies;
	}

	/**
	 * Tells the transport whom it may have to reach, as the member set changes at run time: every
	 * call replaces the previous one. A transport that routes otherwise may ignore it.
	 * @param clusterId the id of the cluster this member belongs to, sent along with every request
	 * so that a member of another cluster refuses it; {@code null} while it belongs to none
	 * @param addresses the base URL of every member to reach, this one possibly included (never
	 * called)
	 */
	default void members(@Nullable String clusterId, Map<String, URI> addresses) {
	}

	/** What the transport knows of one member. */
	default PeerState peerState(String memberId) {
		return PeerState.UNKNOWN;
	}

	@Override
	default void close() {
	}

	/**
	 * A request of an election group.
	 *
	 * @param group {@link RaftLeadership#DEFAULT_GROUP} or a name of {@code raft.groups}
	 * @param request the request
	 */
	record GroupRequest(String group, Message request) {

		public GroupRequest {
			Objects.requireNonNull(group, "group");
			Objects.requireNonNull(request, "request");
		}

	}

}
