package io.github.raftboot.sample;

import io.github.raftboot.event.LeaderChangedEvent;
import io.github.raftboot.event.LeadershipAcquiredEvent;
import io.github.raftboot.event.LeadershipRevokedEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Listens to leadership events. They arrive on a thread of their own, so a slow listener never
 * delays the election.
 */
@Component
public class LeadershipLogger {

	private static final Log logger = LogFactory.getLog(LeadershipLogger.class);

	@EventListener
	public void acquired(LeadershipAcquiredEvent event) {
		logger.info("This replica (" + event.getNodeId() + ") now leads, fencing token " + event.getTerm());
	}

	@EventListener
	public void revoked(LeadershipRevokedEvent event) {
		logger.info("This replica (" + event.getNodeId() + ") no longer leads term " + event.getTerm() + ": "
				+ event.getReason());
	}

	@EventListener
	public void leaderChanged(LeaderChangedEvent event) {
		logger.info("Leader in term " + event.getTerm() + " is now " + event.getLeaderId().orElse("unknown"));
	}

}
