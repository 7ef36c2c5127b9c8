package io.github.raftboot.actuate;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import io.github.raftboot.core.Formation;
import io.github.raftboot.core.Role;
import io.github.raftboot.leader.PeerStatus;
import io.github.raftboot.leader.RaftMembership;
import io.github.raftboot.leader.RaftStatus;
import io.github.raftboot.leader.RaftTiming;
import io.github.raftboot.test.TestRaftLeadership;
import org.jspecify.annotations.Nullable;

/**
 * Statuses of a replica for the tests of what reads them, and a {@link TestRaftLeadership} that
 * starts from one.
 */
public final class Statuses {

	private Statuses() {
	}

	/**
	 * A test leadership of the replica of that status, which publishes its events to no one.
	 * @param status the status to start from
	 * @return the leadership
	 */
	public static TestRaftLeadership leadership(RaftStatus status) {
		return new TestRaftLeadership(status.nodeId()).setStatus(status);
	}

	/** A running replica's status with no log, no vote and no leadership of its own. */
	public static RaftStatus running(String nodeId, Role role, long term, @Nullable String leaderId,
			@Nullable Instant lastLeaderContact, PeerStatus... peers) {
		return status(nodeId, RaftStatus.State.RUNNING, role, term, leaderId, lastLeaderContact, peers);
	}

	public static RaftStatus status(String nodeId, RaftStatus.State state, Role role, long term,
			@Nullable String leaderId, @Nullable Instant lastLeaderContact, PeerStatus... peers) {
		boolean leader = role == Role.LEADER && nodeId.equals(leaderId);
		return new RaftStatus(nodeId, state, role, term, leaderId, leader, null, null, 0, 0, lastLeaderContact,
				List.of(peers));
	}

	/**
	 * A running replica's status with a place in the cluster.
	 * @param status the status to copy
	 * @param standing this replica's place
	 * @param membership the configuration in force, or {@code null} while it has joined none
	 * @param formation how its last attempt to form a cluster went, or {@code null}
	 * @return the status with these
	 */
	public static RaftStatus withMembership(RaftStatus status, RaftStatus.Standing standing,
			@Nullable RaftMembership membership, @Nullable Formation formation) {
		return new RaftStatus(status.nodeId(), status.state(), status.role(), status.term(), status.leaderId(),
				status.leader(), status.leaderSince(), status.votedFor(), status.commitIndex(), status.lastLogIndex(),
				status.lastLeaderContact(), status.peers(), standing, membership, formation);
	}

	/**
	 * A status that tells the timing in force.
	 * @param status the status to copy
	 * @param timing the timing
	 * @return the status with it
	 */
	public static RaftStatus withTiming(RaftStatus status, RaftTiming timing) {
		return new RaftStatus(status.nodeId(), status.state(), status.role(), status.term(), status.leaderId(),
				status.leader(), status.leaderSince(), status.votedFor(), status.commitIndex(), status.lastLogIndex(),
				status.lastLeaderContact(), status.peers(), status.standing(), status.membership(), status.formation(),
				status.conflict(), status.runningSince(), timing);
	}

	/**
	 * The default timing widened {@code level} times (0: as configured), with these incidents.
	 * @param level the level
	 * @param leaseLapses leases that lapsed
	 * @param pauses pauses noticed
	 * @return the timing
	 */
	public static RaftTiming timing(int level, long leaseLapses, long pauses) {
		long factor = 1L << level;
		return new RaftTiming(Duration.ofMillis(150 * factor), Duration.ofMillis(300 * factor),
				Duration.ofMillis(50 * factor), level,
				(level == 0) ? "configured timing of n1" : "widened after 2 lease lapses within 30 s", (level == 0) ? 0 : 12,
				true, Duration.ofMillis(150), Duration.ofMillis(300), Duration.ofMillis(50),
				new RaftTiming.Incidents(leaseLapses, 1, 0, pauses, Duration.ofMillis(420), level));
	}

	/**
	 * A status that tells when the replica started running.
	 * @param status the status to copy
	 * @param runningSince when it started running
	 * @return the status with it
	 */
	public static RaftStatus runningSince(RaftStatus status, Instant runningSince) {
		return new RaftStatus(status.nodeId(), status.state(), status.role(), status.term(), status.leaderId(),
				status.leader(), status.leaderSince(), status.votedFor(), status.commitIndex(), status.lastLogIndex(),
				status.lastLeaderContact(), status.peers(), status.standing(), status.membership(), status.formation(),
				status.conflict(), runningSince);
	}

	/**
	 * A status of a replica that learned that another process uses its member id.
	 * @param status the status to copy
	 * @param conflict the words of the member that refused its requests
	 * @return the status with the conflict
	 */
	public static RaftStatus withConflict(RaftStatus status, String conflict) {
		return new RaftStatus(status.nodeId(), status.state(), status.role(), status.term(), status.leaderId(),
				status.leader(), status.leaderSince(), status.votedFor(), status.commitIndex(), status.lastLogIndex(),
				status.lastLeaderContact(), status.peers(), status.standing(), status.membership(), status.formation(),
				conflict, status.runningSince());
	}

	/**
	 * A configuration of the cluster {@code "c1"} whose members are reached at
	 * {@code http://<id>:8080}.
	 * @param voters the voters (while joint, the incoming ones)
	 * @param outgoingVoters the outgoing voters, empty unless joint
	 * @param learners the learners
	 * @param index its log index
	 * @param committed whether it is committed
	 * @return the configuration
	 */
	public static RaftMembership membership(Set<String> voters, Set<String> outgoingVoters, Set<String> learners,
			long index, boolean committed) {
		SortedMap<String, URI> addresses = new TreeMap<>();
		Stream.of(voters, outgoingVoters, learners)
			.flatMap(Set::stream)
			.forEach((id) -> addresses.put(id, URI.create("http://" + id + ":8080")));
		return new RaftMembership("c1", new TreeSet<>(voters), new TreeSet<>(outgoingVoters), new TreeSet<>(learners),
				addresses, index, committed);
	}

	/**
	 * The status of {@code "n1"} leading a cluster of voters n1, n2 and n3 that is adding the
	 * learner n4 (not in n1's {@code raft.peers}): commit index 41, matched up to 41 by n2, 40 by
	 * n3 and 25 by n4; the configuration is at index 12 and committed.
	 * @param now the instant every peer was last reached and the leadership began
	 * @return the status
	 */
	public static RaftStatus leaderOfFourWithALearner(Instant now) {
		List<PeerStatus> peers = List.of(
				new PeerStatus("n2", URI.create("http://n2:8080"), now, "CLOSED", 41L, RaftStatus.Standing.VOTER, true),
				new PeerStatus("n3", URI.create("http://n3:8080"), now, "CLOSED", 40L, RaftStatus.Standing.VOTER, true),
				new PeerStatus("n4", URI.create("http://n4:8080"), now, "CLOSED", 25L, RaftStatus.Standing.LEARNER,
						false));
		return new RaftStatus("n1", RaftStatus.State.RUNNING, Role.LEADER, 7, "n1", true, now, "n1", 41, 42, now,
				peers, RaftStatus.Standing.VOTER, membership(Set.of("n1", "n2", "n3"), Set.of(), Set.of("n4"), 12, true),
				null);
	}

}
