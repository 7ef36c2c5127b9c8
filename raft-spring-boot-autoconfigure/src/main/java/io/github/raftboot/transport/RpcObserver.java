package io.github.raftboot.transport;

import java.time.Duration;

/**
 * Told about every outbound RPC once it completed, for metrics. Called on a transport thread;
 * must be quick and must not throw.
 */
@FunctionalInterface
public interface RpcObserver {

	/** Observes nothing. */
	RpcObserver NONE = (rpc, peerId, outcome, duration) -> {
	};

	/**
	 * One RPC completed.
	 * @param rpc {@code request-vote}, {@code pre-vote}, {@code append-entries} or {@code timeout-now}
	 * @param peerId the member called
	 * @param outcome {@code success}, {@code error}, {@code timeout} or {@code circuit-open}
	 * @param duration how long the call took
	 */
	void rpcCompleted(String rpc, String peerId, String outcome, Duration duration);

}
