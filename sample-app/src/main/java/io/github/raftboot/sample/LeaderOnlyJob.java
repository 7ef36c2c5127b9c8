package io.github.raftboot.sample;

import java.util.concurrent.atomic.AtomicLong;

import io.github.raftboot.leader.OnLeader;
import io.github.raftboot.leader.RaftLeadership;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Work that must run on one replica only: {@code @OnLeader} skips it on every replica that is
 * not the active leader right now.
 *
 * <p>Each run reads the fencing token (the term) and, when {@code sample.job-log} is set,
 * appends {@code {"group":"default","node":…,"term":…,"start":…,"end":…,"confirmed":…}} to that
 * file ({@link JobLog}).
 * {@code confirmed} says the lease still held, in the same term, when the run ended: then no
 * other replica can have been active leader at any instant of the run.
 */
@Component
public class LeaderOnlyJob {

	private static final Log logger = LogFactory.getLog(LeaderOnlyJob.class);

	private final RaftLeadership leadership;

	private final SampleProperties properties;

	private final AtomicLong runs = new AtomicLong();

	public LeaderOnlyJob(RaftLeadership leadership, SampleProperties properties) {
		this.leadership = leadership;
		this.properties = properties;
	}

	@OnLeader
	@Scheduled(fixedRateString = "${sample.job-interval:100ms}")
	public void run() {
		JobLog.Run run = JobLog.run(this.leadership, this.runs, this.properties.getJobLog());
		if (run != null && !run.confirmed()) {
			logger.warn("Leader-only job run of term " + run.term() + " ended after the lease did");
		}
	}

	/** How many times the job ran on this replica. */
	public long runs() {
		return this.runs.get();
	}

}
