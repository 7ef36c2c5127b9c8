package io.github.raftboot.actuate;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import io.github.raftboot.core.Role;
import io.github.raftboot.event.RaftEvent;
import io.github.raftboot.leader.PeerStatus;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.leader.RaftMembership;
import io.github.raftboot.leader.RaftStatus;
import io.github.raftboot.leader.RaftTiming;
import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.runtime.RaftStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.context.ApplicationListener;

/**
 * {@link MeterBinder} for the state of one Raft replica. Every meter has a {@code node} tag
 * with this replica's id and a {@code group} tag with the election group it is about
 * ({@code default} for the default group), and every election group of the replica
 * ({@link RaftLeadership#groups()}) has each of them:
 * <ul>
 * <li>{@code raft.term}: the current term;</li>
 * <li>{@code raft.leader}: 1 while this replica is the active leader, else 0;</li>
 * <li>{@code raft.role}: one gauge per role (tag {@code role}), 1 for the current role;</li>
 * <li>{@code raft.elections.started}, {@code raft.elections.won}, {@code raft.elections.lost},
 * {@code raft.prevotes.started} and {@code raft.leader.changes}: counters since start;</li>
 * <li>{@code raft.pauses}: a counter of the times this replica did not run for at least the
 * minimum election timeout less the heartbeat interval (a garbage collection, CPU throttling, an
 * overloaded machine, a suspended process), and {@code raft.pause.duration}, a timer of their
 * lengths (each a lower bound), recorded from when it is bound;</li>
 * <li>{@code raft.membership.voters} and {@code raft.membership.learners}: how many voters (while
 * a change of voters is under way, those being moved to) and learners the configuration in force
 * has; {@code raft.membership.joint}: 1 while a change of voters is under way, else 0. All three
 * are {@code NaN} while this replica has joined no cluster: it knows no configuration, which is
 * not one without members;</li>
 * <li>{@code raft.peer.last.contact.age}: per peer (tag {@code peer}), seconds since an RPC to
 * it last succeeded, {@code NaN} if none ever did;</li>
 * <li>{@code raft.learner.lag}: per learner (tag {@code peer}) while this replica leads, the
 * committed entries the learner still lacks (commit index minus its match index, at least 0);
 * a learner is promoted to voter once it has caught up.</li>
 * </ul>
 * The per-peer meters follow the members: they are registered for the peers of the status (the
 * members of the configuration in force and those {@code raft.peers} lists), and for the
 * learners while this replica leads, and removed once they are gone. They are brought up to
 * date when bound and on every {@link RaftEvent} of the replica, which comes with every change of
 * the configuration and of leadership (in a Spring context, as an {@link ApplicationListener});
 * between two events a meter of a member that has just left reads {@code NaN}.
 *
 * <p>The members are the cluster's, so the membership and per-peer meters of every group read
 * the same; the pauses are the process's. Term, leadership, role, elections, leader changes and
 * timing are each group's own.
 */
public class RaftMetrics implements MeterBinder, ApplicationListener<RaftEvent> {

	private final RaftLeadership leadership;

	private final Function<String, RaftStatistics> statistics;

	private final Clock clock;

	/** The per-peer meters of each registry this binder is bound to. */
	private final Map<MeterRegistry, Map<PeerMeter, Meter>> peerMeters = new LinkedHashMap<>();

	/**
	 * Creates a binder for a {@link RaftServer} and every election group it runs, each with the
	 * statistics of its own {@link RaftServer} ({@code server.group(name)}).
	 * @param server the server
	 */
	public RaftMetrics(RaftServer server) {
		this(server, (group) -> statisticsOf(server, group), Clock.systemUTC());
	}

	/**
	 * Creates a binder that reads the counters of every election group from the same
	 * statistics: for a leadership of the default group only.
	 * @param leadership where the state is read
	 * @param statistics where the counters are read
	 * @param clock the wall clock, the same as the one of {@link PeerStatus#lastContact()}
	 */
	public RaftMetrics(RaftLeadership leadership, RaftStatistics statistics, Clock clock) {
		this(leadership, (group) -> statistics, clock);
		Objects.requireNonNull(statistics, "statistics");
	}

	/**
	 * Creates a binder.
	 * @param leadership where the state of every group is read ({@link RaftLeadership#group(String)})
	 * @param statistics where the counters of a group, by name, are read
	 * @param clock the wall clock, the same as the one of {@link PeerStatus#lastContact()}
	 */
	public RaftMetrics(RaftLeadership leadership, Function<String, RaftStatistics> statistics, Clock clock) {
		this.leadership = Objects.requireNonNull(leadership, "leadership");
		this.statistics = Objects.requireNonNull(statistics, "statistics");
		this.clock = Objects.requireNonNull(clock, "clock");
	}

	private static RaftStatistics statisticsOf(RaftServer server, String group) {
		return server.group(group).statistics();
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (String group : this.leadership.groups()) {
			bindTo(registry, group, this.leadership.group(group), this.statistics.apply(group));
		}
		synchronized (this.peerMeters) {
			this.peerMeters.putIfAbsent(registry, new HashMap<>());
			refreshPeerMeters();
		}
	}

	private void bindTo(MeterRegistry registry, String group, RaftLeadership leadership, RaftStatistics statistics) {
		Tags tags = tags(group);
		gauge(registry, leadership, "raft.term", "The current Raft term", tags, RaftLeadership::currentTerm);
		gauge(registry, leadership, "raft.leader", "Whether this replica is the active Raft leader (1) or not (0)", tags,
				(view) -> view.isLeader() ? 1 : 0);
		for (Role role : Role.values()) {
			gauge(registry, leadership, "raft.role", "Whether this replica plays this Raft role (1) or not (0)",
					tags.and("role", role.name()), (view) -> (view.status().role() == role) ? 1 : 0);
		}
		counter(registry, statistics, "raft.elections.started", "Elections this replica started", tags,
				RaftStatistics::electionsStarted);
		counter(registry, statistics, "raft.elections.won", "Elections this replica won", tags,
				RaftStatistics::electionsWon);
		counter(registry, statistics, "raft.elections.lost", "Elections this replica started and did not win", tags,
				RaftStatistics::electionsLost);
		counter(registry, statistics, "raft.prevotes.started", "Pre-vote rounds this replica started", tags,
				RaftStatistics::preVotesStarted);
		counter(registry, statistics, "raft.leader.changes", "Times the leader known to this replica changed", tags,
				RaftStatistics::leaderChanges);
		counter(registry, statistics, "raft.pauses",
				"Times this replica did not run for at least the minimum election timeout less the heartbeat interval",
				tags, RaftStatistics::pauses);
		Timer pauseDuration = Timer.builder("raft.pause.duration")
			.description("How long this replica did not run, at least, in each pause")
			.tags(tags)
			.register(registry);
		statistics.onPause((nanos) -> pauseDuration.record(nanos, TimeUnit.NANOSECONDS));
		gauge(registry, leadership, "raft.membership.voters",
				"Voters of the configuration in force (while joint, those being moved to); NaN while joining", tags,
				(view) -> membershipValue(view, (membership) -> membership.voters().size()));
		gauge(registry, leadership, "raft.membership.learners",
				"Learners of the configuration in force, catching up before they vote; NaN while joining", tags,
				(view) -> membershipValue(view, (membership) -> membership.learners().size()));
		gauge(registry, leadership, "raft.membership.joint",
				"Whether a change of voters is under way (1) or not (0); NaN while joining", tags,
				(view) -> membershipValue(view, (membership) -> membership.joint() ? 1 : 0));
		gauge(registry, leadership, "raft.timing.level",
				"How many times the configured timing was doubled to get the one in force (0: as configured)", tags,
				(view) -> timingValue(view, RaftTiming::level));
		Gauge.builder("raft.timing.election.timeout.min", leadership,
				(view) -> timingValue(view, (timing) -> timing.electionTimeoutMin().toNanos() / 1e9))
			.description("The minimum election timeout in force, on which the leader lease rests")
			.baseUnit("seconds")
			.tags(tags)
			.strongReference(true)
			.register(registry);
		incidents(registry, leadership, tags, "lease-lapse", RaftTiming.Incidents::leaseLapses);
		incidents(registry, leadership, tags, "late-round", RaftTiming.Incidents::lateRounds);
		incidents(registry, leadership, tags, "campaign-while-leading", RaftTiming.Incidents::campaignsWhileLeading);
		incidents(registry, leadership, tags, "pause", RaftTiming.Incidents::pauses);
		FunctionCounter
			.builder("raft.timing.changes", leadership,
					(view) -> timingValue(view, (timing) -> timing.incidents().timingChanges()))
			.description("Timing entries this replica wrote into the log as leader")
			.tags(tags)
			.register(registry);
	}

	private Tags tags(String group) {
		return Tags.of("node", this.leadership.nodeId(), "group", group);
	}

	private void incidents(MeterRegistry registry, RaftLeadership leadership, Tags tags, String kind,
			ToDoubleFunction<RaftTiming.Incidents> count) {
		FunctionCounter
			.builder("raft.incidents", leadership,
					(view) -> timingValue(view, (timing) -> count.applyAsDouble(timing.incidents())))
			.description("Trouble this replica counted that adaptive timing reacts to: leases that lapsed while it "
					+ "led, rounds acknowledged late, voters campaigning while it led, pauses")
			.tags(tags.and("kind", kind))
			.register(registry);
	}

	private static double timingValue(RaftLeadership leadership, ToDoubleFunction<RaftTiming> value) {
		RaftTiming timing = leadership.status().timing();
		return (timing != null) ? value.applyAsDouble(timing) : Double.NaN;
	}

	/**
	 * Brings the per-peer meters of every group up to date with the members, on every event of
	 * the replica.
	 * @param event the event, whatever it is and whichever group it is about
	 */
	@Override
	public void onApplicationEvent(RaftEvent event) {
		synchronized (this.peerMeters) {
			refreshPeerMeters();
		}
	}

	private void refreshPeerMeters() {
		Set<PeerMeter> wanted = new HashSet<>();
		for (String group : this.leadership.groups()) {
			RaftStatus status = this.leadership.group(group).status();
			status.peers().forEach((peer) -> wanted.add(new PeerMeter(PeerMeter.LAST_CONTACT_AGE, group, peer.id())));
			status.peers().forEach((peer) -> wanted.add(new PeerMeter(PeerMeter.ROUND_TRIP, group, peer.id())));
			RaftMembership membership = status.membership();
			if (status.role() == Role.LEADER && membership != null) {
				membership.learners()
					.forEach((learner) -> wanted.add(new PeerMeter(PeerMeter.LEARNER_LAG, group, learner)));
			}
		}
		this.peerMeters.forEach((registry, meters) -> {
			meters.entrySet().removeIf((meter) -> {
				boolean gone = !wanted.contains(meter.getKey());
				if (gone) {
					registry.remove(meter.getValue());
				}
				return gone;
			});
			for (PeerMeter meter : wanted) {
				meters.computeIfAbsent(meter, (key) -> register(registry, key));
			}
		});
	}

	private Meter register(MeterRegistry registry, PeerMeter meter) {
		String peer = meter.peer();
		RaftLeadership leadership = this.leadership.group(meter.group());
		Gauge.Builder<RaftLeadership> builder = switch (meter.name()) {
			case PeerMeter.LAST_CONTACT_AGE -> Gauge
				.builder(PeerMeter.LAST_CONTACT_AGE, leadership, (view) -> lastContactAge(view, peer))
				.description("Seconds since an RPC to this peer last succeeded")
				.baseUnit("seconds");
			case PeerMeter.ROUND_TRIP -> Gauge
				.builder(PeerMeter.ROUND_TRIP, leadership, (view) -> roundTrip(view, peer))
				.description("While this replica leads: how long this peer took to answer the latest heartbeat round")
				.baseUnit("seconds");
			case PeerMeter.LEARNER_LAG -> Gauge
				.builder(PeerMeter.LEARNER_LAG, leadership, (view) -> learnerLag(view, peer))
				.description("Committed entries this learner still lacks, while this replica leads");
			default -> throw new IllegalStateException("No per-peer meter named " + meter.name());
		};
		return builder.tags(tags(meter.group()).and(Tag.of("peer", peer))).strongReference(true).register(registry);
	}
	private static double membershipValue(RaftLeadership leadership, ToDoubleFunction<RaftMembership> value) {
		RaftMembership membership = leadership.status().membership();
		return (membership != null) ? value.applyAsDouble(membership) : Double.NaN;
	}

	private static double learnerLag(RaftLeadership leadership, String learner) {
		RaftStatus status = leadership.status();
		if (status.role() != Role.LEADER) {
			return Double.NaN;
		}
		Long matchIndex = status.peers()
			.stream()
			.filter((peer) -> peer.id().equals(learner))
			.map(PeerStatus::matchIndex)
			.filter(Objects::nonNull)
			.findFirst()
			.orElse(null);
		return (matchIndex != null) ? Math.max(0, status.commitIndex() - matchIndex) : Double.NaN;
	}

	private static double roundTrip(RaftLeadership leadership, String peer) {
		return leadership.status()
			.peers()
			.stream()
			.filter((status) -> status.id().equals(peer))
			.map(PeerStatus::roundTrip)
			.filter(Objects::nonNull)
			.findFirst()
			.map((roundTrip) -> roundTrip.toNanos() / 1e9)
			.orElse(Double.NaN);
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

	private static void gauge(MeterRegistry registry, RaftLeadership leadership, String name, String description,
			Tags tags, ToDoubleFunction<RaftLeadership> value) {
		Gauge.builder(name, leadership, value)
			.description(description)
			.tags(tags)
			.strongReference(true)
			.register(registry);
	}

	/** A meter registered per peer: its name, the election group and the peer. */
	private record PeerMeter(String name, String group, String peer) {

		static final String LAST_CONTACT_AGE = "raft.peer.last.contact.age";

		static final String LEARNER_LAG = "raft.learner.lag";

		static final String ROUND_TRIP = "raft.peer.round.trip";

	}

	private static void counter(MeterRegistry registry, RaftStatistics statistics, String name, String description,
			Tags tags, ToDoubleFunction<RaftStatistics> count) {
		FunctionCounter.builder(name, statistics, count).description(description).tags(tags).register(registry);
	}

}
