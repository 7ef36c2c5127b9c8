package io.github.raftboot.transport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import io.github.raftboot.core.Message;
import io.github.raftboot.core.TimeoutNow;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Carries the Raft RPCs as JSON over HTTP/1.1: a request is a
 * {@code POST} of the message to {@code {peerUrl}{basePath}/request-vote}, {@code /append-entries}
 * or {@code /timeout-now}; the reply is a {@code 200} with the answer, or a {@code 204} when the
 * member did not answer (it ignored the request, or the request has no answer).
 *
 * <p>{@link #send(Message)} never blocks: it queues the exchange and returns. Each member has one
 * kept-alive connection and one thread of its own, named {@code raft-http-<selfId>-<memberId>},
 * that writes the requests to it one after another and reads the answers: Raft sends a member
 * a few dozen small requests a second, and a thread blocked on a socket serves them with less CPU
 * and fewer thread hand-offs per round trip than an asynchronous client. Each member is guarded
 * by its own circuit breaker, named {@code raft-<memberId>}, taken from the given registry: while
 * it is open, calls fail at once with a {@link CallNotPermittedException} and reach no network.
 * Every call is reported to the {@link RpcObserver}.
 *
 * <p>With a {@linkplain Builder#bearerToken(String) bearer token}, every request carries
 * {@code Authorization: Bearer <token>}. Members with an {@code https} URL are called over TLS,
 * with the {@linkplain Builder#sslContext(SSLContext) SSL context} given (its trust material
 * decides which servers are trusted, its key material is the client certificate for mutual TLS),
 * or the JDK's default one; host names are verified.
 *
 * <p>With a {@linkplain Builder#keepWarm(Duration) keep-warm interval}, an {@code OPTIONS}
 * request keeps the connection to each member open that no RPC has used for that long, so that a
 * failover does not wait for connections to be opened.
 */
public final class HttpRaftTransport implements RaftTransport {

	/** The header that carries the sender's cluster id on every request, once it belongs to a cluster. */
	public static final String CLUSTER_ID_HEADER = "Raft-Cluster-Id";

	/**
	 * The header that carries the id of the sender's transport, random for each one: the
	 * receiver tells two processes that send as the same member apart by it.
	 */
	public static final String INSTANCE_HEADER = "Raft-Instance";

	/** The most a widened timing stretches the RPC timeout: far more than any ceiling needs. */
	private static final double MAX_TIMEOUT_FACTOR = 64;

	/** The {@code User-Agent} of the RPCs a member sends. */
	static final String USER_AGENT = "raft-spring-boot";

	private static final Log logger = LogFactory.getLog(HttpRaftTransport.class);

	private static final String APPLICATION_JSON = "application/json";

	private final String selfId;

	private final @Nullable URI selfUrl;

	/** The members this transport reaches, by id; changed by {@link #members(String, Map)}. */
	private final Map<String, Peer> peers = new ConcurrentHashMap<>();

	/** Serializes changes of {@link #peers}. */
	private final Object membersLock = new Object();

	private final PeerFactory peerFactory;

	private final Duration rpcTimeout;

	private final RpcObserver observer;

	private final Clock clock;

	private final RaftJson json;

	private final Map<String, String> baseHeaders;

	private volatile Map<String, String> postHeaders;

	private volatile @Nullable String clusterId;

	private final @Nullable ScheduledExecutorService keepWarm;

	private volatile boolean closed;

	/**
	 * Creates a transport.
	 * @param selfId this member's id
	 * @param peerUrls base URL of the other members (scheme, host, port and any context path);
	 * an entry for this member is allowed and never called
	 * @param basePath the path under which every member serves the RPCs, such as {@code /raft}
	 * @param rpcTimeout how long to wait for a connection and for the answer to one RPC
	 * @param circuitBreakers where the circuit breaker of each member comes from
	 * @param observer told about every call
	 * @param clock the wall clock, for {@link PeerState#lastContact()}
	 * @throws IllegalArgumentException if an id, a URL, the base path or the timeout is invalid
	 */
	public HttpRaftTransport(String selfId, Map<String, URI> peerUrls, String basePath, Duration rpcTimeout,
			CircuitBreakerRegistry circuitBreakers, RpcObserver observer, Clock clock) {
		this(builder(selfId, peerUrls).basePath(basePath)
			.rpcTimeout(rpcTimeout)
			.circuitBreakers(circuitBreakers)
			.observer(observer)
			.clock(clock));
	}

	private HttpRaftTransport(Builder builder) {
		String selfId = builder.selfId;
		Map<String, URI> peerUrls = builder.peerUrls;
		String basePath = Objects.requireNonNull(builder.basePath, "basePath");
		Duration rpcTimeout = Objects.requireNonNull(builder.rpcTimeout, "rpcTimeout");
		CircuitBreakerRegistry circuitBreakers = Objects.requireNonNull(builder.circuitBreakers, "circuitBreakers");
		this.observer = Objects.requireNonNull(builder.observer, "observer");
		this.clock = Objects.requireNonNull(builder.clock, "clock");
		this.json = (builder.json != null) ? builder.json : new RaftJson().warmUp();
		if (selfId.isBlank()) {
			throw new IllegalArgumentException("selfId must not be blank");
		}
		if (rpcTimeout.isNegative() || rpcTimeout.isZero()) {
			throw new IllegalArgumentException("rpcTimeout must be positive, was " + rpcTimeout);
		}
		String authorization = (builder.bearerToken != null)
				? RpcAuthentication.bearerToken(builder.bearerToken, null).authorizationHeader() : null;
		Map<String, String> postHeaders = new LinkedHashMap<>();
		postHeaders.put("Content-Type", APPLICATION_JSON);
		postHeaders.put("Accept", APPLICATION_JSON);
		// Names the sender in a member's access log, in a third of the bytes of the client's own
		postHeaders.put("User-Agent", USER_AGENT);
		if (authorization != null) {
			postHeaders.put("Authorization", authorization);
		}
		postHeaders.put(INSTANCE_HEADER, (builder.instanceId != null) ? builder.instanceId
				: UUID.randomUUID().toString().substring(0, 13));
		this.postHeaders = Collections.unmodifiableMap(postHeaders);
		String path = RaftRpc.normalizeBasePath(basePath);
		this.selfId = selfId;
		this.rpcTimeout = rpcTimeout;
		this.baseHeaders = Collections.unmodifiableMap(postHeaders);
		this.postHeaders = this.baseHeaders;
		this.peerFactory = (id, url) -> new Peer(id, url, path, circuitBreakers.circuitBreaker("raft-" + id),
				new PeerConnection(url, builder.sslContext, builder.sslParameters, rpcTimeout,
						(runnable) -> daemonThread(runnable, "raft-http-" + selfId + "-" + id)));
		URI self = null;
		for (Map.Entry<String, URI> entry : peerUrls.entrySet()) {
			String id = entry.getKey();
			if (id == null || id.isBlank()) {
				throw new IllegalArgumentException("Member ids must not be blank: " + peerUrls.keySet());
			}
			URI url = checkUrl(id, entry.getValue());
			if (id.equals(selfId)) {
				self = url;
			}
			else {
				this.peers.put(id, this.peerFactory.create(id, url));
			}
		}
		this.selfUrl = self;
		Duration keepWarmInterval = builder.keepWarmInterval;
		if (keepWarmInterval != null) {
			this.keepWarm = Executors
				.newSingleThreadScheduledExecutor((runnable) -> daemonThread(runnable, "raft-http-" + selfId + "-keep-warm"));
			long interval = keepWarmInterval.toNanos();
			this.keepWarm.scheduleWithFixedDelay(() -> probeIdlePeers(interval), 0, interval, TimeUnit.NANOSECONDS);
		}
		else {
			this.keepWarm = null;
		}
	}

	/**
	 * Reaches exactly the given members from now on: a member not reached before gets a
	 * connection of its own, one whose URL changed a new one, and the connections of members no
	 * longer listed are closed. Every request carries the cluster id in the
	 * {@value #CLUSTER_ID_HEADER} header. A URL that is not an absolute http or https URL is
	 * skipped with a warning.
	 */
	@Override
	public void members(@Nullable String clusterId, Map<String, URI> addresses) {
		synchronized (this.membersLock) {
			if (!Objects.equals(clusterId, this.clusterId)) {
				Map<String, String> headers = new LinkedHashMap<>(this.baseHeaders);
				if (clusterId != null) {
					headers.put(CLUSTER_ID_HEADER, clusterId);
				}
				this.postHeaders = Collections.unmodifiableMap(headers);
				this.clusterId = clusterId;
			}
			Map<String, URI> wanted = new LinkedHashMap<>();
			for (Map.Entry<String, URI> entry : addresses.entrySet()) {
				String id = entry.getKey();
				if (id.equals(this.selfId)) {
					continue;
				}
				try {
					wanted.put(id, checkUrl(id, entry.getValue()));
				}
				catch (IllegalArgumentException ex) {
					logger.warn("Raft member '" + this.selfId + "' cannot reach member '" + id + "': " + ex.getMessage());
				}
			}
			for (Map.Entry<String, URI> entry : wanted.entrySet()) {
				Peer current = this.peers.get(entry.getKey());
				if (current == null || !current.url().equals(entry.getValue())) {
					this.peers.put(entry.getKey(), this.peerFactory.create(entry.getKey(), entry.getValue()));
					if (current != null) {
						current.connection().close();
					}
				}
			}
			for (Peer peer : List.copyOf(this.peers.values())) {
				if (!wanted.containsKey(peer.id())) {
					this.peers.remove(peer.id());
					peer.connection().close();
				}
			}
		}
	}

	/**
	 * Sends {@code OPTIONS} to the RPC endpoint of every member this transport sent nothing to
	 * for {@code idleNanos}, so that the connection to it stays open and the client's code paths
	 * stay loaded: otherwise the first RPCs a follower sends, the votes of a failover, would pay
	 * for a TCP (and TLS) handshake and for loading the HTTP client, tens of milliseconds.
	 */
	private void probeIdlePeers(long idleNanos) {
		long now = System.nanoTime();
		for (Peer peer : this.peers.values()) {
			if (this.closed || now - peer.lastSentNanos() < idleNanos) {
				continue;
			}
			peer.sent(now);
			try {
				peer.connection()
					.exchange("OPTIONS", peer.target(RaftRpc.APPEND_ENTRIES), Map.of(), null)
					.whenComplete((response, failure) -> {
						if (failure != null && logger.isTraceEnabled()) {
							logger.trace("Keep-warm probe of Raft member '" + peer.id() + "' failed", failure);
						}
					});
			}
			catch (RuntimeException ex) {
				// Closed meanwhile, or a rejected execution: the next RPC will tell.
				logger.trace("Keep-warm probe of Raft member '" + peer.id() + "' not sent", ex);
			}
		}
	}

	/**
	 * Starts building a transport. The base path defaults to {@code /raft}, the RPC timeout to
	 * 100 ms, the observer to {@link RpcObserver#NONE}, the clock to the system's UTC clock and
	 * the wire format to a new {@link RaftJson}; the circuit breaker registry must be given.
	 * @param selfId this member's id
	 * @param peerUrls base URL of the other members (scheme, host, port and any context path);
	 * an entry for this member is allowed and never called
	 * @return the builder
	 */
	public static Builder builder(String selfId, Map<String, URI> peerUrls) {
		return new Builder(selfId, peerUrls);
	}

	private static URI checkUrl(String id, @Nullable URI url) {
		if (url == null) {
			throw new IllegalArgumentException("Raft member '" + id + "' has no URL");
		}
		String scheme = url.getScheme();
		boolean http = "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
		if (!url.isAbsolute() || !http || url.getHost() == null || url.getRawQuery() != null
				|| url.getRawFragment() != null) {
			throw new IllegalArgumentException("Raft member '" + id + "' has URL '" + url
					+ "', which is not an absolute http or https URL without query or fragment");
		}
		return url;
	}

	private static Thread daemonThread(Runnable runnable, String name) {
		Thread thread = new Thread(runnable, name);
		thread.setDaemon(true);
		return thread;
	}

	@Override
	public CompletableFuture<Optional<Message>> send(Message request) {
		return send(request, 1);
	}

	/** Sends a request that may take {@code timeoutFactor} times {@code raft.rpc-timeout} to be answered. */
	@Override
	public CompletableFuture<Optional<Message>> send(Message request, double timeoutFactor) {
		long timeoutNanos = timeoutNanos(timeoutFactor);
		RaftRpc rpc;
		try {
			rpc = RaftRpc.of(request);
		}
		catch (IllegalArgumentException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		Peer peer = this.peers.get(request.to());
		if (peer == null) {
			observe(rpc.rpcName(), request.to(), "error", Duration.ZERO);
			return CompletableFuture.failedFuture(
					new IllegalArgumentException("Raft member '" + request.to() + "' has no known URL"));
		}
		if (this.closed) {
			observe(rpc.rpcName(), peer.id(), "error", Duration.ZERO);
			return CompletableFuture.failedFuture(new IllegalStateException("Raft transport is closed"));
		}
		// A hand-over's TimeoutNow is one message to a member that answered a moment ago, not a
		// stream of calls to shield a failing member from: it passes the circuit breaker (an open
		// circuit would lose it and the hand-over with it) and its outcome is not counted.
		boolean guarded = !(request instanceof TimeoutNow);
		CircuitBreaker circuitBreaker = peer.circuitBreaker();
		if (guarded && !circuitBreaker.tryAcquirePermission()) {
			observe(rpc.rpcName(), peer.id(), "circuit-open", Duration.ZERO);
			return CompletableFuture.failedFuture(CallNotPermittedException.createCallNotPermittedException(circuitBreaker));
		}
		long start = System.nanoTime();
		peer.sent(start);
		CompletableFuture<Optional<Message>> result = new CompletableFuture<>();
		try {
			peer.connection()
				.exchange("POST", peer.target(rpc), this.postHeaders, this.json.write(request), timeoutNanos)
				// A safety net for what the socket timeouts do not cover, such as a body that trickles in
				.orTimeout(timeoutNanos * 2, TimeUnit.NANOSECONDS)
				.whenComplete((response, failure) -> complete(rpc, peer, guarded, start, response, failure, result));
		}
		catch (RuntimeException ex) {
			complete(rpc, peer, guarded, start, null, ex, result);
		}
		return result;
	}

	/**
	 * {@inheritDoc}
	 * <p>Sends them in one {@code POST} to the member's batch endpoint, through the member's
	 * circuit breaker once (unless every request is a {@code TimeoutNow}, see
	 * {@link #send(Message, double)}); each request is observed under its own RPC name.
	 */
	@Override
	public List<CompletableFuture<Optional<Message>>> sendTogether(List<GroupRequest> requests, double timeoutFactor) {
		List<CompletableFuture<Optional<Message>>> results = new ArrayList<>(requests.size());
		for (int i = 0; i < requests.size(); i++) {
			results.add(new CompletableFuture<>());
		}
		if (requests.isEmpty()) {
			return results;
		}
		String to = requests.get(0).request().to();
		List<RaftRpc> rpcs = new ArrayList<>(requests.size());
		List<RaftJson.BatchRequest> items = new ArrayList<>(requests.size());
		boolean guarded = false;
		try {
			for (GroupRequest request : requests) {
				if (!request.request().to().equals(to)) {
					throw new IllegalArgumentException("Requests sent together must go to one member, not to '" + to
							+ "' and '" + request.request().to() + "'");
				}
				RaftRpc rpc = RaftRpc.of(request.request());
				rpcs.add(rpc);
				items.add(new RaftJson.BatchRequest(request.group(), rpc.rpcName(), request.request()));
				guarded |= !(request.request() instanceof TimeoutNow);
			}
		}
		catch (IllegalArgumentException ex) {
			results.forEach((result) -> result.completeExceptionally(ex));
			return results;
		}
		Peer peer = this.peers.get(to);
		if (peer == null || this.closed) {
			RuntimeException failure = (peer == null)
					? new IllegalArgumentException("Raft member '" + to + "' has no known URL")
					: new IllegalStateException("Raft transport is closed");
			for (int i = 0; i < rpcs.size(); i++) {
				observe(rpcs.get(i).rpcName(), to, "error", Duration.ZERO);
				results.get(i).completeExceptionally(failure);
			}
			return results;
		}
		CircuitBreaker circuitBreaker = peer.circuitBreaker();
		if (guarded && !circuitBreaker.tryAcquirePermission()) {
			CallNotPermittedException refused = CallNotPermittedException.createCallNotPermittedException(circuitBreaker);
			for (int i = 0; i < rpcs.size(); i++) {
				observe(rpcs.get(i).rpcName(), peer.id(), "circuit-open", Duration.ZERO);
				results.get(i).completeExceptionally(refused);
			}
			return results;
		}
		long timeoutNanos = timeoutNanos(timeoutFactor);
		long start = System.nanoTime();
		peer.sent(start);
		boolean guard = guarded;
		try {
			peer.connection()
				.exchange("POST", peer.batchTarget(), this.postHeaders, this.json.writeBatch(items), timeoutNanos)
				.orTimeout(timeoutNanos * 2, TimeUnit.NANOSECONDS)
				.whenComplete((response, failure) -> completeBatch(rpcs, peer, guard, start, response, failure, results));
		}
		catch (RuntimeException ex) {
			completeBatch(rpcs, peer, guard, start, null, ex, results);
		}
		return results;
	}

	private void completeBatch(List<RaftRpc> rpcs, Peer peer, boolean guarded, long start,
			PeerConnection.@Nullable Response response, @Nullable Throwable failure,
			List<CompletableFuture<Optional<Message>>> results) {
		long elapsed = System.nanoTime() - start;
		Throwable error = (failure != null) ? unwrap(failure) : null;
		List<RaftJson.BatchReply> replies = null;
		if (error == null) {
			try {
				PeerConnection.Response answer = Objects.requireNonNull(response);
				if (answer.status() != 200) {
					error = new RpcRefusedException(peer.id(), "batch", answer.status(),
							this.json.readErrorMessage(answer.body()), this.json.readErrorCode(answer.body()));
				}
				else {
					replies = this.json.readBatchReplies(answer.body(),
							rpcs.stream().<@Nullable Class<? extends Message>>map(RaftRpc::replyType).toList());
				}
			}
			catch (RaftJson.InvalidMessageException ex) {
				error = new IOException("Raft member '" + peer.id() + "' answered a batch with an invalid body: "
						+ ex.getMessage());
			}
			catch (RuntimeException ex) {
				error = ex;
			}
		}
		if (replies == null) {
			Throwable cause = Objects.requireNonNull(error);
			exchangeFailed(rpcs, peer, guarded, elapsed, cause, "batch of " + rpcs.size());
			results.forEach((result) -> result.completeExceptionally(cause));
			return;
		}
		if (guarded) {
			peer.circuitBreaker().onSuccess(elapsed, TimeUnit.NANOSECONDS);
		}
		peer.contacted(this.clock.instant());
		boolean refusals = false;
		for (int i = 0; i < rpcs.size(); i++) {
			RaftRpc rpc = rpcs.get(i);
			RaftJson.BatchReply reply = replies.get(i);
			if (reply.status() == 200 || reply.status() == 204) {
				observe(rpc.rpcName(), peer.id(), "success", Duration.ofNanos(elapsed));
				results.get(i).complete(Optional.ofNullable(reply.message()));
				continue;
			}
			byte[] body = (reply.error() != null) ? reply.error() : new byte[0];
			RpcRefusedException refused = new RpcRefusedException(peer.id(), rpc.rpcName(), reply.status(),
					this.json.readErrorMessage(body), this.json.readErrorCode(body));
			observe(rpc.rpcName(), peer.id(), "error", Duration.ofNanos(elapsed));
			if (!refusals) {
				// One warning per batch at most, rate-limited as for any failure to reach the member
				peer.failures().failed(this.selfId, peer.id(), peer.url(), rpc.rpcName(), describe(refused, false), true,
						this.clock.instant());
				refusals = true;
			}
			results.get(i).completeExceptionally(refused);
		}
		if (!refusals) {
			peer.failures().succeeded(this.selfId, peer.id());
		}
	}

	private void complete(RaftRpc rpc, Peer peer, boolean guarded, long start,
			PeerConnection.@Nullable Response response, @Nullable Throwable failure,
			CompletableFuture<Optional<Message>> result) {
		long elapsed = System.nanoTime() - start;
		Throwable error = (failure != null) ? unwrap(failure) : null;
		if (error == null) {
			try {
				Optional<Message> reply = reply(rpc, peer, Objects.requireNonNull(response));
				if (guarded) {
					peer.circuitBreaker().onSuccess(elapsed, TimeUnit.NANOSECONDS);
				}
				peer.contacted(this.clock.instant());
				peer.failures().succeeded(this.selfId, peer.id());
				observe(rpc.rpcName(), peer.id(), "success", Duration.ofNanos(elapsed));
				result.complete(reply);
				return;
			}
			catch (IOException | RuntimeException ex) {
				error = ex;
			}
		}
		exchangeFailed(List.of(rpc), peer, guarded, elapsed, error, rpc.rpcName());
		result.completeExceptionally(error);
	}

	/**
	 * Counts an exchange that failed as a whole, of one request or a batch: in the circuit breaker
	 * (if guarded), for the observer (once per request, under its RPC's name) and in the member's
	 * failures, which warn (rate-limited) naming the first request's RPC.
	 * @param what what failed, for the TRACE line: an RPC's name, or the batch
	 */
	private void exchangeFailed(List<RaftRpc> rpcs, Peer peer, boolean guarded, long elapsed, Throwable error,
			String what) {
		if (guarded) {
			peer.circuitBreaker().onError(elapsed, TimeUnit.NANOSECONDS, error);
		}
		boolean timeout = error instanceof HttpTimeoutException || error instanceof TimeoutException;
		for (RaftRpc rpc : rpcs) {
			observe(rpc.rpcName(), peer.id(), timeout ? "timeout" : "error", Duration.ofNanos(elapsed));
		}
		peer.failures().failed(this.selfId, peer.id(), peer.url(), rpcs.get(0).rpcName(), describe(error, timeout),
				error instanceof RpcRefusedException, this.clock.instant());
		if (logger.isTraceEnabled()) {
			logger.trace("Raft " + what + " to '" + peer.id() + "' failed", error);
		}
	}

	/** How long to wait for an answer: {@code raft.rpc-timeout} times the factor, within 1 and {@value #MAX_TIMEOUT_FACTOR}. */
	private long timeoutNanos(double timeoutFactor) {
		return (long) (this.rpcTimeout.toNanos() * Math.max(1, Math.min(timeoutFactor, MAX_TIMEOUT_FACTOR)));
	}

	private Optional<Message> reply(RaftRpc rpc, Peer peer, PeerConnection.Response response) throws IOException {
		int status = response.status();
		if (status == 204 || (status == 200 && rpc.replyType() == null)) {
			return Optional.empty();
		}
		Class<? extends Message> replyType = rpc.replyType();
		if (status == 200 && replyType != null) {
			try {
				return Optional.of(this.json.read(response.body(), replyType));
			}
			catch (RaftJson.InvalidMessageException ex) {
				throw new IOException(
						"Raft member '" + peer.id() + "' answered " + rpc.rpcName() + " with an invalid body: "
								+ ex.getMessage());
			}
		}
		throw new RpcRefusedException(peer.id(), rpc.rpcName(), status, this.json.readErrorMessage(response.body()),
				this.json.readErrorCode(response.body()));
	}

	/** Why a request failed, in a few words for an operator: the same words for the same cause. */
	private String describe(Throwable error, boolean timeout) {
		if (error instanceof RpcRefusedException refused) {
			return "HTTP " + refused.getStatus() + ((refused.getReason() != null) ? " \"" + refused.getReason() + "\"" : "");
		}
		if (timeout) {
			return "no answer within " + this.rpcTimeout.toMillis() + " ms";
		}
		String message = error.getMessage();
		return error.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	private void observe(String rpc, String peerId, String outcome, Duration duration) {
		try {
			this.observer.rpcCompleted(rpc, peerId, outcome, duration);
		}
		catch (RuntimeException ex) {
			logger.warn("Raft RPC observer failed", ex);
		}
	}

	@Override
	public PeerState peerState(String memberId) {
		Peer peer = this.peers.get(memberId);
		if (peer != null) {
			return new PeerState(peer.url(), peer.lastContact(), peer.circuitBreaker().getState().name(),
					peer.failures().lastError(), peer.failures().lastErrorAt());
		}
		if (memberId.equals(this.selfId) && this.selfUrl != null) {
			return new PeerState(this.selfUrl, null, null);
		}
		return PeerState.UNKNOWN;
	}

	/**
	 * Stops the transport's threads; later calls fail at once.
	 */
	@Override
	public void close() {
		this.closed = true;
		if (this.keepWarm != null) {
			this.keepWarm.shutdownNow();
		}
		synchronized (this.membersLock) {
			for (Peer peer : this.peers.values()) {
				peer.connection().close();
			}
		}
	}

	/** Builds an {@link HttpRaftTransport}. */
	public static final class Builder {

		private final String selfId;

		private final Map<String, URI> peerUrls;

		private String basePath = "/raft";

		private Duration rpcTimeout = Duration.ofMillis(100);

		private @Nullable CircuitBreakerRegistry circuitBreakers;

		private RpcObserver observer = RpcObserver.NONE;

		private Clock clock = Clock.systemUTC();

		private @Nullable String bearerToken;

		private @Nullable SSLContext sslContext;

		private @Nullable SSLParameters sslParameters;

		private @Nullable Duration keepWarmInterval;

		private @Nullable RaftJson json;

		private @Nullable String instanceId;

		private Builder(String selfId, Map<String, URI> peerUrls) {
			this.selfId = Objects.requireNonNull(selfId, "selfId");
			this.peerUrls = Objects.requireNonNull(peerUrls, "peerUrls");
		}

		/**
		 * Sets the path under which every member serves the RPCs.
		 * @param basePath the path, such as {@code /raft}
		 * @return this builder
		 */
		public Builder basePath(String basePath) {
			this.basePath = Objects.requireNonNull(basePath, "basePath");
			return this;
		}

		/**
		 * Sets how long to wait for a connection and for the answer to one RPC.
		 * @param rpcTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder rpcTimeout(Duration rpcTimeout) {
			this.rpcTimeout = Objects.requireNonNull(rpcTimeout, "rpcTimeout");
			return this;
		}

		/**
		 * Sets where the circuit breaker of each member comes from.
		 * @param circuitBreakers the registry
		 * @return this builder
		 */
		public Builder circuitBreakers(CircuitBreakerRegistry circuitBreakers) {
			this.circuitBreakers = Objects.requireNonNull(circuitBreakers, "circuitBreakers");
			return this;
		}

		/**
		 * Sets what is told about every call.
		 * @param observer the observer
		 * @return this builder
		 */
		public Builder observer(RpcObserver observer) {
			this.observer = Objects.requireNonNull(observer, "observer");
			return this;
		}

		/**
		 * Sets the wall clock, for {@link PeerState#lastContact()}.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock");
			return this;
		}

		/**
		 * Sets the token every request carries as {@code Authorization: Bearer <token>}.
		 * @param bearerToken the token, or {@code null} to send none
		 * @return this builder
		 */
		public Builder bearerToken(@Nullable String bearerToken) {
			this.bearerToken = bearerToken;
			return this;
		}

		/**
		 * Sets the SSL context for members with an {@code https} URL: its trust material decides
		 * which servers are trusted, its key material (if any) is presented as the client
		 * certificate.
		 * @param sslContext the context, or {@code null} for the JDK's default
		 * @return this builder
		 */
		public Builder sslContext(@Nullable SSLContext sslContext) {
			this.sslContext = sslContext;
			return this;
		}

		/**
		 * Sets the TLS parameters (protocols, cipher suites) for members with an {@code https}
		 * URL.
		 * @param sslParameters the parameters, or {@code null} for the SSL context's defaults
		 * @return this builder
		 */
		public Builder sslParameters(@Nullable SSLParameters sslParameters) {
			this.sslParameters = sslParameters;
			return this;
		}

		/**
		 * Keeps the connection to every other member open: every {@code interval}, each member
		 * that was sent nothing for that long gets an {@code OPTIONS} request to its RPC
		 * endpoint, and the first ones go out as the transport is built. Keep it below the
		 * servers' keep-alive timeout (60 seconds on an embedded Tomcat).
		 * @param interval the interval, positive, or {@code null} (the default) to send no probes
		 * @return this builder
		 */
		public Builder keepWarm(@Nullable Duration interval) {
			if (interval != null && (interval.isNegative() || interval.isZero())) {
				throw new IllegalArgumentException("keep-warm interval must be positive, was " + interval);
			}
			this.keepWarmInterval = interval;
			return this;
		}

		/**
		 * Sets the wire format, normally the application's {@link RaftJson} bean, so that client
		 * and server share one warmed-up instance.
		 * @param json the wire format; by default a new one, warmed up as the transport is built
		 * @return this builder
		 */
		public Builder json(RaftJson json) {
			this.json = Objects.requireNonNull(json, "json");
			return this;
		}

		/**
		 * Sets the id this transport sends in the {@value #INSTANCE_HEADER} header.
		 * @param instanceId the id, or {@code null} (the default) for a random one
		 * @return this builder
		 */
		public Builder instanceId(@Nullable String instanceId) {
			this.instanceId = instanceId;
			return this;
		}

		/**
		 * Builds the transport.
		 * @return the transport, whose threads start on first use
		 * @throws IllegalArgumentException if an id, a URL, the base path, the timeout or the
		 * bearer token is invalid
		 */
		public HttpRaftTransport build() {
			return new HttpRaftTransport(this);
		}

	}

	/**
	 * The failures of the requests to one member, and when to say so: a member that refuses a
	 * request (an error status: a wrong token, an unknown sender, another cluster) is a mistake
	 * to name at once; one that cannot be reached may just be starting, so it is named once it
	 * has failed for {@link #UNREACHABLE_GRACE}. Then each cause at most every
	 * {@link #REPEAT_INTERVAL}, and once when the member answers again.
	 */
	static final class Failures {

		static final Duration UNREACHABLE_GRACE = Duration.ofSeconds(5);

		static final Duration REPEAT_INTERVAL = Duration.ofSeconds(60);

		private volatile @Nullable String lastError;

		private volatile @Nullable Instant lastErrorAt;

		private @Nullable Instant streakStart;

		private @Nullable String warnedCause;

		private @Nullable Instant warnedAt;

		private long failuresSinceWarning;

		synchronized void failed(String selfId, String peerId, URI peerUrl, String rpcName, String cause,
				boolean refused, Instant now) {
			this.lastError = rpcName + ": " + cause;
			this.lastErrorAt = now;
			this.failuresSinceWarning++;
			if (this.streakStart == null) {
				this.streakStart = now;
			}
			boolean due = refused || !now.isBefore(this.streakStart.plus(UNREACHABLE_GRACE));
			boolean repeated = cause.equals(this.warnedCause) && this.warnedAt != null
					&& now.isBefore(this.warnedAt.plus(REPEAT_INTERVAL));
			if (due && !repeated) {
				logger.warn("Raft member '" + selfId + "' cannot reach member '" + peerId + "' at " + peerUrl + ": "
						+ rpcName + " failed with " + cause + " (" + this.failuresSinceWarning
						+ " failed requests since " + this.streakStart + ")" + advice(cause));
				this.warnedCause = cause;
				this.warnedAt = now;
				this.failuresSinceWarning = 0;
			}
		}

		synchronized void succeeded(String selfId, String peerId) {
			if (this.streakStart != null) {
				if (this.warnedCause != null) {
					logger.info("Raft member '" + selfId + "' reaches member '" + peerId + "' again");
				}
				this.streakStart = null;
				this.warnedCause = null;
				this.warnedAt = null;
				this.failuresSinceWarning = 0;
			}
		}

		@Nullable String lastError() {
			return this.lastError;
		}

		@Nullable Instant lastErrorAt() {
			return this.lastErrorAt;
		}

		private static String advice(String cause) {
			if (cause.startsWith("HTTP 401")) {
				return ": set the same raft.security.token on every replica";
			}
			if (cause.startsWith("HTTP 404")) {
				return ": check the member's URL in raft.peers (host, port and context path) and raft.rpc.base-path";
			}
			if (cause.startsWith("HTTP 403")) {
				return ": the member does not know this replica; check raft.node-id and raft.peers on both";
			}
			if (cause.startsWith("HTTP 409")) {
				return ": the member belongs to another cluster, or another process uses this replica's raft.node-id";
			}
			if (cause.startsWith("HTTP 413")) {
				return ": raise raft.rpc.max-body-size on the member";
			}
			return "";
		}

	}

	/** Creates what the transport holds for a member. */
	@FunctionalInterface
	private interface PeerFactory {

		Peer create(String id, URI url);

	}

	/** What the transport holds for one other member. */
	private static final class Peer {

		private final String id;

		private final URI url;

		private final Map<RaftRpc, String> targets = new EnumMap<>(RaftRpc.class);

		private final String batchTarget;

		private final CircuitBreaker circuitBreaker;

		private final PeerConnection connection;

		private final Failures failures = new Failures();

		private volatile @Nullable Instant lastContact;

		private volatile long lastSentNanos = System.nanoTime() - Long.MAX_VALUE / 2;

		Peer(String id, URI url, String basePath, CircuitBreaker circuitBreaker, PeerConnection connection) {
			this.id = id;
			this.url = url;
			this.circuitBreaker = circuitBreaker;
			this.connection = connection;
			String base = (url.getRawPath() != null) ? url.getRawPath() : "";
			while (base.endsWith("/")) {
				base = base.substring(0, base.length() - 1);
			}
			for (RaftRpc rpc : RaftRpc.values()) {
				this.targets.put(rpc, base + basePath + rpc.path());
			}
			this.batchTarget = base + basePath + RaftRpc.BATCH_PATH;
		}

		/** The request target of a batch. */
		String batchTarget() {
			return this.batchTarget;
		}

		String id() {
			return this.id;
		}

		URI url() {
			return this.url;
		}

		/** The request target of an RPC: the path of its endpoint. */
		String target(RaftRpc rpc) {
			return this.targets.get(rpc);
		}

		PeerConnection connection() {
			return this.connection;
		}

		CircuitBreaker circuitBreaker() {
			return this.circuitBreaker;
		}

		Failures failures() {
			return this.failures;
		}

		@Nullable Instant lastContact() {
			return this.lastContact;
		}

		void contacted(Instant instant) {
			this.lastContact = instant;
		}

		long lastSentNanos() {
			return this.lastSentNanos;
		}

		void sent(long nanos) {
			this.lastSentNanos = nanos;
		}

	}

}
