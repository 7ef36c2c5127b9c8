package io.github.raftboot.core;

/**
 * Tells an up-to-date follower to start an election at once: the last step of a leadership
 * transfer. The leader has stopped acting as leader before it sends this.
 *
 * @param from the leader handing over
 * @param to the transfer target
 * @param term the leader's term
 */
public record TimeoutNow(String from, String to, long term) implements Message {

	public TimeoutNow {
		Message.check(from, to, term);
	}

}
