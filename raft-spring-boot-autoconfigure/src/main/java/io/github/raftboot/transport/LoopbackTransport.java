package io.github.raftboot.transport;

import java.io.IOException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.raftboot.core.Message;

/**
 * Carries the RPCs between members that run in one JVM the way the HTTP transport and the RPC
 * endpoints do, but without HTTP: each request is written in the wire format ({@link RaftJson}),
 * checked and handed to the receiving member by the same dispatcher as behind
 * {@link RaftRpcFilter}, on a thread of this transport as on a request thread of a server, and
 * the answer is read back from the wire format. So the members exercise the code that serves and
 * reads real RPCs, apart from the HTTP client and server themselves. No authentication: nothing
 * outside the JVM can reach it.
 *
 * <p>For throwaway members, such as those that warm up the election code paths of a JVM before
 * its real member needs them, and for tests. A member can be {@linkplain #cut(String) cut off},
 * as by a network partition.
 *
 * <p>The timeout is the only one on the way: how long a request thread waits for the receiving
 * member to answer before it answers {@code 503}, as the RPC endpoints do. A request
 * {@linkplain #send(Message, double) sent with a timeout factor} (the cluster's timing was
 * widened) is waited for that many times as long, up to {@value #MAX_TIMEOUT_FACTOR} times, as
 * the HTTP transport waits.
 */
public final class LoopbackTransport implements RaftTransport {

	/** The most a widened timing stretches the timeout, as in the HTTP transport. */
	private static final double MAX_TIMEOUT_FACTOR = 64;

	private final RaftJson json;

	private final Duration timeout;

	private final Map<String, RaftRpcHandler> members = new ConcurrentHashMap<>();

	/** A dispatcher per member and timeout in use: widened timing uses a few timeouts only. */
	private final Map<DispatcherKey, RaftRpcDispatcher> dispatchers = new ConcurrentHashMap<>();

	private final Set<String> cut = ConcurrentHashMap.newKeySet();

	private final ExecutorService requestThreads;

	/**
	 * Creates a transport without members.
	 * @param json the wire format
	 * @param timeout how long a request thread waits for the receiving member to answer, at
	 * least a millisecond
	 * @param threadName the prefix of the name of the request threads, which are daemon threads
	 * and end when idle for a minute
	 */
	public LoopbackTransport(RaftJson json, Duration timeout, String threadName) {
		this.json = Objects.requireNonNull(json, "json");
		this.timeout = Objects.requireNonNull(timeout, "timeout");
		Objects.requireNonNull(threadName, "threadName");
		if (timeout.compareTo(Duration.ofMillis(1)) < 0) {
			throw new IllegalArgumentException("timeout must be at least 1ms, was " + timeout);
		}
		AtomicInteger threads = new AtomicInteger();
		ThreadPoolExecutor executor = new ThreadPoolExecutor(4, 4, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				(runnable) -> {
					Thread thread = new Thread(runnable, threadName + "-" + threads.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		executor.allowCoreThreadTimeOut(true);
		this.requestThreads = executor;
	}

	/**
	 * Makes a member reachable.
	 * @param member the member, which answers the requests addressed to its
	 * {@linkplain RaftRpcHandler#nodeId() id}
	 */
	public void register(RaftRpcHandler member) {
		this.members.put(member.nodeId(), member);
		this.dispatchers.keySet().removeIf((key) -> key.memberId().equals(member.nodeId()));
	}

	/**
	 * Cuts a member off: requests from it and to it fail, until {@link #heal(String)}.
	 * @param memberId the member
	 */
	public void cut(String memberId) {
		this.cut.add(memberId);
	}

	/**
	 * Makes a member that was {@linkplain #cut(String) cut off} reachable again.
	 * @param memberId the member
	 */
	public void heal(String memberId) {
		this.cut.remove(memberId);
	}

	@Override
	public CompletableFuture<Optional<Message>> send(Message request) {
		return send(request, 1);
	}

	/**
	 * Sends a request whose receiving member may take {@code timeoutFactor} times the timeout
	 * to answer.
	 */
	@Override
	public CompletableFuture<Optional<Message>> send(Message request, double timeoutFactor) {
		RaftRpc rpc;
		try {
			rpc = RaftRpc.of(request);
		}
		catch (IllegalArgumentException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		RaftRpcHandler member = this.members.get(request.to());
		if (member == null || this.cut.contains(request.to()) || this.cut.contains(request.from())) {
			return CompletableFuture.failedFuture(new IOException("Raft member '" + request.to() + "' is unreachable"));
		}
		RaftRpcDispatcher target = dispatcher(member, timeoutFactor);
		byte[] body = this.json.write(request);
		try {
			return CompletableFuture.supplyAsync(() -> answer(target, rpc, body), this.requestThreads)
				.thenApply((response) -> reply(rpc, request.to(), response));
		}
		catch (RejectedExecutionException ex) {
			return CompletableFuture.failedFuture(new IOException("Raft transport is closed", ex));
		}
	}

	private RaftRpcDispatcher dispatcher(RaftRpcHandler member, double timeoutFactor) {
		// NaN and factors below 1 wait the timeout itself
		double factor = (timeoutFactor > 1) ? Math.min(timeoutFactor, MAX_TIMEOUT_FACTOR) : 1;
		Duration timeout = Duration.ofNanos((long) (this.timeout.toNanos() * factor)).truncatedTo(ChronoUnit.MILLIS);
		return this.dispatchers.computeIfAbsent(new DispatcherKey(member.nodeId(), timeout),
				(key) -> new RaftRpcDispatcher(member, this.json, timeout, RpcAuthentication.none(),
						RaftRpcFilter.DEFAULT_MAX_BODY_SIZE, RaftRpcFilter.DEFAULT_BASE_PATH));
	}

	private RaftRpcDispatcher.Response answer(RaftRpcDispatcher target, RaftRpc rpc, byte[] body) {
		RaftRpcDispatcher.Response early = target.answerBeforeBody("POST", null, RaftRpcDispatcher.Response.CONTENT_TYPE,
				Integer.toString(body.length));
		return (early != null) ? early : target.answer(rpc.requestType(), body);
	}

	private Optional<Message> reply(RaftRpc rpc, String memberId, RaftRpcDispatcher.Response response) {
		int status = response.status().value();
		Class<? extends Message> replyType = rpc.replyType();
		if (status == 204 || (status == 200 && replyType == null)) {
			return Optional.empty();
		}
		if (status == 200 && replyType != null) {
			return Optional.of(this.json.read(response.body(), replyType));
		}
		throw new CompletionException(new RpcRefusedException(memberId, rpc.rpcName(), status,
				this.json.readErrorMessage(response.body()), this.json.readErrorCode(response.body())));
	}

	/** Ends the request threads; requests sent afterwards fail. */
	@Override
	public void close() {
		this.requestThreads.shutdownNow();
	}

	private record DispatcherKey(String memberId, Duration timeout) {

	}

	@Override
	public String toString() {
		return "LoopbackTransport" + this.members.keySet() + ((this.cut.isEmpty()) ? "" : ", cut off: " + this.cut);
	}

}
