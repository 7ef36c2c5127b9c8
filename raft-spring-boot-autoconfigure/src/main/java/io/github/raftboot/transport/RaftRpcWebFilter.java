package io.github.raftboot.transport;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

import io.github.raftboot.core.Message;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Serves the Raft RPCs of this member in a Spring WebFlux application: the same endpoints,
 * checks and answers as {@link RaftRpcFilter} (see there), for the same reasons a
 * {@link WebFilter} ahead of the application's own filters rather than a controller. Every other
 * request passes on down the filter chain untouched.
 *
 * <p>No thread ever waits: nothing of the body is read before the request passed the checks of
 * its head, then at most the body size limit plus one byte; the member's reply completes the
 * answer, which is then written on Reactor's parallel scheduler, so neither the server's event
 * loop nor the member's election thread does that work.
 *
 * <p>The filter only adapts WebFlux: the checks and the answers are made by the dispatcher that
 * {@link RaftRpcFilter} also uses.
 */
public final class RaftRpcWebFilter implements WebFilter, Ordered {

	/** The order of this filter: ahead of every other. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE;

	private static final byte[] NO_BODY = new byte[0];

	private final RaftRpcDispatcher dispatcher;

	private final Executor replies;

	/**
	 * Creates a filter.
	 * @param handler the member that handles the requests, normally the
	 * {@code RaftServer}
	 * @param json the wire format
	 * @param timeout how long to wait for the member to handle a request
	 * @param authentication which requests are authenticated
	 * @param maxBodySize the largest body accepted, from 1 byte to 1 GB
	 * @param basePath the path under which the RPCs are served, relative to the context path,
	 * such as {@code /raft}; empty or {@code /} for the root
	 */
	public RaftRpcWebFilter(RaftRpcHandler handler, RaftJson json, Duration timeout, RpcAuthentication authentication,
			DataSize maxBodySize, String basePath) {
		this(new RaftRpcDispatcher(handler, json, timeout, authentication, maxBodySize, basePath),
				Schedulers.parallel());
	}

	/**
	 * Creates a filter.
	 * @param dispatcher answers the requests
	 * @param replies where the answers are written once the member replied
	 */
	RaftRpcWebFilter(RaftRpcDispatcher dispatcher, Scheduler replies) {
		this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
		Objects.requireNonNull(replies, "replies");
		this.replies = replies::schedule;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	/**
	 * Whether this filter answers the request itself rather than passing it on.
	 * @param request a request
	 * @return {@code true} if its path, relative to the context path, is one of the RPCs'
	 */
	public boolean serves(ServerHttpRequest request) {
		return requestType(request) != null;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		Class<? extends Message> type = requestType(request);
		if (type == null) {
			return chain.filter(exchange);
		}
		return answer(request, type).flatMap((answer) -> write(exchange.getResponse(), answer));
	}

	private @Nullable Class<? extends Message> requestType(ServerHttpRequest request) {
		return this.dispatcher.requestType(request.getPath().pathWithinApplication().value());
	}

	private Mono<RaftRpcDispatcher.Response> answer(ServerHttpRequest request, Class<? extends Message> type) {
		HttpHeaders headers = request.getHeaders();
		RaftRpcDispatcher.Response early = this.dispatcher.answerBeforeBody(request.getMethod().name(),
				headers.getFirst(HttpHeaders.AUTHORIZATION), headers.getFirst(HttpHeaders.CONTENT_TYPE),
				headers.getFirst(HttpHeaders.CONTENT_LENGTH));
		if (early != null) {
			return Mono.just(early);
		}
		String clusterId = headers.getFirst(HttpRaftTransport.CLUSTER_ID_HEADER);
		String instance = headers.getFirst(HttpRaftTransport.INSTANCE_HEADER);
		return body(request).flatMap((body) -> body
			.map((bytes) -> Mono
				.fromFuture(this.dispatcher.answerLater(type, bytes, clusterId, instance, this.replies)))
			.orElseGet(() -> Mono.just(this.dispatcher.unreadableBody())));
	}

	/**
	 * Reads the body, stopping one byte past the limit (the rest is never read).
	 * @return the body, or empty if it could not be read
	 */
	private Mono<Optional<byte[]>> body(ServerHttpRequest request) {
		long limit = this.dispatcher.maxBodyBytes() + 1L;
		return DataBufferUtils.join(DataBufferUtils.takeUntilByteCount(request.getBody(), limit))
			.map((buffer) -> Optional.of(bytes(buffer)))
			.defaultIfEmpty(Optional.of(NO_BODY))
			.onErrorResume((ex) -> Mono.just(Optional.empty()));
	}

	private static byte[] bytes(DataBuffer buffer) {
		try {
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			return bytes;
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

	private static Mono<Void> write(ServerHttpResponse response, RaftRpcDispatcher.Response answer) {
		response.setStatusCode(answer.status());
		HttpHeaders headers = response.getHeaders();
		answer.headers().forEach(headers::set);
		byte[] body = answer.body();
		if (body.length == 0) {
			return response.setComplete();
		}
		headers.set(HttpHeaders.CONTENT_TYPE, RaftRpcDispatcher.Response.CONTENT_TYPE);
		headers.setContentLength(body.length);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
	}

}
