package io.github.raftboot.actuate;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

import io.github.raftboot.core.Role;
import io.github.raftboot.leader.PeerStatus;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.runtime.RaftStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * {@link MeterBinder} for the state of one Raft replica. Every meter has a {@code node} tag
 * with this replica's id:
 * <ul>
 * <li>{@code raft.term}: the current term;</li>
 * <li>{@code raft.leader}: 1 while this replica is the active leader, else 0;</li>
 * <li>{@code raft.role}: one gauge per role (tag {@code role}), 1 for the current role;</li>
 * <li>{@code raft.elections.started}, {@code raft.elections.won}, {@code raft.elections.lost},
 * {@code raft.prevotes.started} and {@code raft.leader.changes}: counters since start;</li>
 * <li>{@code raft.peer.last.contact.age}: per peer (tag {@code peer}), seconds since an RPC to
 * it last succeeded, {@code NaN} if none ever did.</li>
 * </ul>
 */
public class RaftMetrics implements MeterBinder {

	private final RaftLeadership leadership;

	private final RaftStatistics statistics;

	private final Clock clock;

	/**
	 * Creates a binder for a {@link RaftServer}.
	 * @param server the server
	 */
	public RaftMetrics(RaftServer server) {
		this(server, server.statistics(), Clock.systemUTC());
	}

	/**
	 * Creates a binder.
	 * @param leadership where the state is read
	 * @param statistics where the counters are read
	 * @param clock the wall clock, the same as the one of {@link PeerStatus#lastContact()}
	 */
	public RaftMetrics(RaftLeadership leadership, RaftStatistics statistics, Clock clock) {
		this.leadership = Objects.requireNonNull(leadership, "leadership");
		this.statistics = Objects.requireNonNull(statistics, "statistics");
		this.clock = Objects.requireNonNull(clock, "clock");
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Tags tags = Tags.of("node", this.leadership.nodeId());
		gauge(registry, "raft.term", "The current Raft term", tags, RaftLeadership::currentTerm);
		gauge(registry, "raft.leader", "Whether this replica is the active Raft leader (1) or not (0)", tags,
				(leadership) -> leadership.isLeader() ? 1 : 0);
		for (Role role : Role.values()) {
			gauge(registry, "raft.role", "Whether this replica plays this Raft role (1) or not (0)",
					tags.and("role", role.name()), (leadership) -> (leadership.status().role() == role) ? 1 : 0);
		}
		counter(registry, "raft.elections.started", "Elections this replica started", tags,
				RaftStatistics::electionsStarted);
		counter(registry, "raft.elections.won", "Elections this replica won", tags, RaftStatistics::electionsWon);
		counter(registry, "raft.elections.lost", "Elections this replica started and did not win", tags,
				RaftStatistics::electionsLost);
		counter(registry, "raft.prevotes.started", "Pre-vote rounds this replica started", tags,
				RaftStatistics::preVotesStarted);
		counter(registry, "raft.leader.changes", "Times the leader known to this replica changed", tags,
				RaftStatistics::leaderChanges);
		List<String> peers = this.leadership.status().peers().stream().map(PeerStatus::id).toList();
		for (String peer : peers) {
			ToDoubleFunction<RaftLeadership> age = (leadership) -> lastContactAge(leadership, peer);
			Gauge.builder("raft.peer.last.contact.age", this.leadership, age)
				.description("Seconds since an RPC to this peer last succeeded")
				.baseUnit("seconds")
				.tags(tags.and(Tag.of("peer", peer)))
				.strongReference(true)
				.register(registry);
		}
	}

	private double lastContactAge(RaftLeadership leadership, String peer) {
		Instant lastContact = leadership.status()
			.peers()
			.stream()
			.filter((status) -> status.id().equals(peer))
			.map(PeerStatus::lastContact)
			.filter(Objects::nonNull)
			.findFirst()
			.orElse(null);
		if (lastContact == null) {
			return Double.NaN;
		}
		long millis = this.clock.millis() - lastContact.toEpochMilli();
		return Math.max(0, millis) / 1000.0;
	}

	private void gauge(MeterRegistry registry, String name, String description, Tags tags,
			ToDoubleFunction<RaftLeadership> value) {
		Gauge.builder(name, this.leadership, value)
			.description(description)
			.tags(tags)
			.strongReference(true)
			.register(registry);
	}

	private void counter(MeterRegistry registry, String name, String description, Tags tags,
			ToDoubleFunction<RaftStatistics> count) {
		FunctionCounter.builder(name, this.statistics, count).description(description).tags(tags).register(registry);
	}

}
