package io.github.raftboot.actuate;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

import io.github.raftboot.core.TransferResult;
import io.github.raftboot.event.LeaderChangedEvent;
import io.github.raftboot.event.LeadershipAcquiredEvent;
import io.github.raftboot.event.LeadershipRevokedEvent;
import io.github.raftboot.event.MembershipChangedEvent;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.leader.RaftMembership;
import io.github.raftboot.leader.RaftStatus;
import io.github.raftboot.test.TestRaftLeadership;

import org.springframework.context.ApplicationEventPublisher;

/**
 * A {@link RaftLeadership} of several election groups, for the tests of what reads them until the
 * driver runs groups: one {@link TestRaftLeadership} per group, which the test flips on its own
 * ({@link #of(String)}). The events of a group other than the default one are published with its
 * name. As the driver's, {@link #group(String)} answers for a group and throws
 * {@link IllegalArgumentException} for an unknown name.
 */
public final class GroupedLeadership implements RaftLeadership {

	private final Map<String, TestRaftLeadership> groups = new LinkedHashMap<>();

	/**
	 * Creates a replica of the default group and these, each a running follower that knows no
	 * leader in term 0.
	 * @param nodeId this replica's member id
	 * @param publisher publishes the events of every group
	 * @param groups the groups besides the default one
	 */
	public GroupedLeadership(String nodeId, ApplicationEventPublisher publisher, String... groups) {
		this.groups.put(DEFAULT_GROUP, new TestRaftLeadership(nodeId, publisher));
		for (String group : groups) {
			this.groups.put(group, new TestRaftLeadership(nodeId, (event) -> publisher.publishEvent(regroup(event, group))));
		}
	}

	/**
	 * Creates a replica of the default group and these, whose events go to no one.
	 * @param nodeId this replica's member id
	 * @param groups the groups besides the default one
	 */
	public GroupedLeadership(String nodeId, String... groups) {
		this(nodeId, (event) -> {
		}, groups);
	}

	/**
	 * The leadership of one group, to flip.
	 * @param group the group's name
	 * @return its leadership
	 */
	public TestRaftLeadership of(String group) {
		TestRaftLeadership leadership = this.groups.get(group);
		if (leadership == null) {
			throw new IllegalArgumentException("No group '" + group + "' in this test: " + this.groups.keySet());
		}
		return leadership;
	}

	private static Object regroup(Object event, String group) {
		if (event instanceof LeadershipAcquiredEvent acquired) {
			return new LeadershipAcquiredEvent(acquired.getSource(), acquired.getNodeId(), acquired.getTerm(), group);
		}
		if (event instanceof LeadershipRevokedEvent revoked) {
			return new LeadershipRevokedEvent(revoked.getSource(), revoked.getNodeId(), revoked.getTerm(),
					revoked.getReason(), group);
		}
		if (event instanceof LeaderChangedEvent changed) {
			return new LeaderChangedEvent(changed.getSource(), changed.getNodeId(), changed.getTerm(),
					changed.getLeaderId().orElse(null), group);
		}
		if (event instanceof MembershipChangedEvent changed) {
			return new MembershipChangedEvent(changed.getSource(), changed.getNodeId(), changed.getTerm(),
					changed.getMembership(), group);
		}
		return event;
	}

	@Override
	public List<String> groups() {
		return new ArrayList<>(this.groups.keySet());
	}

	@Override
	public RaftLeadership group(String name) {
		RaftLeadership leadership = this.groups.get(name);
		if (leadership == null) {
			throw new IllegalArgumentException("No election group '" + name + "'");
		}
		return leadership;
	}

	private TestRaftLeadership defaultGroup() {
		return this.groups.get(DEFAULT_GROUP);
	}

	@Override
	public String nodeId() {
		return defaultGroup().nodeId();
	}

	@Override
	public boolean isLeader() {
		return defaultGroup().isLeader();
	}

	@Override
	public OptionalLong fencingToken() {
		return defaultGroup().fencingToken();
	}

	@Override
	public long currentTerm() {
		return defaultGroup().currentTerm();
	}

	@Override
	public Optional<String> leaderId() {
		return defaultGroup().leaderId();
	}

	@Override
	public RaftStatus status() {
		return defaultGroup().status();
	}

	@Override
	public boolean awaitLeadership(Duration timeout) throws InterruptedException {
		return defaultGroup().awaitLeadership(timeout);
	}

	@Override
	public TransferResult transferLeadership() {
		return defaultGroup().transferLeadership();
	}

	@Override
	public TransferResult transferLeadership(String nodeId) {
		return defaultGroup().transferLeadership(nodeId);
	}

	@Override
	public Optional<RaftMembership> membership() {
		return defaultGroup().membership();
	}

	@Override
	public CompletableFuture<RaftMembership> addMember(String nodeId, URI url) {
		return defaultGroup().addMember(nodeId, url);
	}

	@Override
	public CompletableFuture<RaftMembership> removeMember(String nodeId) {
		return defaultGroup().removeMember(nodeId);
	}

}
