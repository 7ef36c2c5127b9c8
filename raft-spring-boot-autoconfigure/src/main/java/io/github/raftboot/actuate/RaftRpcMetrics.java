package io.github.raftboot.actuate;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.raftboot.transport.RpcObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.function.SingletonSupplier;

/**
 * {@link RpcObserver} that records every outbound Raft RPC in a {@link Timer} named
 * {@code raft.rpc}, tagged with {@code rpc} ({@code request-vote}, {@code pre-vote},
 * {@code append-entries}, {@code timeout-now}), {@code peer}, {@code outcome}
 * ({@code success}, {@code error}, {@code timeout}, {@code circuit-open}) and {@code node}.
 *
 * <p>The id of this replica is resolved on the first RPC, so that this observer can be created
 * before the Raft server whose transport it observes.
 */
public class RaftRpcMetrics implements RpcObserver {

	private static final Log logger = LogFactory.getLog(RaftRpcMetrics.class);

	private final MeterRegistry registry;

	private final Supplier<String> nodeId;

	private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

	/**
	 * Creates an observer.
	 * @param registry where the timers are registered
	 * @param nodeId this replica's id
	 */
	public RaftRpcMetrics(MeterRegistry registry, String nodeId) {
		this(registry, fixed(nodeId));
	}

	/**
	 * Creates an observer that resolves this replica's id once, on the first RPC.
	 * @param registry where the timers are registered
	 * @param nodeId supplies this replica's id
	 */
	public RaftRpcMetrics(MeterRegistry registry, Supplier<String> nodeId) {
		this.registry = Objects.requireNonNull(registry, "registry");
		this.nodeId = SingletonSupplier.of(Objects.requireNonNull(nodeId, "nodeId"));
	}

	@Override
	public void rpcCompleted(String rpc, String peerId, String outcome, Duration duration) {
		try {
			this.timers.computeIfAbsent(new Key(rpc, peerId, outcome), this::timer).record(duration);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not record Raft RPC '" + rpc + "' to '" + peerId + "'", ex);
		}
	}

	private static Supplier<String> fixed(String nodeId) {
		Objects.requireNonNull(nodeId, "nodeId");
		return () -> nodeId;
	}

	private Timer timer(Key key) {
		return Timer.builder("raft.rpc")
			.description("Outbound Raft RPCs")
			.tag("rpc", key.rpc())
			.tag("peer", key.peer())
			.tag("outcome", key.outcome())
			.tag("node", this.nodeId.get())
			.register(this.registry);
	}

	private record Key(String rpc, String peer, String outcome) {

	}

}
