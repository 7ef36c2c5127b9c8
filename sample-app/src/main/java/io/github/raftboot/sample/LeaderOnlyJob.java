package io.github.raftboot.sample;

import java.nio.file.Path;
import java.time.Instant;
import java.util.OptionalLong;
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
		Instant start = Instant.now();
		OptionalLong token = this.leadership.fencingToken();
		if (token.isEmpty()) {
			// The lease ended between the guard and this line.
			return;
		}
		this.runs.incrementAndGet();
		// The work itself would go here, passing token.getAsLong() to anything it writes to.
		OptionalLong after = this.leadership.fencingToken();
		Instant end = Instant.now();
		boolean confirmed = after.isPresent() && after.getAsLong() == token.getAsLong();
		Path log = this.properties.getJobLog();
		if (log != null) {
			JobLog.append(log, RaftLeadership.DEFAULT_GROUP, this.leadership.nodeId(), token.getAsLong(), start, end,
					confirmed);
		}
		if (!confirmed) {
			logger.warn("Leader-only job run of term " + token.getAsLong() + " ended after the lease did");
		}
	}

	/** How many times the job ran on this replica. */
	public long runs() {
		return this.runs.get();
	}

}
