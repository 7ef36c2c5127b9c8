package io.github.raftboot.transport;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.AppendEntriesResponse;
import io.github.raftboot.core.JoinRequest;
import io.github.raftboot.core.JoinResponse;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.core.RequestVoteResponse;
import io.github.raftboot.core.TimeoutNow;
import org.jspecify.annotations.Nullable;

/**
 * The Raft RPCs on the wire, shared by the client ({@link HttpRaftTransport}) and the server
 * ({@link RaftRpcDispatcher}): each is a {@code POST} of its request to {@code {basePath}{path}},
 * answered by its reply type, or by nothing.
 */
enum RaftRpc {

	/** A pre-vote: a {@link RequestVote} on the same endpoint as a vote. */
	PRE_VOTE("pre-vote", "/request-vote", RequestVote.class, RequestVoteResponse.class),

	REQUEST_VOTE("request-vote", "/request-vote", RequestVote.class, RequestVoteResponse.class),

	APPEND_ENTRIES("append-entries", "/append-entries", AppendEntries.class, AppendEntriesResponse.class),

	TIMEOUT_NOW("timeout-now", "/timeout-now", TimeoutNow.class, null),

	/** A replica that never joined a cluster asks the leader to add it. */
	JOIN("join", "/join", JoinRequest.class, JoinResponse.class);

	/**
	 * The path, relative to the base path, of a batch: requests of any RPCs and election groups to
	 * one member, answered together (see {@link RaftJson#writeBatch(java.util.List)}).
	 */
	static final String BATCH_PATH = "/batch";

	private final String rpcName;

	private final String path;

	private final Class<? extends Message> requestType;

	private final @Nullable Class<? extends Message> replyType;

	RaftRpc(String rpcName, String path, Class<? extends Message> requestType,
			@Nullable Class<? extends Message> replyType) {
		this.rpcName = rpcName;
		this.path = path;
		this.requestType = requestType;
		this.replyType = replyType;
	}

	/** The name of the RPC in metrics and logs, such as {@code pre-vote}. */
	String rpcName() {
		return this.rpcName;
	}

	/** The path of the endpoint, relative to the base path, such as {@code /request-vote}. */
	String path() {
		return this.path;
	}

	/** The type of the request. */
	Class<? extends Message> requestType() {
		return this.requestType;
	}

	/** The type of the reply, or {@code null} if the RPC has none. */
	@Nullable Class<? extends Message> replyType() {
		return this.replyType;
	}

	/**
	 * The RPC that carries a request.
	 * @param request the request
	 * @return its RPC
	 * @throws IllegalArgumentException if the message is not a request
	 */
	static RaftRpc of(Message request) {
		if (request instanceof RequestVote vote) {
			return vote.preVote() ? PRE_VOTE : REQUEST_VOTE;
		}
		if (request instanceof AppendEntries) {
			return APPEND_ENTRIES;
		}
		if (request instanceof TimeoutNow) {
			return TIMEOUT_NOW;
		}
		if (request instanceof JoinRequest) {
			return JOIN;
		}
		throw new IllegalArgumentException("Only requests can be sent, not a " + request.getClass().getSimpleName());
	}

	/**
	 * Normalizes a base path: no trailing slash, a leading one unless empty.
	 * @param basePath the path, such as {@code raft/} or {@code /raft}; empty or {@code /} for the root
	 * @return the path, such as {@code /raft}, or empty for the root
	 * @throws IllegalArgumentException if it is not a path (it has a query, a fragment or a scheme)
	 */
	static String normalizeBasePath(String basePath) {
		String path = basePath.strip();
		if (path.contains("?") || path.contains("#") || path.contains("://")) {
			throw new IllegalArgumentException("basePath must be a path, was '" + basePath + "'");
		}
		while (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		if (!path.isEmpty() && !path.startsWith("/")) {
			path = "/" + path;
		}
		return path;
	}

}
