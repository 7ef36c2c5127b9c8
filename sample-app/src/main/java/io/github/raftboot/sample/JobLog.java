package io.github.raftboot.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import io.github.raftboot.leader.RaftLeadership;
import org.jspecify.annotations.Nullable;

/**
 * The job log ({@code sample.job-log}): one JSON line per run of a leader-only job,
 * {@code {"group":…,"node":…,"term":…,"start":…,"end":…,"confirmed":…}}. The jobs of every
 * election group append to the same file; {@code group} tells them apart, and the terms of one
 * group only compare with each other.
 */
final class JobLog {

	private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
		.withZone(ZoneOffset.UTC);

	private JobLog() {
	}

	/**
	 * One run of a leader-only job of a group, once its guard let it through: reads the group's
	 * fencing token, counts the run, and appends its line when {@code file} is set.
	 * @param leadership the group's view ({@code RaftLeadership.group(name)}, or the bean itself
	 * for the default group)
	 * @param runs counts the runs
	 * @param file the job log, or {@code null} for none
	 * @return the run's fencing token and whether the lease still held in that term when it ended,
	 * or {@code null} if the lease ended between the guard and the run
	 */
	static @Nullable Run run(RaftLeadership leadership, AtomicLong runs, @Nullable Path file) {
		Instant start = Instant.now();
		OptionalLong token = leadership.fencingToken();
		if (token.isEmpty()) {
			// The lease ended between the guard and this line.
			return null;
		}
		runs.incrementAndGet();
		// The work itself would go here, passing token.getAsLong() to anything it writes to.
		OptionalLong after = leadership.fencingToken();
		Instant end = Instant.now();
		boolean confirmed = after.isPresent() && after.getAsLong() == token.getAsLong();
		if (file != null) {
			append(file, leadership.groupName(), leadership.nodeId(), token.getAsLong(), start, end, confirmed);
		}
		return new Run(token.getAsLong(), confirmed);
	}

	/**
	 * A run of a job.
	 *
	 * @param term the fencing token it saw
	 * @param confirmed whether the lease still held, in the same term, when it ended
	 */
	record Run(long term, boolean confirmed) {
	}

	static void append(Path file, String group, String node, long term, Instant start, Instant end, boolean confirmed) {
		String line = "{\"group\":\"" + group + "\",\"node\":\"" + node + "\",\"term\":" + term + ",\"start\":\""
				+ MICROS.format(start) + "\",\"end\":\"" + MICROS.format(end) + "\",\"confirmed\":" + confirmed + "}\n";
		try {
			// One write of a short line with APPEND: lines of jobs running at once do not interleave.
			Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
					StandardOpenOption.WRITE, StandardOpenOption.SYNC);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not append to the job log " + file, ex);
		}
	}

}
