package io.github.raftboot.leader;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import io.github.raftboot.core.Membership;
import org.jspecify.annotations.Nullable;

/**
 * The configuration of the cluster as one replica knows it: who votes, who is catching up as a
 * learner, and where each member is reached. It is the latest configuration in the replica's
 * log, which rules over {@code raft.peers} once the cluster is formed.
 *
 * @param clusterId the id of the cluster, fixed when it was formed
 * @param voters the voters (while {@code joint}, the voters being moved to)
 * @param outgoingVoters while {@code joint}, the voters being left; empty otherwise
 * @param learners members that receive the log but do not vote yet
 * @param addresses each member's base URL
 * @param index the log index of the configuration, 0 for the one the cluster was formed with
 * @param committed whether a majority has it (as far as this replica knows)
 */
public record RaftMembership(String clusterId, SortedSet<String> voters, SortedSet<String> outgoingVoters,
		SortedSet<String> learners, SortedMap<String, URI> addresses, long index, boolean committed) {

	public RaftMembership {
		Objects.requireNonNull(clusterId, "clusterId");
		voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters));
		outgoingVoters = Collections.unmodifiableSortedSet(new TreeSet<>(outgoingVoters));
		learners = Collections.unmodifiableSortedSet(new TreeSet<>(learners));
		addresses = Collections.unmodifiableSortedMap(new TreeMap<>(addresses));
	}

	/**
	 * The view of a configuration of the core.
	 * @param membership the configuration
	 * @param index its log index
	 * @param committed whether it is known to be committed
	 * @return the view; addresses that are no URL are left out
	 */
	public static RaftMembership of(Membership membership, long index, boolean committed) {
		SortedMap<String, URI> addresses = new TreeMap<>();
		for (Map.Entry<String, String> address : membership.addresses().entrySet()) {
			URI url = toUri(address.getValue());
			if (url != null) {
				addresses.put(address.getKey(), url);
			}
		}
		return new RaftMembership(membership.clusterId(), new TreeSet<>(membership.voters()),
				new TreeSet<>(membership.outgoingVoters()), new TreeSet<>(membership.learners()), addresses, index,
				committed);
	}

	private static @Nullable URI toUri(String address) {
		try {
			return address.isEmpty() ? null : new URI(address);
		}
		catch (URISyntaxException ex) {
			return null;
		}
	}

	/** Whether a change of voters is under way: decisions need majorities of both voter sets. */
	public boolean joint() {
		return !this.outgoingVoters.isEmpty();
	}

	/** Whether no change is under way: committed, not joint, and no learner catching up. */
	public boolean settled() {
		return this.committed && !joint() && this.learners.isEmpty();
	}

	/** Every member: voters, outgoing voters and learners. */
	public SortedSet<String> members() {
		SortedSet<String> members = new TreeSet<>(this.voters);
		members.addAll(this.outgoingVoters);
		members.addAll(this.learners);
		return Collections.unmodifiableSortedSet(members);
	}

}
