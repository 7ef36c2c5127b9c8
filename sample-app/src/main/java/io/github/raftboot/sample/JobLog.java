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
