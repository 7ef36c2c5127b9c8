package io.github.raftboot.core;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * How the last attempt of a member that never joined a cluster to form one went: it forms a
 * cluster only when <em>every</em> other member of its {@link RaftConfig#members()} has never
 * joined a cluster either and would form the same one (see {@link RequestVote#bootstrap()}).
 * Until then it waits, and a leader of an existing cluster may add it instead.
 *
 * @param granted members that would form the same cluster
 * @param refused members that would not: they belong to a cluster already, or list other members
 * @param unanswered members that did not answer (not reachable, or still starting)
 */
public record Formation(Set<String> granted, Set<String> refused, Set<String> unanswered) {

	public Formation {
		granted = sorted(granted);
		refused = sorted(refused);
		unanswered = sorted(unanswered);
	}

	private static SortedSet<String> sorted(Set<String> ids) {
		return Collections.unmodifiableSortedSet(new TreeSet<>(ids));
	}

}
