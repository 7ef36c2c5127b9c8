package io.github.raftboot.bench;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What {@code GET /actuator/raft} of one replica answered.
 *
 * @param nodeId the replica's id
 * @param role {@code FOLLOWER}, {@code PRE_CANDIDATE}, {@code CANDIDATE} or {@code LEADER}
 * @param term the current term
 * @param leaderId the leader the replica knows of, if any
 * @param leader whether the replica is the active leader
 * @param leaderSince when its active leadership began, while it is the active leader
 */
record RaftView(String nodeId, String role, long term, @Nullable String leaderId, boolean leader,
		@Nullable Instant leaderSince) {

	static RaftView parse(String json) {
		Map<String, @Nullable Object> body = Json.parseObject(json);
		Object term = body.get("term");
		Object since = body.get("leaderSince");
		return new RaftView(String.valueOf(body.get("nodeId")), String.valueOf(body.get("role")),
				(term instanceof Double number) ? number.longValue() : -1, (String) body.get("leaderId"),
				Boolean.TRUE.equals(body.get("leader")), (since instanceof String text) ? Instant.parse(text) : null);
	}

	boolean isFollowerOf(String leaderId) {
		return "FOLLOWER".equals(this.role) && leaderId.equals(this.leaderId);
	}

}
