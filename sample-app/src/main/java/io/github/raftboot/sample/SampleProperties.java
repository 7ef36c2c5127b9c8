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

}
