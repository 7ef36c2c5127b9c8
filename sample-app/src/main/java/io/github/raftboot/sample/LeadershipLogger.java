package io.github.raftboot.sample;

import io.github.raftboot.event.LeaderChangedEvent;
import io.github.raftboot.event.LeadershipAcquiredEvent;
import io.github.raftboot.event.LeadershipRevokedEvent;
import io.github.raftboot.event.RaftEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Listens to leadership events, of the default group and of every election group of
 * {@code raft.groups} ({@link RaftEvent#getGroup()} tells which). They arrive on a thread of
 * their own, so a slow listener never delays the election.
 */
@Component
public class LeadershipLogger {

	private static final Log logger = LogFactory.getLog(LeadershipLogger.class);

	@EventListener
	public void acquired(LeadershipAcquiredEvent event) {
		logger.info("This replica (" + event.getNodeId() + ") now leads" + ofGroup(event) + ", fencing token "
				+ event.getTerm());
	}

	@EventListener
	public void revoked(LeadershipRevokedEvent event) {
		logger.info("This replica (" + event.getNodeId() + ") no longer leads" + ofGroup(event) + " term "
				+ event.getTerm() + ": " + event.getReason());
	}

	@EventListener
	public void leaderChanged(LeaderChangedEvent event) {
		logger.info("Leader" + ofGroup(event) + " in term " + event.getTerm() + " is now "
				+ event.getLeaderId().orElse("unknown"));
	}

	/** {@code " group 'billing'"}, or nothing for the default group. */
	private static String ofGroup(RaftEvent event) {
		return event.isDefaultGroup() ? "" : " group '" + event.getGroup() + "'";
	}

}
