package io.github.raftboot.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.github.raftboot.leader.RaftLeadership;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * One leader-only job per election group of {@code raft.groups}: the job of group
 * {@code billing} runs every {@code sample.job-interval} on the replica that leads
 * {@code billing} only, whichever replica leads the others. Each run reads the group's fencing
 * token and appends a line with the group's name to {@code sample.job-log}, as
 * {@link LeaderOnlyJob} does for the default group. Without {@code raft.groups} there is none.
 */
@Component
public class GroupJobs implements SchedulingConfigurer {

	private static final Log logger = LogFactory.getLog(GroupJobs.class);

	private final RaftLeadership leadership;

	private final SampleProperties properties;

	private final Map<String, AtomicLong> runs = new LinkedHashMap<>();

	public GroupJobs(RaftLeadership leadership, SampleProperties properties) {
		this.leadership = leadership;
		this.properties = properties;
		for (String group : groups()) {
			this.runs.put(group, new AtomicLong());
		}
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		for (String group : this.runs.keySet()) {
			registrar.addFixedRateTask(() -> run(group), this.properties.getJobInterval());
		}
	}

	/**
	 * Runs the job of one group, if this replica leads that group.
	 * @param group a name of {@code raft.groups}
	 */
	void run(String group) {
		// The same guard as @OnLeader("billing") on a @Scheduled method: a job whose group is
		// named in code would carry that annotation instead of this line.
		if (!this.leadership.isLeader(group)) {
			return;
		}
		JobLog.Run run = JobLog.run(this.leadership.group(group), this.runs.get(group), this.properties.getJobLog());
		if (run != null && !run.confirmed()) {
			logger.warn("Job of group '" + group + "', term " + run.term() + ", ended after the lease did");
		}
	}

	/** The groups of {@code raft.groups}, that is, every group but the default one, in order. */
	public List<String> groups() {
		return this.leadership.groups().stream().filter((group) -> !RaftLeadership.DEFAULT_GROUP.equals(group)).toList();
	}

	/**
	 * How many times the job of a group ran on this replica.
	 * @param group a name of {@code raft.groups}
	 * @return the number of runs
	 * @throws IllegalArgumentException if {@code raft.groups} does not name that group
	 */
	public long runs(String group) {
		AtomicLong runs = this.runs.get(group);
		if (runs == null) {
			throw new IllegalArgumentException("No job for election group '" + group + "': raft.groups names "
					+ this.runs.keySet());
		}
		return runs.get();
	}

}
