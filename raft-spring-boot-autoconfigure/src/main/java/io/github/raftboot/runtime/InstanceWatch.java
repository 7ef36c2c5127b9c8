package io.github.raftboot.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import io.github.raftboot.core.Message;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.transport.RpcRefusal;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Tells two processes that send as the same member apart, by the random id of each one's
 * transport that every request carries. A member that restarts shows a new id and never the old
 * one again; two processes with one {@code raft.node-id} show their ids in turn. Once that is
 * seen, both are refused with {@code 409} and told why, and an ERROR names them; and a vote is
 * never granted to a second process of a candidate in a term in which a first one asked, so two
 * such processes cannot both win a term.
 */
final class InstanceWatch {

	// The driver's log category
	private static final Log logger = LogFactory.getLog(RaftServer.class);

	/** How long after a switch to a new id the old one showing up again means two processes. */
	static final Duration ALTERNATION_WINDOW = Duration.ofSeconds(10);

	private final String nodeId;

	private final LongSupplier nanoClock;

	private final Map<String, Sender> senders = new ConcurrentHashMap<>();

	InstanceWatch(String nodeId, LongSupplier nanoClock) {
		this.nodeId = nodeId;
		this.nanoClock = nanoClock;
	}

	/**
	 * Notes a request and refuses it if its sender's id is used by two processes, or if it asks
	 * for a vote that another process of the same candidate asked for first in that term.
	 * @param request the request
	 * @param instance the id of the sender's process, or {@code null} if it sent none
	 * @return the refusal, or {@code null}
	 */
	@Nullable RpcRefusal check(Message request, @Nullable String instance) {
		if (instance == null) {
			return null;
		}
		long now = this.nanoClock.getAsLong();
		Sender sender = this.senders.computeIfAbsent(request.from(), (id) -> new Sender());
		synchronized (sender) {
			String duplicate = sender.see(instance, now);
			if (duplicate != null) {
				if (sender.shouldLog(now)) {
					logger.error("Raft member '" + this.nodeId + "' receives requests from two processes that both "
							+ "claim member id '" + request.from() + "' (instances " + duplicate + " and " + instance
							+ "): they can disturb the election. Give every replica its own raft.node-id.");
				}
				return new RpcRefusal(409, "Member id '" + RpcRefusal.echo(request.from()) + "' is used by two processes at once "
						+ "(instances " + duplicate + " and " + instance + "); every replica needs its own raft.node-id",
						RpcRefusal.DUPLICATE_MEMBER_ID);
			}
			if (request instanceof RequestVote vote && !vote.preVote()) {
				if (vote.term() != sender.voteTerm) {
					sender.voteTerm = vote.term();
					sender.voteInstance = instance;
				}
				else if (!instance.equals(sender.voteInstance)) {
					return new RpcRefusal(409, "Another process (instance " + sender.voteInstance + ") of member '"
							+ RpcRefusal.echo(request.from()) + "' asked for a vote in term " + vote.term() + " already",
							RpcRefusal.DUPLICATE_MEMBER_ID);
				}
			}
			return null;
		}
	}

	/** What one sender showed. */
	private static final class Sender {

		private @Nullable String current;

		private @Nullable String previous;

		private long switchedAt;

		private @Nullable String duplicate;

		private long duplicateSeenAt;

		private boolean logged;

		private long loggedAt;

		private long voteTerm = -1;

		private @Nullable String voteInstance;

		/** The other instance if two alternate, else {@code null}. */
		@Nullable String see(String instance, long now) {
			long window = ALTERNATION_WINDOW.toNanos();
			if (this.duplicate != null && now - this.duplicateSeenAt < window
					&& (instance.equals(this.duplicate) || instance.equals(this.current))) {
				this.duplicateSeenAt = now;
				return instance.equals(this.duplicate) ? this.current : this.duplicate;
			}
			if (this.current == null || instance.equals(this.current)) {
				this.current = instance;
				return null;
			}
			if (instance.equals(this.previous) && now - this.switchedAt < window) {
				this.duplicate = this.current;
				this.current = instance;
				this.duplicateSeenAt = now;
				return this.duplicate;
			}
			this.previous = this.current;
			this.current = instance;
			this.switchedAt = now;
			return null;
		}

		boolean shouldLog(long now) {
			if (this.logged && now - this.loggedAt < Duration.ofMinutes(1).toNanos()) {
				return false;
			}
			this.logged = true;
			this.loggedAt = now;
			return true;
		}

	}

}
