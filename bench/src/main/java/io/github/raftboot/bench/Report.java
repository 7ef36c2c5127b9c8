package io.github.raftboot.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

import io.github.raftboot.bench.Results.Change;
import io.github.raftboot.bench.Results.IdleWindow;
import io.github.raftboot.bench.Results.Kind;
import io.github.raftboot.bench.Results.Member;
import io.github.raftboot.bench.Results.MembershipChange;
import io.github.raftboot.bench.Results.Settling;
import io.github.raftboot.bench.Results.Transition;

/**
 * Writes what a run measured: {@code report.md}, {@code summary.csv}, {@code transitions.csv},
 * {@code membership.csv}, {@code idle.csv}, {@code stability.csv} and {@code failover-cdf.png},
 * and checks the targets.
 */
final class Report {

	/** Cluster size the targets are set for. */
	static final int TARGET_SIZE = 5;

	static final double FAILOVER_MEDIAN_TARGET = 200;

	static final double FAILOVER_P99_TARGET = 450;

	static final double HANDOVER_MEDIAN_TARGET = 30;

	static final double FOLLOWER_CPU_TARGET = 1.0;

	static final double LEADER_CPU_TARGET = 2.0;

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
		files.add(writeFile(out.resolve("targets.csv"), report.targetsCsv()));
		if (results.options().plot && !results.transitions().isEmpty()) {
			Path png = out.resolve("failover-cdf.png");
			try {
				CdfPlot.draw(results.transitions(), png);
				files.add(png);
			}
			catch (RuntimeException | Error ex) {
				// No AWT on this JDK, or no fonts: the plot is optional.
			}
		}
		return new Results(results.options(), results.machine(), results.jvmOptions(), results.startedAt(),
				results.duration(), results.transitions(), results.windows(), results.settles(),
				results.membershipChanges(), results.discarded(), results.failure(), markdown,
				List.copyOf(report.targets), files);
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
				+ "pre-vote and check-quorum on), each a process on 127.0.0.1 at nice " + options.nice);
		md.append(options.debugLog ? ", logging `io.github.raftboot` at DEBUG" : "").append(".\n");
		md.append("- **Replica JVM options:** `").append(String.join(" ", shortened(this.results.jvmOptions())))
			.append("`; the JVM's own choices: `").append(machine.jvmErgonomics()).append("`.\n");
		md.append("- **Run:** ").append(options.describe()).append("; took ").append(format(this.results.duration()))
			.append(".\n");
		if (this.results.failure() != null) {
			md.append("- **Stopped early:** ").append(this.results.failure()).append(".\n");
		}
		md.append("\n");
		transitionsTable(md);
		splitVoteTable(md);
		membershipTable(md);
		idleTable(md);
		stabilityTable(md);
		targetsList(md);
		return md.toString();
	}

	// Failover and handover

	private void transitionsTable(StringBuilder md) {
		if (this.results.transitions().isEmpty()) {
			return;
		}
		md.append("#### Failover and handover (ms from the signal to the new leader's `leaderSince`)\n\n");
		md.append("| Measurement | Replicas | n | Median | p90 | p99 | Max | Target | Result |\n");
		md.append("|---|---:|---:|---:|---:|---:|---:|---|---|\n");
		for (Kind kind : Kind.values()) {
			for (int size : sizes()) {
				List<Transition> sample = transitions(kind, size);
				if (sample.isEmpty()) {
					continue;
				}
				Stats stats = stats(sample);
				long failed = sample.stream().filter((transition) -> transition.newLeader() == null).count();
				String target = "—";
				String result = "—";
				if (size == TARGET_SIZE && kind == Kind.SIGKILL) {
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
				md.append("| ").append(kind.title()).append(" | ").append(size).append(" | ").append(sample.size())
					.append((failed > 0) ? " (" + failed + " without a new leader in 10 s)" : "").append(" | ")
					.append(ms(stats.median())).append(" | ").append(ms(stats.p90())).append(" | ").append(ms(stats.p99()))
					.append(" | ").append(ms(stats.max())).append(" | ").append(target).append(" | ").append(result)
					.append(" |\n");
			}
		}
		md.append("\nPercentiles by nearest rank: with 30 values p99 is the maximum, with fewer than 100 it is one of the "
				+ "largest few. Minimum and mean are in `summary.csv`, every single transition in `transitions.csv`. ");
		List<Transition> all = this.results.transitions();
		double background = all.stream().mapToDouble(Transition::backgroundPercent).average().orElse(0);
		long busy = all.stream().filter((transition) -> transition.backgroundPercent() > 50).count();
		md.append(String.format(Locale.ROOT, "Other processes on the machine used %.0f %% of one CPU on average during the "
				+ "measurements; during %d of %d more than 50 %%. Discarded because leadership had moved on its own just "
				+ "before the signal: %d.%n%n", background, busy, all.size(), this.results.discarded()));
	}

	private void splitVoteTable(StringBuilder md) {
		if (this.results.transitions().isEmpty()) {
			return;
		}
		md.append("#### Split votes and election rounds\n\n");
		md.append("| Transition | Replicas | n | Term raised more than once (split vote) | More than one election started "
				+ "| Elections started, mean | Pre-vote rounds, mean | More than one leader elected |\n");
		md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
		for (Kind kind : Kind.values()) {
			for (int size : sizes()) {
				List<Transition> sample = transitions(kind, size);
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

	private void idleTable(StringBuilder md) {
		if (this.results.windows().isEmpty()) {
			return;
		}
		md.append("#### Idle cost per replica\n\n");
		md.append("| Window | Replicas | Replica | CPU, % of one core (of it JIT compiler) | RSS, MiB | TCP payload, B/s sent / received "
				+ "| Incl. TCP/IP headers, B/s | TCP connections opened per s | Target | Result |\n");
		md.append("|---|---:|---|---:|---:|---:|---:|---:|---|---|\n");
		for (IdleWindow window : this.results.windows()) {
			double seconds = window.seconds();
			List<Member> leaders = window.members().stream().filter(Member::leader).toList();
			List<Member> followers = window.members().stream().filter((member) -> !member.leader()).toList();
			for (Member leader : leaders) {
				boolean met = leader.cpuPercent() <= LEADER_CPU_TARGET;
				addTarget("Idle CPU of the leader, " + window.replicas() + " replicas (" + window.name() + ")",
						"≤ " + number(LEADER_CPU_TARGET, 0) + " %", number(leader.cpuPercent(), 2) + " %", met);
				md.append("| ").append(window.name()).append(" ").append(format(seconds)).append(" | ").append(window.replicas())
					.append(" | leader (").append(leader.id()).append(") | ").append(number(leader.cpuPercent(), 2))
					.append(" (").append(number(leader.jitPercent(), 2)).append(") | ").append(number(leader.rssMib(), 0)).append(" | ")
					.append(number(leader.bytesSent() / seconds, 0)).append(" / ")
					.append(number(leader.bytesReceived() / seconds, 0)).append(" | ")
					.append(number(leader.bytesWithHeaders() / seconds, 0)).append(" | ")
					.append(number(leader.connectionsOpened() / seconds, 2)).append(" | ≤ ")
					.append(number(LEADER_CPU_TARGET, 0)).append(" % | ").append(metOrMissed(met)).append(" |\n");
			}
			if (!followers.isEmpty()) {
				double maxCpu = followers.stream().mapToDouble(Member::cpuPercent).max().orElse(0);
				boolean met = maxCpu <= FOLLOWER_CPU_TARGET;
				addTarget("Idle CPU per follower (max), " + window.replicas() + " replicas (" + window.name() + ")",
						"≤ " + number(FOLLOWER_CPU_TARGET, 0) + " %", number(maxCpu, 2) + " %", met);
				md.append("| ").append(window.name()).append(" ").append(format(seconds)).append(" | ").append(window.replicas())
					.append(" | ").append(followers.size()).append(" followers: mean [max] | ")
					.append(meanMax(followers, Member::cpuPercent, 2)).append(" (")
					.append(meanMax(followers, Member::jitPercent, 2)).append(") | ")
					.append(meanMax(followers, Member::rssMib, 0)).append(" | ")
					.append(meanMax(followers, (member) -> member.bytesSent() / seconds, 0)).append(" / ")
					.append(meanMax(followers, (member) -> member.bytesReceived() / seconds, 0)).append(" | ")
					.append(meanMax(followers, (member) -> member.bytesWithHeaders() / seconds, 0)).append(" | ")
					.append(meanMax(followers, (member) -> member.connectionsOpened() / seconds, 2)).append(" | ≤ ")
					.append(number(FOLLOWER_CPU_TARGET, 0)).append(" % each | ").append(metOrMissed(met)).append(" |\n");
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
		for (IdleWindow window : this.results.windows()) {
			md.append(String.format(Locale.ROOT,
					"Check, %d replicas (%s): received − sent = %s of sent (0 when every byte is seen from both ends), "
							+ "%d bytes without a known owner%s. ",
					window.replicas(), window.name(), percent(window.trafficBalance()), window.unattributedBytes(),
					window.destructionsSeen() ? "" : ", closed sockets NOT seen (ss -E unavailable)"));
		}
		md.append("\n\n");
	}

	// Stability

	private void stabilityTable(StringBuilder md) {
		if (this.results.windows().isEmpty() && this.results.settles().isEmpty()) {
			return;
		}
		md.append("#### Stability (spurious elections)\n\n");
		md.append("| When | Replicas | Length | Leader changes seen | Elections started | Pre-vote rounds | Replicas' CPU, "
				+ "% of one CPU (other processes) | Target | Result |\n");
		md.append("|---|---:|---:|---:|---:|---:|---:|---|---|\n");
		for (IdleWindow window : this.results.windows()) {
			boolean met = window.quiet();
			addTarget("Spurious elections, " + window.replicas() + " replicas idle (" + window.name() + ", "
					+ format(window.seconds()) + ")", "0", window.electionsStarted() + " elections, " + window.leaderChanges()
					+ " leader changes", met);
			md.append("| ").append(window.name()).append(" window | ").append(window.replicas()).append(" | ")
				.append(format(window.seconds())).append(" | ").append(window.leaderChanges()).append(" | ")
				.append(window.electionsStarted()).append(" | ").append(window.preVotesStarted()).append(" | ")
				.append(number(window.replicasPercent(), 1)).append(" (").append(number(window.backgroundPercent(), 1))
				.append(") | none | ").append(metOrMissed(met)).append(" |\n");
		}
		for (Settling settling : this.results.settles()) {
			boolean met = settling.termsRaised() == 0;
			addTarget("Spurious elections while killed replicas restarted and rejoined, " + settling.replicas() + " replicas",
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
				+ "starts in; a restarted replica starts at nice 19 (CPU left over by the others, as if on a machine of its "
				+ "own) and gets the replicas' nice value after it has followed for the settle time.\n\n");
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
		md.append("\n");
	}

	// CSV

	private String summaryCsv() {
		StringBuilder csv = new StringBuilder("measurement,replicas,n,min_ms,median_ms,p90_ms,p99_ms,max_ms,mean_ms\n");
		for (Kind kind : Kind.values()) {
			for (int size : sizes()) {
				List<Transition> sample = transitions(kind, size);
				if (!sample.isEmpty()) {
					Stats stats = stats(sample);
					csv.append(kind).append(',').append(size).append(',').append(stats.n()).append(',')
						.append(csvNumber(stats.min())).append(',').append(csvNumber(stats.median())).append(',')
						.append(csvNumber(stats.p90())).append(',').append(csvNumber(stats.p99())).append(',')
						.append(csvNumber(stats.max())).append(',').append(csvNumber(stats.mean())).append('\n');
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
					.append(csvNumber(stats.max())).append(',').append(csvNumber(stats.mean())).append('\n');
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
				+ "background_cpu_percent\n");
		for (Transition t : this.results.transitions()) {
			csv.append(t.kind()).append(',').append(t.replicas()).append(',').append(t.index()).append(',')
				.append(t.oldLeader()).append(',').append(t.oldTerm()).append(',')
				.append(Objects.requireNonNullElse(t.newLeader(), "")).append(',').append(t.newTerm()).append(',')
				.append(t.signalledAt()).append(',').append((t.leaderSince() != null) ? t.leaderSince() : "").append(',')
				.append(csvNumber(t.millis())).append(',').append(t.electionsStarted()).append(',')
				.append(t.preVotesStarted()).append(',').append(t.electionsWon()).append(',')
				.append(csvNumber(t.exitSeconds())).append(',').append(csvNumber(t.restartSeconds())).append(',')
				.append(csvNumber(t.backgroundPercent())).append('\n');
		}
		return csv.toString();
	}

	private String idleCsv() {
		StringBuilder csv = new StringBuilder("window,replicas,seconds,node,role,cpu_percent,jit_percent,rss_mib,bytes_sent,"
				+ "bytes_received,payload_bytes_per_s,bytes_per_s_with_headers,connections_opened\n");
		for (IdleWindow window : this.results.windows()) {
			for (Member member : window.members()) {
				csv.append(window.name()).append(',').append(window.replicas()).append(',')
					.append(csvNumber(window.seconds())).append(',').append(member.id()).append(',')
					.append(member.leader() ? "leader" : "follower").append(',').append(csvNumber(member.cpuPercent()))
					.append(',').append(csvNumber(member.jitPercent())).append(',').append(csvNumber(member.rssMib())).append(',').append(member.bytesSent()).append(',')
					.append(member.bytesReceived()).append(',')
					.append(csvNumber((member.bytesSent() + member.bytesReceived()) / window.seconds())).append(',')
					.append(csvNumber(member.bytesWithHeaders() / window.seconds())).append(',')
					.append(member.connectionsOpened()).append('\n');
			}
		}
		return csv.toString();
	}

	private String stabilityCsv() {
		StringBuilder csv = new StringBuilder("window,replicas,seconds,leader_before,leader_after,term_before,term_after,"
				+ "leader_changes,elections_started,prevotes_started,background_cpu_percent,replicas_cpu_percent\n");
		for (IdleWindow w : this.results.windows()) {
			csv.append(w.name()).append(',').append(w.replicas()).append(',').append(csvNumber(w.seconds())).append(',')
				.append(w.leaderBefore()).append(',').append(w.leaderAfter()).append(',').append(w.termBefore()).append(',')
				.append(w.termAfter()).append(',').append(w.leaderChanges()).append(',').append(w.electionsStarted())
				.append(',').append(w.preVotesStarted()).append(',').append(csvNumber(w.backgroundPercent())).append(',')
				.append(csvNumber(w.replicasPercent())).append('\n');
		}
		for (Settling s : this.results.settles()) {
			csv.append("rejoin,").append(s.replicas()).append(",,,,,").append(s.termsRaised()).append(",,,,,\n");
		}
		return csv.toString();
	}

	private String targetsCsv() {
		StringBuilder csv = new StringBuilder("target,required,measured,result\n");
		for (Target target : this.targets) {
			csv.append('"').append(target.name()).append("\",\"").append(target.target()).append("\",\"")
				.append(target.measured()).append("\",").append(target.met() ? "met" : "missed").append('\n');
		}
		return csv.toString();
	}

	// Helpers

	private TreeSet<Integer> sizes() {
		TreeSet<Integer> sizes = new TreeSet<>();
		this.results.transitions().forEach((transition) -> sizes.add(transition.replicas()));
		return sizes;
	}

	private List<Transition> transitions(Kind kind, int size) {
		Predicate<Transition> matches = (transition) -> transition.kind() == kind && transition.replicas() == size;
		return this.results.transitions().stream().filter(matches).toList();
	}

	static Stats stats(List<Transition> sample) {
		return Stats.of(sample.stream().map(Transition::millis).filter((millis) -> !Double.isNaN(millis)).toList());
	}

	private void addTarget(String name, String target, String measured, boolean met) {
		this.targets.add(new Target(name, target, measured, met));
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
	record Target(String name, String target, String measured, boolean met) {
	}

}
