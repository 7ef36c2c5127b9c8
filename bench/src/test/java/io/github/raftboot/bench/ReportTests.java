package io.github.raftboot.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.raftboot.bench.Results.ClusterRun;
import io.github.raftboot.bench.Results.Part;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.github.raftboot.bench.TimingEventsTests.at;
import static io.github.raftboot.bench.TimingEventsTests.line;
import static io.github.raftboot.bench.TimingEventsTests.pause;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Report}: how the leases that ended during a pause of their leader, and those
 * of them that the queued answers bridged, are counted in {@code report.md} and
 * {@code timing.csv}, on a busy cluster of 5 replicas whose logs are made up.
 */
class ReportTests {

	/** The columns of {@code timing.csv} before the leases ended in a pause: other tools read them by position. */
	private static final String TIMING_COLUMNS = "profile,replicas,part,from,to,lease_lapses,pauses,longest_pause_ms,"
			+ "timing_changes,leader_at_end,level_at_end,election_timeout_min_ms,election_timeout_max_ms,heartbeat_ms,"
			+ "reason";

	/**
	 * n1 leads throughout. In the first part its lease ends in a pause and is reported lost (and
	 * comes back: a flap); in the second one its lease ends in a pause and the queued answers
	 * renew it (no event), and it pauses once more without its lease ending. It is killed at the end.
	 */
	private static final List<String> N1_LOG = List.of("=== raft-bench: start #1 of n1 at 2026-11-30T09:59:59Z",
			line("00.100", " INFO", "This replica (n1) now leads, fencing token 4"),
			pause("01.000", "n1", 1, 180, 25),
			line("01.030", " INFO", "This replica (n1) no longer leads term 4: LEASE_LOST"),
			line("01.040", " INFO", "This replica (n1) now leads, fencing token 4"),
			pause("05.000", "n1", 2, 180, 25),
			pause("06.000", "n1", 3, 240, -1), "=== raft-bench: SIGKILL to n1 at 2026-11-30T10:00:10Z");

	@TempDir
	Path out;

	@Test
	void timingCsvCountsTheLeasesEndedInAPauseAndTheBridgedOnesInItsLastColumns() throws Exception {
		Report.write(results("--profile=busy", "--no-plot"), this.out);

		List<String> csv = Files.readAllLines(this.out.resolve("timing.csv"));
		assertThat(csv).hasSize(1 + 2);
		assertThat(csv.get(0)).isEqualTo(TIMING_COLUMNS + ",leases_ended_in_pause,leases_bridged");
		// The part without a timing at its end keeps its empty columns before the new ones.
		assertThat(csv.get(1)).startsWith("busy,5,start and warm-up,").endsWith(",0,1,180,0,n1,,,,,,1,0");
		assertThat(csv.get(2)).startsWith("busy,5,follower restarts,").endsWith(",\"as configured\",1,1");
		assertThat(csv).allSatisfy((row) -> assertThat(row.split(",", -1)).hasSize(17));
	}

	@Test
	void reportMdCountsThemPerPartAndSaysABridgedLeaseIsNoFlap() throws Exception {
		Results results = Report.write(results("--profile=busy", "--no-plot"), this.out);

		assertThat(results.report()).contains("| Lease lapses | Pauses (longest, ms) | Leases ended in a pause (bridged) |",
				"| busy | 5 | start and warm-up | 0 | 1 (longest 180 ms) | 1 (bridged 0) |",
				"| busy | 5 | follower restarts | 0 | 2 (longest 240 ms) | 1 (bridged 1) |",
				"is no flap: no `LeadershipRevokedEvent` and no `LeadershipAcquiredEvent` were published; leases ended "
						+ "in a pause: 2 (bridged 1) in the busy profile at 5 replicas.");
		// The reported one is a flap, the bridged one is not.
		assertThat(Leaderships.flaps(results.clusters().get(0).leaderships(), Duration.ofMillis(300))).singleElement()
			.satisfies((flap) -> assertThat(flap.before().revokedAt()).isEqualTo(at("01.030")));
		assertThat(results.targets()).filteredOn((target) -> target.goal() == Report.Issue13.FLAPS)
			.singleElement()
			.satisfies((target) -> assertThat(target.context())
				.startsWith("0 lease lapses, 3 pauses (longest 240 ms), leases ended in a pause: 2 (bridged 1), timing changes"));
	}

	@Test
	void withoutTheDebugLogNothingIsCountedAsNone() throws Exception {
		Results results = Report.write(results("--profile=busy", "--no-plot", "--no-debug-log"), this.out);

		List<String> csv = Files.readAllLines(this.out.resolve("timing.csv"));
		assertThat(csv.subList(1, csv.size())).allSatisfy((row) -> assertThat(row).endsWith(",,"));
		assertThat(results.report()).contains("| not logged | not logged | not logged | 0 |",
				"leases ended in a pause not logged (`--no-debug-log`)");
	}

	private static Results results(String... options) {
		RaftView.Timing configured = new RaftView.Timing(150, 300, 50, 0, "as configured",
				new RaftView.Incidents(0, 0, 0, 3, 240, 0));
		ClusterRun run = new ClusterRun(Profile.BUSY, 5,
				List.of(new Part("start and warm-up", at("00.000"), at("03.000"), "n1", null),
						new Part("follower restarts", at("03.000"), at("10.000"), "n1", configured)),
				Leaderships.parse("n1", N1_LOG), TimingEvents.parse("n1", N1_LOG));
		return new Results(BenchOptions.parse(options), new MachineInfo("Test CPU", 2, 2, 4096, "6.1", "Test OS", "Test JDK",
				"-XX:+UseSerialGC", "0.00 0.00 0.00"), List.of("-Xmx256m"), at("00.000"), Duration.ofSeconds(10), List.of(),
				List.of(), List.of(), List.of(), List.of(), List.of(), List.of(run), List.of(), 0, null, List.of(), List.of(),
				"", List.of(), List.of());
	}

}
