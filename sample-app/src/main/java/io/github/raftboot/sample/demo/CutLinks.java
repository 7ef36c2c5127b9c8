package io.github.raftboot.sample.demo;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The links from this replica to other replicas that the demo has cut. A link is cut in both
 * directions by telling both replicas.
 */
public final class CutLinks {

	private final Set<String> cut = ConcurrentHashMap.newKeySet();

	/** Cuts the link to {@code peer}: requests to it and its replies are lost. */
	public void cut(String peer) {
		this.cut.add(peer);
	}

	/** Heals the link to {@code peer}. */
	public void heal(String peer) {
		this.cut.remove(peer);
	}

	/** Heals every link. */
	public void healAll() {
		this.cut.clear();
	}

	/** Whether the link to {@code peer} is cut. */
	public boolean isCut(String peer) {
		return this.cut.contains(peer);
	}

	/** The peers whose link is cut, sorted. */
	public Set<String> cutPeers() {
		return new TreeSet<>(this.cut);
	}

}
