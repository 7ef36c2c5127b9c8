package io.github.raftboot.demo;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.raftboot.leader.RaftLeadership;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Follows the job logs of all replicas (one JSON line per run of a leader-only job) and sums
 * the runs of the default group's job up as segments: consecutive runs by one replica in one
 * term. Runs of the jobs of other election groups are only counted, per group. Not thread-safe:
 * used under the {@link DemoCluster}'s lock.
 */
final class JobFeed {

	private static final int SEGMENTS = 30;

	private static final int TAIL = 4;

	private final JsonMapper json;

	private final Map<String, Long> offsets = new HashMap<>();

	private final Map<String, Long> runs = new HashMap<>();

	private final Map<String, Deque<String>> tails = new HashMap<>();

	private final Map<String, Long> groupRuns = new HashMap<>();

	private final Deque<Segment> segments = new ArrayDeque<>();

	JobFeed(JsonMapper json) {
		this.json = json;
	}

	/** Reads what the replicas appended since the last call. */
	void poll(List<Replica> replicas) {
		List<Run> fresh = new ArrayList<>();
		for (Replica replica : replicas) {
			for (String line : newLines(replica)) {
				Run run = parse(line);
				if (run != null) {
					this.groupRuns.merge(run.group(), 1L, Long::sum);
				}
				if (run != null && RaftLeadership.DEFAULT_GROUP.equals(run.group())) {
					fresh.add(run);
					this.runs.merge(replica.id(), 1L, Long::sum);
					Deque<String> tail = this.tails.computeIfAbsent(replica.id(), (id) -> new ArrayDeque<>());
					tail.addLast(line);
					while (tail.size() > TAIL) {
						tail.removeFirst();
					}
				}
			}
		}
		fresh.sort(Comparator.comparing(Run::start));
		for (Run run : fresh) {
			Segment last = this.segments.peekLast();
			if (last != null && last.node().equals(run.node()) && last.term() == run.term()) {
				this.segments.removeLast();
				this.segments.addLast(new Segment(run.node(), run.term(), last.runs() + 1,
						last.unconfirmed() + (run.confirmed() ? 0 : 1), last.first(), run.start()));
			}
			else {
				this.segments.addLast(new Segment(run.node(), run.term(), 1, run.confirmed() ? 0 : 1, run.start(),
						run.start()));
			}
			while (this.segments.size() > SEGMENTS) {
				this.segments.removeFirst();
			}
		}
	}

	long runs(String node) {
		return this.runs.getOrDefault(node, 0L);
	}

	/** How many times the job of a group ran, on any replica. */
	long groupRuns(String group) {
		return this.groupRuns.getOrDefault(group, 0L);
	}

	List<String> tail(String node) {
		return List.copyOf(this.tails.getOrDefault(node, new ArrayDeque<>()));
	}

	/** The segments, newest first. */
	List<Segment> segments() {
		List<Segment> newestFirst = new ArrayList<>(this.segments);
		Collections.reverse(newestFirst);
		return newestFirst;
	}

	private List<String> newLines(Replica replica) {
		long offset = this.offsets.getOrDefault(replica.id(), 0L);
		try (RandomAccessFile file = new RandomAccessFile(replica.jobLog().toFile(), "r")) {
			long length = file.length();
			if (length <= offset) {
				return List.of();
			}
			byte[] bytes = new byte[(int) Math.min(length - offset, 1 << 20)];
			file.seek(offset);
			file.readFully(bytes);
			int end = lastNewline(bytes);
			if (end < 0) {
				return List.of();
			}
			this.offsets.put(replica.id(), offset + end + 1);
			String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
			return text.lines().filter((line) -> !line.isBlank()).toList();
		}
		catch (IOException ex) {
			// Not written yet: this replica has not led.
			return List.of();
		}
	}

	private static int lastNewline(byte[] bytes) {
		for (int i = bytes.length - 1; i >= 0; i--) {
			if (bytes[i] == '\n') {
				return i;
			}
		}
		return -1;
	}

	private @Nullable Run parse(String line) {
		try {
			JsonNode node = this.json.readTree(line);
			// Lines written before the logs named their group are the default group's.
			return new Run(node.path("group").asString(RaftLeadership.DEFAULT_GROUP), node.path("node").asString(),
					node.path("term").asLong(),
					Instant.parse(node.path("start").asString()), node.path("confirmed").asBoolean(true));
		}
		catch (JacksonException | DateTimeParseException ex) {
			return null;
		}
	}

	private record Run(String group, String node, long term, Instant start, boolean confirmed) {
	}

	/**
	 * Consecutive runs of the job by one replica in one term.
	 *
	 * @param node the replica
	 * @param term the fencing token the runs saw
	 * @param runs how many runs
	 * @param unconfirmed how many of them ended after the lease did
	 * @param first start of the first run
	 * @param last start of the last run
	 */
	public record Segment(String node, long term, long runs, long unconfirmed, Instant first, Instant last) {
	}

}
