package io.github.raftboot.bench;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

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

	/**
	 * Reads these members of the answer and ignores the others. The endpoint writes every member,
	 * {@code null} when unknown, so a missing one is an error.
	 */
	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
		.build();

	RaftView {
		Objects.requireNonNull(nodeId, "nodeId");
		Objects.requireNonNull(role, "role");
	}

	/**
	 * Reads an answer of {@code GET /actuator/raft}.
	 * @param json the answer's body
	 * @return what it says
	 * @throws IllegalArgumentException if the body is not such an answer
	 */
	static RaftView parse(String json) {
		RaftView view;
		try {
			view = JSON.readValue(json, RaftView.class);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Not an answer of /actuator/raft (" + ex.getOriginalMessage() + "): "
					+ abbreviate(json), ex);
		}
		if (view == null) {
			throw new IllegalArgumentException("Not an answer of /actuator/raft: " + abbreviate(json));
		}
		return view;
	}

	boolean isFollowerOf(String leaderId) {
		return "FOLLOWER".equals(this.role) && leaderId.equals(this.leaderId);
	}

	private static String abbreviate(String text) {
		return (text.length() > 200) ? text.substring(0, 200) + "…" : text;
	}

}
