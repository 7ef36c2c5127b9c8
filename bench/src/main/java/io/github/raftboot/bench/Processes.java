package io.github.raftboot.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Starts every child process of the benchmark and makes sure none outlives it: a shutdown hook
 * kills whatever is still running, also when the benchmark is interrupted.
 */
final class Processes {

	private static final Set<Process> live = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(Processes::killAll, "raft-bench-cleanup"));
	}

	private Processes() {
	}

	/**
	 * Starts a process and tracks it until it exits.
	 * @param builder what to start
	 * @return the process
	 * @throws IOException if it cannot be started
	 */
	static Process start(ProcessBuilder builder) throws IOException {
		Process process = builder.start();
		live.add(process);
		process.onExit().thenRun(() -> live.remove(process));
		return process;
	}

	/**
	 * Kills a process with SIGKILL and waits, up to {@code timeout}, until it is gone.
	 * @param process the process
	 * @param timeout how long to wait
	 */
	static void kill(Process process, Duration timeout) {
		process.destroyForcibly();
		try {
			process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Kills every process still running. */
	static void killAll() {
		for (Process process : live) {
			process.destroyForcibly();
		}
		for (Process process : live) {
			try {
				process.waitFor(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/** How many started processes are still running. */
	static int liveCount() {
		return (int) live.stream().filter(Process::isAlive).count();
	}

}
