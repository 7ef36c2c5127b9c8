package io.github.raftboot.event;

import io.github.raftboot.leader.RaftLeadership;
import org.springframework.context.ApplicationEvent;

/**
 * Base class of the events a replica publishes. Events are published on a thread of their own,
 * in the order the changes happened, only on real changes; a listener that throws is logged and
 * does not affect the election.
 */
public abstract class RaftEvent extends ApplicationEvent {

	private final String nodeId;

	private final long term;

	private final String group;

	/**
	 * Creates an event of the default election group.
	 * @param source the component that published it
	 * @param nodeId this replica's member id
	 * @param term the term it happened in
	 */
	protected RaftEvent(Object source, String nodeId, long term) {
		this(source, nodeId, term, RaftLeadership.DEFAULT_GROUP);
	}

	/**
	 * Creates an event of an election group.
	 * @param source the component that published it
	 * @param nodeId this replica's member id
	 * @param term the term it happened in, in that group
	 * @param group the election group: {@link RaftLeadership#DEFAULT_GROUP} or one of
	 * {@code raft.groups}
	 */
	protected RaftEvent(Object source, String nodeId, long term, String group) {
		super(source);
		this.nodeId = nodeId;
		this.term = term;
		this.group = group;
	}

	/** The replica that publishes the event. */
	public String getNodeId() {
		return this.nodeId;
	}

	/** The term the event belongs to. */
	public long getTerm() {
		return this.term;
	}

	/**
	 * The election group this event is about: {@link RaftLeadership#DEFAULT_GROUP} unless
	 * {@code raft.groups} names others. Every group has terms, leaders and leases of its own.
	 */
	public String getGroup() {
		return this.group;
	}

	/** Whether this event is about the default election group. */
	public boolean isDefaultGroup() {
		return RaftLeadership.DEFAULT_GROUP.equals(this.group);
	}

	/** {@code ", group=billing"} for the events of other groups than the default one, else nothing. */
	String groupSuffix() {
		return isDefaultGroup() ? "" : ", group=" + this.group;
	}

}
