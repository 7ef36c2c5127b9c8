package io.github.raftboot.bench;

import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The configuration that {@code GET /actuator/raft} of one replica reports, and the replica's
 * place in it.
 *
 * @param nodeId the replica's id
 * @param leader whether the replica is the active leader
 * @param leaderId the leader it knows of, if any
 * @param term its current term
 * @param standing {@code VOTER}, {@code LEARNER}, {@code JOINING} (no member yet) or
 * {@code REMOVED}
 * @param membership the configuration in force, or {@code null} while it has joined no cluster
 */
record MembershipView(String nodeId, boolean leader, @Nullable String leaderId, long term, String standing,
		@Nullable Configuration membership) {

	/**
	 * Reads these members of the answer and ignores the others. The endpoint writes every member,
	 * {@code null} when unknown, so a missing one is an error: an answer without {@code standing}
	 * comes from a replica that cannot change its members.
	 */
	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
		.build();

	MembershipView {
		Objects.requireNonNull(nodeId, "nodeId");
		Objects.requireNonNull(standing, "standing");
	}

	/**
	 * Reads an answer of {@code GET /actuator/raft}.
	 * @param json the answer's body
	 * @return what it says of the configuration
	 * @throws IllegalArgumentException if the body is not such an answer
	 */
	static MembershipView parse(String json) {
		MembershipView view;
		try {
			view = JSON.readValue(json, MembershipView.class);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Not an answer of /actuator/raft with a configuration ("
					+ ex.getOriginalMessage() + "): " + abbreviate(json), ex);
		}
		if (view == null) {
			throw new IllegalArgumentException("Not an answer of /actuator/raft: " + abbreviate(json));
		}
		return view;
	}

	/** Whether {@code member} votes in the configuration in force (in either half, while joint). */
	boolean votes(String member) {
		return this.membership != null
				&& (this.membership.voters().contains(member) || this.membership.outgoingVoters().contains(member));
	}

	/** Whether {@code member} is in the configuration in force at all (a voter or a learner). */
	boolean lists(String member) {
		return votes(member) || (this.membership != null && this.membership.learners().contains(member));
	}

	/** Whether the configuration in force is settled: committed, not joint, no learner catching up. */
	boolean settled() {
		return this.membership != null && this.membership.settled();
	}

	private static String abbreviate(String text) {
		return (text.length() > 200) ? text.substring(0, 200) + "…" : text;
	}

	/**
	 * A configuration.
	 *
	 * @param voters the voters (while joint, those being moved to)
	 * @param outgoingVoters while joint, the voters being left
	 * @param learners members catching up, not voting yet
	 * @param joint whether a change of voters is under way
	 * @param index the log index of the configuration
	 * @param committed whether it is known to be committed
	 */
	record Configuration(Set<String> voters, Set<String> outgoingVoters, Set<String> learners, boolean joint, long index,
			boolean committed) {

		Configuration {
			voters = Set.copyOf(voters);
			outgoingVoters = Set.copyOf(outgoingVoters);
			learners = Set.copyOf(learners);
		}

		boolean settled() {
			return this.committed && !this.joint && this.learners.isEmpty();
		}

	}

}
