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
 * @param timing the election timing in force and the trouble the replica counted since it started;
 * {@code null} while it does not run
 */
record RaftView(String nodeId, String role, long term, @Nullable String leaderId, boolean leader,
		@Nullable Instant leaderSince, @Nullable Timing timing) {

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

	/**
	 * The {@code timing} member of the answer: the timing in force, in milliseconds.
	 *
	 * @param electionTimeoutMin the minimum election timeout in force (the lease rests on it)
	 * @param electionTimeoutMax the maximum election timeout in force
	 * @param heartbeatInterval the heartbeat interval in force
	 * @param level how many times the configured timing was doubled (0: as configured)
	 * @param reason why the timing is what it is
	 * @param incidents what the replica counted since it started
	 */
	record Timing(long electionTimeoutMin, long electionTimeoutMax, long heartbeatInterval, int level, String reason,
			Incidents incidents) {

		Timing {
			Objects.requireNonNull(reason, "reason");
			Objects.requireNonNull(incidents, "incidents");
		}

		/** Such as {@code level 1: 300–600 ms, heartbeat 100 ms}. */
		String describe() {
			return "level " + this.level + ": " + this.electionTimeoutMin + "–" + this.electionTimeoutMax + " ms, heartbeat "
					+ this.heartbeatInterval + " ms";
		}

	}

	/**
	 * The {@code timing.incidents} member: what a replica counted since it started.
	 *
	 * @param leaseLapses leases that lapsed while it led
	 * @param lateRounds heartbeat rounds acknowledged after half the lease
	 * @param campaignsWhileLeading vote requests from voters while it led
	 * @param pauses times it was not run for longer than expected
	 * @param longestPause the longest, in milliseconds
	 * @param timingChanges timing entries it wrote as leader
	 */
	record Incidents(long leaseLapses, long lateRounds, long campaignsWhileLeading, long pauses, long longestPause,
			long timingChanges) {
	}

	private static String abbreviate(String text) {
		return (text.length() > 200) ? text.substring(0, 200) + "…" : text;
	}

}
