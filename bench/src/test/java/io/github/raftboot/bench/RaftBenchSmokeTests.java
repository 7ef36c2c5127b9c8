package io.github.raftboot.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.github.raftboot.bench.Results.Change;
import io.github.raftboot.bench.Results.ClusterRun;
import io.github.raftboot.bench.Results.FollowerRestart;
import io.github.raftboot.bench.Results.IdleWindow;
import io.github.raftboot.bench.Results.Kind;
import io.github.raftboot.bench.Results.Member;
import io.github.raftboot.bench.Results.MembershipChange;
import io.github.raftboot.bench.Results.Part;
import io.github.raftboot.bench.Results.RollingRestart;
import io.github.raftboot.bench.Results.RollingStep;
import io.github.raftboot.bench.Results.Transition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the benchmark in its tiny mode against the real sample-app jar, so that the tool cannot
 * rot: 3 replicas in each profile; quiet: 1 SIGKILL, 1 SIGTERM, a 2 s idle window, a 4th replica
 * added and removed 1 + 1 times; busy, with its background load: a 2 s idle window, 1 follower
 * restart, a rolling restart. Every section of the report is there and every
 * number is sane. It does not check the targets: a tiny run on a busy build machine says nothing
 * about them, and whether it met them must not decide whether the build passes. Nor does it
 * require any lease lapse, pause or timing change: it checks that what was logged was read.
 *
 * <p>About one and a half minutes on a busy 2-core machine (12 JVM starts); the timeout only
 * guards against a hang, as the run's own waits are bounded.
 */
class RaftBenchSmokeTests {

	@Test
	@Timeout(value = 300, unit = TimeUnit.SECONDS)
	void tinyRunReportsEverySectionWithSaneNumbers() throws Exception {
		String jar = System.getProperty("sample.jar");
		assertThat(jar).as("system property sample.jar, set by bench/pom.xml").isNotBlank();
		assertThat(Path.of(jar)).as("the sample-app jar: build with ./mvnw -pl bench -am verify").isRegularFile();
		Path out = Path.of("target", "smoke-results");
		BenchOptions options = BenchOptions.parse("--smoke", "--jar=" + jar, "--out=" + out);
		Results results = RaftBench.run(options, System.out);

		assertThat(results.failure()).as("the run stopped early").isNull();
		assertThat(results.report()).contains("**Machine:**", "**Replica JVM options:**", "**Quiet profile:**",
				"**Busy profile:** replicas at nice 0", "#### Failover and handover, quiet profile",
				"#### Split votes and election rounds, quiet profile", "#### Membership changes",
				"#### Idle cost per replica, quiet profile", "#### Idle cost per replica, busy profile",
				"#### Stability (spurious elections), quiet profile", "#### Stability (spurious elections), busy profile",
				"#### Follower restarts", "#### Rolling restarts", "#### Flaps", "#### Adaptive timing and incidents",
				"#### Targets", "not measured: no unprompted election in 10 busy minutes", "#### Issue 13 targets",
				"| busy profile: 0 elections caused by 30 follower restarts | — | — | — | not measured: needs follower "
						+ "restarts at 5 replicas | — |",
				"| busy profile: 0 unprompted elections in 10 busy minutes | — | — | — | not measured: needs the 10 idle "
						+ "minutes of `--long` at 5 replicas | — |");
		// Only the quiet figures at 3 replicas are compared with the baseline in a tiny run; met or not, both are there.
		assertThat(results.targets()).filteredOn((target) -> target.goal() == Report.Issue13.QUIET_NO_WORSE)
			.extracting(Report.Target::name)
			.containsExactlyInAnyOrder("Failover no worse than " + Report.BASELINE_RUN + ", 3 replicas (quiet profile)",
					"Handover no worse than " + Report.BASELINE_RUN + ", 3 replicas (quiet profile)");
		assertThat(results.targets()).filteredOn((target) -> target.goal() != null)
			.allSatisfy((target) -> assertThat(target.context()).as("seen meanwhile, %s", target.name()).isNotBlank());
		assertThat(results.machine().cpus()).isPositive();
		assertThat(results.machine().memTotalMib()).isPositive();
		assertThat(results.machine().cpuModel()).isNotBlank();

		List<Transition> transitions = results.transitions();
		assertThat(transitions).extracting(Transition::kind).containsExactlyInAnyOrder(Kind.SIGKILL, Kind.SIGTERM);
		assertThat(transitions).extracting(Transition::profile).containsOnly(Profile.QUIET);
		for (Transition transition : transitions) {
			assertThat(transition.newLeader()).as("new leader after %s", transition).isNotNull().isNotEqualTo(transition.oldLeader());
			assertThat(transition.newTerm()).isGreaterThan(transition.oldTerm());
			assertThat(transition.millis()).as("ms after %s", transition).isBetween(1.0, 10_000.0);
			assertThat(transition.electionsWon()).isPositive();
		}
		assertThat(Report.stats(transitions).n()).isEqualTo(2);

		assertThat(results.windows()).extracting(IdleWindow::profile).containsExactly(Profile.QUIET, Profile.BUSY);
		IdleWindow window = results.windows().get(0);
		assertThat(window.replicas()).isEqualTo(3);
		assertThat(window.seconds()).isBetween(1.5, 10.0);
		assertThat(window.members()).hasSize(3).filteredOn(Member::leader).hasSize(1);
		for (Member member : window.members()) {
			assertThat(member.cpuPercent()).isBetween(0.0, 200.0);
			assertThat(member.jitPercent()).isBetween(0.0, member.cpuPercent() + 0.001);
			assertThat(member.rssMib()).isBetween(20.0, 4096.0);
			assertThat(member.bytesSent()).as("bytes sent by %s", member.id()).isPositive();
			assertThat(member.bytesReceived()).as("bytes received by %s", member.id()).isPositive();
		}
		Member leader = window.members().stream().filter(Member::leader).findFirst().orElseThrow();
		// Heartbeats: the leader sends to two followers what each follower receives.
		assertThat(leader.bytesSent()).isGreaterThan(window.members().stream().filter((m) -> !m.leader())
			.mapToLong(Member::bytesReceived).max().orElseThrow() / 2);
		assertThat(Math.abs(window.trafficBalance())).as("every byte seen from both ends").isLessThan(0.05);

		// The first addition and removal, then one of each that counts.
		List<MembershipChange> changes = results.membershipChanges();
		assertThat(changes).extracting(MembershipChange::change)
			.containsExactly(Change.ADD_MEMBER, Change.REMOVE_MEMBER, Change.ADD_MEMBER, Change.REMOVE_MEMBER);
		assertThat(changes).filteredOn(MembershipChange::first).hasSize(2);
		for (MembershipChange change : changes) {
			assertThat(change.member()).isEqualTo("n4");
			assertThat(change.replicas()).isEqualTo(3);
			assertThat(change.millis()).as("ms of %s", change).isBetween(1.0, 10_000.0);
			assertThat(change.undoneMillis()).as("lower bound of %s", change).isBetween(0.0, change.millis());
			assertThat(change.answeredMillis()).as("answer to the request of %s", change).isBetween(0.0, change.millis());
			if (change.change() == Change.ADD_MEMBER) {
				assertThat(change.votingMillis()).as("voting after %s", change).isBetween(0.0, change.millis());
			}
			else {
				assertThat(change.votingMillis()).isNaN();
			}
		}
		assertThat(Report.membershipStats(changes.stream().filter((change) -> !change.first()).toList()).n()).isEqualTo(2);

		// Busy profile: a follower restarted, with the load running.
		assertThat(results.followerRestarts()).hasSize(1);
		FollowerRestart restart = results.followerRestarts().get(0);
		assertThat(restart.profile()).isEqualTo(Profile.BUSY);
		assertThat(restart.follower()).isNotEqualTo(restart.leaderBefore());
		assertThat(restart.readySeconds()).isBetween(restart.exitSeconds(), 120.0);
		assertThat(restart.until()).isAfter(restart.signalledAt());
		assertThat(restart.leaderlessMillis()).isBetween(0.0, 120_000.0);
		assertThat(results.loads()).singleElement().satisfies((load) -> {
			assertThat(load.profile()).isEqualTo(Profile.BUSY);
			assertThat(load.cpuPercent()).as("CPU of the background load").isBetween(1.0, 110.0);
			assertThat(load.seconds()).isPositive();
		});

		// A rolling restart, highest ordinal first.
		assertThat(results.rollingRestarts()).extracting(RollingRestart::profile).containsExactly(Profile.BUSY);
		for (RollingRestart rolling : results.rollingRestarts()) {
			assertThat(rolling.steps()).extracting(RollingStep::replica).containsExactly("n3", "n2", "n1");
			assertThat(rolling.steps()).allSatisfy((step) -> assertThat(step.readySeconds()).isBetween(0.0, 120.0));
			assertThat(rolling.termsRaised()).isNotNegative();
			assertThat(rolling.leaderships()).isBetween(rolling.handOvers(), 100);
			assertThat(rolling.gaps().totalMillis()).isBetween(0.0, rolling.seconds() * 1000);
			assertThat(rolling.gaps().worstMillis()).isBetween(0.0, rolling.gaps().totalMillis());
		}

		// Every leadership read from the logs: each new leader of a failover is among them, just after its leaderSince.
		assertThat(results.clusters()).extracting(ClusterRun::profile).containsExactly(Profile.QUIET, Profile.BUSY);
		ClusterRun quiet = results.clusters().get(0);
		assertThat(quiet.parts()).extracting(Part::name)
			.containsExactly("start and warm-up", "idle", "membership", "failover and handover");
		assertThat(results.clusters().get(1).parts()).extracting(Part::name)
			.containsExactly("start and warm-up", "idle", "follower restarts", "rolling restart");
		for (Transition transition : transitions) {
			assertThat(quiet.leaderships()).as("the leadership of %s", transition)
				.anySatisfy((leadership) -> {
					assertThat(leadership.replica()).isEqualTo(transition.newLeader());
					assertThat(leadership.term()).isEqualTo(transition.newTerm());
					assertThat(Duration.between(transition.leaderSince(), leadership.acquiredAt()).toMillis())
						.as("logged after leaderSince").isBetween(-1L, 5_000L);
				});
		}
		for (ClusterRun run : results.clusters()) {
			assertThat(run.leaderships()).as("leaderships of the %s", run.profile()).isNotEmpty()
				.allSatisfy((leadership) -> assertThat(leadership.revokedAt()).as("ended by the cluster's end").isNotNull());
			// The timing in force at the end of each part, from /actuator/raft (none if no replica answered in time).
			assertThat(run.parts()).as("parts of the %s with a timing", run.profile())
				.anySatisfy((part) -> assertThat(part.timing()).isNotNull());
			assertThat(run.parts()).extracting(Part::timing).filteredOn(Objects::nonNull).allSatisfy((timing) -> {
				assertThat(timing.level()).isBetween(0, 10);
				assertThat(timing.electionTimeoutMin()).as("at least the configured 150 ms").isBetween(150L, 1000L);
				assertThat(timing.electionTimeoutMax()).isBetween(timing.electionTimeoutMin(), 2000L);
				assertThat(timing.heartbeatInterval()).isBetween(50L, timing.electionTimeoutMin());
				assertThat(timing.reason()).isNotBlank();
			});
			// Whatever the Raft threads logged was read, and belongs to one of the replicas.
			assertThat(run.timingEvents()).allSatisfy((event) -> {
				assertThat(event.replica()).isIn("n1", "n2", "n3", "n4");
				assertThat(event.at()).isBetween(run.parts().get(0).from().minusSeconds(60), run.parts()
					.get(run.parts().size() - 1).to().plusSeconds(60));
			});
		}

		for (String name : List.of("report.md", "summary.csv", "transitions.csv", "membership.csv", "idle.csv",
				"stability.csv", "restarts.csv", "rolling.csv", "flaps.csv", "leaderships.csv", "timing.csv", "incidents.csv",
				"targets.csv")) {
			assertThat(out.resolve(name)).isRegularFile();
		}
		assertThat(Files.readAllLines(out.resolve("transitions.csv"))).hasSize(1 + 2);
		assertThat(Files.readAllLines(out.resolve("idle.csv"))).hasSize(1 + 3 + 3);
		assertThat(Files.readAllLines(out.resolve("membership.csv"))).hasSize(1 + 4);
		assertThat(Files.readAllLines(out.resolve("restarts.csv"))).hasSize(1 + 1);
		assertThat(Files.readAllLines(out.resolve("rolling.csv"))).hasSize(1 + 3 + 1);
		assertThat(Files.readAllLines(out.resolve("leaderships.csv")))
			.hasSize(1 + results.clusters().stream().mapToInt((run) -> run.leaderships().size()).sum());
		assertThat(Files.readAllLines(out.resolve("timing.csv")))
			.hasSize(1 + results.clusters().stream().mapToInt((run) -> run.parts().size()).sum());
		assertThat(Files.readAllLines(out.resolve("incidents.csv")))
			.hasSize(1 + results.clusters().stream().mapToInt((run) -> run.timingEvents().size()).sum());
		assertThat(Files.readAllLines(out.resolve("summary.csv"))).filteredOn((line) -> line.contains("_MEMBER,"))
			.hasSize(2);
		assertThat(Files.readString(out.resolve("report.md"))).isEqualTo(results.report());
		assertThat(Processes.liveCount()).as("replicas left running").isZero();
	}

}
