package io.github.raftboot.aop;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import io.github.raftboot.core.Role;
import io.github.raftboot.core.TransferResult;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.leader.RaftStatus;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RaftLeadership} whose leadership the test flips by hand.
 */
final class TestRaftLeadership implements RaftLeadership {

	private final String nodeId;

	private volatile boolean leader;

	private volatile @Nullable String leaderId;

	private volatile long term;

	TestRaftLeadership(String nodeId) {
		this.nodeId = nodeId;
	}

	/** Makes this replica the leader of a new term. */
	TestRaftLeadership becomeLeader() {
		this.term++;
		this.leaderId = this.nodeId;
		this.leader = true;
		return this;
	}

	/** Makes {@code leaderId} (or no one) the leader of a new term. */
	TestRaftLeadership follow(@Nullable String leaderId) {
		this.leader = false;
		this.term++;
		this.leaderId = leaderId;
		return this;
	}

	@Override
	public String nodeId() {
		return this.nodeId;
	}

	@Override
	public boolean isLeader() {
		return this.leader;
	}

	@Override
	public OptionalLong fencingToken() {
		return this.leader ? OptionalLong.of(this.term) : OptionalLong.empty();
	}

	@Override
	public long currentTerm() {
		return this.term;
	}

	@Override
	public Optional<String> leaderId() {
		return Optional.ofNullable(this.leaderId);
	}

	@Override
	public RaftStatus status() {
		return new RaftStatus(this.nodeId, RaftStatus.State.RUNNING, this.leader ? Role.LEADER : Role.FOLLOWER,
				this.term, this.leaderId, this.leader, null, null, 0, 0, null, List.of());
	}

	@Override
	public boolean awaitLeadership(Duration timeout) {
		return this.leader;
	}

	@Override
	public TransferResult transferLeadership() {
		return TransferResult.NOT_LEADER;
	}

	@Override
	public TransferResult transferLeadership(String nodeId) {
		return TransferResult.NOT_LEADER;
	}


	@Override
	public java.util.Optional<io.github.raftboot.leader.RaftMembership> membership() {
		return java.util.Optional.empty();
	}

	@Override
	public java.util.concurrent.CompletableFuture<io.github.raftboot.leader.RaftMembership> addMember(String nodeId,
			java.net.URI url) {
		return java.util.concurrent.CompletableFuture.failedFuture(new io.github.raftboot.leader.MembershipChangeException(
				io.github.raftboot.core.MembershipChangeResult.NOT_LEADER, null, "Not supported by this fake"));
	}

	@Override
	public java.util.concurrent.CompletableFuture<io.github.raftboot.leader.RaftMembership> removeMember(String nodeId) {
		return addMember(nodeId, java.net.URI.create("http://unused"));
	}

}
