package io.github.raftboot.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A configuration of the cluster: who votes, who only follows, and where each member can be
 * reached. Configurations are data in the replicated log ({@link EntryType#CONFIG} entries); every
 * member uses the latest one in its log, committed or not (Raft thesis §4.1).
 *
 * <p>A change of voters goes through a <em>joint</em> configuration (Raft thesis §4.3): while
 * {@link #outgoingVoters()} is not empty, every decision (an election, a commit, the lease, the
 * check-quorum) needs a majority of {@link #voters()} <em>and</em> a majority of
 * {@link #outgoingVoters()}, so that the old and the new voters can never decide apart.
 * {@link #learners()} receive the log but never vote or campaign; a member added to the cluster
 * is a learner until its log has caught up, and is then promoted.
 *
 * @param clusterId the id of the cluster, the same in every configuration of one cluster (see
 * {@link #clusterIdOf(Map)})
 * @param voters the voters (in a joint configuration: the incoming ones), never empty
 * @param outgoingVoters in a joint configuration, the voters of the configuration being left;
 * empty otherwise
 * @param learners members that receive the log but do not vote, disjoint from the voters
 * @param addresses where each member can be reached, as the driver's transport understands it
 * (for the HTTP transport, a base URL); opaque to the core, and may lack entries
 */
public record Membership(String clusterId, Set<String> voters, Set<String> outgoingVoters, Set<String> learners,
		Map<String, String> addresses) {

	public Membership {
		Objects.requireNonNull(clusterId, "clusterId");
		if (clusterId.isBlank()) {
			throw new IllegalArgumentException("A membership's cluster id must not be blank");
		}
		voters = sorted("voters", voters);
		outgoingVoters = sorted("outgoingVoters", outgoingVoters);
		learners = sorted("learners", learners);
		if (voters.isEmpty()) {
			throw new IllegalArgumentException("A membership needs at least one voter");
		}
		for (String learner : learners) {
			if (voters.contains(learner) || outgoingVoters.contains(learner)) {
				throw new IllegalArgumentException("'" + learner + "' cannot be both a voter and a learner");
			}
		}
		Objects.requireNonNull(addresses, "addresses");
		SortedMap<String, String> copy = new TreeMap<>();
		for (Map.Entry<String, String> address : addresses.entrySet()) {
			String id = address.getKey();
			if (id == null || id.isBlank() || address.getValue() == null) {
				throw new IllegalArgumentException("Member addresses must map non-blank ids to addresses: " + addresses);
			}
			copy.put(id, address.getValue());
		}
		addresses = Collections.unmodifiableSortedMap(copy);
	}

	/**
	 * The first configuration of a cluster: {@code members} all vote.
	 * @param members the voters with their addresses
	 * @return the configuration, whose cluster id is {@link #clusterIdOf(Map)}
	 */
	public static Membership initial(Map<String, String> members) {
		return new Membership(clusterIdOf(members), members.keySet(), Set.of(), Set.of(), members);
	}

	/**
	 * The id of a cluster formed with the given members: a hash of their ids and addresses, so
	 * that members that agree on whom to form a cluster with also agree on its id, and clusters
	 * formed from different lists have different ids.
	 * @param members the first voters with their addresses
	 * @return 16 hexadecimal digits
	 */
	public static String clusterIdOf(Map<String, String> members) {
		StringBuilder text = new StringBuilder();
		for (Map.Entry<String, String> member : new TreeMap<>(members).entrySet()) {
			text.append(member.getKey()).append('=').append(member.getValue()).append('\n');
		}
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(hash, 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

	/** Whether this is a joint configuration, on its way from {@link #outgoingVoters()} to {@link #voters()}. */
	public boolean isJoint() {
		return !this.outgoingVoters.isEmpty();
	}

	/** Whether {@code id} votes in this configuration (as an incoming or an outgoing voter). */
	public boolean isVoter(String id) {
		return this.voters.contains(id) || this.outgoingVoters.contains(id);
	}

	/** Whether {@code id} is a learner of this configuration. */
	public boolean isLearner(String id) {
		return this.learners.contains(id);
	}

	/** Whether {@code id} is a member of this configuration at all. */
	public boolean contains(String id) {
		return isVoter(id) || isLearner(id);
	}

	/** Every member: voters, outgoing voters and learners, sorted. */
	public SortedSet<String> members() {
		SortedSet<String> members = new TreeSet<>(this.voters);
		members.addAll(this.outgoingVoters);
		members.addAll(this.learners);
		return Collections.unmodifiableSortedSet(members);
	}

	/** The voters of both halves of a joint configuration, or the voters. */
	public SortedSet<String> allVoters() {
		SortedSet<String> all = new TreeSet<>(this.voters);
		all.addAll(this.outgoingVoters);
		return Collections.unmodifiableSortedSet(all);
	}

	/** Whether {@code id} is the only voter, so that it needs nobody else to decide. */
	public boolean isSoleVoter(String id) {
		return this.voters.equals(Set.of(id)) && (this.outgoingVoters.isEmpty() || this.outgoingVoters.equals(Set.of(id)));
	}

	/** This configuration with {@code id} added as a learner, reachable at {@code address}. */
	Membership withLearner(String id, String address) {
		Set<String> learners = new TreeSet<>(this.learners);
		learners.add(id);
		Map<String, String> addresses = new TreeMap<>(this.addresses);
		addresses.put(id, address);
		return new Membership(this.clusterId, this.voters, this.outgoingVoters, learners, addresses);
	}

	/** This configuration without the learner {@code id}. */
	Membership withoutLearner(String id) {
		Set<String> learners = new TreeSet<>(this.learners);
		learners.remove(id);
		Map<String, String> addresses = new TreeMap<>(this.addresses);
		addresses.remove(id);
		return new Membership(this.clusterId, this.voters, this.outgoingVoters, learners, addresses);
	}

	/**
	 * The joint configuration from this one's voters to {@code newVoters}; members of
	 * {@code newVoters} that were learners are learners no more.
	 */
	Membership enterJoint(Collection<String> newVoters) {
		if (isJoint()) {
			throw new IllegalStateException("Already joint: " + this);
		}
		Set<String> learners = new TreeSet<>(this.learners);
		learners.removeAll(newVoters);
		return new Membership(this.clusterId, Set.copyOf(newVoters), this.voters, learners, this.addresses);
	}

	/** The configuration that leaves this joint one: only the incoming voters, and the addresses of the members left. */
	Membership leaveJoint() {
		Set<String> staying = new TreeSet<>(this.voters);
		staying.addAll(this.learners);
		Map<String, String> addresses = new TreeMap<>(this.addresses);
		addresses.keySet().retainAll(staying);
		return new Membership(this.clusterId, this.voters, Set.of(), this.learners, addresses);
	}

	private static SortedSet<String> sorted(String name, Set<String> ids) {
		Objects.requireNonNull(ids, name);
		SortedSet<String> copy = new TreeSet<>();
		for (String id : ids) {
			if (id == null || id.isBlank()) {
				throw new IllegalArgumentException("Member ids must not be blank: " + name + " " + ids);
			}
			copy.add(id);
		}
		return Collections.unmodifiableSortedSet(copy);
	}

	@Override
	public String toString() {
		return "Membership[cluster " + this.clusterId + ", voters " + this.voters
				+ (isJoint() ? " joint with outgoing " + this.outgoingVoters : "")
				+ (this.learners.isEmpty() ? "" : ", learners " + this.learners) + "]";
	}

}
