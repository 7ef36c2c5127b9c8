package io.github.raftboot.test;

import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The links between replicas that are cut, as a lost network would cut them: a
 * {@link FaultInjectingTransport} fails every request over a cut link, and drops every reply that
 * comes back over one. Replicas in one JVM share one instance; a replica in a process of its own
 * has its own, and a link between two such replicas is cut by telling both.
 *
 * <p>Links are directed: {@link #cut(String, String)} cuts both directions, so that neither
 * requests nor replies get through. Thread-safe.
 */
public final class CutLinks {

	private final Set<Link> cut = ConcurrentHashMap.newKeySet();

	/**
	 * Cuts the link between two replicas, both ways.
	 * @param one a replica
	 * @param other another replica
	 */
	public void cut(String one, String other) {
		Link link = new Link(one, other);
		this.cut.add(link);
		this.cut.add(link.reversed());
	}

	/**
	 * Cuts every link between a replica and the others, both ways: it keeps running, alone.
	 * @param id the replica to isolate
	 * @param all the replicas it may talk to (those equal to {@code id} are passed over)
	 */
	public void isolate(String id, Iterable<String> all) {
		for (String other : all) {
			if (!other.equals(id)) {
				cut(id, other);
			}
		}
	}

	/**
	 * Heals the link between two replicas, both ways.
	 * @param one a replica
	 * @param other another replica
	 */
	public void heal(String one, String other) {
		Link link = new Link(one, other);
		this.cut.remove(link);
		this.cut.remove(link.reversed());
	}

	/** Heals every link. */
	public void healAll() {
		this.cut.clear();
	}

	/**
	 * Whether what {@code from} sends to {@code to} is lost.
	 * @param from the sender
	 * @param to the receiver
	 * @return whether that link is cut
	 */
	public boolean isCut(String from, String to) {
		return this.cut.contains(new Link(from, to));
	}

	/**
	 * The replicas that what {@code from} sends does not reach.
	 * @param from the sender
	 * @return their ids, sorted
	 */
	public SortedSet<String> cutFrom(String from) {
		SortedSet<String> peers = new TreeSet<>();
		for (Link link : this.cut) {
			if (link.from().equals(from)) {
				peers.add(link.to());
			}
		}
		return peers;
	}

	@Override
	public String toString() {
		return "CutLinks" + new TreeSet<>(this.cut.stream().map(Link::toString).toList());
	}

	private record Link(String from, String to) {

		Link {
			Objects.requireNonNull(from, "from");
			Objects.requireNonNull(to, "to");
		}

		Link reversed() {
			return new Link(this.to, this.from);
		}

		@Override
		public String toString() {
			return this.from + "->" + this.to;
		}

	}

}
