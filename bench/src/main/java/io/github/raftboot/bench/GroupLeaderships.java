package io.github.raftboot.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The active leaderships of every election group ({@code raft.groups}) of a cluster's replicas,
 * read from their logs.
 *
 * <p>A leadership runs from the line the sample app's {@code LeadershipLogger} writes for a
 * {@code LeadershipAcquiredEvent} ({@code This replica (n2) now leads group 'billing', fencing token 45})
 * to the one it writes for the {@code LeadershipRevokedEvent} of the same group
 * ({@code This replica (n2) no longer leads group 'billing' term 45: TRANSFER}), as in
 * {@link Leaderships}. A line names its group; the default group's lines name none
 * ({@code This replica (n2) now leads, fencing token 45}). A leadership whose replica was killed
 * ends at the kill the benchmark noted in the log ({@code === raft-bench: SIGKILL to n2 at <instant>}).
 */
final class GroupLeaderships {

	/** The name of the group every replica has, {@code RaftLeadership.DEFAULT_GROUP}. */
	static final String DEFAULT_GROUP = "default";

	private static final Pattern ACQUIRED = Pattern
		.compile("^\\S+\\s.*: This replica \\((.+?)\\) now leads(?: group '([^']+)')?, fencing token (\\d+)\\s*$");

	private static final Pattern REVOKED = Pattern
		.compile("^\\S+\\s.*: This replica \\((.+?)\\) no longer leads(?: group '([^']+)')? term (\\d+): (\\S+)\\s*$");

	private GroupLeaderships() {
	}

	/**
	 * Reads the leaderships of every replica from their logs.
	 * @param logs each replica's id and log file
	 * @return the leaderships of all groups, ordered by the instant they began
	 */
	static List<Leadership> read(Map<String, Path> logs) {
		List<Leadership> all = ReplicaLogs.parseAll(logs, GroupLeaderships::parse);
		all.sort(Comparator.comparing(Leadership::acquiredAt));
		return all;
	}

	/**
	 * Reads the leaderships of one replica from its log.
	 * @param replica the replica's id; lines about others are ignored
	 * @param lines the log, possibly of several starts of the replica
	 * @return its leaderships of all groups in the order they began, the last ones without an
	 * end if the replica still led when the log ended
	 */
	static List<Leadership> parse(String replica, List<String> lines) {
		ReplicaParser parser = new ReplicaParser(replica);
		lines.forEach(parser::accept);
		return parser.finish();
	}

	/**
	 * The replica that was the active leader of each group at an instant.
	 * @param leaderships the leaderships of all replicas
	 * @param at the instant
	 * @return group to replica, for the groups someone led; of two (a stale one whose end was not
	 * logged yet) the one that began last
	 */
	static Map<String, String> leadersAt(List<Leadership> leaderships, Instant at) {
		Map<String, Leadership> latest = new TreeMap<>();
		for (Leadership leadership : leaderships) {
			if (!leadership.acquiredAt().isAfter(at) && leadership.endOr(Instant.MAX).isAfter(at)) {
				latest.merge(leadership.group(), leadership,
						(a, b) -> b.acquiredAt().isAfter(a.acquiredAt()) ? b : a);
			}
		}
		Map<String, String> leaders = new TreeMap<>();
		latest.forEach((group, leadership) -> leaders.put(group, leadership.replica()));
		return leaders;
	}

	/**
	 * How many of the groups each replica leads.
	 * @param leaders group to replica, as {@link #leadersAt(List, Instant)} answers
	 * @param replicas every replica, also those that lead nothing
	 * @return replica to count, in the order given
	 */
	static Map<String, Integer> ledPerReplica(Map<String, String> leaders, List<String> replicas) {
		Map<String, Integer> counts = new LinkedHashMap<>();
		replicas.forEach((id) -> counts.put(id, 0));
		leaders.values().forEach((id) -> counts.merge(id, 1, Integer::sum));
		return counts;
	}

	/**
	 * Whether the leaders are spread as the starter spreads them: every group has one, and no
	 * replica leads more than {@code ceil(groups / replicas)}.
	 * @param leaders group to replica
	 * @param groups every group
	 * @param replicas every replica
	 * @return whether they are
	 */
	static boolean spread(Map<String, String> leaders, Set<String> groups, List<String> replicas) {
		if (!leaders.keySet().containsAll(groups)) {
			return false;
		}
		int share = (groups.size() + replicas.size() - 1) / replicas.size();
		return ledPerReplica(leaders, replicas).values().stream().allMatch((count) -> count <= share);
	}

	/**
	 * The failover of each group a killed replica led: the first active leadership of another
	 * replica that began after the kill.
	 * @param leaderships the leaderships of all replicas, read after the kill
	 * @param victim the replica killed
	 * @param killedAt when
	 * @return one failover per group the victim led at the kill, by group name; without a new
	 * leader if none began yet
	 */
	static List<Failover> failovers(List<Leadership> leaderships, String victim, Instant killedAt) {
		List<Failover> failovers = new ArrayList<>();
		for (Leadership led : leaderships) {
			// Its leadership ends at the kill, as the benchmark noted it.
			boolean atKill = led.replica().equals(victim) && led.acquiredAt().isBefore(killedAt)
					&& !led.endOr(Instant.MAX).isBefore(killedAt);
			if (!atKill) {
				continue;
			}
			Leadership next = leaderships.stream()
				.filter((other) -> other.group().equals(led.group()) && !other.replica().equals(victim)
						&& other.acquiredAt().isAfter(killedAt))
				.min(Comparator.comparing(Leadership::acquiredAt))
				.orElse(null);
			failovers.add(new Failover(led.group(), victim, led.term(), killedAt, next));
		}
		failovers.sort(Comparator.comparing(Failover::group));
		return failovers;
	}

	/**
	 * One active leadership of one group by one replica.
	 *
	 * @param group the election group
	 * @param replica the replica
	 * @param term the group's term it led
	 * @param acquiredAt when it became the group's active leader (the timestamp of the line)
	 * @param revokedAt when it stopped being it, or {@code null} if it still was when its log was read
	 * @param reason the revocation's reason, or {@code SIGKILL}, {@code SIGTERM}, {@code PROCESS_ENDED},
	 * {@code ACQUIRED_AGAIN} for an end that was not logged
	 */
	record Leadership(String group, String replica, long term, Instant acquiredAt, @Nullable Instant revokedAt,
			@Nullable String reason) {

		Instant endOr(Instant ifNone) {
			return (this.revokedAt != null) ? this.revokedAt : ifNone;
		}

	}

	/**
	 * A group whose leader was killed, and who took over.
	 *
	 * @param group the group
	 * @param oldLeader the replica killed
	 * @param oldTerm the term it led
	 * @param killedAt when it was killed
	 * @param next the first active leadership of another replica after the kill, or {@code null}
	 */
	record Failover(String group, String oldLeader, long oldTerm, Instant killedAt, @Nullable Leadership next) {

		/** Milliseconds from the kill to the next leadership's start, NaN if none. */
		double millis() {
			return (this.next != null) ? Duration.between(this.killedAt, this.next.acquiredAt()).toNanos() / 1e6 : Double.NaN;
		}

	}

	/** Reads one replica's log line by line. */
	private static final class ReplicaParser {

		private final String replica;

		private final List<Leadership> done = new ArrayList<>();

		/** The active leaderships, by group. */
		private final Map<String, Leadership> active = new LinkedHashMap<>();

		private @Nullable Instant lastSeen;

		private @Nullable String signal;

		private @Nullable Instant signalledAt;

		ReplicaParser(String replica) {
			this.replica = replica;
		}

		void accept(String line) {
			Matcher start = Replica.START_LINE.matcher(line);
			if (start.matches()) {
				if (start.group(1).equals(this.replica)) {
					// The previous process ended: at its signal, else at its last line.
					endAll((this.signalledAt != null) ? this.signalledAt : this.lastSeen,
							(this.signal != null) ? this.signal : "PROCESS_ENDED");
					this.signal = null;
					this.signalledAt = null;
					this.lastSeen = Instant.parse(start.group(2));
				}
				return;
			}
			Matcher signalled = Replica.SIGNAL_LINE.matcher(line);
			if (signalled.matches()) {
				if (signalled.group(2).equals(this.replica)) {
					Instant at = Instant.parse(signalled.group(3));
					if ("SIGKILL".equals(signalled.group(1))) {
						endAll(at, "SIGKILL");
					}
					if (this.signalledAt == null || "SIGKILL".equals(signalled.group(1))) {
						this.signal = signalled.group(1);
						this.signalledAt = at;
					}
				}
				return;
			}
			Instant at = Leaderships.timestamp(line);
			if (at == null) {
				return;
			}
			this.lastSeen = at;
			Matcher acquired = ACQUIRED.matcher(line);
			if (acquired.matches()) {
				if (acquired.group(1).equals(this.replica)) {
					String group = groupOf(acquired.group(2));
					if (this.active.containsKey(group)) {
						end(group, at, "ACQUIRED_AGAIN");
					}
					this.active.put(group, new Leadership(group, this.replica, Long.parseLong(acquired.group(3)), at, null,
							null));
				}
				return;
			}
			Matcher revoked = REVOKED.matcher(line);
			if (revoked.matches() && revoked.group(1).equals(this.replica)) {
				end(groupOf(revoked.group(2)), at, revoked.group(4));
			}
		}

		private void end(String group, @Nullable Instant at, String reason) {
			Leadership open = this.active.remove(group);
			if (open != null) {
				Instant end = (at != null && !at.isBefore(open.acquiredAt())) ? at : open.acquiredAt();
				this.done.add(new Leadership(group, this.replica, open.term(), open.acquiredAt(), end, reason));
			}
		}

		private void endAll(@Nullable Instant at, String reason) {
			for (String group : List.copyOf(this.active.keySet())) {
				end(group, at, reason);
			}
		}

		List<Leadership> finish() {
			List<Leadership> all = new ArrayList<>(this.done);
			for (Leadership open : this.active.values()) {
				all.add((this.signalledAt != null)
						? new Leadership(open.group(), this.replica, open.term(), open.acquiredAt(),
								this.signalledAt, Objects.requireNonNull(this.signal))
						: open);
			}
			all.sort(Comparator.comparing(Leadership::acquiredAt));
			return all;
		}

		/** The group a line names, the default group if none. */
		private static String groupOf(@Nullable String named) {
			return (named != null) ? named : DEFAULT_GROUP;
		}

	}

}
