package io.github.raftboot.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import io.github.raftboot.leader.PeerStatus;
import io.github.raftboot.leader.RaftStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Replicas that call each other over HTTPS with mutual TLS, their key and trust material taken
 * from a Spring Boot SSL bundle ({@code raft.rpc.ssl.bundle}, the same bundle as
 * {@code server.ssl.bundle}). The certificates are made for the test: a key pair shared by the
 * cluster, and a rogue one.
 */
class TlsIntegrationTests {

	private static final String PASSWORD = "changeit";

	@TempDir
	static Path certificates;

	@TempDir
	Path dataRoot;

	private TestCluster cluster;

	@BeforeAll
	static void createCertificates() throws Exception {
		for (String name : List.of("cluster", "rogue")) {
			keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
					"CN=raft-" + name, "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype",
					"PKCS12", "-keystore", keyStore(name).toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
			// The trust store holds the certificate alone, without its private key.
			KeyStore keys = load(keyStore(name));
			KeyStore trust = KeyStore.getInstance("PKCS12");
			trust.load(null, null);
			trust.setCertificateEntry(name, keys.getCertificate(name));
			try (OutputStream out = Files.newOutputStream(trustStore(name))) {
				trust.store(out, PASSWORD.toCharArray());
			}
		}
	}

	@AfterEach
	void stopCluster() {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Test
	void replicasElectALeaderOverMutualTlsWhileAReplicaWithTheWrongTrustMaterialCannotJoin() {
		// n1 and n2 form the cluster; n3, which lists all three as a replica added later would,
		// has the cluster's own key but trusts only the rogue certificate.
		this.cluster = new TestCluster(3, this.dataRoot).https()
			.withPeers("n1", List.of("n1", "n2"))
			.withPeers("n2", List.of("n1", "n2"))
			.withProperties("n1", bundle("cluster", "cluster"))
			.withProperties("n2", bundle("cluster", "cluster"))
			.withProperties("n3", bundle("cluster", "rogue"))
			.startAll();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.cluster.activeLeader().isPresent());
		String leader = this.cluster.activeLeader().orElseThrow();
		assertThat(leader).isIn("n1", "n2");
		String follower = leader.equals("n1") ? "n2" : "n1";
		await().atMost(Duration.ofSeconds(2))
			.untilAsserted(() -> assertThat(this.cluster.server(follower).leaderId()).contains(leader));
		// n3 neither forms nor joins a cluster, nor reaches anyone, however often it tries.
		await().during(Duration.ofSeconds(1))
			.atMost(Duration.ofSeconds(3))
			.until(() -> this.cluster.server("n3").leaderId().isEmpty() && this.cluster.server("n3").currentTerm() == 0
					&& this.cluster.server("n3").membership().isEmpty());
		assertThat(this.cluster.server(leader).membership().orElseThrow().members()).containsExactly("n1", "n2");
		assertThat(peer(this.cluster.server(leader).status(), follower).lastContact()).isNotNull();
		assertThat(this.cluster.server("n3").status().formation().unanswered()).containsExactly("n1", "n2");
		assertThat(this.cluster.server("n3").status().peers()).allSatisfy((peer) -> {
			assertThat(peer.url().getScheme()).isEqualTo("https");
			assertThat(peer.lastContact()).isNull();
		});
	}

	@Test
	void replicaRefusesClientsWithoutTheClusterCertificateOrTrust() throws Exception {
		this.cluster = new TestCluster(1, this.dataRoot).https().withProperties("n1", bundle("cluster", "cluster"));
		this.cluster.startAll();
		URI endpoint = URI.create(this.cluster.rpcUrl("n1") + "/timeout-now");
		// Trusts the replica, but presents the rogue certificate: refused by the replica.
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> post(sslContext("rogue", "cluster"), endpoint));
		// Presents the cluster certificate, but does not trust the replica's.
		assertThatExceptionOfType(SSLHandshakeException.class)
			.isThrownBy(() -> post(sslContext("cluster", "rogue"), endpoint));
		// With the cluster's material the request gets through TLS to the RPC endpoint itself.
		assertThat(post(sslContext("cluster", "cluster"), endpoint).statusCode()).isEqualTo(400);
	}

	private static HttpResponse<String> post(SSLContext sslContext, URI endpoint)
			throws IOException, InterruptedException {
		HttpClient client = HttpClient.newBuilder()
			.sslContext(sslContext)
			.connectTimeout(Duration.ofSeconds(5))
			.version(HttpClient.Version.HTTP_1_1)
			.build();
		return client.send(HttpRequest.newBuilder(endpoint)
			.timeout(Duration.ofSeconds(5))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** The properties of an SSL bundle 'raft' used by the server and by the Raft client. */
	private static String[] bundle(String keys, String trust) {
		String prefix = "spring.ssl.bundle.jks.raft.";
		return new String[] { prefix + "keystore.location=file:" + keyStore(keys),
				prefix + "keystore.password=" + PASSWORD, prefix + "keystore.type=PKCS12",
				prefix + "truststore.location=file:" + trustStore(trust), prefix + "truststore.password=" + PASSWORD,
				prefix + "truststore.type=PKCS12", "server.ssl.bundle=raft", "server.ssl.client-auth=need",
				"raft.rpc.ssl.bundle=raft" };
	}

	private static SSLContext sslContext(String keys, String trust) throws Exception {
		KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keyManagers.init(load(keyStore(keys)), PASSWORD.toCharArray());
		TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trustManagers.init(load(trustStore(trust)));
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
		return context;
	}

	private static PeerStatus peer(RaftStatus status, String id) {
		return status.peers().stream().filter((peer) -> peer.id().equals(id)).findFirst().orElseThrow();
	}

	private static Path keyStore(String name) {
		return certificates.resolve(name + ".p12");
	}

	private static Path trustStore(String name) {
		return certificates.resolve(name + "-trust.p12");
	}

	private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(file)) {
			store.load(in, PASSWORD.toCharArray());
		}
		return store;
	}

	private static void keytool(String... arguments) throws IOException, InterruptedException {
		List<String> command = new java.util.ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
		assertThat(process.exitValue()).as("keytool %s: %s", arguments[0], output).isZero();
	}

}
