package io.github.raftboot.transport;

import java.io.IOException;
import java.time.Duration;

import io.github.raftboot.core.Message;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.util.unit.DataSize;

/**
 * Serves the Raft RPCs of this member: {@code POST {basePath}/request-vote},
 * {@code /append-entries} and {@code /timeout-now} (relative to the context path), each taking
 * the message as JSON in the {@link RaftJson} format. Every other request passes on down the
 * filter chain untouched.
 *
 * <p>A servlet {@link Filter} rather than a controller, so that the RPCs, 20 per second and
 * follower at the default heartbeat, cost as little as the container allows: the request is
 * answered synchronously on the request thread (no asynchronous re-dispatch), and, registered
 * ahead of the application's own filters, it passes neither the request observation, nor Spring
 * MVC's handler mapping and message conversion, nor the application's security filters. The RPCs
 * are authenticated by {@code raft.security.token} instead, and observed by {@code raft.rpc.*}
 * metrics.
 *
 * <p>Answers {@code 200} with the reply as JSON, or {@code 204} when the member does not answer
 * the request. Every other answer is a JSON object {@code {"error":"...","message":"..."}}, and
 * the request is checked in this order, each check on the request thread and before any of the
 * following work:
 * <ol>
 * <li>{@code 204} with {@code Allow: POST, OPTIONS} to {@code OPTIONS}, which other members
 * send to keep their connection to this one open, {@code 405} to any other method but
 * {@code POST};</li>
 * <li>{@code 401} when a token is required and the request does not carry it (or the previous
 * token) as {@code Authorization: Bearer <token>}: nothing of the body is read;</li>
 * <li>{@code 415} when the body is not {@code application/json} (in UTF-8);</li>
 * <li>{@code 413} when the body is larger than the limit: announced by {@code Content-Length},
 * it is not read at all, otherwise reading stops one byte past the limit;</li>
 * <li>{@code 400} when the body is not a valid message of the endpoint's type;</li>
 * <li>{@code 403} when the member does not accept the sender (the driver accepts any other
 * node: who is a member changes at run time), {@code 400} when the message is addressed to
 * another member;</li>
 * <li>{@code 409} when the request carries, in the {@value HttpRaftTransport#CLUSTER_ID_HEADER}
 * header, the id of another cluster than this member's.</li>
 * </ol>
 * Only a request that passes all of them reaches the member's election thread, so a flood of
 * invalid requests costs that thread nothing. Then {@code 503} when this member does not run (it
 * is stopped, or has failed because it could not persist its state) or did not handle the request
 * within the timeout, which bounds how long a request thread waits.
 *
 * <p>Bodies are read and written as bytes, so the application's own JSON configuration never
 * touches the wire format.
 *
 * <p>The filter only adapts the servlet API: the checks and the answers are made by a dispatcher
 * that knows no servlet type, so that another server API can serve the same RPCs.
 */
public final class RaftRpcFilter implements Filter {

	/** The body size limit of {@link #RaftRpcFilter(RaftRpcHandler, RaftJson, Duration)}. */
	public static final DataSize DEFAULT_MAX_BODY_SIZE = DataSize.ofKilobytes(64);

	/** The base path of {@link #RaftRpcFilter(RaftRpcHandler, RaftJson, Duration)}. */
	public static final String DEFAULT_BASE_PATH = "/raft";

	private final RaftRpcDispatcher dispatcher;

	/**
	 * Creates a filter that serves the RPCs under {@link #DEFAULT_BASE_PATH}, requires no token
	 * and accepts bodies of up to {@link #DEFAULT_MAX_BODY_SIZE}.
	 * @param handler the member that handles the requests, normally the
	 * {@code RaftServer}
	 * @param json the wire format
	 * @param timeout how long to wait for the member to handle a request
	 */
	public RaftRpcFilter(RaftRpcHandler handler, RaftJson json, Duration timeout) {
		this(handler, json, timeout, RpcAuthentication.none(), DEFAULT_MAX_BODY_SIZE, DEFAULT_BASE_PATH);
	}

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
	public RaftRpcFilter(RaftRpcHandler handler, RaftJson json, Duration timeout, RpcAuthentication authentication,
			DataSize maxBodySize, String basePath) {
		this.dispatcher = new RaftRpcDispatcher(handler, json, timeout, authentication, maxBodySize, basePath);
	}

	/**
	 * The URL pattern under which to register this filter, so that the container calls it for
	 * the RPCs and nothing else (apart from other paths under the base path).
	 * @return the pattern, such as {@code /raft/*}
	 */
	public String urlPattern() {
		return this.dispatcher.basePath() + "/*";
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (request instanceof HttpServletRequest httpRequest && response instanceof HttpServletResponse httpResponse) {
			Class<? extends Message> type = requestType(httpRequest);
			if (type != null) {
				write(httpResponse, answer(httpRequest, type));
				return;
			}
		}
		chain.doFilter(request, response);
	}

	private @Nullable Class<? extends Message> requestType(HttpServletRequest request) {
		String uri = request.getRequestURI();
		String contextPath = request.getContextPath();
		if (uri == null || !uri.startsWith(contextPath)) {
			return null;
		}
		return this.dispatcher.requestType(uri.substring(contextPath.length()));
	}

	private RaftRpcDispatcher.Response answer(HttpServletRequest request, Class<? extends Message> type) {
		RaftRpcDispatcher.Response early = this.dispatcher.answerBeforeBody(request.getMethod(),
				request.getHeader(HttpHeaders.AUTHORIZATION), request.getHeader(HttpHeaders.CONTENT_TYPE),
				request.getHeader(HttpHeaders.CONTENT_LENGTH));
		if (early != null) {
			return early;
		}
		byte[] body;
		try {
			body = request.getInputStream().readNBytes(this.dispatcher.maxBodyBytes() + 1);
		}
		catch (IOException ex) {
			return this.dispatcher.unreadableBody();
		}
		return this.dispatcher.answer(type, body, request.getHeader(HttpRaftTransport.CLUSTER_ID_HEADER),
				request.getHeader(HttpRaftTransport.INSTANCE_HEADER));
	}

	private static void write(HttpServletResponse response, RaftRpcDispatcher.Response answer) throws IOException {
		response.setStatus(answer.status().value());
		answer.headers().forEach(response::setHeader);
		byte[] body = answer.body();
		if (body.length > 0) {
			response.setContentType(RaftRpcDispatcher.Response.CONTENT_TYPE);
			response.setContentLength(body.length);
			response.getOutputStream().write(body);
		}
	}

}
