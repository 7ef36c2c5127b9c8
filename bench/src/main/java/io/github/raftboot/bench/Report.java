package io.github.raftboot.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

import io.github.raftboot.bench.Results.Change;
import io.github.raftboot.bench.Results.ClusterRun;
import io.github.raftboot.bench.Results.FollowerRestart;
import io.github.raftboot.bench.Results.GroupFailover;
import io.github.raftboot.bench.Results.GroupsIdle;
import io.github.raftboot.bench.Results.IdleWindow;
import io.github.raftboot.bench.Results.Kind;
import io.github.raftboot.bench.Results.Member;
import io.github.raftboot.bench.Results.MembershipChange;
import io.github.raftboot.bench.Results.Part;
import io.github.raftboot.bench.Results.RollingRestart;
import io.github.raftboot.bench.Results.RollingStep;
import io.github.raftboot.bench.Results.Settling;
import io.github.raftboot.bench.Results.Transition;
import io.github.raftboot.bench.TimingEvents.Event;
import org.jspecify.annotations.Nullable;

/**
 * Writes what a run measured: {@code report.md}, {@code summary.csv}, {@code transitions.csv},
 * {@code membership.csv}, {@code idle.csv}, {@code stability.csv}, {@code restarts.csv},
 * {@code rolling.csv}, {@code flaps.csv}, {@code leaderships.csv}, {@code timing.csv},
 * {@code incidents.csv}, {@code targets.csv} and
 * {@code failover-cdf.png} (and {@code failover-cdf-busy.png}), and checks the targets. Each
 * table is given per {@link Profile}; the quiet profile's tables and targets are those of the
 * history.
 */
final class Report {

	/** Cluster size the targets are set for. */
	static final int TARGET_SIZE = 5;

	static final double FAILOVER_MEDIAN_TARGET = 200;

	static final double FAILOVER_P99_TARGET = 450;

	static final double HANDOVER_MEDIAN_TARGET = 30;

	static final double FOLLOWER_CPU_TARGET = 1.0;

	static final double LEADER_CPU_TARGET = 2.0;

	/** Busy profile, 5 replicas: no election caused by any follower restart. */
	static final int FOLLOWER_RESTART_ELECTIONS_TARGET = 0;

	/** Busy profile, rolling restart of 5: time without an active leader in all, ms. */
	static final double ROLLING_LEADERLESS_TARGET = 300;

	/** Busy profile, 5 replicas: flaps per 10 leaderships. */
	static final double FLAPS_PER_TEN_TARGET = 1;

	/** Issue 15: the idle cost of the most groups measured against one group, per replica, at most this factor. */
	static final int GROUPS_COST_FACTOR = 2;

	/**
	 * "Today" of issue 13's target for the quiet profile: the default run of 2026-11-30 06:51 UTC
	 * (bench/README.md), before adaptive timing.
	 */
	static final String BASELINE_RUN = "2026-11-30 06:51";

	/** Quiet profile of {@link #BASELINE_RUN}, ms: SIGKILL median and p99, SIGTERM median, at 3 and 5 replicas. */
	static final Map<Integer, double[]> BASELINE = Map.of(3, new double[] { 226, 348, 60.4 }, 5,
			new double[] { 211, 299, 59.0 });

	private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm 'UTC'")
		.withZone(ZoneOffset.UTC);

	private final Results results;

	private final List<Target> targets = new ArrayList<>();

	private Report(Results results) {
		this.results = results;
	}

	/**
	 * Writes the report and the CSV files.
	 * @param results what was measured
	 * @param out the directory
	 * @return the results with the report and the files written
	 */
	static Results write(Results results, Path out) throws IOException {
		Report report = new Report(results);
		String markdown = report.markdown();
		List<Path> files = new ArrayList<>();
		files.add(writeFile(out.resolve("report.md"), markdown));
		files.add(writeFile(out.resolve("summary.csv"), report.summaryCsv()));
		files.add(writeFile(out.resolve("transitions.csv"), report.transitionsCsv()));
		files.add(writeFile(out.resolve("membership.csv"), report.membershipCsv()));
		files.add(writeFile(out.resolve("idle.csv"), report.idleCsv()));
		files.add(writeFile(out.resolve("stability.csv"), report.stabilityCsv()));
		files.add(writeFile(out.resolve("restarts.csv"), report.restartsCsv()));
		files.add(writeFile(out.resolve("rolling.csv"), report.rollingCsv()));
		files.add(writeFile(out.resolve("flaps.csv"), report.flapsCsv()));
		files.add(writeFile(out.resolve("leaderships.csv"), report.leadershipsCsv()));
		files.add(writeFile(out.resolve("timing.csv"), report.timingCsv()));
		files.add(writeFile(out.resolve("incidents.csv"), report.incidentsCsv()));
		files.add(writeFile(out.resolve("targets.csv"), report.targetsCsv()));
		if (!results.groupsIdle().isEmpty() || !results.groupFailovers().isEmpty()) {
			files.add(writeFile(out.resolve("groups-idle.csv"), report.groupsIdleCsv()));
			files.add(writeFile(out.resolve("groups-failover.csv"), report.groupFailoversCsv()));
		}
		for (Profile profile : Profile.values()) {
			List<Transition> transitions = results.transitions().stream().filter((t) -> t.profile() == profile).toList();
			if (results.options().plot && !transitions.isEmpty()) {
				Path png = out.resolve((profile == Profile.QUIET) ? "failover-cdf.png" : "failover-cdf-" + profile.optionValue() + ".png");
				try {
					CdfPlot.draw(transitions, png);
					files.add(png);
				}
				catch (RuntimeException | Error ex) {
					// No AWT on this JDK, or no fonts: the plot is optional.
				}
			}
		}
		return results.withReport(markdown, report.targets, files);
	}

	String markdown() {
		this.targets.clear();
		StringBuilder md = new StringBuilder();
		BenchOptions options = this.results.options();
		MachineInfo machine = this.results.machine();
		md.append("### Results of ").append(TIMESTAMP.format(this.results.startedAt()))
			.append(options.smoke ? " (smoke mode)" : "").append("\n\n");
		md.append("- **Machine:** ").append(machine.describe()).append("; load average at start ")
			.append(machine.loadAverageAtStart()).append(".\n");
		md.append("- **Replicas:** the sample-app jar as built, default timings (election timeout 150–300 ms, heartbeat 50 ms, "
				+ "pre-vote and check-quorum on, adaptive timing on with its 1 s ceiling), each a process on 127.0.0.1");
		md.append(options.debugLog ? ", logging `io.github.raftboot` at DEBUG" : "").append(".\n");
		for (Profile profile : profiles()) {
			md.append("- **").append(capitalized(profile.title())).append(":** ").append(describe(profile)).append("\n");
		}
		md.append("- **Replica JVM options:** `").append(String.join(" ", shortened(this.results.jvmOptions())))
			.append("`; the JVM's own choices: `").append(machine.jvmErgonomics()).append("`.\n");
		md.append("- **Run:** ").append(options.describe()).append("; took ").append(format(this.results.duration()))
			.append(".\n");
		if (this.results.failure() != null) {
			md.append("- **Stopped early:** ").append(this.results.failure()).append(".\n");
		}
		md.append("\n");
		for (Profile profile : profiles()) {
			transitionsTable(md, profile);
			splitVoteTable(md, profile);
		}
		membershipTable(md);
		for (Profile profile : profiles()) {
			idleTable(md, profile);
		}
		for (Profile profile : profiles()) {
			stabilityTable(md, profile);
		}
		groupsSection(md);
		followerRestartsTable(md);
		rollingTable(md);
		flapsTable(md);
		timingTable(md);
		targetsList(md);
		return md.toString();
	}

	private List<Profile> profiles() {
		return this.results.options().profiles;
	}

	private String describe(Profile profile) {
		BenchOptions options = this.results.options();
		BenchOptions.Settings settings = options.settings(profile);
		if (profile == Profile.QUIET) {
			return "replicas at nice " + settings.nice() + " (ahead of other work); " + settings.warmUpTransfersPerReplica()
					+ " leadership transfers per replica after the start, so that every replica has led before anything is "
					+ "measured; a restarted replica starts at nice " + settings.restartNice() + " (as if on a machine of its "
					+ "own) and gets nice " + settings.nice() + " once it has followed for the settle time; measurements wait "
					+ "for other processes to leave the machine quiet.";
		}
		String load = this.results.loads().stream().filter((run) -> run.profile() == profile)
			.map((run) -> String.format(Locale.ROOT, "%s, which used %.0f %% of a core over %s", run.shape(), run.cpuPercent(),
					format(run.seconds())))
			.findFirst().orElse("none");
		return "replicas at nice " + settings.nice() + " (not " + options.nice + " as in the quiet profile: level with other "
				+ "work), restarted ones too, from their "
				+ "first instant; no warm-up transfers (replicas that have never led, but the first leader); measurements "
				+ "do not wait for quiet moments; background load started by the tool for the whole profile: " + load + ".";
	}

	// Failover and handover

	private void transitionsTable(StringBuilder md, Profile profile) {
		List<Transition> all = this.results.transitions().stream().filter((transition) -> transition.profile() == profile)
			.toList();
		if (all.isEmpty()) {
			return;
		}
		md.append("#### Failover and handover, ").append(profile.title())
			.append(" (ms from the signal to the new leader's `leaderSince`)\n\n");
		md.append("| Measurement | Replicas | n | Median | p90 | p99 | Max | Target | Result |\n");
		md.append("|---|---:|---:|---:|---:|---:|---:|---|---|\n");
		for (Kind kind : Kind.values()) {
			for (int size : sizes()) {
				List<Transition> sample = transitions(profile, kind, size);
				if (sample.isEmpty()) {
					continue;
				}
				Stats stats = stats(sample);
				long failed = sample.stream().filter((transition) -> transition.newLeader() == null).count();
				String target = "—";
				String result = "—";
				if (profile != Profile.QUIET) {
					// The targets are the quiet profile's.
				}
				else if (size == TARGET_SIZE && kind == Kind.SIGKILL) {
					target = "median ≤ " + ms(FAILOVER_MEDIAN_TARGET) + ", p99 ≤ " + ms(FAILOVER_P99_TARGET);
					boolean medianMet = failed == 0 && stats.median() <= FAILOVER_MEDIAN_TARGET;
					boolean p99Met = failed == 0 && stats.p99() <= FAILOVER_P99_TARGET;
					addTarget("Failover median, " + size + " replicas", "≤ " + ms(FAILOVER_MEDIAN_TARGET) + " ms",
							ms(stats.median()) + " ms", medianMet);
					addTarget("Failover p99, " + size + " replicas", "≤ " + ms(FAILOVER_P99_TARGET) + " ms",
							ms(stats.p99()) + " ms", p99Met);
					result = "median " + metOrMissed(medianMet) + ", p99 " + metOrMissed(p99Met);
				}
				else if (size == TARGET_SIZE && kind == Kind.SIGTERM) {
					target = "median ≤ " + ms(HANDOVER_MEDIAN_TARGET);
					boolean met = failed == 0 && stats.median() <= HANDOVER_MEDIAN_TARGET;
					addTarget("Handover median, " + size + " replicas", "≤ " + ms(HANDOVER_MEDIAN_TARGET) + " ms",
							ms(stats.median()) + " ms", met);
					result = metOrMissed(met);
				}
				if (profile == Profile.QUIET) {
					baselineTarget(kind, size, stats, failed);
				}
				md.append("| ").append(kind.title()).append(" | ").append(size).append(" | ").append(sample.size())
					.append((failed > 0) ? " (" + failed + " without a new leader in 10 s)" : "").append(" | ")
					.append(ms(stats.median())).append(" | ").append(ms(stats.p90())).append(" | ").append(ms(stats.p99()))
					.append(" | ").append(ms(stats.max())).append(" | ").append(target).append(" | ").append(result)
					.append(" |\n");
			}
		}
		md.append("\nPercentiles by nearest rank: with 30 values p99 is the maximum, with fewer than 100 it is one of the "
				+ "largest few. Minimum and mean are in `summary.csv`, every single transition in `transitions.csv`. ");
		double background = all.stream().mapToDouble(Transition::backgroundPercent).average().orElse(0);
		long busy = all.stream().filter((transition) -> transition.backgroundPercent() > 50).count();
		md.append(String.format(Locale.ROOT, "Other processes on the machine used %.0f %% of one CPU on average during the "
				+ "measurements; during %d of %d more than 50 %%. Discarded because leadership had moved on its own just "
				+ "before the signal: %d.%n%n", background, busy, all.size(), this.results.discarded()));
	}

	/** Issue 13: the quiet profile's failover and hand-over no worse than {@link #BASELINE_RUN}. */
	private void baselineTarget(Kind kind, int size, Stats stats, long failed) {
		double[] baseline = BASELINE.get(size);
		if (baseline == null) {
			return;
		}
		String which = (kind == Kind.SIGKILL) ? "Failover" : "Handover";
		String seen = context(Profile.QUIET, size, "failover and handover");
		String context = "n = " + stats.n() + ((failed > 0) ? ", " + failed + " without a new leader in 10 s" : "")
				+ (seen.isEmpty() ? "" : "; " + seen);
		if (kind == Kind.SIGKILL) {
			boolean met = failed == 0 && stats.median() <= baseline[0] && stats.p99() <= baseline[1];
			addTarget(which + " no worse than " + BASELINE_RUN + ", " + size + " replicas (quiet profile)",
					"median ≤ " + ms(baseline[0]) + " ms, p99 ≤ " + ms(baseline[1]) + " ms",
					"median " + ms(stats.median()) + " ms, p99 " + ms(stats.p99()) + " ms", met, Issue13.QUIET_NO_WORSE,
					context);
		}
		else {
			boolean met = failed == 0 && stats.median() <= baseline[2];
			addTarget(which + " no worse than " + BASELINE_RUN + ", " + size + " replicas (quiet profile)",
					"median ≤ " + ms(baseline[2]) + " ms", "median " + ms(stats.median()) + " ms", met,
					Issue13.QUIET_NO_WORSE, context);
		}
	}

	private void splitVoteTable(StringBuilder md, Profile profile) {
		if (this.results.transitions().stream().noneMatch((transition) -> transition.profile() == profile)) {
			return;
		}
		md.append("#### Split votes and election rounds, ").append(profile.title()).append("\n\n");
		md.append("| Transition | Replicas | n | Term raised more than once (split vote) | More than one election started "
				+ "| Elections started, mean | Pre-vote rounds, mean | More than one leader elected |\n");
		md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
		for (Kind kind : Kind.values()) {
			for (int size : sizes()) {
				List<Transition> sample = transitions(profile, kind, size);
				if (sample.isEmpty()) {
					continue;
				}
				long rounds = sample.stream().filter(Transition::severalRounds).count();
				long candidates = sample.stream().filter((transition) -> transition.electionsStarted() > 1).count();
				long leaders = sample.stream().filter((transition) -> transition.electionsWon() > 1).count();
				md.append("| ").append(kind).append(" | ").append(size).append(" | ").append(sample.size()).append(" | ")
					.append(rate(rounds, sample.size())).append(" | ").append(rate(candidates, sample.size())).append(" | ")
					.append(number(mean(sample, Transition::electionsStarted), 2)).append(" | ")
					.append(number(mean(sample, Transition::preVotesStarted), 2)).append(" | ")
					.append(rate(leaders, sample.size())).append(" |\n");
			}
		}
		md.append("\nFrom the new leader's term against the old one, and from the increase of `raft_elections_started`, "
				+ "`raft_prevotes_started` and `raft_elections_won` (`/actuator/prometheus`) of the surviving replicas. A "
				+ "pre-vote round that fails raises no term.\n\n");
	}

	private static double mean(List<Transition> sample, ToLongFunction<Transition> value) {
		return sample.stream().mapToLong(value).average().orElse(Double.NaN);
	}

	// Membership changes

	private void membershipTable(StringBuilder md) {
		List<MembershipChange> all = this.results.membershipChanges();
		if (all.isEmpty()) {
			return;
		}
		md.append("#### Membership changes (ms from the request to the leader's report of the change done)\n\n");
		md.append("| Change | Replicas | n | Median | p90 | Max | Lower bound, median | Request answered, median "
				+ "| Voting after, median (caught up and promoted) | Leader not active meanwhile | Requests refused first |\n");
		md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		for (Change change : Change.values()) {
			List<MembershipChange> sample = membershipChanges(change);
			if (sample.isEmpty()) {
				continue;
			}
			Stats stats = membershipStats(sample);
			long failed = sample.stream().filter((measured) -> Double.isNaN(measured.millis())).count();
			int size = sample.get(0).replicas();
			String replicas = (change == Change.ADD_MEMBER) ? size + " → " + (size + 1) : (size + 1) + " → " + size;
			Stats voting = Stats.of(sample.stream().map(MembershipChange::votingMillis).filter((ms) -> !Double.isNaN(ms))
				.toList());
			Stats lower = Stats.of(sample.stream().filter((measured) -> !Double.isNaN(measured.millis()))
				.map(MembershipChange::undoneMillis).toList());
			md.append("| ").append(change.title()).append(" | ").append(replicas).append(" | ").append(sample.size())
				.append((failed > 0) ? " (" + failed + " not done within " + MembershipProbe.CHANGE_LIMIT.toSeconds() + " s)"
						: "")
				.append(" | ").append(ms(stats.median())).append(" | ").append(ms(stats.p90())).append(" | ")
				.append(ms(stats.max())).append(" | ").append(ms(lower.median())).append(" | ")
				.append(ms(Stats.of(sample.stream().map(MembershipChange::answeredMillis).toList()).median())).append(" | ")
				.append((change == Change.ADD_MEMBER) ? ms(voting.median()) : "—")
				.append(" | ").append(sample.stream().filter(MembershipChange::leaderInterrupted).count()).append(" | ")
				.append(sample.stream().mapToInt(MembershipChange::refusals).sum()).append(" |\n");
		}
		MembershipChange first = all.get(0);
		md.append(String.format(Locale.ROOT, "%nA replica whose `raft.peers` lists all %d is started with "
				+ "`raft.membership.auto-join=false`; it waits to be added (`JOINING`). Then, again and again, `POST /actuator/raft/members/%s` with its URL to the leader, and "
				+ "`DELETE` once that is done. Each figure runs from `Instant.now()` just before the request the leader "
				+ "took to the first answer of the leader's `GET /actuator/raft` (asked again %d ms after each answer) "
				+ "that shows the configuration committed, not joint, without learners and with the replica among the "
				+ "voters (or without it): an upper bound. The lower bound is the instant the last answer that still "
				+ "showed the change under way was asked for; the request itself is answered (`STARTED`) before the "
				+ "change is done. An addition is a learner that catches up, then a joint "
				+ "configuration, then the final one; a removal, the joint and the final one. The log holds nothing but "
				+ "configurations and one entry per term, so the learner has little to catch up. Not counted: the first "
				+ "addition, of a replica that had never been a member (empty log, cold JVM): %s ms, and the removal "
				+ "after it: %s ms. Every single change is in `membership.csv`. ",
				first.replicas() + 1, first.member(), MembershipProbe.POLL_INTERVAL.toMillis(), ms(first.millis()),
				ms(all.stream().filter((measured) -> measured.first() && measured.change() == Change.REMOVE_MEMBER)
					.mapToDouble(MembershipChange::millis).findFirst().orElse(Double.NaN))));
		List<MembershipChange> counted = all.stream().filter((measured) -> !measured.first()).toList();
		double background = counted.stream().mapToDouble(MembershipChange::backgroundPercent).average().orElse(0);
		long busy = counted.stream().filter((measured) -> measured.backgroundPercent() > 50).count();
		md.append(String.format(Locale.ROOT, "Other processes on the machine used %.0f %% of one CPU on average during "
				+ "these changes; during %d of %d more than 50 %%.%n%n", background, busy, counted.size()));
	}

	private List<MembershipChange> membershipChanges(Change change) {
		return this.results.membershipChanges().stream()
			.filter((measured) -> measured.change() == change && !measured.first())
			.toList();
	}

	static Stats membershipStats(List<MembershipChange> sample) {
		return Stats.of(sample.stream().map(MembershipChange::millis).filter((millis) -> !Double.isNaN(millis)).toList());
	}

	// Idle cost

	private void idleTable(StringBuilder md, Profile profile) {
		List<IdleWindow> windows = this.results.windows().stream().filter((window) -> window.profile() == profile).toList();
		if (windows.isEmpty()) {
			return;
		}
		boolean quiet = profile == Profile.QUIET;
		md.append("#### Idle cost per replica, ").append(profile.title()).append("\n\n");
		md.append("| Window | Replicas | Replica | CPU, % of one core (of it JIT compiler) | RSS, MiB | TCP payload, B/s sent / received "
				+ "| Incl. TCP/IP headers, B/s | TCP connections opened per s | Target | Result |\n");
		md.append("|---|---:|---|---:|---:|---:|---:|---:|---|---|\n");
		for (IdleWindow window : windows) {
			double seconds = window.seconds();
			List<Member> leaders = window.members().stream().filter(Member::leader).toList();
			List<Member> followers = window.members().stream().filter((member) -> !member.leader()).toList();
			for (Member leader : leaders) {
				boolean met = leader.cpuPercent() <= LEADER_CPU_TARGET;
				if (quiet) {
					addTarget("Idle CPU of the leader, " + window.replicas() + " replicas (" + window.name() + ")",
						"≤ " + number(LEADER_CPU_TARGET, 0) + " %", number(leader.cpuPercent(), 2) + " %", met);
				}
				md.append("| ").append(window.name()).append(" ").append(format(seconds)).append(" | ").append(window.replicas())
					.append(" | leader (").append(leader.id()).append(") | ").append(number(leader.cpuPercent(), 2))
					.append(" (").append(number(leader.jitPercent(), 2)).append(") | ").append(number(leader.rssMib(), 0)).append(" | ")
					.append(number(leader.bytesSent() / seconds, 0)).append(" / ")
					.append(number(leader.bytesReceived() / seconds, 0)).append(" | ")
					.append(number(leader.bytesWithHeaders() / seconds, 0)).append(" | ")
					.append(number(leader.connectionsOpened() / seconds, 2)).append(" | ")
					.append(quiet ? "≤ " + number(LEADER_CPU_TARGET, 0) + " % | " + metOrMissed(met) : "— | —").append(" |\n");
			}
			if (!followers.isEmpty()) {
				double maxCpu = followers.stream().mapToDouble(Member::cpuPercent).max().orElse(0);
				boolean met = maxCpu <= FOLLOWER_CPU_TARGET;
				if (quiet) {
					addTarget("Idle CPU per follower (max), " + window.replicas() + " replicas (" + window.name() + ")",
							"≤ " + number(FOLLOWER_CPU_TARGET, 0) + " %", number(maxCpu, 2) + " %", met);
				}
				md.append("| ").append(window.name()).append(" ").append(format(seconds)).append(" | ").append(window.replicas())
					.append(" | ").append(followers.size()).append(" followers: mean [max] | ")
					.append(meanMax(followers, Member::cpuPercent, 2)).append(" (")
					.append(meanMax(followers, Member::jitPercent, 2)).append(") | ")
					.append(meanMax(followers, Member::rssMib, 0)).append(" | ")
					.append(meanMax(followers, (member) -> member.bytesSent() / seconds, 0)).append(" / ")
					.append(meanMax(followers, (member) -> member.bytesReceived() / seconds, 0)).append(" | ")
					.append(meanMax(followers, (member) -> member.bytesWithHeaders() / seconds, 0)).append(" | ")
					.append(meanMax(followers, (member) -> member.connectionsOpened() / seconds, 2)).append(" | ")
					.append(quiet ? "≤ " + number(FOLLOWER_CPU_TARGET, 0) + " % each | " + metOrMissed(met) : "— | —")
					.append(" |\n");
			}
		}
		md.append("\nCPU: `utime + stime` of `/proc/<pid>/stat` (all threads of the JVM) over the window, after the warm-up; "
				+ "in brackets the JIT compiler threads' share (`/proc/<pid>/task/*/stat` of `C1/C2 CompilerThread`), which "
				+ "a replica that has run for long no longer pays. "
				+ "RSS: `VmRSS` of `/proc/<pid>/status` at the end of the window. Bytes: the kernel's per-socket TCP counters "
				+ "(`bytes_sent`, `bytes_received` of `tcp_info`, read with `ss -tinpeO`) of every socket between two replicas, "
				+ "owner by owner; sockets closed during the window are caught with `ss -E` with their final counters, each "
				+ "socket is told apart by its kernel cookie. Payload is HTTP headers and JSON bodies; \"incl. headers\" adds "
				+ "52 bytes of IPv4 and TCP header (with timestamps) per segment, ACKs included. `/proc/<pid>/io` would not do: "
				+ "it does not count socket traffic apart from files. ");
		if (!quiet) {
			md.append("Busy profile: the replicas share the CPUs with the tool's background load (and other processes), "
					+ "at the same nice value; the targets are the quiet profile's. ");
		}
		for (IdleWindow window : windows) {
			md.append(String.format(Locale.ROOT,
					"Check, %d replicas (%s): received − sent = %s of sent (0 when every byte is seen from both ends), "
							+ "%d bytes without a known owner%s. ",
					window.replicas(), window.name(), percent(window.trafficBalance()), window.unattributedBytes(),
					window.destructionsSeen() ? "" : ", closed sockets NOT seen (ss -E unavailable)"));
		}
		md.append("\n\n");
	}

	// Stability

	private void stabilityTable(StringBuilder md, Profile profile) {
		List<IdleWindow> windows = this.results.windows().stream().filter((window) -> window.profile() == profile).toList();
		List<Settling> settles = this.results.settles().stream().filter((settling) -> settling.profile() == profile).toList();
		if (windows.isEmpty() && settles.isEmpty()) {
			return;
		}
		boolean quiet = profile == Profile.QUIET;
		String suffix = quiet ? "" : " (" + profile.title() + ")";
		md.append("#### Stability (spurious elections), ").append(profile.title()).append("\n\n");
		md.append("| When | Replicas | Length | Leader changes seen | Elections started | Pre-vote rounds | Replicas' CPU, "
				+ "% of one CPU (other processes) | Target | Result |\n");
		md.append("|---|---:|---:|---:|---:|---:|---:|---|---|\n");
		for (IdleWindow window : windows) {
			boolean met = window.quiet();
			String which = quiet ? "Spurious elections, " + window.replicas() + " replicas idle (" + window.name() + ", "
					+ format(window.seconds()) + ")"
					: "Unprompted elections, " + window.replicas() + " replicas idle (" + profile.title() + ", "
							+ window.name() + " window of " + format(window.seconds()) + ")";
			boolean issue13 = !quiet && "long".equals(window.name()) && window.replicas() == TARGET_SIZE;
			addTarget(which, "0", window.electionsStarted() + " elections, " + window.leaderChanges() + " leader changes", met,
					issue13 ? Issue13.UNPROMPTED : null, issue13 ? context(profile, window.replicas(), "long idle") : "");
			md.append("| ").append(window.name()).append(" window | ").append(window.replicas()).append(" | ")
				.append(format(window.seconds())).append(" | ").append(window.leaderChanges()).append(" | ")
				.append(window.electionsStarted()).append(" | ").append(window.preVotesStarted()).append(" | ")
				.append(number(window.replicasPercent(), 1)).append(" (").append(number(window.backgroundPercent(), 1))
				.append(") | none | ").append(metOrMissed(met)).append(" |\n");
		}
		for (Settling settling : settles) {
			boolean met = settling.termsRaised() == 0;
			addTarget("Spurious elections while killed replicas restarted and rejoined, " + settling.replicas() + " replicas"
					+ suffix,
					"0", settling.termsRaised() + " terms raised during " + settling.restartsWithElections() + " of "
							+ settling.restarts() + " restarts",
					met);
			md.append("| while each killed or stopped leader restarted and rejoined | ").append(settling.replicas())
				.append(" | ").append(settling.restarts()).append(" restarts | ")
				.append(settling.restartsWithElections()).append(" restarts with elections | ")
				.append(settling.termsRaised()).append(" terms raised | — | — | none | ").append(metOrMissed(met))
				.append(" |\n");
		}
		md.append("\nLeader changes seen: the increase of `raft_leader_changes` summed over the replicas (one real change "
				+ "counts once per replica). A pre-vote round is a follower that stopped hearing from the leader for a "
				+ "whole election timeout; it disturbs nobody, but it shows a heartbeat came late. Between two "
				+ "measurements, terms raised are the new leader's term of one measurement against the term the next one "
				+ "starts in; "
				+ (quiet ? "a restarted replica starts at nice 19 (CPU left over by the others, as if on a machine of its "
						+ "own) and gets the replicas' nice value after it has followed for the settle time."
						: "a restarted replica starts at the same nice value as the others, while the background load runs.")
				+ "\n\n");
	}

	// Election groups

	private void groupsSection(StringBuilder md) {
		List<GroupsIdle> idle = this.results.groupsIdle();
		List<GroupFailover> failovers = this.results.groupFailovers();
		if (idle.isEmpty() && failovers.isEmpty()) {
			return;
		}
		BenchOptions options = this.results.options();
		md.append("#### Election groups (issue 15), quiet profile\n\n");
		md.append("Each cluster runs its replicas with `raft.groups=g1,…,g<n-1>`: *n* groups, the default one included "
				+ "(1 group: no `raft.groups`), and `raft.balance.delay=")
			.append(BenchOptions.format(options.groupsBalanceDelay))
			.append("` so that the leaders spread within seconds (the starter's default is 5 s; no move happens once they "
					+ "are spread). Who leads which group comes from the replicas' logs (below).\n\n");
		if (!idle.isEmpty()) {
			md.append("| Groups | Replicas | Leaders spread and settled | Groups led per replica, at the start [end] of the window "
					+ "| CPU, % of one core per replica: mean [max] | Of it JIT compiler | Without the JIT "
					+ "| TCP payload, B/s sent + received per replica: mean [max] | Leaderships begun in the window "
					+ "| From the start: leaderships begun [lost their lease] |\n");
			md.append("|---:|---:|---|---|---:|---:|---:|---:|---:|---:|\n");
			for (GroupsIdle measured : idle) {
				List<Member> members = measured.window().members();
				double seconds = measured.window().seconds();
				md.append("| ").append(measured.groups()).append(" | ").append(measured.replicas()).append(" | ")
					.append(measured.spread() ? "after " : "**NOT** within ").append(format(measured.spreadSeconds()))
					.append(" | ").append(led(measured.ledBefore()))
					.append(measured.ledAfter().equals(measured.ledBefore()) ? "" : " [" + led(measured.ledAfter()) + "]")
					.append(" | ").append(meanMax(members, Member::cpuPercent, 2)).append(" | ")
					.append(meanMax(members, Member::jitPercent, 2)).append(" | ")
					.append(meanMax(members, (m) -> m.cpuPercent() - m.jitPercent(), 2)).append(" | ")
					.append(meanMax(members, (m) -> (m.bytesSent() + m.bytesReceived()) / seconds, 0)).append(" | ")
					.append(measured.leadershipsBegun()).append(" | ").append(measured.startLeaderships()).append(" [")
					.append(measured.startLeasesLost()).append("] |\n");
			}
			md.append("\n");
			groupsIdleTarget(md, idle);
			md.append("Each idle window is measured as those of *Idle cost per replica* (`")
				.append(BenchOptions.format(options.idleWindow)).append("`, CPU from `/proc`, bytes from the kernel's per-socket TCP counters between replicas), opened once "
						+ "every group had an active leader, no replica led more than ceil(groups / replicas) of them and "
						+ "no leadership had begun for 3 s (3 balance delays if longer), and every group ran its "
						+ "configured timing again (up to 90 s: a group widened at the start sends half the heartbeats) and "
						+ "the replicas had run for ")
				.append(BenchOptions.format(options.groupsAge))
				.append(" (`--groups-age`, the same age for every number of groups: earlier, code "
						+ "not compiled yet costs more), after the warm-up (no leadership transfers: the groups' leaders already differ). With groups every "
						+ "replica leads some, so the figures are per replica over all of them, not leader and followers. "
						+ "From the start: every leadership of any group that began from the replicas' start until the "
						+ "window opened (each group once if nothing churned), and how many of them ended with "
						+ "`LEASE_LOST` meanwhile. Every replica of every window is in `groups-idle.csv`.\n\n");
		}
		if (!failovers.isEmpty()) {
			groupFailoverTable(md, failovers);
		}
		md.append("Leaderships per group: from the lines the sample app logs for `LeadershipAcquiredEvent` and "
				+ "`LeadershipRevokedEvent`, which name their group (`This replica (n2) now leads group 'g3', fencing token 45`); "
				+ "the default group's lines name none (`This replica (n2) now leads, fencing token 45`).\n\n");
	}

	private void groupsIdleTarget(StringBuilder md, List<GroupsIdle> idle) {
		GroupsIdle one = idle.stream().filter((measured) -> measured.groups() == 1).findFirst().orElse(null);
		GroupsIdle most = idle.stream().max(Comparator.comparingInt(GroupsIdle::groups)).orElse(null);
		if (one == null || most == null || most.groups() == 1) {
			md.append("Target (issue 15): ").append(GROUPS_COST_FACTOR).append(" × the cost of 1 group at most: not measured, "
					+ "it needs a window with 1 group and one with more (`--groups=1,50`).\n\n");
			return;
		}
		String what = most.groups() + " groups against 1, " + most.replicas() + " replicas";
		ToDoubleFunction<Member> cpu = Member::cpuPercent;
		double cpuOne = mean(one.window().members(), cpu);
		double cpuMost = mean(most.window().members(), cpu);
		double cpuMaxOne = max(one.window().members(), cpu);
		double cpuMaxMost = max(most.window().members(), cpu);
		double bytesOne = mean(one.window().members(), bytesPerSecond(one.window()));
		double bytesMost = mean(most.window().members(), bytesPerSecond(most.window()));
		double bytesMaxOne = max(one.window().members(), bytesPerSecond(one.window()));
		double bytesMaxMost = max(most.window().members(), bytesPerSecond(most.window()));
		boolean cpuMet = cpuMost <= GROUPS_COST_FACTOR * cpuOne;
		boolean bytesMet = bytesMost <= GROUPS_COST_FACTOR * bytesOne;
		String target = "≤ " + GROUPS_COST_FACTOR + " × 1 group";
		addTarget("Idle CPU per replica, mean, " + what, target, String.format(Locale.ROOT, "%s %% against %s %%: %s× "
				+ "(max %s %% against %s %%: %s×)", number(cpuMost, 2), number(cpuOne, 2), number(cpuMost / cpuOne, 2),
				number(cpuMaxMost, 2), number(cpuMaxOne, 2), number(cpuMaxMost / cpuMaxOne, 2)), cpuMet);
		addTarget("Idle TCP bytes per replica, mean, " + what, target, String.format(Locale.ROOT, "%s B/s against %s B/s: "
				+ "%s× (max %s against %s: %s×)", number(bytesMost, 0), number(bytesOne, 0), number(bytesMost / bytesOne, 2),
				number(bytesMaxMost, 0), number(bytesMaxOne, 0), number(bytesMaxMost / bytesMaxOne, 2)), bytesMet);
		md.append("| Target (issue 15): ").append(most.groups()).append(" groups cost at most ").append(GROUPS_COST_FACTOR)
			.append(" × 1 group, per replica | 1 group | ").append(most.groups())
			.append(" groups | Ratio, mean [max] | Result |\n|---|---:|---:|---:|---|\n");
		md.append("| CPU, % of one core, mean [max] | ").append(number(cpuOne, 2)).append(" [").append(number(cpuMaxOne, 2))
			.append("] | ").append(number(cpuMost, 2)).append(" [").append(number(cpuMaxMost, 2)).append("] | ")
			.append(number(cpuMost / cpuOne, 2)).append(" [").append(number(cpuMaxMost / cpuMaxOne, 2)).append("] | ")
			.append(metOrMissed(cpuMet)).append(" |\n");
		md.append("| CPU without the JIT, mean [max] | ").append(meanMax(one.window().members(), NO_JIT, 2)).append(" | ")
			.append(meanMax(most.window().members(), NO_JIT, 2)).append(" | ")
			.append(number(mean(most.window().members(), NO_JIT) / mean(one.window().members(), NO_JIT), 2)).append(" [")
			.append(number(max(most.window().members(), NO_JIT) / max(one.window().members(), NO_JIT), 2))
			.append("] | (for reference) |\n");
		md.append("| TCP payload, B/s sent + received, mean [max] | ").append(number(bytesOne, 0)).append(" [")
			.append(number(bytesMaxOne, 0)).append("] | ").append(number(bytesMost, 0)).append(" [")
			.append(number(bytesMaxMost, 0)).append("] | ").append(number(bytesMost / bytesOne, 2)).append(" [")
			.append(number(bytesMaxMost / bytesMaxOne, 2)).append("] | ").append(metOrMissed(bytesMet))
			.append(" |\n\n");
		md.append("The target is judged on the means over the replicas, CPU with the JIT compiler's share (what the "
				+ "replicas paid in the window); the JIT's share moves by a point between 20 s windows, so the ratio "
				+ "without it is shown as well. ");
	}

	private void groupFailoverTable(StringBuilder md, List<GroupFailover> failovers) {
		md.append("| Failover of every group of a killed replica (ms from SIGKILL to another replica's "
				+ "`LeadershipAcquiredEvent` line) | Groups | Replicas | Kills | Groups it led, per kill | Groups failed over "
				+ "| Median | p90 | Max | Until all its groups led again, median / max over the kills | Without a new leader "
				+ "|\n|---|---:|---:|---:|---|---:|---:|---:|---:|---|---:|\n");
		TreeSet<Integer> counts = new TreeSet<>();
		failovers.forEach((failover) -> counts.add(failover.groups()));
		for (int groups : counts) {
			List<GroupFailover> sample = failovers.stream().filter((failover) -> failover.groups() == groups).toList();
			Map<Integer, List<GroupFailover>> byKill = new TreeMap<>();
			sample.forEach((failover) -> byKill.computeIfAbsent(failover.trial(), (trial) -> new ArrayList<>()).add(failover));
			Stats each = Stats.of(sample.stream().map(GroupFailover::millis).filter((millis) -> !Double.isNaN(millis)).toList());
			Stats all = Stats.of(byKill.values().stream()
				.filter((kill) -> kill.stream().noneMatch((failover) -> Double.isNaN(failover.millis())))
				.map((kill) -> kill.stream().mapToDouble(GroupFailover::millis).max().orElse(Double.NaN))
				.toList());
			long without = sample.stream().filter((failover) -> failover.newLeader() == null).count();
			md.append("| SIGKILL of a replica that leads the most groups | ").append(groups).append(" | ")
				.append(sample.get(0).replicas()).append(" | ").append(byKill.size()).append(" | ")
				.append(String.join(", ", byKill.values().stream().map((kill) -> kill.get(0).victim() + ": " + kill.size())
					.toList()))
				.append(" | ").append(each.n()).append(" | ").append(ms(each.median())).append(" | ")
				.append(ms(each.p90())).append(" | ").append(ms(each.max())).append(" | ").append(ms(all.median()))
				.append(" / ").append(ms(all.max())).append(" | ").append(without).append(" |\n");
		}
		md.append("\nThe replica killed leads the most groups once the leaders are spread (at least 2 when there are more "
				+ "groups than replicas), at a random phase of the heartbeat; then it is restarted (at nice 19 until it has "
				+ "followed for the settle time) and the leaders spread again before the next kill. The figure is the "
				+ "timestamp of the new leader's log line, a few milliseconds after its `leaderSince` (which the failovers "
				+ "of the default group above use), against the instant just before the signal. Every group is in "
				+ "`groups-failover.csv`.\n\n");
	}

	private static String led(Map<String, Integer> led) {
		return String.join(" ", led.entrySet().stream().map((entry) -> entry.getKey() + ":" + entry.getValue()).toList());
	}

	private static ToDoubleFunction<Member> bytesPerSecond(IdleWindow window) {
		return (member) -> (member.bytesSent() + member.bytesReceived()) / window.seconds();
	}

	private static final ToDoubleFunction<Member> NO_JIT = (member) -> member.cpuPercent() - member.jitPercent();

	private static double mean(List<Member> members, ToDoubleFunction<Member> value) {
		return members.stream().mapToDouble(value).average().orElse(Double.NaN);
	}

	private static double max(List<Member> members, ToDoubleFunction<Member> value) {
		return members.stream().mapToDouble(value).max().orElse(Double.NaN);
	}

	// Follower restarts, rolling restarts, flaps

	private void followerRestartsTable(StringBuilder md) {
		List<FollowerRestart> all = this.results.followerRestarts();
		if (all.isEmpty()) {
			return;
		}
		md.append("#### Follower restarts (SIGTERM, start, following; one at a time)\n\n");
		md.append("| Profile | Replicas | Restarts | With an election (term raised or leader changed) | Terms raised "
				+ "| Elections started | Pre-vote rounds | No active leader, ms in all | Until following, s: median [max] "
				+ "| Target | Result |\n");
		md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
		for (Profile profile : Profile.values()) {
			for (int size : new TreeSet<>(all.stream().filter((r) -> r.profile() == profile).map(FollowerRestart::replicas)
				.toList())) {
				List<FollowerRestart> sample = all.stream().filter((r) -> r.profile() == profile && r.replicas() == size)
					.toList();
				long withElection = sample.stream().filter(FollowerRestart::causedElection).count();
				long terms = sample.stream().mapToLong((r) -> r.termAfter() - r.termBefore()).sum();
				String target = "—";
				String result = "—";
				if (profile == Profile.BUSY && size == TARGET_SIZE) {
					boolean met = withElection <= FOLLOWER_RESTART_ELECTIONS_TARGET;
					target = "no election";
					result = metOrMissed(met);
					addTarget("Elections caused by follower restarts, " + size + " replicas (" + profile.title() + ")",
							FOLLOWER_RESTART_ELECTIONS_TARGET + " of " + sample.size(), withElection + " of " + sample.size()
									+ " restarts, " + terms + " terms raised",
							met, Issue13.FOLLOWER_RESTARTS, ((sample.size() < 30) ? "only " + sample.size()
									+ " restarts, the target counts 30; " : "") + context(profile, size, "follower restarts"));
				}
				Stats ready = Stats.of(sample.stream().map(FollowerRestart::readySeconds).toList());
				md.append("| ").append(profile.optionValue()).append(" | ").append(size).append(" | ").append(sample.size())
					.append(" | ").append(rate(withElection, sample.size())).append(" | ").append(terms).append(" | ")
					.append(sample.stream().mapToLong(FollowerRestart::electionsStarted).sum()).append(" | ")
					.append(sample.stream().mapToLong(FollowerRestart::preVotesStarted).sum()).append(" | ")
					.append(ms(sample.stream().mapToDouble(FollowerRestart::leaderlessMillis).sum())).append(" | ")
					.append(number(ready.median(), 1)).append(" [").append(number(ready.max(), 1)).append("] | ")
					.append(target).append(" | ").append(result).append(" |\n");
			}
		}
		md.append("\nA follower, round robin among the followers of the moment, gets SIGTERM, is started again once it has "
				+ "exited and must be followed by it and all others, then follow for the settle time ("
				+ prose(this.results.options().settle) + "); the next restart follows at once. Each restart "
				+ "counts what happened from its signal to the next one's: terms raised and a leader other than before (from "
				+ "`/actuator/raft` of all replicas), the increase of `raft_elections_started` and `raft_prevotes_started` "
				+ "(of the restarted replica, since its start), and the time without an active leader from the replicas' "
				+ "logs (see the rolling restarts). Every single restart is in `restarts.csv`.\n\n");
	}

	private void rollingTable(StringBuilder md) {
		List<RollingRestart> all = this.results.rollingRestarts();
		if (all.isEmpty()) {
			return;
		}
		md.append("#### Rolling restarts (highest ordinal first, each replica ready before the next)\n\n");
		md.append("| Profile | Replicas | Order | Leaders restarted | Terms raised | New leaderships (by hand-over) "
				+ "| No active leader, ms in all | Worst gap, ms | Gaps | Took, s | Target | Result |\n");
		md.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
		for (Profile profile : Profile.values()) {
			for (RollingRestart rolling : all.stream().filter((r) -> r.profile() == profile).toList()) {
				String target = "—";
				String result = "—";
				if (profile == Profile.BUSY && rolling.replicas() == TARGET_SIZE) {
					boolean termsMet = rolling.termsRaised() <= rolling.restartedLeaders();
					boolean leaderlessMet = rolling.gaps().totalMillis() <= ROLLING_LEADERLESS_TARGET;
					String which = "rolling restart " + (rolling.index() + 1) + " of " + rolling.replicas() + " ("
							+ profile.title() + ")";
					String context = rolling.leaderships() + " new leaderships, " + rolling.handOvers() + " by hand-over; "
							+ context(profile, rolling.replicas(), "rolling restart");
					addTarget("Terms raised, " + which, "≤ " + rolling.restartedLeaders() + " (restarted leaders)",
							Long.toString(rolling.termsRaised()), termsMet, Issue13.ROLLING_TERMS, context);
					addTarget("Time without an active leader, " + which, "≤ " + ms(ROLLING_LEADERLESS_TARGET) + " ms",
							ms(rolling.gaps().totalMillis()) + " ms (worst gap " + ms(rolling.gaps().worstMillis()) + " ms)",
							leaderlessMet, Issue13.ROLLING_LEADERLESS, context);
					target = "terms ≤ leaders restarted, ≤ " + ms(ROLLING_LEADERLESS_TARGET) + " ms";
					result = "terms " + metOrMissed(termsMet) + ", time " + metOrMissed(leaderlessMet);
				}
				md.append("| ").append(profile.optionValue()).append(" | ").append(rolling.replicas()).append(" | ")
					.append(String.join(" ", rolling.steps().stream().map(RollingStep::replica).toList())).append(" | ")
					.append(rolling.restartedLeaders()).append(" | ").append(rolling.termsRaised()).append(" | ")
					.append(rolling.leaderships()).append(" (").append(rolling.handOvers()).append(") | ")
					.append(ms(rolling.gaps().totalMillis())).append(" | ").append(ms(rolling.gaps().worstMillis()))
					.append(" | ").append(rolling.gaps().count()).append(" | ").append(number(rolling.seconds(), 1))
					.append(" | ").append(target).append(" | ").append(result).append(" |\n");
			}
		}
		md.append("\nEach replica in turn, from the highest ordinal down as a Kubernetes StatefulSet rolls: SIGTERM, a new "
				+ "start once it has exited, then the next as soon as it and all others follow the leader (ready); the "
				+ "settle time (" + prose(this.results.options().settle) + ") after the last. Terms raised: "
				+ "the term after against the term before, from `/actuator/raft`. Leaderships and the time without an "
				+ "active leader come from the replicas' own logs, not from polling: each active leadership runs from the "
				+ "line the sample app writes for its `LeadershipAcquiredEvent` to the one for its `LeadershipRevokedEvent` "
				+ "(or to the SIGKILL the tool notes in the log); a gap is time, from the first signal to the end of the "
				+ "settle time, in which no replica was the active leader. A new leadership counts as by hand-over if the "
				+ "one before it was revoked for a `TRANSFER`. ");
		md.append(eventLag()).append(" Every step is in `rolling.csv`, every leadership in `leaderships.csv`.\n\n");
	}

	/** How far the logged acquisitions trail the new leaders' {@code leaderSince}, over the transitions. */
	private String eventLag() {
		List<Double> lags = new ArrayList<>();
		for (Transition transition : this.results.transitions()) {
			if (transition.newLeader() == null || transition.leaderSince() == null) {
				continue;
			}
			this.results.clusters().stream()
				.filter((run) -> run.profile() == transition.profile() && run.replicas() == transition.replicas())
				.flatMap((run) -> run.leaderships().stream())
				.filter((leadership) -> leadership.replica().equals(transition.newLeader())
						&& leadership.term() == transition.newTerm())
				.findFirst()
				.ifPresent((leadership) -> lags.add(Duration.between(Objects.requireNonNull(transition.leaderSince()),
						leadership.acquiredAt()).toNanos() / 1e6));
		}
		if (lags.isEmpty()) {
			return "The log lines are written by the event thread a few milliseconds after the change, to the millisecond.";
		}
		Stats stats = Stats.of(lags);
		return String.format(Locale.ROOT, "The log lines are written by the replica's event thread after the change, to the "
				+ "millisecond: over the %d failovers and hand-overs of this run, the line of an acquisition came %.1f ms "
				+ "(median; %.1f to %.1f ms) after the new leader's `leaderSince`; an end is logged the same way, so a gap "
				+ "is off by the difference of two such delays.", stats.n(), stats.median(), stats.min(), stats.max());
	}

	private void flapsTable(StringBuilder md) {
		List<ClusterRun> runs = this.results.clusters();
		if (runs.isEmpty()) {
			return;
		}
		Duration window = this.results.options().flapWindow;
		md.append("#### Flaps (a leadership that lapsed and came back within ").append(prose(window))
			.append(", no other leader meanwhile)\n\n");
		md.append("| Profile | Replicas | Part | Leaderships (going on during the part) | Flaps | Per 10 leaderships "
				+ "| Lapses, ms: min–max | Lease lapses logged by the Raft threads | Target | Result |\n");
		md.append("|---|---:|---|---:|---:|---:|---:|---:|---|---|\n");
		for (ClusterRun run : runs) {
			List<Leaderships.Flap> flaps = Leaderships.flaps(run.leaderships(), window);
			List<Leaderships.Span> spans = Leaderships.spans(run.leaderships(), window);
			for (Part part : run.parts()) {
				List<Leaderships.Flap> inPart = flaps.stream()
					.filter((flap) -> run.partAt(flap.after().acquiredAt()).equals(part.name())).toList();
				int leaderships = (int) spans.stream().filter((span) -> span.overlaps(part.from(), part.to())).count();
				flapRow(md, run, part.name(), leaderships, inPart, lapsesLogged(run, part.from(), part.to()), "—", "—");
			}
			int leaderships = spans.size();
			double perTen = (leaderships > 0) ? 10.0 * flaps.size() / leaderships : 0;
			String target = "—";
			String result = "—";
			if (run.profile() == Profile.BUSY && run.replicas() == TARGET_SIZE) {
				boolean met = perTen <= FLAPS_PER_TEN_TARGET;
				target = "≤ " + number(FLAPS_PER_TEN_TARGET, 0) + " per 10";
				result = metOrMissed(met);
				addTarget("Flaps, " + run.replicas() + " replicas (" + run.profile().title() + ")",
						"≤ " + number(FLAPS_PER_TEN_TARGET, 0) + " per 10 leaderships",
						flaps.size() + " in " + leaderships + " leaderships", met, Issue13.FLAPS,
						context(run.profile(), run.replicas(), null));
			}
			Instant from = run.parts().isEmpty() ? Instant.MIN : run.parts().get(0).from();
			Instant to = run.parts().isEmpty() ? Instant.MAX : run.parts().get(run.parts().size() - 1).to();
			flapRow(md, run, "**all**", leaderships, flaps, lapsesLogged(run, from, to), target, result);
		}
		md.append("\nFrom the replicas' logs (see the rolling restarts): a flap is a replica's active leadership that was "
				+ "revoked (its `LeadershipRevokedEvent` logged) and acquired again by the same replica within "
				+ prose(window) + " (the maximum election timeout), while no other replica was the active "
				+ "leader: every `@OnLeader` bean stopped and started again for nothing. A leadership is counted once, "
				+ "however often it flapped, in every part of the run it went on in (so the parts add up to more than all); "
				+ "a flap belongs to the part in which the leadership came back. Beside them, the lease lapses the leaders' "
				+ "Raft threads logged (DEBUG `lost its lease`, in the part it was logged in): a flap normally comes with "
				+ "one (both are read from the same lease, at slightly different moments), or with a lease that ended "
				+ "during a pause of its leader and was reported lost (not counted as a lapse); a lapse without a flap lasted "
				+ "longer than the flap window or ended with another leader. A lease that ended during a pause and that the "
				+ "answers queued behind the pause renewed (*bridged*, see the timing table) is no flap: no "
				+ "`LeadershipRevokedEvent` and no `LeadershipAcquiredEvent` were published; "
				+ bridgedLeases(runs) + ". Every flap is in `flaps.csv`, every leadership in `leaderships.csv`.\n\n");
	}

	/** Such as {@code leases ended in a pause: 3 (bridged 2) in the busy profile at 5 replicas, ...}. */
	private String bridgedLeases(List<ClusterRun> runs) {
		if (!this.results.options().debugLog) {
			return "leases ended in a pause not logged (`--no-debug-log`)";
		}
		List<String> perRun = new ArrayList<>();
		for (ClusterRun run : runs) {
			Instant from = run.parts().isEmpty() ? Instant.MIN : run.parts().get(0).from();
			Instant to = run.parts().isEmpty() ? Instant.MAX : run.parts().get(run.parts().size() - 1).to();
			perRun.add(PartTiming.of(run, from, to).leasesEndedText() + " in the " + run.profile().title() + " at "
					+ run.replicas() + " replicas");
		}
		return "leases ended in a pause: " + String.join(", ", perRun);
	}

	private String lapsesLogged(ClusterRun run, Instant from, Instant to) {
		return this.results.options().debugLog
				? Integer.toString(TimingEvents.within(run.timingEvents(), TimingEvents.Kind.LEASE_LAPSE, from, to).size())
				: "not logged";
	}

	private static void flapRow(StringBuilder md, ClusterRun run, String part, int leaderships, List<Leaderships.Flap> flaps,
			String lapsesLogged, String target, String result) {
		Stats lapses = Stats.of(flaps.stream().map(Leaderships.Flap::lapseMillis).toList());
		md.append("| ").append(run.profile().optionValue()).append(" | ").append(run.replicas()).append(" | ").append(part)
			.append(" | ").append(leaderships).append(" | ").append(flaps.size()).append(" | ")
			.append((leaderships > 0) ? number(10.0 * flaps.size() / leaderships, 1) : "–").append(" | ")
			.append(flaps.isEmpty() ? "–" : ms(lapses.min()) + "–" + ms(lapses.max())).append(" | ").append(lapsesLogged)
			.append(" | ").append(target)
			.append(" | ").append(result).append(" |\n");
	}

	// Timing

	private void timingTable(StringBuilder md) {
		List<ClusterRun> runs = this.results.clusters();
		if (runs.isEmpty()) {
			return;
		}
		boolean debug = this.results.options().debugLog;
		md.append("#### Adaptive timing and incidents\n\n");
		md.append("| Profile | Replicas | Part | Lease lapses | Pauses (longest, ms) | Leases ended in a pause (bridged) "
				+ "| Timing changes | Timing in force at the end | Why (its reason) |\n");
		md.append("|---|---:|---|---:|---:|---:|---|---|---|\n");
		for (ClusterRun run : runs) {
			for (Part part : run.parts()) {
				PartTiming timing = PartTiming.of(run, part.from(), part.to());
				RaftView.Timing end = part.timing();
				md.append("| ").append(run.profile().optionValue()).append(" | ").append(run.replicas()).append(" | ")
					.append(part.name()).append(" | ").append(debug ? Integer.toString(timing.lapses().size()) : "not logged")
					.append(" | ").append(debug ? timing.pauses().size() + timing.longestPause() : "not logged").append(" | ")
					.append(debug ? timing.leasesEndedText() : "not logged").append(" | ").append(timing.changesText())
					.append(" | ").append((end != null) ? end.describe() : "no answer")
					.append(" | ").append((end != null) ? end.reason().replace("|", "/") : "—").append(" |\n");
			}
		}
		md.append("\nFrom the replicas' logs: a lease lapse is a line `lost its lease` and a pause a line `was not run for a "
				+ "while` of a member's Raft thread (DEBUG, the moment the member noticed; a pause line gives the longest "
				+ "pause of that process so far; a leader's adds `its lease ended meanwhile` if its lease ended during the "
				+ "pause, which is not counted again as a lapse: the lease is *bridged* if the answers queued behind the "
				+ "pause renewed it, that is its replica logged no revocation within the catch-up the line names + "
				+ TimingEvents.REPORT_SLACK.toMillis() + " ms, so that no event was published), a timing change a line "
				+ "`runs with a … election timeout … from now on` (INFO) "
				+ "of the leader (the replica that acquired leadership last before it): the leader brings a timing into force "
				+ "by writing it into its log, and logs the line at once; the other members log it again when they learn of "
				+ "it, and a restarted one the timing its log holds. Each event belongs to the part in which it was logged, whatever "
				+ "process logged it: the counters of `/actuator/prometheus` (`raft_incidents_total{kind}`, "
				+ "`raft_timing_changes_total`) start again with each process and lose what a stopped replica counted. The "
				+ "timing in force at a part's end is the `timing` of `/actuator/raft` of the leader then. Every event is in "
				+ "`incidents.csv`, every part in `timing.csv`.\n\n");
	}

	/**
	 * What the replicas logged about their timing in a cluster's run, or in one part of it, for the
	 * "seen meanwhile" of a target.
	 * @param profile the profile
	 * @param size the cluster size
	 * @param partName the part, or {@code null} for the whole run
	 * @return the summary, empty if there is no such run
	 */
	private String context(Profile profile, int size, @Nullable String partName) {
		ClusterRun run = this.results.clusters().stream()
			.filter((candidate) -> candidate.profile() == profile && candidate.replicas() == size)
			.findFirst()
			.orElse(null);
		if (run == null) {
			return "";
		}
		List<Part> parts = run.parts().stream().filter((part) -> partName == null || part.name().equals(partName)).toList();
		if (parts.isEmpty()) {
			return "";
		}
		List<Event> lapses = new ArrayList<>();
		List<Event> pauses = new ArrayList<>();
		List<Event> changes = new ArrayList<>();
		List<Event> bridged = new ArrayList<>();
		for (Part part : parts) {
			PartTiming timing = PartTiming.of(run, part.from(), part.to());
			lapses.addAll(timing.lapses());
			pauses.addAll(timing.pauses());
			changes.addAll(timing.changes());
			bridged.addAll(timing.bridged());
		}
		PartTiming all = new PartTiming(lapses, pauses, changes, bridged);
		RaftView.Timing end = parts.get(parts.size() - 1).timing();
		String logged = this.results.options().debugLog
				? lapses.size() + " lease lapses, " + pauses.size() + " pauses" + all.longestPause()
						+ ", leases ended in a pause: " + all.leasesEndedText() + ", "
				: "lease lapses and pauses not logged (`--no-debug-log`), ";
		return logged + "timing changes: " + all.changesText() + "; at the end: "
				+ ((end != null) ? end.describe() + " (" + end.reason().replace("|", "/") + ")" : "no answer");
	}

	/**
	 * The events of a stretch of a cluster's run.
	 *
	 * @param lapses lease lapses
	 * @param pauses pauses
	 * @param changes timing changes
	 * @param bridged the pauses during which a lease ended and whose queued answers renewed it
	 * ({@link TimingEvents#bridged})
	 */
	record PartTiming(List<Event> lapses, List<Event> pauses, List<Event> changes, List<Event> bridged) {

		static PartTiming of(ClusterRun run, Instant from, Instant to) {
			List<Event> events = run.timingEvents();
			List<Event> changes = TimingEvents.changes(events, run.leaderships()).stream()
				.filter((event) -> !event.at().isBefore(from) && event.at().isBefore(to))
				.toList();
			List<Event> pauses = TimingEvents.within(events, TimingEvents.Kind.PAUSE, from, to);
			List<Event> bridged = pauses.stream()
				.filter((pause) -> pause.leaseEnded() && TimingEvents.bridged(pause, run.leaderships()))
				.toList();
			return new PartTiming(TimingEvents.within(events, TimingEvents.Kind.LEASE_LAPSE, from, to), pauses, changes,
					bridged);
		}

		/** The pauses during which a lease ended, bridged or reported. */
		List<Event> leasesEnded() {
			return this.pauses.stream().filter(Event::leaseEnded).toList();
		}

		/** Such as {@code 2 (bridged 1)}. */
		String leasesEndedText() {
			return leasesEnded().size() + " (bridged " + this.bridged.size() + ")";
		}

		/** Such as {@code " (longest 340 ms)"}, empty without pauses. */
		String longestPause() {
			return this.pauses.isEmpty() ? ""
					: " (longest " + this.pauses.stream().mapToLong(Event::value).max().orElse(0) + " ms)";
		}

		/** Such as {@code 2 (to level 1, to level 0)} or {@code 0}. */
		String changesText() {
			return this.changes.isEmpty() ? "0"
					: this.changes.size() + " (" + String.join(", ",
							this.changes.stream().map((change) -> "to level " + change.level()).toList()) + ")";
		}

	}

	private void targetsList(StringBuilder md) {
		if (this.targets.isEmpty()) {
			return;
		}
		md.append("#### Targets\n\n");
		for (Target target : this.targets) {
			md.append("- ").append(target.met() ? "**met**" : "**MISSED**").append(": ").append(target.name()).append(": ")
				.append(target.measured()).append(" (target ").append(target.target()).append(")\n");
		}
		boolean busy = this.results.clusters().stream().anyMatch((run) -> run.profile() == Profile.BUSY);
		boolean busyLong = this.results.windows().stream()
			.anyMatch((window) -> window.profile() == Profile.BUSY && "long".equals(window.name()));
		if (busy && !busyLong) {
			md.append("- not measured: no unprompted election in 10 busy minutes (`--long`)\n");
		}
		md.append("\n");
		issue13Table(md);
	}

	/** Each target of issue 13: what it asks, what was measured, met or not, and what else was seen there. */
	private void issue13Table(StringBuilder md) {
		md.append("#### Issue 13 targets\n\n");
		md.append("| Target | Where | Required | Measured | Result | Seen meanwhile |\n");
		md.append("|---|---|---|---|---|---|\n");
		for (Issue13 goal : Issue13.values()) {
			List<Target> checked = this.targets.stream().filter((target) -> target.goal() == goal).toList();
			if (checked.isEmpty()) {
				md.append("| ").append(goal.text()).append(" | — | — | — | not measured: needs ").append(goal.needs)
					.append(" | — |\n");
			}
			for (Target target : checked) {
				md.append("| ").append(goal.text()).append(" | ").append(target.name()).append(" | ").append(target.target())
					.append(" | ").append(target.measured()).append(" | ").append(target.met() ? "met" : "**MISSED**")
					.append(" | ").append(target.context().isEmpty() ? "—" : target.context()).append(" |\n");
			}
		}
		md.append("\nSeen meanwhile, from the replicas' logs over the part measured: lease lapses and pauses their Raft "
				+ "threads logged at DEBUG, changes of the timing in force (INFO), and the timing in force at the part's "
				+ "end (`/actuator/raft` of the leader); see the timing table. The quiet profile's \"today\" is the default "
				+ "run of " + BASELINE_RUN + " UTC in bench/README.md, before adaptive timing; its medians move by about "
				+ "±15 ms between runs of the same code (30 values), a hand-over median of 4 by about ±20 ms.\n\n");
	}

	// CSV

	private String summaryCsv() {
		StringBuilder csv = new StringBuilder("measurement,replicas,n,min_ms,median_ms,p90_ms,p99_ms,max_ms,mean_ms,profile\n");
		for (Profile profile : Profile.values()) {
			for (Kind kind : Kind.values()) {
				for (int size : sizes()) {
					List<Transition> sample = transitions(profile, kind, size);
					if (!sample.isEmpty()) {
						Stats stats = stats(sample);
						csv.append(kind).append(',').append(size).append(',').append(stats.n()).append(',')
							.append(csvNumber(stats.min())).append(',').append(csvNumber(stats.median())).append(',')
							.append(csvNumber(stats.p90())).append(',').append(csvNumber(stats.p99())).append(',')
							.append(csvNumber(stats.max())).append(',').append(csvNumber(stats.mean())).append(',')
							.append(profile.optionValue()).append('\n');
					}
				}
			}
		}
		for (Change change : Change.values()) {
			List<MembershipChange> sample = membershipChanges(change);
			if (!sample.isEmpty()) {
				Stats stats = membershipStats(sample);
				csv.append(change).append(',').append(sample.get(0).replicas()).append(',').append(stats.n()).append(',')
					.append(csvNumber(stats.min())).append(',').append(csvNumber(stats.median())).append(',')
					.append(csvNumber(stats.p90())).append(',').append(csvNumber(stats.p99())).append(',')
					.append(csvNumber(stats.max())).append(',').append(csvNumber(stats.mean())).append(",quiet\n");
			}
		}
		return csv.toString();
	}

	private String membershipCsv() {
		StringBuilder csv = new StringBuilder("change,replicas,index,counted,member,leader,term,requested_at,answered_ms,voting_ms,"
				+ "undone_ms,done_ms,refusals,polls,leader_interrupted,background_cpu_percent\n");
		for (MembershipChange m : this.results.membershipChanges()) {
			csv.append(m.change()).append(',').append(m.replicas()).append(',').append(m.index()).append(',')
				.append(!m.first()).append(',').append(m.member()).append(',').append(m.leader()).append(',')
				.append(m.term()).append(',').append(m.requestedAt()).append(',').append(csvNumber(m.answeredMillis()))
				.append(',').append(csvNumber(m.votingMillis()))
				.append(',').append(csvNumber(m.undoneMillis())).append(',').append(csvNumber(m.millis())).append(',')
				.append(m.refusals()).append(',').append(m.polls()).append(',').append(m.leaderInterrupted()).append(',')
				.append(csvNumber(m.backgroundPercent())).append('\n');
		}
		return csv.toString();
	}

	private String transitionsCsv() {
		StringBuilder csv = new StringBuilder("kind,replicas,index,old_leader,old_term,new_leader,new_term,signalled_at,"
				+ "leader_since,millis,elections_started,prevotes_started,elections_won,exit_seconds,restart_seconds,"
				+ "background_cpu_percent,profile\n");
		for (Transition t : this.results.transitions()) {
			csv.append(t.kind()).append(',').append(t.replicas()).append(',').append(t.index()).append(',')
				.append(t.oldLeader()).append(',').append(t.oldTerm()).append(',')
				.append(Objects.requireNonNullElse(t.newLeader(), "")).append(',').append(t.newTerm()).append(',')
				.append(t.signalledAt()).append(',').append((t.leaderSince() != null) ? t.leaderSince() : "").append(',')
				.append(csvNumber(t.millis())).append(',').append(t.electionsStarted()).append(',')
				.append(t.preVotesStarted()).append(',').append(t.electionsWon()).append(',')
				.append(csvNumber(t.exitSeconds())).append(',').append(csvNumber(t.restartSeconds())).append(',')
				.append(csvNumber(t.backgroundPercent())).append(',').append(t.profile().optionValue()).append('\n');
		}
		return csv.toString();
	}

	private String idleCsv() {
		StringBuilder csv = new StringBuilder("window,replicas,seconds,node,role,cpu_percent,jit_percent,rss_mib,bytes_sent,"
				+ "bytes_received,payload_bytes_per_s,bytes_per_s_with_headers,connections_opened,profile\n");
		for (IdleWindow window : this.results.windows()) {
			for (Member member : window.members()) {
				csv.append(window.name()).append(',').append(window.replicas()).append(',')
					.append(csvNumber(window.seconds())).append(',').append(member.id()).append(',')
					.append(member.leader() ? "leader" : "follower").append(',').append(csvNumber(member.cpuPercent()))
					.append(',').append(csvNumber(member.jitPercent())).append(',').append(csvNumber(member.rssMib())).append(',').append(member.bytesSent()).append(',')
					.append(member.bytesReceived()).append(',')
					.append(csvNumber((member.bytesSent() + member.bytesReceived()) / window.seconds())).append(',')
					.append(csvNumber(member.bytesWithHeaders() / window.seconds())).append(',')
					.append(member.connectionsOpened()).append(',').append(window.profile().optionValue()).append('\n');
			}
		}
		return csv.toString();
	}

	private String stabilityCsv() {
		StringBuilder csv = new StringBuilder("window,replicas,seconds,leader_before,leader_after,term_before,term_after,"
				+ "leader_changes,elections_started,prevotes_started,background_cpu_percent,replicas_cpu_percent,profile\n");
		for (IdleWindow w : this.results.windows()) {
			csv.append(w.name()).append(',').append(w.replicas()).append(',').append(csvNumber(w.seconds())).append(',')
				.append(w.leaderBefore()).append(',').append(w.leaderAfter()).append(',').append(w.termBefore()).append(',')
				.append(w.termAfter()).append(',').append(w.leaderChanges()).append(',').append(w.electionsStarted())
				.append(',').append(w.preVotesStarted()).append(',').append(csvNumber(w.backgroundPercent())).append(',')
				.append(csvNumber(w.replicasPercent())).append(',').append(w.profile().optionValue()).append('\n');
		}
		for (Settling s : this.results.settles()) {
			csv.append("rejoin,").append(s.replicas()).append(",,,,,").append(s.termsRaised()).append(",,,,,,")
				.append(s.profile().optionValue()).append('\n');
		}
		return csv.toString();
	}

	private String restartsCsv() {
		StringBuilder csv = new StringBuilder("profile,replicas,index,follower,leader_before,term_before,leader_after,"
				+ "term_after,signalled_at,until,exit_seconds,ready_seconds,elections_started,prevotes_started,leaderless_ms,"
				+ "caused_election,background_cpu_percent\n");
		for (FollowerRestart r : this.results.followerRestarts()) {
			csv.append(r.profile().optionValue()).append(',').append(r.replicas()).append(',').append(r.index()).append(',')
				.append(r.follower()).append(',').append(r.leaderBefore()).append(',').append(r.termBefore()).append(',')
				.append(r.leaderAfter()).append(',').append(r.termAfter()).append(',').append(r.signalledAt()).append(',')
				.append(r.until()).append(',').append(csvNumber(r.exitSeconds())).append(',')
				.append(csvNumber(r.readySeconds())).append(',').append(r.electionsStarted()).append(',')
				.append(r.preVotesStarted()).append(',').append(csvNumber(r.leaderlessMillis())).append(',')
				.append(r.causedElection()).append(',').append(csvNumber(r.backgroundPercent())).append('\n');
		}
		return csv.toString();
	}

	private String rollingCsv() {
		StringBuilder csv = new StringBuilder("profile,replicas,rolling,step,replica,was_leader,term_before,signalled_at,"
				+ "exit_seconds,ready_seconds,leaderless_ms,worst_gap_ms,gaps,term_after,leaderships,hand_overs,"
				+ "background_cpu_percent\n");
		for (RollingRestart r : this.results.rollingRestarts()) {
			String prefix = r.profile().optionValue() + "," + r.replicas() + "," + r.index() + ",";
			for (int i = 0; i < r.steps().size(); i++) {
				RollingStep step = r.steps().get(i);
				csv.append(prefix).append(i).append(',').append(step.replica()).append(',').append(step.leader()).append(',')
					.append(step.termBefore()).append(',').append(step.signalledAt()).append(',')
					.append(csvNumber(step.exitSeconds())).append(',').append(csvNumber(step.readySeconds())).append(',')
					.append(csvNumber(step.gaps().totalMillis())).append(',').append(csvNumber(step.gaps().worstMillis()))
					.append(',').append(step.gaps().count()).append(",,,,\n");
			}
			csv.append(prefix).append("all,").append(String.join(" ", r.steps().stream().map(RollingStep::replica).toList()))
				.append(',').append(r.restartedLeaders()).append(',').append(r.termBefore()).append(',').append(r.startedAt())
				.append(",,").append(csvNumber(r.seconds())).append(',').append(csvNumber(r.gaps().totalMillis())).append(',')
				.append(csvNumber(r.gaps().worstMillis())).append(',').append(r.gaps().count()).append(',')
				.append(r.termAfter()).append(',').append(r.leaderships()).append(',').append(r.handOvers()).append(',')
				.append(csvNumber(r.backgroundPercent())).append('\n');
		}
		return csv.toString();
	}

	private String flapsCsv() {
		StringBuilder csv = new StringBuilder("profile,replicas,part,replica,term_lapsed,term_again,reason,revoked_at,"
				+ "acquired_again_at,lapse_ms\n");
		for (ClusterRun run : this.results.clusters()) {
			for (Leaderships.Flap flap : Leaderships.flaps(run.leaderships(), this.results.options().flapWindow)) {
				csv.append(run.profile().optionValue()).append(',').append(run.replicas()).append(',')
					.append(run.partAt(flap.after().acquiredAt())).append(',').append(flap.replica()).append(',')
					.append(flap.before().term()).append(',').append(flap.after().term()).append(',')
					.append(flap.before().reason()).append(',').append(flap.before().revokedAt()).append(',')
					.append(flap.after().acquiredAt()).append(',').append(csvNumber(flap.lapseMillis())).append('\n');
			}
		}
		return csv.toString();
	}

	private String leadershipsCsv() {
		StringBuilder csv = new StringBuilder("profile,replicas,part,replica,term,acquired_at,revoked_at,reason,"
				+ "end_inferred,millis\n");
		for (ClusterRun run : this.results.clusters()) {
			for (Leaderships.Leadership l : run.leaderships()) {
				Instant end = l.revokedAt();
				csv.append(run.profile().optionValue()).append(',').append(run.replicas()).append(',')
					.append(run.partAt(l.acquiredAt())).append(',').append(l.replica()).append(',').append(l.term())
					.append(',').append(l.acquiredAt()).append(',').append((end != null) ? end : "").append(',')
					.append(Objects.requireNonNullElse(l.reason(), "")).append(',').append(l.endInferred()).append(',')
					.append((end != null) ? csvNumber(Duration.between(l.acquiredAt(), end).toNanos() / 1e6) : "")
					.append('\n');
			}
		}
		return csv.toString();
	}

	private String targetsCsv() {
		StringBuilder csv = new StringBuilder("target,required,measured,result,issue_13,seen_meanwhile\n");
		for (Target target : this.targets) {
			csv.append(quoted(target.name())).append(',').append(quoted(target.target())).append(',')
				.append(quoted(target.measured())).append(',').append(target.met() ? "met" : "missed").append(',')
				.append((target.goal() != null) ? quoted(target.goal().text()) : "").append(',')
				.append(quoted(target.context())).append('\n');
		}
		return csv.toString();
	}

	private String timingCsv() {
		StringBuilder csv = new StringBuilder("profile,replicas,part,from,to,lease_lapses,pauses,longest_pause_ms,"
				+ "timing_changes,leader_at_end,level_at_end,election_timeout_min_ms,election_timeout_max_ms,heartbeat_ms,"
				+ "reason,leases_ended_in_pause,leases_bridged\n");
		boolean debug = this.results.options().debugLog;
		for (ClusterRun run : this.results.clusters()) {
			for (Part part : run.parts()) {
				PartTiming timing = PartTiming.of(run, part.from(), part.to());
				RaftView.Timing end = part.timing();
				csv.append(run.profile().optionValue()).append(',').append(run.replicas()).append(',').append(part.name())
					.append(',').append(part.from()).append(',').append(part.to()).append(',')
					.append(debug ? Integer.toString(timing.lapses().size()) : "").append(',')
					.append(debug ? Integer.toString(timing.pauses().size()) : "").append(',')
					.append(timing.pauses().stream().mapToLong(Event::value).max().stream().mapToObj(Long::toString)
						.findFirst().orElse(""))
					.append(',').append(timing.changes().size()).append(',')
					.append(Objects.requireNonNullElse(part.leader(), "")).append(',');
				if (end != null) {
					csv.append(end.level()).append(',').append(end.electionTimeoutMin()).append(',')
						.append(end.electionTimeoutMax()).append(',').append(end.heartbeatInterval()).append(',')
						.append(quoted(end.reason()));
				}
				else {
					csv.append(",,,,");
				}
				// New columns go last: other tools read the ones before by position.
				csv.append(',').append(debug ? Integer.toString(timing.leasesEnded().size()) : "").append(',')
					.append(debug ? Integer.toString(timing.bridged().size()) : "");
				csv.append('\n');
			}
		}
		return csv.toString();
	}

	private String groupsIdleCsv() {
		StringBuilder csv = new StringBuilder("groups,replicas,seconds,spread,spread_seconds,node,groups_led,groups_led_after,"
				+ "default_group_leader,cpu_percent,jit_percent,rss_mib,bytes_sent,bytes_received,bytes_per_s,"
				+ "leaderships_begun,other_processes_percent,start_leaderships,start_leases_lost\n");
		for (GroupsIdle measured : this.results.groupsIdle()) {
			IdleWindow window = measured.window();
			for (Member member : window.members()) {
				csv.append(measured.groups()).append(',').append(measured.replicas()).append(',')
					.append(csvNumber(window.seconds())).append(',').append(measured.spread()).append(',')
					.append(csvNumber(measured.spreadSeconds())).append(',').append(member.id()).append(',')
					.append(measured.ledBefore().getOrDefault(member.id(), 0)).append(',')
					.append(measured.ledAfter().getOrDefault(member.id(), 0)).append(',').append(member.leader()).append(',')
					.append(csvNumber(member.cpuPercent())).append(',').append(csvNumber(member.jitPercent())).append(',')
					.append(csvNumber(member.rssMib())).append(',').append(member.bytesSent()).append(',')
					.append(member.bytesReceived()).append(',')
					.append(csvNumber((member.bytesSent() + member.bytesReceived()) / window.seconds())).append(',')
					.append(measured.leadershipsBegun()).append(',').append(csvNumber(window.backgroundPercent()))
					.append(',').append(measured.startLeaderships()).append(',').append(measured.startLeasesLost())
					.append('\n');
			}
		}
		return csv.toString();
	}

	private String groupFailoversCsv() {
		StringBuilder csv = new StringBuilder("groups,replicas,kill,victim,victim_led,group,old_term,killed_at,new_leader,"
				+ "new_term,ms,other_processes_percent\n");
		for (GroupFailover f : this.results.groupFailovers()) {
			csv.append(f.groups()).append(',').append(f.replicas()).append(',').append(f.trial()).append(',')
				.append(f.victim()).append(',').append(f.victimLed()).append(',').append(f.group()).append(',')
				.append(f.oldTerm()).append(',').append(f.killedAt()).append(',')
				.append((f.newLeader() != null) ? f.newLeader() : "").append(',').append(f.newTerm()).append(',')
				.append(csvNumber(f.millis())).append(',').append(csvNumber(f.backgroundPercent())).append('\n');
		}
		return csv.toString();
	}

	private String incidentsCsv() {
		StringBuilder csv = new StringBuilder("profile,replicas,part,kind,replica,at,term,longest_pause_ms,level,"
				+ "election_timeout_min_ms,election_timeout_max_ms,heartbeat_ms,reason,changed_level\n");
		for (ClusterRun run : this.results.clusters()) {
			List<Event> changes = TimingEvents.changes(run.timingEvents(), run.leaderships());
			for (Event event : run.timingEvents()) {
				TimingEvents.Timing timing = event.timing();
				csv.append(run.profile().optionValue()).append(',').append(run.replicas()).append(',')
					.append(run.partAt(event.at())).append(',').append(event.kind().name().toLowerCase(Locale.ROOT))
					.append(',').append(event.replica()).append(',').append(event.at()).append(',')
					.append((event.kind() == TimingEvents.Kind.LEASE_LAPSE) ? Long.toString(event.value()) : "").append(',')
					.append((event.kind() == TimingEvents.Kind.PAUSE) ? Long.toString(event.value()) : "").append(',');
				if (timing != null) {
					csv.append(event.level()).append(',').append(timing.electionTimeoutMin()).append(',')
						.append(timing.electionTimeoutMax()).append(',').append(timing.heartbeatInterval()).append(',')
						.append(quoted(timing.reason())).append(',').append(changes.contains(event));
				}
				else {
					csv.append(",,,,,");
				}
				csv.append('\n');
			}
		}
		return csv.toString();
	}

	private static String quoted(String text) {
		return '"' + text.replace("\"", "\"\"") + '"';
	}

	// Helpers

	private TreeSet<Integer> sizes() {
		TreeSet<Integer> sizes = new TreeSet<>();
		this.results.transitions().forEach((transition) -> sizes.add(transition.replicas()));
		return sizes;
	}

	private List<Transition> transitions(Profile profile, Kind kind, int size) {
		Predicate<Transition> matches = (transition) -> transition.profile() == profile && transition.kind() == kind
				&& transition.replicas() == size;
		return this.results.transitions().stream().filter(matches).toList();
	}

	static Stats stats(List<Transition> sample) {
		return Stats.of(sample.stream().map(Transition::millis).filter((millis) -> !Double.isNaN(millis)).toList());
	}

	private void addTarget(String name, String target, String measured, boolean met) {
		addTarget(name, target, measured, met, null, "");
	}

	private void addTarget(String name, String target, String measured, boolean met, @Nullable Issue13 goal,
			String context) {
		this.targets.add(new Target(name, target, measured, met, goal, context));
	}

	private static String meanMax(List<Member> members, ToDoubleFunction<Member> value, int decimals) {
		double mean = members.stream().mapToDouble(value).average().orElse(Double.NaN);
		double max = members.stream().mapToDouble(value).max().orElse(Double.NaN);
		return number(mean, decimals) + " [" + number(max, decimals) + "]";
	}

	private static List<String> shortened(List<String> options) {
		return options.stream()
			.map((option) -> option.startsWith("-XX:SharedArchiveFile=")
					? "-XX:SharedArchiveFile=app.jsa" : option)
			.toList();
	}

	/** A duration as prose: {@code 300 ms}, {@code 1 s}, {@code 10 min}. */
	private static String prose(Duration duration) {
		String text = BenchOptions.format(duration);
		return text.replaceAll("^(\\d+)(ms|s|m)$", "$1 $2").replaceAll(" m$", " min");
	}

	private static String capitalized(String text) {
		return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
	}

	static String metOrMissed(boolean met) {
		return met ? "**met**" : "**MISSED**";
	}

	private static String ms(double millis) {
		return number(millis, (millis < 100) ? 1 : 0);
	}

	private static String rate(long count, int of) {
		return String.format(Locale.ROOT, "%d (%.0f %%)", count, 100.0 * count / of);
	}

	private static String percent(double fraction) {
		return String.format(Locale.ROOT, "%+.2f %%", 100 * fraction);
	}

	static String number(double value, int decimals) {
		if (Double.isNaN(value)) {
			return "–";
		}
		return String.format(Locale.ROOT, "%,." + decimals + "f", value);
	}

	private static String csvNumber(double value) {
		return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.3f", value);
	}

	private static String format(double seconds) {
		return (seconds >= 120) ? String.format(Locale.ROOT, "%.1f min", seconds / 60)
				: String.format(Locale.ROOT, "%.0f s", seconds);
	}

	private static String format(Duration duration) {
		return String.format(Locale.ROOT, "%d min %02d s", duration.toMinutes(), duration.toSecondsPart());
	}

	private static Path writeFile(Path file, String content) throws IOException {
		Files.writeString(file, content, StandardCharsets.UTF_8);
		return file;
	}

	/**
	 * One target and whether it was met.
	 *
	 * @param name what is measured
	 * @param target the required value
	 * @param measured the measured value
	 * @param met whether it was met
	 */
	/**
	 * A target checked.
	 *
	 * @param name what is measured, and where
	 * @param target what is required
	 * @param measured what was measured
	 * @param met whether it was met
	 * @param goal the target of issue 13 it checks, or {@code null}
	 * @param context what else the run saw there that may explain the figure (lease lapses,
	 * pauses, the timing in force), or empty
	 */
	record Target(String name, String target, String measured, boolean met, @Nullable Issue13 goal, String context) {
	}

	/** The targets of issue 13's proof, for 5 replicas. */
	enum Issue13 {

		FOLLOWER_RESTARTS("busy profile: 0 elections caused by 30 follower restarts", "follower restarts at 5 replicas"),

		ROLLING_TERMS("busy profile: a rolling restart of 5 raises the term at most once per restarted leader",
				"a rolling restart of 5 replicas"),

		ROLLING_LEADERLESS("busy profile: a rolling restart of 5 leaves no active leader for ≤ 300 ms in all",
				"a rolling restart of 5 replicas"),

		FLAPS("busy profile: at most 1 flap per 10 leaderships", "a cluster of 5 replicas"),

		UNPROMPTED("busy profile: 0 unprompted elections in 10 busy minutes", "the 10 idle minutes of `--long` at 5 replicas"),

		QUIET_NO_WORSE("quiet profile: failover and hand-over no worse than " + BASELINE_RUN,
				"failovers and hand-overs at 3 or 5 replicas");

		private final String text;

		private final String needs;

		Issue13(String text, String needs) {
			this.text = text;
			this.needs = needs;
		}

		String text() {
			return this.text;
		}

	}

}
