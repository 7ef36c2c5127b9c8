package io.github.raftboot.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Self-signed key pairs made with the JDK's {@code keytool}, and SSL contexts built from them.
 */
final class TestCertificates {

	private static final char[] PASSWORD = "changeit".toCharArray();

	private TestCertificates() {
	}

	/**
	 * Makes a key pair whose certificate names the given subject alternative names.
	 * @param alias the alias of the key pair (and its common name)
	 * @param subjectAlternativeNames such as {@code ip:127.0.0.1,dns:localhost}
	 * @param directory where keytool may write
	 * @return a key store holding the key pair under {@code alias}
	 */
	static KeyStore keyPair(String alias, String subjectAlternativeNames, Path directory)
			throws IOException, InterruptedException, GeneralSecurityException {
		Path file = directory.resolve(alias + ".p12");
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
				"-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + alias,
				"-ext", "SAN=" + subjectAlternativeNames, "-validity", "2", "-storetype", "PKCS12", "-keystore",
				file.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
		assertThat(process.exitValue()).as("keytool: %s", output).isZero();
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(file)) {
			store.load(in, PASSWORD);
		}
		return store;
	}

	/**
	 * Builds an SSL context.
	 * @param keys the key pair to present, or {@code null} for none
	 * @param trusted the key stores whose certificates are trusted
	 * @return the context
	 */
	static SSLContext sslContext(@Nullable KeyStore keys, KeyStore... trusted) throws GeneralSecurityException, IOException {
		KeyStore trust = KeyStore.getInstance("PKCS12");
		trust.load(null, null);
		for (KeyStore store : trusted) {
			String alias = store.aliases().nextElement();
			trust.setCertificateEntry(alias, store.getCertificate(alias));
		}
		TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trustManagers.init(trust);
		SSLContext context = SSLContext.getInstance("TLS");
		if (keys != null) {
			KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keyManagers.init(keys, PASSWORD);
			context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
		}
		else {
			context.init(null, trustManagers.getTrustManagers(), null);
		}
		return context;
	}

}
