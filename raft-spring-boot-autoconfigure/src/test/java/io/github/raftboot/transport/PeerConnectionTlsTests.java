package io.github.raftboot.transport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PeerConnection} over TLS. The members' certificates are made for the test: the
 * cluster's names the loopback address; another, equally trusted, names another host; a rogue one
 * is trusted by nobody.
 */
class PeerConnectionTlsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

	@TempDir
	static Path directory;

	private static KeyStore cluster;

	private static KeyStore elsewhere;

	private static KeyStore rogue;

	private ScriptedMember member;

	private PeerConnection connection;

	@BeforeAll
	static void createCertificates() throws Exception {
		cluster = TestCertificates.keyPair("cluster", "ip:127.0.0.1,dns:localhost", directory);
		elsewhere = TestCertificates.keyPair("elsewhere", "dns:elsewhere.example", directory);
		rogue = TestCertificates.keyPair("rogue", "ip:127.0.0.1,dns:localhost", directory);
	}

	@AfterEach
	void stop() throws IOException {
		if (this.connection != null) {
			this.connection.close();
		}
		if (this.member != null) {
			this.member.close();
		}
	}

	private PeerConnection connect(URI url, @Nullable SSLContext context, @Nullable SSLParameters parameters,
			Duration timeout) {
		this.connection = new PeerConnection(url, context, parameters, timeout, (runnable) -> {
			Thread thread = new Thread(runnable, "test-peer-connection");
			thread.setDaemon(true);
			return thread;
		});
		return this.connection;
	}

	private PeerConnection.Response post() throws Exception {
		return this.connection.exchange("POST", "/raft/append-entries", Map.of(), "{}".getBytes(StandardCharsets.UTF_8))
			.get(10, TimeUnit.SECONDS);
	}

	@Test
	void talksToAMemberWhoseTrustedCertificateNamesItsAddressOnOneConnection() throws Exception {
		this.member = ScriptedMember.tls(TestCertificates.sslContext(cluster), false);
		connect(this.member.url("https"), TestCertificates.sslContext(null, cluster), null, TIMEOUT);
		for (int i = 0; i < 5; i++) {
			this.member.answer(OK);
			assertThat(post().status()).isEqualTo(200);
		}
		assertThat(this.member.connections()).isEqualTo(1);
	}

	@Test
	void refusesAMemberWhoseCertificateNamesAnotherHost() throws Exception {
		this.member = ScriptedMember.tls(TestCertificates.sslContext(elsewhere), false);
		connect(this.member.url("https"), TestCertificates.sslContext(null, cluster, elsewhere), null, TIMEOUT);
		this.member.answer(OK);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(this::post)
			.withCauseInstanceOf(SSLHandshakeException.class);
		assertThat(this.member.requests()).isEmpty();
	}

	@Test
	void refusesAMemberWhoseCertificateIsNotTrusted() throws Exception {
		this.member = ScriptedMember.tls(TestCertificates.sslContext(rogue), false);
		connect(this.member.url("https"), TestCertificates.sslContext(null, cluster), null, TIMEOUT);
		this.member.answer(OK);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(this::post)
			.withCauseInstanceOf(SSLHandshakeException.class);
		assertThat(this.member.requests()).isEmpty();
	}

	@Test
	void presentsItsCertificateToAMemberThatRequiresOneAndKeepsTheConnection() throws Exception {
		this.member = ScriptedMember.tls(TestCertificates.sslContext(cluster, cluster), true);
		connect(this.member.url("https"), TestCertificates.sslContext(cluster, cluster), null, TIMEOUT);
		for (int i = 0; i < 5; i++) {
			this.member.answer(OK);
			assertThat(post().status()).isEqualTo(200);
		}
		assertThat(this.member.connections()).isEqualTo(1);
	}

	@Test
	void withoutACertificateAMemberThatRequiresOneIsNotReached() throws Exception {
		this.member = ScriptedMember.tls(TestCertificates.sslContext(cluster, cluster), true);
		connect(this.member.url("https"), TestCertificates.sslContext(null, cluster), null, TIMEOUT);
		this.member.answer(OK);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(this::post)
			.withCauseInstanceOf(IOException.class);
		assertThat(this.member.requests()).isEmpty();
	}

	@Test
	void usesTheProtocolsOfTheTlsParameters() throws Exception {
		this.member = ScriptedMember.tls(TestCertificates.sslContext(cluster), false);
		SSLContext context = TestCertificates.sslContext(null, cluster);
		SSLParameters parameters = context.getDefaultSSLParameters();
		parameters.setProtocols(new String[] { "TLSv1.2" });
		connect(this.member.url("https"), context, parameters, TIMEOUT);
		this.member.answer(OK);
		assertThat(post().status()).isEqualTo(200);
		assertThat(this.member.tlsProtocols()).containsExactly("TLSv1.2");
	}

	@Test
	void aMemberThatDoesNotCompleteTheHandshakeInTimeIsReportedAsATimeout() throws Exception {
		// Accepts the connection, then reads the handshake as if it were a request head: no answer.
		this.member = ScriptedMember.plain();
		connect(this.member.url("https"), TestCertificates.sslContext(null, cluster), null, Duration.ofMillis(300));
		long start = System.nanoTime();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(this::post)
			.withCauseInstanceOf(HttpConnectTimeoutException.class);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2000));
	}

}
