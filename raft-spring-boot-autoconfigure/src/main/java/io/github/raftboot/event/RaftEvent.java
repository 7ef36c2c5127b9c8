package io.github.raftboot.event;

import org.springframework.context.ApplicationEvent;

/**
 * Base class of the events a replica publishes. Events are published on a thread of their own,
 * in the order the changes happened, only on real changes; a listener that throws is logged and
 * does not affect the election.
 */
public abstract class RaftEvent extends ApplicationEvent {

	private final String nodeId;

	private final long term;

	protected RaftEvent(Object source, String nodeId, long term) {
		super(source);
		this.nodeId = nodeId;
		this.term = term;
	}

	/** The replica that publishes the event. */
	public String getNodeId() {
		return this.nodeId;
	}

	/** The term the event belongs to. */
	public long getTerm() {
		return this.term;
	}

}
