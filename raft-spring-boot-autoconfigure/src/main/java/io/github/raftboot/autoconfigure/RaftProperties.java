package io.github.raftboot.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

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
	 * This replica's member id. Required when there are peers; must be a key of raft.peers if
	 * this replica's own entry is listed there.
	 */
	private @Nullable String nodeId;

	/**
	 * Every member of the cluster, id to base URL (scheme, host, port and any context path),
	 * the same map on every replica. This replica's own entry is optional. Empty means a
	 * one-member cluster that leads at once.
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

	private final Health health = new Health();

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

	public Health getHealth() {
		return this.health;
	}

	/** Settings of the RPC endpoints. */
	public static class Rpc {

		/**
		 * Path under which this replica serves the Raft RPCs (request-vote, append-entries,
		 * timeout-now), relative to the application's context path.
		 */
		private String basePath = "/raft";

		public String getBasePath() {
			return this.basePath;
		}

		public void setBasePath(String basePath) {
			this.basePath = basePath;
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
