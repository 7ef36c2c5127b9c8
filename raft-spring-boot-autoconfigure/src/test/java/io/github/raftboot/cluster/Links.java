package io.github.raftboot.cluster;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Which directed links between test replicas are cut. */
final class Links {

	private final Set<String> cut = ConcurrentHashMap.newKeySet();

	void cut(String from, String to) {
		this.cut.add(from + ">" + to);
		this.cut.add(to + ">" + from);
	}

	void isolate(String id, Iterable<String> all) {
		for (String other : all) {
			if (!other.equals(id)) {
				cut(id, other);
			}
		}
	}

	void healAll() {
		this.cut.clear();
	}

	boolean isCut(String from, String to) {
		return this.cut.contains(from + ">" + to);
	}

}
