package io.github.raftboot.sample;

import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the sample, under the {@code sample} prefix.
 */
@ConfigurationProperties("sample")
public class SampleProperties {

	/**
	 * How often the leader-only job runs.
	 */
	private Duration jobInterval = Duration.ofMillis(100);

	/**
	 * File to which each run of the leader-only job appends one JSON line; none when unset.
	 */
	private @Nullable Path jobLog;

	private final Demo demo = new Demo();

	public Duration getJobInterval() {
		return this.jobInterval;
	}

	public void setJobInterval(Duration jobInterval) {
		this.jobInterval = jobInterval;
	}

	public @Nullable Path getJobLog() {
		return this.jobLog;
	}

	public void setJobLog(@Nullable Path jobLog) {
		this.jobLog = jobLog;
	}

	public Demo getDemo() {
		return this.demo;
	}

	/**
	 * Settings the demo launcher passes to the replicas it starts. Off by default: a replica
	 * outside the demo has none of this.
	 */
	public static class Demo {

		/**
		 * Whether this replica lets the demo cut and heal its links to other replicas: wraps
		 * the Raft transport and serves /demo/faults. Never enable it outside the demo.
		 */
		private boolean faultInjection;

		/**
		 * Process id of the demo launcher; this replica exits when that process is gone.
		 */
		private @Nullable Long parentPid;

		public boolean isFaultInjection() {
			return this.faultInjection;
		}

		public void setFaultInjection(boolean faultInjection) {
			this.faultInjection = faultInjection;
		}

		public @Nullable Long getParentPid() {
			return this.parentPid;
		}

		public void setParentPid(@Nullable Long parentPid) {
			this.parentPid = parentPid;
		}

	}

}
