package io.github.raftboot.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.raftboot.bench.Results.Change;
import io.github.raftboot.bench.Results.IdleWindow;
import io.github.raftboot.bench.Results.Kind;
import io.github.raftboot.bench.Results.Member;
import io.github.raftboot.bench.Results.MembershipChange;
import io.github.raftboot.bench.Results.Transition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the benchmark in its tiny mode against the real sample-app jar (3 replicas, 2 kills,
 * 1 SIGTERM, a 2 s idle window, a 4th replica added and removed 1 + 2 times), so that the tool
 * cannot rot: every section of the report is
 * there and every number is sane. It does not check the targets: a tiny run on a busy build
 * machine says nothing about them.
 */
class RaftBenchSmokeTests {

	@Test
	@Timeout(value = 150, unit = TimeUnit.SECONDS)
	void tinyRunReportsEverySectionWithSaneNumbers() throws Exception {
		String jar = System.getProperty("sample.jar");
		assertThat(jar).as("system property sample.jar, set by bench/pom.xml").isNotBlank();
		assertThat(Path.of(jar)).as("the sample-app jar: build with ./mvnw -pl bench -am verify").isRegularFile();
		Path out = Path.of("target", "smoke-results");
		BenchOptions options = BenchOptions.parse("--smoke", "--jar=" + jar, "--out=" + out);
		Results results = RaftBench.run(options, System.out);

		assertThat(results.failure()).as("the run stopped early").isNull();
		assertThat(results.report()).contains("**Machine:**", "**Replica JVM options:**",
				"#### Failover and handover", "#### Split votes", "#### Membership changes", "#### Idle cost per replica",
				"#### Stability",
				"#### Targets");
		assertThat(results.machine().cpus()).isPositive();
		assertThat(results.machine().memTotalMib()).isPositive();
		assertThat(results.machine().cpuModel()).isNotBlank();

		List<Transition> transitions = results.transitions();
		assertThat(transitions).extracting(Transition::kind).containsExactlyInAnyOrder(Kind.SIGKILL, Kind.SIGKILL, Kind.SIGTERM);
		for (Transition transition : transitions) {
			assertThat(transition.newLeader()).as("new leader after %s", transition).isNotNull().isNotEqualTo(transition.oldLeader());
			assertThat(transition.newTerm()).isGreaterThan(transition.oldTerm());
			assertThat(transition.millis()).as("ms after %s", transition).isBetween(1.0, 10_000.0);
			assertThat(transition.electionsWon()).isPositive();
		}
		assertThat(Report.stats(transitions).n()).isEqualTo(3);

		assertThat(results.windows()).hasSize(1);
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

		// The first addition and removal, then two of each that count.
		List<MembershipChange> changes = results.membershipChanges();
		assertThat(changes).extracting(MembershipChange::change)
			.containsExactly(Change.ADD_MEMBER, Change.REMOVE_MEMBER, Change.ADD_MEMBER, Change.REMOVE_MEMBER,
					Change.ADD_MEMBER, Change.REMOVE_MEMBER);
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
		assertThat(Report.membershipStats(changes.stream().filter((change) -> !change.first()).toList()).n()).isEqualTo(4);

		for (String name : List.of("report.md", "summary.csv", "transitions.csv", "membership.csv", "idle.csv",
				"stability.csv", "targets.csv")) {
			assertThat(out.resolve(name)).isRegularFile();
		}
		assertThat(Files.readAllLines(out.resolve("transitions.csv"))).hasSize(1 + 3);
		assertThat(Files.readAllLines(out.resolve("idle.csv"))).hasSize(1 + 3);
		assertThat(Files.readAllLines(out.resolve("membership.csv"))).hasSize(1 + 6);
		assertThat(Files.readAllLines(out.resolve("summary.csv"))).filteredOn((line) -> line.contains("_MEMBER,"))
			.hasSize(2);
		assertThat(Files.readString(out.resolve("report.md"))).isEqualTo(results.report());
		assertThat(Processes.liveCount()).as("replicas left running").isZero();
	}

}
