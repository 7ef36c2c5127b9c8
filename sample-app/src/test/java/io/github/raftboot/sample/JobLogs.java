package io.github.raftboot.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import io.github.raftboot.leader.RaftLeadership;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The leader-only jobs' logs ({@code --sample.job-log}, one JSON line per run) of the replicas of
 * an end-to-end test, merged, and the check that they show one leader at a time. The jobs of all
 * election groups write to the same files; each group is read and checked on its own, since
 * every group has terms of its own.
 */
final class JobLogs {

	private static final JsonMapper json = JsonMapper.builder().build();

	private JobLogs() {
	}

	/**
	 * Reads the runs of the default group's job from {@code job-<id>.log} of each replica in
	 * {@code dir}; a replica that never ran a job has none.
	 * @param dir the directory of the replicas' files
	 * @param ids the replicas
	 * @return every run, ordered by its start
	 */
	static List<Run> read(Path dir, Collection<String> ids) throws IOException {
		return read(dir, ids, RaftLeadership.DEFAULT_GROUP);
	}

	/**
	 * Reads the runs of one group's job from {@code job-<id>.log} of each replica in {@code dir}.
	 * @param dir the directory of the replicas' files
	 * @param ids the replicas
	 * @param group the election group
	 * @return every run of that group's job, ordered by its start
	 */
	static List<Run> read(Path dir, Collection<String> ids, String group) throws IOException {
		List<Run> runs = new ArrayList<>();
		for (String id : ids) {
			Path log = dir.resolve("job-" + id + ".log");
			if (!Files.exists(log)) {
				continue;
			}
			for (String line : Files.readAllLines(log)) {
				JsonNode node = json.readTree(line);
				assertThat(node.has("group")).as("a job log line names its group: %s", line).isTrue();
				if (!node.get("group").asString().equals(group)) {
					continue;
				}
				runs.add(new Run(node.get("node").asString(), node.get("term").asLong(),
						Instant.parse(node.get("start").asString()), Instant.parse(node.get("end").asString())));
			}
		}
		runs.sort(Comparator.comparing(Run::start));
		return runs;
	}

	/**
	 * Asserts that runs ordered by their start were made by one replica at a time: one replica per
	 * term, never an older term after a newer one, and no two replicas' runs overlapping.
	 * @param runs the runs of all replicas, ordered by their start
	 */
	static void assertOneLeaderAtATime(List<Run> runs) {
		for (int i = 1; i < runs.size(); i++) {
			Run before = runs.get(i - 1);
			Run after = runs.get(i);
			assertThat(after.term()).as("term order at %s then %s", before, after).isGreaterThanOrEqualTo(before.term());
			if (after.term() == before.term()) {
				assertThat(after.node()).as("one replica per term: %s then %s", before, after).isEqualTo(before.node());
			}
		}
		for (int i = 0; i < runs.size(); i++) {
			for (int j = 0; j < i; j++) {
				Run earlier = runs.get(j);
				Run later = runs.get(i);
				if (!earlier.node().equals(later.node())) {
					assertThat(later.start()).as("no overlap: %s and %s", earlier, later).isAfterOrEqualTo(earlier.end());
				}
			}
		}
	}

	/**
	 * One run of the job.
	 *
	 * @param node the replica that ran it
	 * @param term the fencing token it read
	 * @param start when it started
	 * @param end when it ended
	 */
	record Run(String node, long term, Instant start, Instant end) {
	}

}
