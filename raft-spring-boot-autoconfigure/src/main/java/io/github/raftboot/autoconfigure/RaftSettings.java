package io.github.raftboot.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.EntryType;
import io.github.raftboot.core.LogEntry;
import io.github.raftboot.core.Membership;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.RaftNode;
import io.github.raftboot.core.Timing;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.transport.RaftJson;
import io.github.raftboot.transport.RpcAuthentication;
import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * Turns {@link RaftProperties} into a {@link RaftConfig}, the member URLs, the data directory and
 * the authentication of the RPCs, or fails with a {@link RaftConfigurationException} that names
 * the property to fix.
 *
 * @param config the core settings
 * @param peerUrls base URL of every other member
 * @param dataDir where this member keeps its state
 * @param authentication how the RPCs are authenticated
 */
record RaftSettings(RaftConfig config, Map<String, URI> peerUrls, Path dataDir, RpcAuthentication authentication) {

	/** What a name of {@code raft.groups} may look like. */
	private static final Pattern GROUP_NAME = Pattern.compile("[a-z0-9-]{1,40}");

	static RaftSettings from(RaftProperties properties) {
		Map<String, URI> peers = properties.getPeers();
		String nodeId = properties.getNodeId();
		if (nodeId == null || nodeId.isBlank()) {
			if (!peers.isEmpty()) {
				throw new RaftConfigurationException(
						"raft.node-id is not set, but raft.peers lists " + peers.keySet()
								+ ", so this replica does not know which member it is.",
						"Set raft.node-id to this replica's id, one of " + peers.keySet() + ".");
			}
			nodeId = "raft";
		}
		checkIds(peers, nodeId);
		Map<String, URI> peerUrls = checkUrls(peers, nodeId);
		if (!peers.isEmpty() && !peers.containsKey(nodeId)) {
			throw new RaftConfigurationException(
					"raft.node-id is '" + nodeId + "', but raft.peers lists only " + peers.keySet()
							+ ": this replica would not know its own URL, which the cluster's configuration holds for "
							+ "every member.",
					"List every replica in raft.peers, this one included (raft.peers." + nodeId
							+ "=http://<its host>:<its port>), with the same list on every replica; or set raft.node-id "
							+ "to this replica's id, one of " + peers.keySet() + ".");
		}
		checkTimings(properties);
		Set<String> members = new LinkedHashSet<>(peers.keySet());
		members.add(nodeId);
		checkGroups(properties.getGroups());
		checkPreferredLeaders(properties.getPreferredLeaders(), properties.getGroups(), members);
		Map<String, String> addresses = new LinkedHashMap<>();
		peers.forEach((id, url) -> addresses.put(id, canonical(url)));
		RaftConfig config;
		try {
			config = RaftConfig.builder(nodeId, members)
				.addresses(addresses)
				.autoJoin(properties.getMembership().isAutoJoin())
				.electionTimeout(properties.getElectionTimeoutMin(), properties.getElectionTimeoutMax())
				.heartbeatInterval(properties.getHeartbeatInterval())
				.preVote(properties.isPreVote())
				.checkQuorum(properties.isCheckQuorum())
				.clockDriftBound(properties.getClockDriftBound())
				.adaptiveTiming(properties.getTiming().isAdaptive())
				.timingCeiling(properties.getTiming().getCeiling())
				.timingQuietPeriod(properties.getTiming().getQuietPeriod())
				.build();
		}
		catch (IllegalArgumentException ex) {
			throw new RaftConfigurationException("Invalid raft.* settings: " + ex.getMessage(),
					"Fix the raft.* settings named above.", ex);
		}
		checkMaxBodySize(properties.getRpc().getMaxBodySize(), config, peers);
		Path dataDir = properties.getDataDir();
		if (dataDir == null) {
			dataDir = Path.of("raft-data", nodeId);
		}
		return new RaftSettings(config, peerUrls, dataDir.toAbsolutePath(), authentication(properties.getSecurity()));
	}

	private static RpcAuthentication authentication(RaftProperties.Security security) {
		String token = security.getToken();
		String previousToken = security.getPreviousToken();
		if (token == null) {
			if (previousToken != null) {
				throw new RaftConfigurationException(
						"raft.security.previous-token is set but raft.security.token is not, so RPCs would not be "
								+ "authenticated at all.",
						"Set raft.security.token too, or remove raft.security.previous-token.");
			}
			return RpcAuthentication.none();
		}
		try {
			return RpcAuthentication.bearerToken(token, previousToken);
		}
		catch (IllegalArgumentException ex) {
			// The message names the problem and its position, never the token itself.
			String property = ex.getMessage().startsWith("previousToken") ? "raft.security.previous-token"
					: "raft.security.token";
			throw new RaftConfigurationException(
					"Invalid " + property + ": " + ex.getMessage().replaceFirst("^(previousToken|token) ", "it "),
					"Set " + property + " to a long random value of visible ASCII characters without spaces, "
							+ "such as the output of 'openssl rand -base64 32', or remove it.");
		}
	}

	/**
	 * Fails unless the body size limit holds the largest message this member may send or
	 * receive. That is an AppendEntries, and this assumes the worst of it: the most entries, of
	 * which the most configuration entries, and a base configuration; every number at its largest
	 * and the longest member id as sender and receiver. Each configuration is joint, with every
	 * member of {@code raft.peers} (and this one) both as a voter and as an outgoing voter, at its
	 * URL from {@code raft.peers}. A base only comes with the first entries of the log, whose
	 * indices are small, so this overestimates a little.
	 */
	private static void checkMaxBodySize(@Nullable DataSize maxBodySize, RaftConfig config, Map<String, URI> peers) {
		String longest = config.members().stream().max(Comparator.comparingInt(String::length)).orElseThrow();
		Membership membership = largestMembership(config.members(), peers);
		int entries = config.maxEntriesPerMessage();
		int configurations = Math.min(RaftNode.MAX_CONFIGURATIONS_PER_MESSAGE, entries);
		long max = Message.MAX_VALUE;
		List<LogEntry> log = new ArrayList<>(entries);
		// Of the entries, at most that many carry data: configurations, or timings with the longest
		// reason, whichever is larger here; the rest are no-ops.
		Timing timing = new Timing(Timing.MAX_MILLIS - 1, Timing.MAX_MILLIS, Timing.MAX_MILLIS - 2, Timing.MAX_LEVEL,
				"r".repeat(Timing.MAX_REASON_LENGTH));
		RaftJson json = new RaftJson();
		boolean timingsLarger = json.write(new AppendEntries(longest, longest, max, max - 1, max,
				List.of(LogEntry.timing(max, max, timing)), max, max)).length > json.write(new AppendEntries(longest,
						longest, max, max - 1, max, List.of(LogEntry.config(max, max, membership)), max, max)).length;
		for (int i = 1; i <= entries; i++) {
			long index = max - entries + i;
			log.add((i > configurations) ? new LogEntry(index, max, EntryType.NOOP)
					: timingsLarger ? LogEntry.timing(index, max, timing) : LogEntry.config(index, max, membership));
		}
		int base = json.write(new AppendEntries(longest, longest, max, 0, 0, List.of(), max, max, membership)).length
				- json.write(new AppendEntries(longest, longest, max, 0, 0, List.of(), max, max, null)).length;
		int largest = json.write(new AppendEntries(longest, longest, max, max - entries, max, log, max, max)).length
				+ base;
		if (maxBodySize == null || maxBodySize.toBytes() < largest
				|| maxBodySize.toBytes() > DataSize.ofGigabytes(1).toBytes()) {
			throw new RaftConfigurationException("raft.rpc.max-body-size is " + maxBodySize
					+ ", but the largest message of this cluster (an AppendEntries with " + entries + " entries, "
					+ configurations + " of them configurations or timings, and a base configuration, each of the "
					+ config.members().size() + " members with their URLs) takes up to " + largest
					+ " bytes, and the limit must not exceed 1GB.",
					"Set raft.rpc.max-body-size to at least " + largest + "B; the default, 64KB, suits most clusters.");
		}
	}

	/**
	 * The largest configuration of these members: all of them voters of a joint configuration
	 * from and to themselves, each at its URL. A member without one in {@code raft.peers} (this
	 * one, if it does not list itself) is counted at the longest URL of the others.
	 */
	private static Membership largestMembership(Set<String> members, Map<String, URI> peers) {
		String longestUrl = peers.values()
			.stream()
			.map(URI::toString)
			.max(Comparator.comparingInt(String::length))
			.orElse("");
		Map<String, String> addresses = new HashMap<>();
		for (String member : members) {
			URI url = peers.get(member);
			addresses.put(member, (url != null) ? url.toString() : longestUrl);
		}
		return new Membership(Membership.clusterIdOf(addresses), members, members, Set.of(), addresses);
	}

	/**
	 * Fails unless every name of {@code raft.groups} is lower-case letters, digits and '-', 1 to
	 * 40 characters, not {@code "default"} and listed once: the names travel in every RPC and
	 * stand in meter tags and URLs.
	 */
	static void checkGroups(List<String> groups) {
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < groups.size(); i++) {
			String group = groups.get(i);
			if (group == null || !GROUP_NAME.matcher(group).matches()) {
				throw new RaftConfigurationException("raft.groups[" + i + "] is '" + group
						+ "', which is not a valid election group name: it must be 1 to 40 lower-case letters, "
						+ "digits or '-'.",
						"Rename the group in raft.groups (on every replica, and in @OnLeader and "
								+ "raft.preferred-leaders), such as 'billing' or 'report-jobs'.");
			}
			if (RaftLeadership.DEFAULT_GROUP.equals(group)) {
				throw new RaftConfigurationException("raft.groups[" + i + "] is '" + RaftLeadership.DEFAULT_GROUP
						+ "', the name of the election group every replica has already.",
						"Remove '" + RaftLeadership.DEFAULT_GROUP + "' from raft.groups: @OnLeader without a group "
								+ "name and RaftLeadership.isLeader() are about the default group; list only the "
								+ "other groups.");
			}
			if (!seen.add(group)) {
				throw new RaftConfigurationException(
						"raft.groups lists '" + group + "' more than once: " + groups + ".",
						"List every election group once in raft.groups.");
			}
		}
	}

	/**
	 * Fails unless every key of {@code raft.preferred-leaders} is {@code "default"} or a name of
	 * {@code raft.groups}, and every value a member, of {@code raft.peers} or this one.
	 */
	static void checkPreferredLeaders(Map<String, String> preferredLeaders, List<String> groups,
			Set<String> members) {
		List<String> known = new ArrayList<>();
		known.add(RaftLeadership.DEFAULT_GROUP);
		known.addAll(groups);
		for (Map.Entry<String, String> preferred : preferredLeaders.entrySet()) {
			String group = preferred.getKey();
			String member = preferred.getValue();
			if (!known.contains(group)) {
				throw new RaftConfigurationException("raft.preferred-leaders names a preferred leader for the election "
						+ "group '" + group + "', which raft.groups does not list (the groups are " + known + ").",
						"Add '" + group + "' to raft.groups (on every replica) or correct the name in "
								+ "raft.preferred-leaders." + group + "; use raft.preferred-leaders."
								+ RaftLeadership.DEFAULT_GROUP + " for the default group.");
			}
			if (member == null || !members.contains(member)) {
				throw new RaftConfigurationException("raft.preferred-leaders." + group + " is '" + member
						+ "', which is no member of this cluster (the members are " + new TreeSet<>(members) + ").",
						"Set raft.preferred-leaders." + group + " to the id of a member listed in raft.peers, or "
								+ "remove it to let any member lead the group.");
			}
		}
	}

	private static void checkIds(Map<String, URI> peers, String nodeId) {
		Map<String, String> byFoldedCase = new HashMap<>();
		for (String id : peers.keySet()) {
			if (id.isBlank()) {
				throw new RaftConfigurationException("raft.peers has an entry with a blank id.",
						"Give every entry of raft.peers a non-blank id.");
			}
			String previous = byFoldedCase.put(id.toLowerCase(Locale.ROOT), id);
			if (previous != null) {
				throw new RaftConfigurationException(
						"raft.peers lists the ids '" + previous + "' and '" + id + "', which differ only in case.",
						"Give every member an id of its own in raft.peers.");
			}
		}
		String clash = byFoldedCase.get(nodeId.toLowerCase(Locale.ROOT));
		if (clash != null && !clash.equals(nodeId)) {
			throw new RaftConfigurationException(
					"raft.node-id '" + nodeId + "' differs only in case from the member '" + clash + "' in raft.peers.",
					"Use exactly the id of raft.peers for raft.node-id.");
		}
	}

	private static Map<String, URI> checkUrls(Map<String, URI> peers, String nodeId) {
		Map<String, URI> others = new LinkedHashMap<>();
		Map<String, String> idByUrl = new HashMap<>();
		for (Map.Entry<String, URI> peer : peers.entrySet()) {
			String id = peer.getKey();
			URI url = peer.getValue();
			if (url == null || !url.isAbsolute() || url.getHost() == null
					|| !("http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme()))) {
				throw new RaftConfigurationException(
						"raft.peers." + id + " is '" + url + "', which is not an absolute http or https URL.",
						"Set raft.peers." + id + " to the member's base URL, such as http://10.0.0.1:8080.");
			}
			String key = normalize(url);
			String previous = idByUrl.put(key, id);
			if (previous != null) {
				throw new RaftConfigurationException(
						"raft.peers." + previous + " and raft.peers." + id + " have the same URL " + url + ".",
						"Give every member its own URL in raft.peers.");
			}
			if (!id.equals(nodeId)) {
				others.put(id, url);
			}
		}
		return others;
	}

	/**
	 * A member's URL as every replica writes it into the configuration: scheme and host in lower
	 * case, no trailing slash, so that replicas that list the same members in different spellings
	 * still agree on the cluster they form.
	 */
	static String canonical(URI url) {
		String path = (url.getRawPath() != null) ? url.getRawPath().replaceAll("/+$", "") : "";
		String userInfo = (url.getRawUserInfo() != null) ? url.getRawUserInfo() + "@" : "";
		return url.getScheme().toLowerCase(Locale.ROOT) + "://" + userInfo + url.getHost().toLowerCase(Locale.ROOT)
				+ ((url.getPort() != -1) ? ":" + url.getPort() : "") + path;
	}

	private static String normalize(URI url) {
		int port = url.getPort();
		if (port == -1) {
			port = "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
		}
		String path = (url.getPath() != null) ? url.getPath().replaceAll("/+$", "") : "";
		return url.getScheme().toLowerCase(Locale.ROOT) + "://" + url.getHost().toLowerCase(Locale.ROOT) + ":" + port
				+ path;
	}

	private static void checkTimings(RaftProperties properties) {
		Duration min = properties.getElectionTimeoutMin();
		Duration max = properties.getElectionTimeoutMax();
		Duration heartbeat = properties.getHeartbeatInterval();
		Duration rpcTimeout = properties.getRpcTimeout();
		positive("raft.election-timeout-min", min);
		positive("raft.election-timeout-max", max);
		positive("raft.heartbeat-interval", heartbeat);
		positive("raft.rpc-timeout", rpcTimeout);
		if (min.compareTo(max) >= 0) {
			throw new RaftConfigurationException(
					"raft.election-timeout-min (" + min.toMillis() + "ms) must be less than raft.election-timeout-max ("
							+ max.toMillis() + "ms): election timeouts are drawn at random between the two.",
					"Lower raft.election-timeout-min or raise raft.election-timeout-max, for example 150ms and 300ms.");
		}
		Duration ceiling = properties.getTiming().getCeiling();
		positive("raft.timing.ceiling", ceiling);
		positive("raft.timing.quiet-period", properties.getTiming().getQuietPeriod());
		if (ceiling.compareTo(max) < 0 || ceiling.compareTo(Duration.ofHours(1)) > 0) {
			throw new RaftConfigurationException("raft.timing.ceiling (" + ceiling.toMillis()
					+ "ms) must lie from raft.election-timeout-max (" + max.toMillis()
					+ "ms) to 1h: it is the longest election timeout adaptive timing may widen to.",
					"Raise raft.timing.ceiling to at least raft.election-timeout-max (the default is 1s), or set "
							+ "raft.timing.adaptive=false to keep the configured timing.");
		}
		Duration keepWarm = properties.getRpc().getKeepWarmInterval();
		if (keepWarm == null || keepWarm.isNegative()) {
			throw new RaftConfigurationException("raft.rpc.keep-warm-interval is " + keepWarm + ", which is negative.",
					"Set raft.rpc.keep-warm-interval to a positive duration below the HTTP keep-alive timeout, such as "
							+ "20s, or to 0 to send no keep-warm requests.");
		}
		double drift = properties.getClockDriftBound();
		if (!(drift >= 0 && drift < 0.5)) {
			throw new RaftConfigurationException("raft.clock-drift-bound is " + drift + ", outside [0, 0.5).",
					"Set raft.clock-drift-bound to a value from 0 to below 0.5; 0.1 suits ordinary hardware clocks.");
		}
		long lease = (long) Math.floor(min.toNanos() * (1 - drift));
		if (heartbeat.toNanos() * 2 > lease) {
			throw new RaftConfigurationException("raft.heartbeat-interval (" + heartbeat.toMillis()
					+ "ms) is not well below raft.election-timeout-min (" + min.toMillis()
					+ "ms): it must be at most half the leader lease, election-timeout-min x (1 - clock-drift-bound) = "
					+ Duration.ofNanos(lease).toMillis() + "ms, or one late heartbeat ends the lease.",
					"Lower raft.heartbeat-interval to at most " + Duration.ofNanos(lease / 2).toMillis()
							+ "ms, or raise raft.election-timeout-min; the defaults are 50ms and 150ms.");
		}
	}

	private static void positive(String name, @Nullable Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new RaftConfigurationException(name + " must be a positive duration, but is " + value + ".",
					"Set " + name + " to a positive duration such as 150ms.");
		}
	}

}
