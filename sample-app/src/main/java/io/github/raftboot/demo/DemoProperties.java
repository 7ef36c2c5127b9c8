package io.github.raftboot.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the demo launcher, under the {@code demo} prefix.
 */
@ConfigurationProperties("demo")
public class DemoProperties {

	/**
	 * HTTP port of each replica, one replica per port (at least 3). A port that is already
	 * taken is replaced by a free one.
	 */
	private List<Integer> replicaPorts = new ArrayList<>(List.of(8081, 8082, 8083));

	/**
	 * Directory for the replicas' data, output and job logs. Defaults to a new temporary
	 * directory.
	 */
	private @Nullable Path dir;

	/**
	 * How often the launcher reads every replica's state and pushes it to the dashboard.
	 */
	private Duration pollInterval = Duration.ofMillis(100);

	/**
	 * Election groups of every replica besides the default one (their raft.groups), such as
	 * billing,outbox,warmer: each runs a job of its own on its own leader, and the dashboard
	 * shows which replica leads each group. None by default.
	 */
	private List<String> groups = new ArrayList<>();

	/**
	 * JVM options of every replica.
	 */
	private List<String> replicaJvmOptions = new ArrayList<>(
			List.of("-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));

	/**
	 * Extra arguments for every replica, such as --raft.election-timeout-min=300ms.
	 */
	private List<String> replicaArguments = new ArrayList<>();

	public List<Integer> getReplicaPorts() {
		return this.replicaPorts;
	}

	public void setReplicaPorts(List<Integer> replicaPorts) {
		this.replicaPorts = replicaPorts;
	}

	public @Nullable Path getDir() {
		return this.dir;
	}

	public void setDir(@Nullable Path dir) {
		this.dir = dir;
	}

	public Duration getPollInterval() {
		return this.pollInterval;
	}

	public void setPollInterval(Duration pollInterval) {
		this.pollInterval = pollInterval;
	}

	public List<String> getGroups() {
		return this.groups;
	}

	public void setGroups(List<String> groups) {
		this.groups = groups;
	}

	public List<String> getReplicaJvmOptions() {
		return this.replicaJvmOptions;
	}

	public void setReplicaJvmOptions(List<String> replicaJvmOptions) {
		this.replicaJvmOptions = replicaJvmOptions;
	}

	public List<String> getReplicaArguments() {
		return this.replicaArguments;
	}

	public void setReplicaArguments(List<String> replicaArguments) {
		this.replicaArguments = replicaArguments;
	}

}
