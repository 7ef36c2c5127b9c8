package io.github.raftboot.demo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What happened in the demo, newest first: leadership changes with their failover time, and the
 * user's actions. Not thread-safe: used under the {@link DemoCluster}'s lock.
 */
final class Timeline {

	private static final int SIZE = 60;

	private final List<Entry> entries = new ArrayList<>();

	private long sequence;

	void add(Instant at, Kind kind, @Nullable String node, String text) {
		add(at, kind, node, text, null, null);
	}

	void add(Instant at, Kind kind, @Nullable String node, String text, @Nullable String detail,
			@Nullable Long failoverMillis) {
		this.entries.add(new Entry(++this.sequence, at, kind, node, text, detail, failoverMillis));
		this.entries.sort(Comparator.comparing(Entry::at).thenComparing(Entry::id).reversed());
		while (this.entries.size() > SIZE) {
			this.entries.remove(this.entries.size() - 1);
		}
	}

	List<Entry> entries() {
		return List.copyOf(this.entries);
	}

	/** What an entry is about. */
	enum Kind {

		/** A replica became leader. */
		LEADER,
		/** A replica was started, stopped or killed, or exited. */
		PROCESS,
		/** A link was cut or healed. */
		LINK,
		/** Leadership transfer was asked for. */
		TRANSFER,
		/** A replica became leader of an election group of {@code demo.groups}. */
		GROUP

	}

	/**
	 * One thing that happened.
	 *
	 * @param id increasing number
	 * @param at when
	 * @param kind what it is about
	 * @param node the replica concerned, if one
	 * @param text what happened
	 * @param detail more about it, if anything
	 * @param failoverMillis for a new leader after a disruption: milliseconds from the disruption
	 * to the new leader's {@code leaderSince}
	 */
	public record Entry(long id, Instant at, Kind kind, @Nullable String node, String text,
			@Nullable String detail, @Nullable Long failoverMillis) {
	}

}
