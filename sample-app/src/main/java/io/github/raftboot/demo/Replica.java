package io.github.raftboot.demo;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One replica process of the demo, as the launcher sees it. Guarded by the {@link DemoCluster}.
 */
final class Replica {

	private final String id;

	private final int port;

	private final Path jobLog;

	private final Path output;

	private @Nullable Process process;

	private ProcessState state = ProcessState.STOPPED;

	private @Nullable JsonNode raft;

	private @Nullable JsonNode groups;

	private boolean linksSynced;

	Replica(String id, int port, Path dir) {
		this.id = id;
		this.port = port;
		this.jobLog = dir.resolve("job-" + id + ".jsonl");
		this.output = dir.resolve(id + ".log");
	}

	String id() {
		return this.id;
	}

	int port() {
		return this.port;
	}

	URI url() {
		return URI.create("http://127.0.0.1:" + this.port);
	}

	Path jobLog() {
		return this.jobLog;
	}

	Path output() {
		return this.output;
	}

	@Nullable Process process() {
		return this.process;
	}

	boolean isAlive() {
		Process process = this.process;
		return process != null && process.isAlive();
	}

	ProcessState state() {
		return this.state;
	}

	void state(ProcessState state) {
		this.state = state;
	}

	/** The last answer of {@code GET /actuator/raft} while the process is up, else {@code null}. */
	@Nullable JsonNode raft() {
		return this.raft;
	}

	/**
	 * The election groups of the last answer of {@code GET /leader} while the process is up and
	 * the demo has groups, else {@code null}: group name to {@code isLeader}, {@code leaderId},
	 * {@code term} and {@code jobRuns}.
	 */
	@Nullable JsonNode groups() {
		return this.groups;
	}

	void groups(@Nullable JsonNode groups) {
		this.groups = groups;
	}

	/** Whether this replica is the active leader of a group, by its last answer. */
	boolean isLeader(String group) {
		JsonNode groups = this.groups;
		return groups != null && groups.path(group).path("isLeader").asBoolean(false);
	}

	/** This replica's term of a group, by its last answer. */
	long term(String group) {
		JsonNode groups = this.groups;
		return (groups != null) ? groups.path(group).path("term").asLong(0) : 0;
	}

	boolean isLeader() {
		JsonNode raft = this.raft;
		return raft != null && raft.path("leader").asBoolean(false);
	}

	long term() {
		JsonNode raft = this.raft;
		return (raft != null) ? raft.path("term").asLong(0) : 0;
	}

	void answered(JsonNode raft) {
		this.raft = raft;
		if (this.state == ProcessState.STARTING || this.state == ProcessState.UNRESPONSIVE) {
			this.state = ProcessState.UP;
		}
	}

	void noAnswer() {
		this.raft = null;
		this.groups = null;
		if (this.state == ProcessState.UP) {
			this.state = ProcessState.UNRESPONSIVE;
		}
	}

	boolean linksSynced() {
		return this.linksSynced;
	}

	void linksSynced(boolean linksSynced) {
		this.linksSynced = linksSynced;
	}

	Process start(List<String> command) throws IOException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.output.toFile()))
			.start();
		this.process = process;
		this.state = ProcessState.STARTING;
		this.raft = null;
		this.groups = null;
		this.linksSynced = false;
		return process;
	}

	/** What the launcher knows of a replica's process. */
	enum ProcessState {

		/** Started, not answering yet. */
		STARTING,
		/** Answering. */
		UP,
		/** Running, but did not answer the last request. */
		UNRESPONSIVE,
		/** Sent SIGTERM, not exited yet. */
		STOPPING,
		/** Exited after SIGTERM, or never started. */
		STOPPED,
		/** Killed with SIGKILL. */
		KILLED,
		/** Exited on its own. */
		EXITED

	}

}
