package io.github.raftboot.autoconfigure;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;

import io.github.raftboot.autoconfigure.OwnUrlCheck.Finding;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link OwnUrlCheck}: loopback URLs on the machine's real resolution, other hosts on
 * a resolver of the test's own, so that no test asks a DNS server.
 */
class OwnUrlCheckTests {

	private static final String SERVLET = "server.servlet.context-path";

	private static final InetAddress POD = address("raft-0.raft.shop.svc.cluster.local", 10, 1, 2, 3);

	private static final InetAddress SERVICE = address("raft.shop.svc.cluster.local", 10, 96, 0, 7);

	/** The test's DNS: the pod's own name resolves to its address, which is this machine's. */
	private static final Map<String, InetAddress> NAMES = Map.of(POD.getHostName(), POD, SERVICE.getHostName(),
			SERVICE);

	@Test
	void aLoopbackUrlWithTheServersPortAndNoPathMatches() {
		assertThat(check("http://127.0.0.1:8081", null).check(8081)).isNull();
		assertThat(check("http://localhost:8081/", "/").check(8081)).isNull();
	}

	@Test
	void aUrlWhosePathIsTheContextPathMatchesWhateverItsSlashes() {
		assertThat(check("http://127.0.0.1:8081/orders/", "/orders").check(8081)).isNull();
		assertThat(check("http://127.0.0.1:8081/orders", "orders/").check(8081)).isNull();
	}

	@Test
	void aLoopbackUrlWithAnotherPortFailsNamingBothPortsAndTheFix() {
		OwnUrlCheck check = check("http://127.0.0.1:8080", null);
		assertThatExceptionOfType(RaftConfigurationException.class).isThrownBy(() -> check.check(8081))
			.satisfies((ex) -> {
				assertThat(ex.getMessage()).contains("raft.peers.n1 is 'http://127.0.0.1:8080'",
						"listens on port 8081, not 8080", "wrong port");
				assertThat(ex.getAction()).contains("Set raft.peers.n1 to http://127.0.0.1:8081 on every replica",
						"server.port to 8080", "server.port=0");
			});
	}

	@Test
	void aUrlWithoutTheContextPathFailsNamingBothPathsAndTheFix() {
		OwnUrlCheck check = check("http://127.0.0.1:8081", "/orders");
		assertThatExceptionOfType(RaftConfigurationException.class).isThrownBy(() -> check.check(8081))
			.satisfies((ex) -> {
				assertThat(ex.getMessage()).contains("raft.peers.n1 is 'http://127.0.0.1:8081'", "without a path",
						"serves under the context path '/orders' (server.servlet.context-path)", "404");
				assertThat(ex.getAction()).contains("Set raft.peers.n1 to http://127.0.0.1:8081/orders on every replica",
						"raft.rpc.base-path is added to it", "or remove server.servlet.context-path");
			});
	}

	@Test
	void aUrlWithAPathOnAnApplicationWithoutContextPathFails() {
		OwnUrlCheck check = check("http://127.0.0.1:8081/orders", null);
		assertThatExceptionOfType(RaftConfigurationException.class).isThrownBy(() -> check.check(8081))
			.satisfies((ex) -> {
				assertThat(ex.getMessage()).contains("with the path '/orders'", "has no context path");
				assertThat(ex.getAction()).contains("to http://127.0.0.1:8081 on every replica",
						"or set server.servlet.context-path to /orders");
			});
	}

	@Test
	void theNameOfAPodThatResolvesToThisMachineIsCheckedLikeLoopback() {
		OwnUrlCheck check = new OwnUrlCheck("raft-0", URI.create("http://raft-0.raft.shop.svc.cluster.local:8080"),
				null, SERVLET, OwnUrlCheckTests::resolve, Set.of(POD)::contains);
		assertThat(check.check(8080)).isNull();
		assertThatExceptionOfType(RaftConfigurationException.class).isThrownBy(() -> check.check(9090))
			.withMessageContaining("raft.peers.raft-0 is 'http://raft-0.raft.shop.svc.cluster.local:8080'")
			.withMessageContaining("listens on port 9090, not 8080");
	}

	@Test
	void aHostOfAnotherMachineCannotBeCheckedAndIsOnlyTold() {
		// A Kubernetes Service (or a proxy) may listen on another port and path than the pod
		OwnUrlCheck check = new OwnUrlCheck("raft-0", URI.create("http://raft.shop.svc.cluster.local/raft-0"),
				"/orders", SERVLET, OwnUrlCheckTests::resolve, Set.of(POD)::contains);
		Finding finding = check.check(8080);
		assertThat(finding).isNotNull();
		assertThat(finding.warning()).isFalse();
		assertThat(finding.message()).contains("'raft-0' cannot check its own URL",
				"raft.peers.raft-0=http://raft.shop.svc.cluster.local/raft-0", "port 8080", "context path '/orders'",
				"none of them an address of this machine", "Kubernetes Service");
	}

	@Test
	void aHostThatDoesNotResolveIsWarnedAbout() {
		OwnUrlCheck check = new OwnUrlCheck("raft-1", URI.create("http://raft-1.raft.shop.svc.cluster.local:8080"),
				null, SERVLET, OwnUrlCheckTests::resolve, Set.of(POD)::contains);
		Finding finding = check.check(8080);
		assertThat(finding).isNotNull();
		assertThat(finding.warning()).isTrue();
		assertThat(finding.message()).contains("cannot check its own URL", "does not resolve here",
				"publishNotReadyAddresses");
	}

	@Test
	void aLocalUrlWithoutPortOnAServerOfAnotherPortIsWarnedAboutNotRefused() {
		// A proxy on this machine may forward port 80
		Finding finding = check("http://localhost", null).check(8080);
		assertThat(finding).isNotNull();
		assertThat(finding.warning()).isTrue();
		assertThat(finding.message()).contains("names no port, so the other members use port 80",
				"listens on port 8080", "add the port: http://localhost:8080");
		assertThat(check("https://localhost/", null).check(8443)).isNotNull()
			.satisfies((https) -> assertThat(https.message()).contains("use port 443"));
	}

	@Test
	void aLocalUrlWithoutPortOnAServerOfTheDefaultPortStillHasItsPathChecked() {
		assertThat(check("http://127.0.0.1", null).check(80)).isNull();
		assertThatExceptionOfType(RaftConfigurationException.class)
			.isThrownBy(() -> check("http://127.0.0.1", "/orders").check(80))
			.withMessageContaining("context path '/orders'");
	}

	@Test
	void aServerWithoutAKnownPortIsWarnedAbout() {
		Finding finding = check("http://127.0.0.1:8080", null).check(-1);
		assertThat(finding).isNotNull();
		assertThat(finding.warning()).isTrue();
		assertThat(finding.message()).contains("cannot check its own URL", "reports no port");
	}

	@Test
	void aReplicaWithoutAUrlOfItsOwnHasNothingToCheck() {
		assertThat(new OwnUrlCheck("raft", null, "/orders", SERVLET).check(8080)).isNull();
	}

	@Test
	void theMessagesNameThePropertyOfTheContextPathInUse() {
		OwnUrlCheck reactive = new OwnUrlCheck("n1", URI.create("http://127.0.0.1:8081"), "/api",
				"spring.webflux.base-path");
		assertThatExceptionOfType(RaftConfigurationException.class).isThrownBy(() -> reactive.check(8081))
			.withMessageContaining("(spring.webflux.base-path)");
	}

	private static OwnUrlCheck check(String url, @Nullable String contextPath) {
		return new OwnUrlCheck("n1", URI.create(url), contextPath, SERVLET);
	}

	private static InetAddress[] resolve(String host) throws UnknownHostException {
		InetAddress address = NAMES.get(host);
		if (address == null) {
			throw new UnknownHostException(host);
		}
		return new InetAddress[] { address };
	}

	private static InetAddress address(String host, int... bytes) {
		byte[] address = new byte[bytes.length];
		for (int i = 0; i < bytes.length; i++) {
			address[i] = (byte) bytes[i];
		}
		try {
			return InetAddress.getByAddress(host, address);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

}
