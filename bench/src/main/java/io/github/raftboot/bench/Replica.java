package io.github.raftboot.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * One sample-app replica: a process that can be killed, stopped and started again with the same
 * id, port and data directory. Its output is appended to {@code <id>.log}.
 */
final class Replica {

	/**
	 * How the line that the tool writes to a replica's log before each start of its process
	 * begins: {@code === raft-bench: start #<n> of <id> at <instant>}.
	 */
	static final String START_MARKER = "=== raft-bench: start #";

	/** A start line ({@link #START_MARKER}): group 1 the replica's id, group 2 the instant. */
	static final Pattern START_LINE = Pattern
		.compile("^" + Pattern.quote(START_MARKER) + "\\d+ of (\\S+) at (\\S+)\\s*$");

	/**
	 * The line written before a signal is sent ({@link #note}): group 1 the signal, group 2 the
	 * replica's id, group 3 the instant.
	 */
	static final Pattern SIGNAL_LINE = Pattern.compile("^=== raft-bench: (SIGTERM|SIGKILL) to (\\S+) at (\\S+)\\s*$");

	private final String id;

	private final int port;

	private final Path dataDir;

	private final Path log;

	private @Nullable Process process;

	private int starts;

	Replica(String id, int port, Path dir) {
		this.id = id;
		this.port = port;
		this.dataDir = dir.resolve("data-" + id);
		this.log = dir.resolve(id + ".log");
	}

	String id() {
		return this.id;
	}

	int port() {
		return this.port;
	}

	Path dataDir() {
		return this.dataDir;
	}

	Path log() {
		return this.log;
	}

	/** How many times this replica was started. */
	int starts() {
		return this.starts;
	}

	/**
	 * Starts the replica's process.
	 * @param command the command line
	 * @throws IOException if it cannot be started
	 */
	void start(List<String> command) throws IOException {
		if (isAlive()) {
			throw new IllegalStateException("Replica " + this.id + " still runs");
		}
		this.starts++;
		Files.writeString(this.log, START_MARKER + this.starts + " of " + this.id + " at " + Instant.now() + "\n",
				StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		this.process = Processes.start(new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile())));
	}

	boolean isAlive() {
		Process current = this.process;
		return current != null && current.isAlive();
	}

	/** The process id, or -1 if the replica does not run. */
	long pid() {
		Process current = this.process;
		return (current != null && current.isAlive()) ? current.pid() : -1;
	}

	/**
	 * Sends SIGKILL ({@link Process#destroyForcibly()}) and, if the process ran, notes the instant
	 * in the log ({@code === raft-bench: SIGKILL to <id> at <instant>}): a leadership the log
	 * shows open ends there ({@link Leaderships}).
	 */
	void kill() {
		Process current = this.process;
		if (current != null) {
			boolean alive = current.isAlive();
			Instant at = Instant.now();
			current.destroyForcibly();
			if (alive) {
				note("SIGKILL", at);
			}
		}
	}

	/**
	 * Sends SIGTERM ({@link Process#destroy()}) and, if the process ran, notes the instant in the
	 * log ({@code === raft-bench: SIGTERM to <id> at <instant>}).
	 */
	void terminate() {
		Process current = this.process;
		if (current != null) {
			boolean alive = current.isAlive();
			Instant at = Instant.now();
			current.destroy();
			if (alive) {
				note("SIGTERM", at);
			}
		}
	}

	private void note(String signal, Instant at) {
		try {
			Files.writeString(this.log, "=== raft-bench: " + signal + " to " + this.id + " at " + at + "\n",
					StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not note the " + signal + " of " + this.id + " in " + this.log, ex);
		}
	}

	/**
	 * Waits until the process has exited, and kills it if it takes longer than {@code timeout}.
	 * @param timeout how long to wait
	 * @return whether it exited by itself within the timeout
	 */
	boolean awaitExit(Duration timeout) throws InterruptedException {
		Process current = this.process;
		if (current == null) {
			return true;
		}
		boolean exited = current.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		if (!exited) {
			Processes.kill(current, Duration.ofSeconds(10));
		}
		return exited;
	}

	/** Kills the process, if it runs, and waits until it is gone. */
	void destroy() {
		Process current = this.process;
		if (current != null && current.isAlive()) {
			Processes.kill(current, Duration.ofSeconds(10));
		}
	}

	@Override
	public String toString() {
		return this.id + "@" + this.port;
	}

}
