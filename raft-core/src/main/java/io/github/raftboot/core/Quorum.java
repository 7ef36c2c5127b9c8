package io.github.raftboot.core;

import java.util.Arrays;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Every majority rule of a {@link Membership} in one place, as etcd-io/raft's {@code quorum}
 * package: elections, commitment, the lease and the check-quorum all ask it. In a joint
 * configuration each question needs a majority of the incoming voters <em>and</em> a majority of
 * the outgoing voters; learners never count.
 */
final class Quorum {

	/** The outcome of a vote so far. */
	enum VoteResult {

		/** A majority of every voter set granted. */
		WON,
		/** Some voter set can no longer reach a majority. */
		LOST,
		/** Neither yet. */
		PENDING

	}

	private Quorum() {
	}

	/** Whether the members for which {@code yes} holds form a majority of every voter set. */
	static boolean isReached(Membership membership, Predicate<String> yes) {
		return majority(membership.voters(), yes)
				&& (!membership.isJoint() || majority(membership.outgoingVoters(), yes));
	}

	/**
	 * The outcome of a vote.
	 * @param granted whether a voter granted (it counts once it answered yes)
	 * @param refused whether a voter refused
	 */
	static VoteResult voteResult(Membership membership, Predicate<String> granted, Predicate<String> refused) {
		if (isReached(membership, granted)) {
			return VoteResult.WON;
		}
		if (lost(membership.voters(), refused) || (membership.isJoint() && lost(membership.outgoingVoters(), refused))) {
			return VoteResult.LOST;
		}
		return VoteResult.PENDING;
	}

	/**
	 * The largest value that a majority of every voter set has reached: with each member's match
	 * index, the index that is replicated on a majority; with each member's acknowledged
	 * heartbeat round, the round a majority acknowledged.
	 */
	static long agreedValue(Membership membership, ToLongFunction<String> valueOf) {
		long agreed = agreedValue(membership.voters(), valueOf);
		if (membership.isJoint()) {
			agreed = Math.min(agreed, agreedValue(membership.outgoingVoters(), valueOf));
		}
		return agreed;
	}

	/** How many of {@code voters} make a majority. */
	static int majority(int voters) {
		return voters / 2 + 1;
	}

	private static boolean majority(Set<String> voters, Predicate<String> yes) {
		int count = 0;
		for (String voter : voters) {
			if (yes.test(voter)) {
				count++;
			}
		}
		return count >= majority(voters.size());
	}

	private static boolean lost(Set<String> voters, Predicate<String> refused) {
		int count = 0;
		for (String voter : voters) {
			if (refused.test(voter)) {
				count++;
			}
		}
		return count > voters.size() - majority(voters.size());
	}

	private static long agreedValue(Set<String> voters, ToLongFunction<String> valueOf) {
		long[] values = new long[voters.size()];
		int i = 0;
		for (String voter : voters) {
			values[i++] = valueOf.applyAsLong(voter);
		}
		Arrays.sort(values);
		return values[values.length - majority(values.length)];
	}

}
