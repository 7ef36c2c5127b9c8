package io.github.raftboot.autoconfigure;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Checks, once this application's web server runs, that this replica's own URL in
 * {@code raft.peers} leads to it: the other members send their RPCs there, and a wrong port or a
 * missing context path leaves the replica unreachable, with nothing but a {@code 404} or a refused
 * connection in the other replicas' logs.
 *
 * <p>The URL can only be compared with this server when it addresses this server directly. So:
 * <ul>
 * <li>When its host resolves to an address of this machine (a loopback address, or one of its
 * network interfaces' addresses, as a pod's name in a headless Kubernetes Service does): an
 * explicit port must be the server's port, and once the port matches, the URL's path must be the
 * context path ({@code server.servlet.context-path}, or {@code spring.webflux.base-path} in a
 * reactive application). Otherwise startup fails with a {@link RaftConfigurationException} (the
 * exception from this listener ends the context's start, before the replica runs, and the failure
 * analysis names both values and the fix). A URL without a port (so port 80 or 443) on a server
 * that listens on another port is only warned about: a proxy on this machine may forward it.</li>
 * <li>When its host resolves to no address of this machine (a proxy, a load balancer, a
 * Kubernetes Service, a Docker port mapping): port and path may legitimately differ, so this
 * logs once, at INFO, that it could not check them.</li>
 * <li>When its host does not resolve, or the server reports no port: a WARN says that it could
 * not check, and why.</li>
 * </ul>
 * Only the main web server counts, not one of another namespace such as a separate management
 * server. A proxy on this very machine that listens on the URL's explicit port and forwards to
 * another is the one set-up this check refuses wrongly.
 */
final class OwnUrlCheck implements ApplicationListener<WebServerInitializedEvent> {

	private static final Log logger = LogFactory.getLog(OwnUrlCheck.class);

	private final String nodeId;

	private final @Nullable URI url;

	private final String contextPath;

	private final String contextPathProperty;

	private final Resolver resolver;

	private final Predicate<InetAddress> local;

	/**
	 * Creates a check on the machine's own name resolution and network interfaces.
	 * @param nodeId this replica's id
	 * @param url its own URL in {@code raft.peers}, or {@code null} if it has none (a cluster of
	 * one, without {@code raft.peers})
	 * @param contextPath the application's context path, or {@code null} for none
	 * @param contextPathProperty the property that sets it, for the messages
	 */
	OwnUrlCheck(String nodeId, @Nullable URI url, @Nullable String contextPath, String contextPathProperty) {
		this(nodeId, url, contextPath, contextPathProperty, InetAddress::getAllByName, OwnUrlCheck::isLocal);
	}

	OwnUrlCheck(String nodeId, @Nullable URI url, @Nullable String contextPath, String contextPathProperty,
			Resolver resolver, Predicate<InetAddress> local) {
		this.nodeId = nodeId;
		this.url = url;
		this.contextPath = normalize(contextPath);
		this.contextPathProperty = contextPathProperty;
		this.resolver = resolver;
		this.local = local;
	}

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		if (event.getApplicationContext().getServerNamespace() != null) {
			// A server of its own, such as the management server: the RPCs are not served there
			return;
		}
		Finding finding = check(event.getWebServer().getPort());
		if (finding == null) {
			return;
		}
		if (finding.warning()) {
			logger.warn(finding.message());
		}
		else {
			logger.info(finding.message());
		}
	}

	/**
	 * Compares this replica's own URL with its web server.
	 * @param localPort the port the web server listens on
	 * @return what could not be checked, to be logged; {@code null} if the URL matches, or there is
	 * none
	 * @throws RaftConfigurationException if the URL addresses this machine but not this server
	 */
	@Nullable Finding check(int localPort) {
		URI url = this.url;
		if (url == null) {
			return null;
		}
		String property = "raft.peers." + this.nodeId;
		String own = property + "=" + url;
		if (localPort <= 0) {
			return new Finding(true, "Raft member '" + this.nodeId + "' cannot check its own URL " + own
					+ ": its web server reports no port (" + localPort + "). The other members send their RPCs to "
					+ "that URL: make sure it reaches this application.");
		}
		String host = url.getHost();
		List<InetAddress> addresses;
		try {
			addresses = Arrays.asList(this.resolver.resolve(host));
		}
		catch (UnknownHostException ex) {
			return new Finding(true, "Raft member '" + this.nodeId + "' cannot check its own URL " + own
					+ ": its host '" + host + "' does not resolve here. The other members must resolve it to this "
					+ "replica (in Kubernetes, the names of a headless Service resolve before the pods are ready "
					+ "only with publishNotReadyAddresses: true).");
		}
		String server = "this web server (port " + localPort + ", context path '" + this.contextPath + "', "
				+ this.contextPathProperty + ")";
		if (addresses.stream().noneMatch(this.local)) {
			return new Finding(false, "Raft member '" + this.nodeId + "' cannot check its own URL " + own + " against "
					+ server + ": its host resolves to " + addresses + ", none of them an address of this machine. "
					+ "That is fine behind a proxy, a load balancer or a Kubernetes Service, whose port and path may "
					+ "differ; otherwise make sure the URL reaches this application.");
		}
		int urlPort = url.getPort();
		if (urlPort == -1) {
			int defaultPort = "https".equals(url.getScheme().toLowerCase(Locale.ROOT)) ? 443 : 80;
			if (defaultPort != localPort) {
				return new Finding(true, "Raft member '" + this.nodeId + "': its own URL " + own
						+ " names no port, so the other members use port " + defaultPort + ", but " + server
						+ " listens on port " + localPort + ". That is fine if a proxy on this machine forwards port "
						+ defaultPort + " to it; otherwise add the port: " + withPort(url, localPort) + ".");
			}
		}
		else if (urlPort != localPort) {
			throw new RaftConfigurationException(property + " is '" + url + "', this replica's own URL, and its host '"
					+ host + "' is this machine, but this application's web server listens on port " + localPort
					+ ", not " + urlPort + ": the other members would send this replica's RPCs to the wrong port and "
					+ "never reach it.",
					"Set " + property + " to " + withPort(url, localPort) + " on every replica, or server.port to "
							+ urlPort + " on this one. With server.port=0 the port is random: give every replica a "
							+ "fixed port, the one its URL in raft.peers names.");
		}
		String urlPath = normalize(url.getPath());
		if (!urlPath.equals(this.contextPath)) {
			String served = this.contextPath.isEmpty() ? "has no context path"
					: "serves under the context path '" + this.contextPath + "'";
			throw new RaftConfigurationException(property + " is '" + url + "', this replica's own URL, which "
					+ "addresses this application's web server (port " + localPort + "), but "
					+ (urlPath.isEmpty() ? "without a path" : "with the path '" + urlPath + "'")
					+ ", while the application " + served + " (" + this.contextPathProperty + "): the other "
					+ "members would get 404 for this replica's RPCs.",
					"Set " + property + " to " + withPath(url, this.contextPath) + " on every replica: the path of a "
							+ "member's URL is its context path (raft.rpc.base-path is added to it); or "
							+ (urlPath.isEmpty() ? "remove " + this.contextPathProperty
									: "set " + this.contextPathProperty + " to " + urlPath)
							+ ".");
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Raft member '" + this.nodeId + "': its own URL " + own + " matches " + server);
		}
		return null;
	}

	/** A context path or URL path as {@code ""} or {@code /a/b}: a leading slash, no trailing one. */
	private static String normalize(@Nullable String path) {
		if (path == null) {
			return "";
		}
		String normalized = path.strip();
		while (normalized.endsWith("/")) {
			normalized = normalized.substring(0, normalized.length() - 1);
		}
		return (normalized.isEmpty() || normalized.startsWith("/")) ? normalized : "/" + normalized;
	}

	private static String withPort(URI url, int port) {
		return rebuild(url, port, normalize(url.getPath()));
	}

	private static String withPath(URI url, String path) {
		return rebuild(url, url.getPort(), path);
	}

	private static String rebuild(URI url, int port, String path) {
		try {
			return new URI(url.getScheme(), url.getUserInfo(), url.getHost(), port, path.isEmpty() ? null : path,
					null, null)
				.toString();
		}
		catch (URISyntaxException ex) {
			return url.getScheme() + "://" + url.getHost() + ":" + port + path;
		}
	}

	private static boolean isLocal(InetAddress address) {
		if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
			return true;
		}
		try {
			return NetworkInterface.getByInetAddress(address) != null;
		}
		catch (SocketException ex) {
			return false;
		}
	}

	/** Resolves a host name to its addresses. */
	@FunctionalInterface
	interface Resolver {

		InetAddress[] resolve(String host) throws UnknownHostException;

	}

	/**
	 * What could not be checked.
	 *
	 * @param warning whether it is suspicious ({@code WARN}), or only a limit of the check
	 * ({@code INFO})
	 * @param message what to log
	 */
	record Finding(boolean warning, String message) {

	}

}
