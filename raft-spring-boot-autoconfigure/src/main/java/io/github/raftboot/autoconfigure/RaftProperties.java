package io.github.raftboot.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of Raft leader election, under the {@code raft} prefix.
 */
@ConfigurationProperties("raft")
public class RaftProperties {

	/**
	 * Whether Raft leader election is enabled.
	 */
	private boolean enabled = true;

	/**
	 * This replica's member id. Required when there are peers, and must then be one of the
	 * keys of raft.peers.
	 */
	private @Nullable String nodeId;

	/**
	 * The members to form the cluster with, id to base URL (scheme, host, port and any context
	 * path), this replica included, the same map on every replica. The cluster is formed once,
	 * when every one of them has started without Raft state; from then on the configuration in
	 * the replicated log decides who is a member (change it with the raft endpoint or
	 * RaftLeadership.addMember/removeMember), and a difference from this map is logged. Empty
	 * means a one-member cluster that leads at once.
	 */
	private Map<String, URI> peers = new LinkedHashMap<>();

	/**
	 * Lower bound of the randomized election timeout. Also how long a follower stays loyal to
	 * a leader it heard from, and the basis of the leader lease.
	 */
	private Duration electionTimeoutMin = Duration.ofMillis(150);

	/**
	 * Upper bound (exclusive) of the randomized election timeout.
	 */
	private Duration electionTimeoutMax = Duration.ofMillis(300);

	/**
	 * How often the leader sends a heartbeat to every follower. At most half the lease,
	 * election-timeout-min x (1 - clock-drift-bound).
	 */
	private Duration heartbeatInterval = Duration.ofMillis(50);

	/**
	 * How long to wait for the answer to one RPC before giving up on it.
	 */
	private Duration rpcTimeout = Duration.ofMillis(100);

	/**
	 * Whether a replica asks for pre-votes before it raises its term, so that a replica that
	 * was cut off cannot unseat a healthy leader when it comes back.
	 */
	private boolean preVote = true;

	/**
	 * Whether a leader steps down when it has not heard from a majority within the minimum
	 * election timeout.
	 */
	private boolean checkQuorum = true;

	/**
	 * Largest relative difference in rate between the clocks of any two replicas that the
	 * leader lease tolerates, from 0 to 0.5 (exclusive). The lease lasts
	 * election-timeout-min x (1 - clock-drift-bound).
	 */
	private double clockDriftBound = 0.1;

	/**
	 * Directory where this replica keeps its term, vote and log. Defaults to
	 * 'raft-data/{node-id}' under the working directory.
	 */
	private @Nullable Path dataDir;

	private final Rpc rpc = new Rpc();

	private final Security security = new Security();

	private final Health health = new Health();

	private final Membership membership = new Membership();

	private final Timing timing = new Timing();

	private final WarmUp warmUp = new WarmUp();

	/**
	 * Names of election groups besides the default one: each has a leader, term, lease and
	 * fencing token of its own (@OnLeader("billing"), RaftLeadership.isLeader("billing")), with
	 * the same members, transport and thread as the default group. Names are lower-case letters,
	 * digits and '-', up to 40 characters; "default" is taken. Every replica must list the same
	 * groups.
	 */
	private List<String> groups = new ArrayList<>();

	/**
	 * A preferred leader per group, group name ("default" for the default group) to member id:
	 * while that member runs and is in touch, the group's leadership moves to it.
	 */
	private Map<String, String> preferredLeaders = new LinkedHashMap<>();

	private final Balance balance = new Balance();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getNodeId() {
		return this.nodeId;
	}

	public void setNodeId(@Nullable String nodeId) {
		this.nodeId = nodeId;
	}

	public Map<String, URI> getPeers() {
		return this.peers;
	}

	public void setPeers(Map<String, URI> peers) {
		this.peers = peers;
	}

	public Duration getElectionTimeoutMin() {
		return this.electionTimeoutMin;
	}

	public void setElectionTimeoutMin(Duration electionTimeoutMin) {
		this.electionTimeoutMin = electionTimeoutMin;
	}

	public Duration getElectionTimeoutMax() {
		return this.electionTimeoutMax;
	}

	public void setElectionTimeoutMax(Duration electionTimeoutMax) {
		this.electionTimeoutMax = electionTimeoutMax;
	}

	public Duration getHeartbeatInterval() {
		return this.heartbeatInterval;
	}

	public void setHeartbeatInterval(Duration heartbeatInterval) {
		this.heartbeatInterval = heartbeatInterval;
	}

	public Duration getRpcTimeout() {
		return this.rpcTimeout;
	}

	public void setRpcTimeout(Duration rpcTimeout) {
		this.rpcTimeout = rpcTimeout;
	}

	public boolean isPreVote() {
		return this.preVote;
	}

	public void setPreVote(boolean preVote) {
		this.preVote = preVote;
	}

	public boolean isCheckQuorum() {
		return this.checkQuorum;
	}

	public void setCheckQuorum(boolean checkQuorum) {
		this.checkQuorum = checkQuorum;
	}

	public double getClockDriftBound() {
		return this.clockDriftBound;
	}

	public void setClockDriftBound(double clockDriftBound) {
		this.clockDriftBound = clockDriftBound;
	}

	public @Nullable Path getDataDir() {
		return this.dataDir;
	}

	public void setDataDir(@Nullable Path dataDir) {
		this.dataDir = dataDir;
	}

	public Rpc getRpc() {
		return this.rpc;
	}

	public Security getSecurity() {
		return this.security;
	}

	public Health getHealth() {
		return this.health;
	}

	public Membership getMembership() {
		return this.membership;
	}

	public Timing getTiming() {
		return this.timing;
	}

	/** Settings of adaptive timing: how the cluster widens its timing on busy machines. */
	public static class Timing {

		/**
		 * Whether the leader widens the cluster's election timeout, lease and heartbeat together
		 * (doubling them, up to the ceiling) when the configured ones prove too tight: leases
		 * that lapse, heartbeats acknowledged late, members that campaign while it leads, pauses;
		 * and narrows them back after a quiet period. Off: the cluster runs with the configured
		 * timing of its leader.
		 */
		private boolean adaptive = true;

		/**
		 * The longest election timeout adaptive timing may widen to; at least
		 * raft.election-timeout-max.
		 */
		private Duration ceiling = Duration.ofSeconds(1);

		/**
		 * How long a widened timing must have gone without trouble before the leader narrows
		 * it by one step.
		 */
		private Duration quietPeriod = Duration.ofMinutes(5);

		public boolean isAdaptive() {
			return this.adaptive;
		}

		public void setAdaptive(boolean adaptive) {
			this.adaptive = adaptive;
		}

		public Duration getCeiling() {
			return this.ceiling;
		}

		public void setCeiling(Duration ceiling) {
			this.ceiling = ceiling;
		}

		public Duration getQuietPeriod() {
			return this.quietPeriod;
		}

		public void setQuietPeriod(Duration quietPeriod) {
			this.quietPeriod = quietPeriod;
		}

	}

	public WarmUp getWarmUp() {
		return this.warmUp;
	}

	public List<String> getGroups() {
		return this.groups;
	}

	public void setGroups(List<String> groups) {
		this.groups = groups;
	}

	public Map<String, String> getPreferredLeaders() {
		return this.preferredLeaders;
	}

	public void setPreferredLeaders(Map<String, String> preferredLeaders) {
		this.preferredLeaders = preferredLeaders;
	}

	public Balance getBalance() {
		return this.balance;
	}

	/** Settings of spreading the leaders of the election groups across the replicas. */
	public static class Balance {

		/**
		 * Whether a replica that leads more groups than its share (the number of groups divided
		 * by the number of voters, rounded up) hands the surplus to the replicas that lead the
		 * fewest, and a group with a preferred leader moves to it.
		 */
		private boolean enabled = true;

		/**
		 * How long a replica must lead more than its share, and the replica to take over must have
		 * been in touch, before a group moves: so that a restart or a short partition does not
		 * move leaders back and forth.
		 */
		private Duration delay = Duration.ofSeconds(5);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getDelay() {
			return this.delay;
		}

		public void setDelay(Duration delay) {
			this.delay = delay;
		}

	}

	/** Settings of the warm-up of the election code at startup. */
	public static class WarmUp {

		/**
		 * Whether a replica with peers runs the code of elections and of leadership in a
		 * throwaway in-memory cluster once the application is ready (a few seconds of CPU,
		 * at most a quarter of 20 to 40 seconds on a background thread, once per JVM; none once
		 * the replica leads, none while the JVM pauses), so that its first election or hand-over
		 * does not run cold code.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/** Settings of changes of the cluster's members. */
	public static class Membership {

		/**
		 * Whether a replica that has no Raft state, and finds that members of raft.peers belong
		 * to a cluster already, asks that cluster's leader to add it (as a learner first, then as
		 * a voter once caught up). Off: it waits until an operator adds it.
		 */
		private boolean autoJoin = true;

		public boolean isAutoJoin() {
			return this.autoJoin;
		}

		public void setAutoJoin(boolean autoJoin) {
			this.autoJoin = autoJoin;
		}

	}

	/** Settings of the RPC endpoints. */
	public static class Rpc {

		/**
		 * Path under which this replica serves the Raft RPCs (request-vote, append-entries,
		 * timeout-now), relative to the application's context path.
		 */
		private String basePath = "/raft";

		/**
		 * Largest request body the RPC endpoints accept; larger ones are answered 413 without
		 * being read. Must hold the largest message this cluster sends (an AppendEntries with
		 * 64 log entries, up to 4 of them configurations that list every member and its URL,
		 * takes about 7KB for three members); startup fails if it cannot.
		 */
		private DataSize maxBodySize = DataSize.ofKilobytes(64);

		/**
		 * How long a connection to another replica may go unused before an OPTIONS request
		 * keeps it open, so that a failover does not wait for new connections; 0 to send none.
		 * Keep it below the replicas' HTTP keep-alive timeout (60s on an embedded Tomcat).
		 */
		private Duration keepWarmInterval = Duration.ofSeconds(20);

		private final Ssl ssl = new Ssl();

		public String getBasePath() {
			return this.basePath;
		}

		public void setBasePath(String basePath) {
			this.basePath = basePath;
		}

		public DataSize getMaxBodySize() {
			return this.maxBodySize;
		}

		public void setMaxBodySize(DataSize maxBodySize) {
			this.maxBodySize = maxBodySize;
		}

		public Duration getKeepWarmInterval() {
			return this.keepWarmInterval;
		}

		public void setKeepWarmInterval(Duration keepWarmInterval) {
			this.keepWarmInterval = keepWarmInterval;
		}

		public Ssl getSsl() {
			return this.ssl;
		}

		/** TLS settings of the calls to other members. */
		public static class Ssl {

			/**
			 * Name of the SSL bundle (spring.ssl.bundle.*) whose trust material decides which
			 * members with an https URL are trusted, and whose key material, if any, is the
			 * client certificate presented to them (mutual TLS). Unset: the JDK's default trust
			 * store and no client certificate.
			 */
			private @Nullable String bundle;

			public @Nullable String getBundle() {
				return this.bundle;
			}

			public void setBundle(@Nullable String bundle) {
				this.bundle = bundle;
			}

		}

	}

	/** Authentication of the RPCs between replicas. */
	public static class Security {

		/**
		 * Shared secret that every RPC between replicas must carry as 'Authorization: Bearer
		 * <token>', the same on every replica; RPCs without it are answered 401. Use a long
		 * random value (for example 'openssl rand -base64 32') of visible ASCII characters, and
		 * TLS where the network between replicas is not trusted. Unset: RPCs are not
		 * authenticated and anyone who can reach the HTTP port can disturb the election.
		 */
		private @Nullable String token;

		/**
		 * A second token that incoming RPCs may carry, accepted but never sent, to rotate the
		 * token without downtime in three rolling restarts, each completed on every replica
		 * before the next begins: 1) set previous-token to the new token (all still send the
		 * old one, all now accept both); 2) set token to the new token and previous-token to
		 * the old one (all send the new one); 3) remove previous-token.
		 */
		private @Nullable String previousToken;

		public @Nullable String getToken() {
			return this.token;
		}

		public void setToken(@Nullable String token) {
			this.token = token;
		}

		public @Nullable String getPreviousToken() {
			return this.previousToken;
		}

		public void setPreviousToken(@Nullable String previousToken) {
			this.previousToken = previousToken;
		}

		@Override
		public String toString() {
			return "Security[token=" + ((this.token != null) ? "******" : "none") + "]";
		}

	}

	/** Settings of the 'raft' health indicator. */
	public static class Health {

		/**
		 * Health status reported when this replica has known no leader for longer than the
		 * maximum election timeout. Never DOWN merely because the replica is a follower.
		 */
		private String leaderlessStatus = "OUT_OF_SERVICE";

		public String getLeaderlessStatus() {
			return this.leaderlessStatus;
		}

		public void setLeaderlessStatus(String leaderlessStatus) {
			this.leaderlessStatus = leaderlessStatus;
		}

	}

}
