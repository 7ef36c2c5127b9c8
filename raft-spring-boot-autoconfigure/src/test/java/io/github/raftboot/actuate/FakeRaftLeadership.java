package io.github.raftboot.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import io.github.raftboot.core.Role;
import io.github.raftboot.core.TransferResult;
import io.github.raftboot.leader.PeerStatus;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.leader.RaftStatus;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RaftLeadership} whose status the test sets and that records transfer requests.
 */
public class FakeRaftLeadership implements RaftLeadership {

	/** Stands for a transfer to the most up-to-date reachable member in {@link #transfers()}. */
	public static final String BEST_PEER = "<best peer>";

	private volatile RaftStatus status;

	private volatile TransferResult transferResult = TransferResult.STARTED;

	private final List<String> transfers = Collections.synchronizedList(new ArrayList<>());

	public FakeRaftLeadership(RaftStatus status) {
		this.status = status;
	}

	/** A running replica's status with no log, no vote and no leadership of its own. */
	public static RaftStatus running(String nodeId, Role role, long term, @Nullable String leaderId,
			@Nullable Instant lastLeaderContact, PeerStatus... peers) {
		return status(nodeId, RaftStatus.State.RUNNING, role, term, leaderId, lastLeaderContact, peers);
	}

	public static RaftStatus status(String nodeId, RaftStatus.State state, Role role, long term,
			@Nullable String leaderId, @Nullable Instant lastLeaderContact, PeerStatus... peers) {
		boolean leader = role == Role.LEADER && nodeId.equals(leaderId);
		return new RaftStatus(nodeId, state, role, term, leaderId, leader, null, null, 0, 0, lastLeaderContact,
				List.of(peers));
	}

	public void setStatus(RaftStatus status) {
		this.status = status;
	}

	public void setTransferResult(TransferResult transferResult) {
		this.transferResult = transferResult;
	}

	public void clearTransfers() {
		this.transfers.clear();
	}

	/** The targets of the transfers asked for, {@link #BEST_PEER} when none was named. */
	public List<String> transfers() {
		return List.copyOf(this.transfers);
	}

	@Override
	public String nodeId() {
		return this.status.nodeId();
	}

	@Override
	public boolean isLeader() {
		return this.status.leader();
	}

	@Override
	public OptionalLong fencingToken() {
		RaftStatus current = this.status;
		return current.leader() ? OptionalLong.of(current.term()) : OptionalLong.empty();
	}

	@Override
	public long currentTerm() {
		return this.status.term();
	}

	@Override
	public Optional<String> leaderId() {
		return Optional.ofNullable(this.status.leaderId());
	}

	@Override
	public RaftStatus status() {
		return this.status;
	}

	@Override
	public boolean awaitLeadership(Duration timeout) {
		return isLeader();
	}

	@Override
	public TransferResult transferLeadership() {
		this.transfers.add(BEST_PEER);
		return this.transferResult;
	}

	@Override
	public TransferResult transferLeadership(String nodeId) {
		this.transfers.add(nodeId);
		return this.transferResult;
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
