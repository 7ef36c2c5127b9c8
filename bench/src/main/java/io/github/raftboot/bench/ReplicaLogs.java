package io.github.raftboot.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Reads what the replicas' own logs say, replica by replica: the leaderships of
 * {@link Leaderships} and the timing events of {@link TimingEvents}.
 */
final class ReplicaLogs {

	private ReplicaLogs() {
	}

	/**
	 * Parses the log of every replica that has one.
	 * @param <T> what a log yields
	 * @param logs each replica's id and log file
	 * @param parser reads one replica's log: its id and its lines
	 * @return what all logs yielded, replica after replica
	 */
	static <T> List<T> parseAll(Map<String, Path> logs, BiFunction<String, List<String>, List<T>> parser) {
		List<T> all = new ArrayList<>();
		logs.forEach((id, log) -> {
			if (Files.isRegularFile(log)) {
				try {
					all.addAll(parser.apply(id, new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList()));
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}
		});
		return all;
	}

}
