package io.github.raftboot.transport;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.github.raftboot.core.Message;

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

	/** What the transport knows of one member. */
	default PeerState peerState(String memberId) {
		return PeerState.UNKNOWN;
	}

	@Override
	default void close() {
	}

}
