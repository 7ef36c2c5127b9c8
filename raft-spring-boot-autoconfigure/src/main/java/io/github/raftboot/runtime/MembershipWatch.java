package io.github.raftboot.runtime;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import io.github.raftboot.core.Formation;
import io.github.raftboot.core.Membership;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.Status;
import io.github.raftboot.transport.RaftTransport;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Follows the configuration in force on the core thread, after every publication: tells the
 * transport whom to reach and in which cluster, warns once when {@code raft.peers} differs from
 * the configuration in the log, and says, now and then, why a replica has not joined a cluster.
 */
final class MembershipWatch {

	// The driver's log category
	private static final Log logger = LogFactory.getLog(RaftServer.class);

	/** How often a replica that has not joined a cluster says why. */
	private static final Duration JOINING_LOG_INTERVAL = Duration.ofSeconds(30);

	private final RaftConfig config;

	private final RaftTransport transport;

	private final Clock clock;

	private final SortedMap<String, URI> configured;

	private @Nullable Membership current;

	private @Nullable Membership previous;

	private @Nullable String warnedDifference;

	private @Nullable Instant waitingSince;

	private @Nullable Instant formationLoggedAt;

	private boolean loggedRemoval;

	MembershipWatch(RaftConfig config, RaftTransport transport, Clock clock) {
		this.config = config;
		this.transport = transport;
		this.clock = clock;
		this.configured = urls(config.addresses());
	}

	void published(Status status) {
		Membership membership = status.membership();
		if (!Objects.equals(membership, this.current)) {
			if (this.current != null) {
				this.previous = this.current;
			}
			this.current = membership;
			updateTransport();
			if (membership != null) {
				warnIfRaftPeersDiffer(membership, status.membershipIndex());
			}
		}
		if (membership == null) {
			logFormation(status.formation());
		}
		if (status.removed() && !this.loggedRemoval) {
			this.loggedRemoval = true;
			logger.warn("Raft member '" + this.config.nodeId() + "' was removed from the cluster (its configuration "
					+ "is now " + membership + "): it no longer votes or campaigns. Stop this replica, or add it "
					+ "again on the leader (POST /actuator/raft/members/" + this.config.nodeId() + ").");
		}
	}

	/**
	 * Whom the transport must reach: every member of the configuration in force, the members of
	 * the one before it (a member being removed must still learn that it was), and the members
	 * {@code raft.peers} lists (to form a cluster, or to be added to one).
	 */
	private void updateTransport() {
		SortedMap<String, URI> addresses = new TreeMap<>(this.configured);
		if (this.previous != null) {
			addresses.putAll(urls(this.previous.addresses()));
		}
		if (this.current != null) {
			addresses.putAll(urls(this.current.addresses()));
		}
		this.transport.members((this.current != null) ? this.current.clusterId() : null, addresses);
	}

	private void warnIfRaftPeersDiffer(Membership membership, long index) {
		SortedSet<String> notMembers = new TreeSet<>(this.config.members());
		notMembers.removeAll(membership.members());
		SortedSet<String> notListed = new TreeSet<>(membership.members());
		notListed.removeAll(this.config.members());
		SortedSet<String> otherUrls = new TreeSet<>();
		for (Map.Entry<String, URI> entry : this.configured.entrySet()) {
			String address = membership.addresses().get(entry.getKey());
			if (address != null && !address.equals(entry.getValue().toString())) {
				otherUrls.add(entry.getKey() + " (" + address + " in the cluster, " + entry.getValue() + " here)");
			}
		}
		if (notMembers.isEmpty() && notListed.isEmpty() && otherUrls.isEmpty()) {
			this.warnedDifference = null;
			return;
		}
		String difference = (notMembers.isEmpty() ? "" : " raft.peers lists " + notMembers + ", which are no members;")
				+ (notListed.isEmpty() ? "" : " the cluster has members " + notListed + ", which raft.peers does not list;")
				+ (otherUrls.isEmpty() ? "" : " members with another URL: " + otherUrls + ";");
		if (difference.equals(this.warnedDifference)) {
			return;
		}
		this.warnedDifference = difference;
		logger.warn("Raft member '" + this.config.nodeId() + "': raft.peers differs from the cluster's configuration "
				+ "(voters " + membership.voters() + ((membership.learners().isEmpty()) ? ""
						: ", learners " + membership.learners())
				+ ", log index " + index + "):" + difference + " raft.peers only forms a new cluster; "
				+ "the configuration in the log decides who is a member. Change the members on the leader "
				+ "(POST or DELETE /actuator/raft/members/{id}, or RaftLeadership.addMember/removeMember), "
				+ "then update raft.peers to match.");
	}

	/**
	 * Says why this replica has not joined a cluster, once it has waited for
	 * {@link #JOINING_LOG_INTERVAL} and then every such interval: replicas of a new cluster
	 * start within seconds of each other, and saying it sooner would only be noise.
	 */
	private void logFormation(@Nullable Formation formation) {
		if (formation == null) {
			return;
		}
		Instant now = this.clock.instant();
		if (this.waitingSince == null) {
			this.waitingSince = now;
		}
		Instant due = (this.formationLoggedAt != null) ? this.formationLoggedAt.plus(JOINING_LOG_INTERVAL)
				: this.waitingSince.plus(JOINING_LOG_INTERVAL);
		if (now.isBefore(due)) {
			return;
		}
		this.formationLoggedAt = now;
		Set<String> refused = formation.refused();
		Set<String> unanswered = formation.unanswered();
		logger.warn("Raft member '" + this.config.nodeId() + "' has not joined a cluster for "
				+ Duration.between(this.waitingSince, now).toSeconds() + " s. It forms one only together with every "
				+ "member of raft.peers " + this.config.members() + ", all without Raft state and with the same "
				+ "raft.peers" + (refused.isEmpty() ? "" : "; refused by " + refused
						+ " (they belong to a cluster already, or list other members in raft.peers)")
				+ (unanswered.isEmpty() ? "" : "; no answer from " + unanswered
						+ " (not started yet, or unreachable: check their URLs in raft.peers)")
				+ (this.config.autoJoin()
						? ". If the others run a cluster already, this replica asks its leader to add it "
								+ "(raft.membership.auto-join); if it is not added, see that leader's log, or add it there: "
						: ". If the others run a cluster already, add this replica on their leader: ")
				+ "POST /actuator/raft/members/" + this.config.nodeId() + " with its URL.");
	}

	private static SortedMap<String, URI> urls(Map<String, String> addresses) {
		SortedMap<String, URI> urls = new TreeMap<>();
		for (Map.Entry<String, String> address : addresses.entrySet()) {
			try {
				if (!address.getValue().isEmpty()) {
					urls.put(address.getKey(), new URI(address.getValue()));
				}
			}
			catch (URISyntaxException ex) {
				logger.warn("Raft member '" + address.getKey() + "' has an address that is no URL: " + address.getValue());
			}
		}
		return urls;
	}

}
