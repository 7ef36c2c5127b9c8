package io.github.raftboot.core;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

/**
 * Settings of one {@link RaftNode}. Build with {@link #builder(String, Collection)}.
 *
 * @param nodeId this member's id
 * @param members the members this one forms a cluster with when none of them has ever been part
 * of one (the configuration the cluster starts from), this one included. Once the node is part
 * of a cluster, the configuration in its log decides who is a member, and this set is only what
 * the node's own settings propose. A node whose state predates configurations in the log also
 * uses it as the configuration of that log.
 * @param electionTimeoutMin lower bound of the randomized election timeout; also the stickiness
 * window, the check-quorum window and the basis of the leader lease
 * @param electionTimeoutMax upper bound (exclusive) of the randomized election timeout
 * @param heartbeatInterval how often a leader sends AppendEntries to every follower
 * @param preVote whether a node asks for pre-votes before it raises its term
 * @param checkQuorum whether a leader steps down when it has not heard from a majority within
 * {@code electionTimeoutMin}
 * @param clockDriftBound the largest relative rate difference between any two members' clocks
 * that the lease tolerates, in [0, 0.5); the lease lasts
 * {@code electionTimeoutMin × (1 − clockDriftBound)}
 * @param maxEntriesPerMessage the most log entries one AppendEntries carries
 * @param addresses where each of {@code members} can be reached (opaque to the core, see
 * {@link Membership#addresses()}); may lack entries
 * @param autoJoin whether a node that never joined a cluster, and cannot form one because some of
 * {@code members} belong to a cluster already, asks that cluster's leader to add it (a
 * {@link JoinRequest}), rather than waiting for an operator to add it
 * @param adaptiveTiming whether a leader widens the cluster's {@link Timing} when the configured
 * one proves too tight, and narrows it back after a quiet period; off, a leader brings the
 * cluster back to its configured timing
 * @param timingCeiling the longest election timeout adaptive timing may widen to; at least
 * {@code electionTimeoutMax}
 * @param timingQuietPeriod how long a widened timing must have gone without trouble before a
 * leader narrows it by one level
 */
public record RaftConfig(String nodeId, Set<String> members, Duration electionTimeoutMin, Duration electionTimeoutMax,
		Duration heartbeatInterval, boolean preVote, boolean checkQuorum, double clockDriftBound,
		int maxEntriesPerMessage, Map<String, String> addresses, boolean autoJoin, boolean adaptiveTiming,
		Duration timingCeiling, Duration timingQuietPeriod) {

	public static final Duration DEFAULT_ELECTION_TIMEOUT_MIN = Duration.ofMillis(150);

	public static final Duration DEFAULT_ELECTION_TIMEOUT_MAX = Duration.ofMillis(300);

	public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofMillis(50);

	public static final double DEFAULT_CLOCK_DRIFT_BOUND = 0.1;

	/** The default ceiling of adaptive timing: election timeouts of at most one second. */
	public static final Duration DEFAULT_TIMING_CEILING = Duration.ofSeconds(1);

	/** The default quiet period before a widened timing is narrowed by one level. */
	public static final Duration DEFAULT_TIMING_QUIET_PERIOD = Duration.ofMinutes(5);

	public RaftConfig {
		Objects.requireNonNull(nodeId, "nodeId");
		Objects.requireNonNull(members, "members");
		Objects.requireNonNull(electionTimeoutMin, "electionTimeoutMin");
		Objects.requireNonNull(electionTimeoutMax, "electionTimeoutMax");
		Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
		if (nodeId.isBlank()) {
			throw new IllegalArgumentException("nodeId must not be blank");
		}
		for (String member : members) {
			if (member == null || member.isBlank()) {
				throw new IllegalArgumentException("Member ids must not be blank: " + members);
			}
		}
		if (!members.contains(nodeId)) {
			throw new IllegalArgumentException("members " + members + " must contain this node's id '" + nodeId + "'");
		}
		members = Set.copyOf(new TreeSet<>(members));
		if (electionTimeoutMin.isNegative() || electionTimeoutMin.isZero()) {
			throw new IllegalArgumentException("electionTimeoutMin must be positive, was " + electionTimeoutMin);
		}
		if (electionTimeoutMax.compareTo(electionTimeoutMin) <= 0) {
			throw new IllegalArgumentException("electionTimeoutMax (" + electionTimeoutMax
					+ ") must be greater than electionTimeoutMin (" + electionTimeoutMin
					+ ") so that election timeouts are randomized");
		}
		if (!(clockDriftBound >= 0 && clockDriftBound < 0.5)) {
			throw new IllegalArgumentException("clockDriftBound must be in [0, 0.5), was " + clockDriftBound);
		}
		if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
			throw new IllegalArgumentException("heartbeatInterval must be positive, was " + heartbeatInterval);
		}
		long lease = leaseNanos(electionTimeoutMin, clockDriftBound);
		if (heartbeatInterval.toNanos() * 2 > lease) {
			throw new IllegalArgumentException("heartbeatInterval (" + heartbeatInterval
					+ ") must be at most half the leader lease, electionTimeoutMin x (1 - clockDriftBound) = "
					+ Duration.ofNanos(lease) + ", so that one lost heartbeat does not end the lease;"
					+ " lower heartbeatInterval or raise electionTimeoutMin");
		}
		if (maxEntriesPerMessage < 1) {
			throw new IllegalArgumentException("maxEntriesPerMessage must be at least 1, was " + maxEntriesPerMessage);
		}
		Objects.requireNonNull(addresses, "addresses");
		Map<String, String> knownAddresses = new TreeMap<>();
		for (Map.Entry<String, String> address : addresses.entrySet()) {
			if (!members.contains(address.getKey()) || address.getValue() == null) {
				throw new IllegalArgumentException("addresses " + addresses + " must map members " + members
						+ " to addresses");
			}
			knownAddresses.put(address.getKey(), address.getValue());
		}
		addresses = Map.copyOf(knownAddresses);
		Objects.requireNonNull(timingCeiling, "timingCeiling");
		Objects.requireNonNull(timingQuietPeriod, "timingQuietPeriod");
		if (timingCeiling.compareTo(electionTimeoutMax) < 0 || timingCeiling.toMillis() > Timing.MAX_MILLIS) {
			throw new IllegalArgumentException("timingCeiling (" + timingCeiling
					+ ") must be at least electionTimeoutMax (" + electionTimeoutMax + ") and at most an hour");
		}
		if (timingQuietPeriod.isNegative() || timingQuietPeriod.isZero()) {
			throw new IllegalArgumentException("timingQuietPeriod must be positive, was " + timingQuietPeriod);
		}
	}

	/**
	 * A configuration with the adaptive timing's defaults: on, a ceiling of one second (or
	 * {@code electionTimeoutMax} if that is longer), a quiet period of five minutes.
	 */
	public RaftConfig(String nodeId, Set<String> members, Duration electionTimeoutMin, Duration electionTimeoutMax,
			Duration heartbeatInterval, boolean preVote, boolean checkQuorum, double clockDriftBound,
			int maxEntriesPerMessage, Map<String, String> addresses, boolean autoJoin) {
		this(nodeId, members, electionTimeoutMin, electionTimeoutMax, heartbeatInterval, preVote, checkQuorum,
				clockDriftBound, maxEntriesPerMessage, addresses, autoJoin, true,
				defaultCeiling(electionTimeoutMax), DEFAULT_TIMING_QUIET_PERIOD);
	}

	private static Duration defaultCeiling(@Nullable Duration electionTimeoutMax) {
		return (electionTimeoutMax != null && electionTimeoutMax.compareTo(DEFAULT_TIMING_CEILING) > 0)
				? electionTimeoutMax : DEFAULT_TIMING_CEILING;
	}

	/** The timing this node's settings propose, level 0: what a cluster runs with until its log says otherwise. */
	public Timing baselineTiming() {
		return Timing.of(this.electionTimeoutMin, this.electionTimeoutMax, this.heartbeatInterval,
				"configured timing of " + this.nodeId);
	}

	/**
	 * The configuration this node forms a cluster with: every member of {@link #members()} votes,
	 * at its address from {@link #addresses()} (empty if unknown).
	 */
	public Membership initialMembership() {
		Map<String, String> voters = new TreeMap<>();
		for (String member : this.members) {
			voters.put(member, this.addresses.getOrDefault(member, ""));
		}
		return Membership.initial(voters);
	}

	/** Starts a configuration with the defaults: 150–300 ms election timeout, 50 ms heartbeat. */
	public static Builder builder(String nodeId, Collection<String> members) {
		return new Builder(nodeId, members);
	}

	/** How long a leader's lease lasts after the send time of a round acknowledged by a majority. */
	public Duration leaseDuration() {
		return Duration.ofNanos(leaseNanos(this.electionTimeoutMin, this.clockDriftBound));
	}

	/** How many of {@link #members()} make a majority. */
	public int quorum() {
		return this.members.size() / 2 + 1;
	}

	private static long leaseNanos(Duration electionTimeoutMin, double clockDriftBound) {
		return (long) Math.floor(electionTimeoutMin.toNanos() * (1 - clockDriftBound));
	}

	/** Builds a {@link RaftConfig}. */
	public static final class Builder {

		private final String nodeId;

		private final Set<String> members;

		private Duration electionTimeoutMin = DEFAULT_ELECTION_TIMEOUT_MIN;

		private Duration electionTimeoutMax = DEFAULT_ELECTION_TIMEOUT_MAX;

		private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;

		private boolean preVote = true;

		private boolean checkQuorum = true;

		private double clockDriftBound = DEFAULT_CLOCK_DRIFT_BOUND;

		private int maxEntriesPerMessage = 64;

		private final Map<String, String> addresses = new LinkedHashMap<>();

		private boolean autoJoin = true;

		private boolean adaptiveTiming = true;

		private @Nullable Duration timingCeiling;

		private Duration timingQuietPeriod = DEFAULT_TIMING_QUIET_PERIOD;

		private Builder(String nodeId, Collection<String> members) {
			this.nodeId = nodeId;
			this.members = new LinkedHashSet<>(members);
			this.members.add(nodeId);
		}

		public Builder electionTimeout(Duration min, Duration max) {
			this.electionTimeoutMin = min;
			this.electionTimeoutMax = max;
			return this;
		}

		public Builder heartbeatInterval(Duration heartbeatInterval) {
			this.heartbeatInterval = heartbeatInterval;
			return this;
		}

		public Builder preVote(boolean preVote) {
			this.preVote = preVote;
			return this;
		}

		public Builder checkQuorum(boolean checkQuorum) {
			this.checkQuorum = checkQuorum;
			return this;
		}

		public Builder clockDriftBound(double clockDriftBound) {
			this.clockDriftBound = clockDriftBound;
			return this;
		}

		public Builder maxEntriesPerMessage(int maxEntriesPerMessage) {
			this.maxEntriesPerMessage = maxEntriesPerMessage;
			return this;
		}

		/** Sets where members can be reached, as the driver's transport understands it. */
		public Builder addresses(Map<String, String> addresses) {
			this.addresses.clear();
			this.addresses.putAll(addresses);
			return this;
		}

		/** Sets whether a node asks an existing cluster's leader to add it; on by default. */
		public Builder autoJoin(boolean autoJoin) {
			this.autoJoin = autoJoin;
			return this;
		}

		/** Sets whether leaders adapt the cluster's timing; on by default. */
		public Builder adaptiveTiming(boolean adaptiveTiming) {
			this.adaptiveTiming = adaptiveTiming;
			return this;
		}

		/** Sets the longest election timeout adaptive timing may widen to; one second by default. */
		public Builder timingCeiling(Duration timingCeiling) {
			this.timingCeiling = timingCeiling;
			return this;
		}

		/** Sets how long a widened timing must go without trouble before it is narrowed; five minutes by default. */
		public Builder timingQuietPeriod(Duration timingQuietPeriod) {
			this.timingQuietPeriod = timingQuietPeriod;
			return this;
		}

		public RaftConfig build() {
			Duration ceiling = (this.timingCeiling != null) ? this.timingCeiling : defaultCeiling(this.electionTimeoutMax);
			return new RaftConfig(this.nodeId, this.members, this.electionTimeoutMin, this.electionTimeoutMax,
					this.heartbeatInterval, this.preVote, this.checkQuorum, this.clockDriftBound,
					this.maxEntriesPerMessage, this.addresses, this.autoJoin, this.adaptiveTiming, ceiling,
					this.timingQuietPeriod);
		}

	}

}
