package io.github.raftboot.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.jspecify.annotations.Nullable;

import static org.awaitility.Awaitility.await;

/**
 * A member for {@link PeerConnection} tests, over TCP or TLS on the loopback address: it answers
 * each request it reads with what the test queued, byte for byte, and records the requests, the
 * connections and the TLS protocols they used.
 */
final class ScriptedMember implements AutoCloseable {

	private final ServerSocket server;

	private final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();

	private final List<String> requests = new CopyOnWriteArrayList<>();

	private final List<String> tlsProtocols = new CopyOnWriteArrayList<>();

	private final AtomicInteger connections = new AtomicInteger();

	private ScriptedMember(ServerSocket server) {
		this.server = server;
		Thread acceptor = new Thread(this::accept, "scripted-member");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/** A member over plain TCP. */
	static ScriptedMember plain() throws IOException {
		return new ScriptedMember(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
	}

	/**
	 * A member over TLS.
	 * @param context its certificate and the certificates it trusts
	 * @param needClientAuth whether clients must present a trusted certificate
	 */
	static ScriptedMember tls(SSLContext context, boolean needClientAuth) throws IOException {
		SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
			.createServerSocket(0, 50, InetAddress.getLoopbackAddress());
		server.setNeedClientAuth(needClientAuth);
		return new ScriptedMember(server);
	}

	/** Its URL with the given scheme, by IP address. */
	URI url(String scheme) {
		return URI.create(scheme + "://127.0.0.1:" + this.server.getLocalPort());
	}

	/** Every request read, head and body, in order. */
	List<String> requests() {
		return this.requests;
	}

	/** How many connections were accepted. */
	int connections() {
		return this.connections.get();
	}

	/** The TLS protocol of every connection that completed its handshake. */
	List<String> tlsProtocols() {
		return this.tlsProtocols;
	}

	/** Answers the next request with these bytes and keeps the connection. */
	void answer(String bytes) {
		this.answers.add((out) -> {
			write(out, bytes);
			return true;
		});
	}

	/** Answers the next request with these bytes, then closes the connection without saying so. */
	void answerAndClose(String bytes) {
		this.answers.add((out) -> {
			write(out, bytes);
			return false;
		});
	}

	/** Answers the next request with these bytes after a delay. */
	void answerAfter(Duration delay, String bytes) {
		this.answers.add((out) -> {
			Thread.sleep(delay.toMillis());
			write(out, bytes);
			return true;
		});
	}

	/** Closes the connection on the next request, without answering it. */
	void closeWithoutAnswer() {
		this.answers.add((out) -> false);
	}

	/** Answers the next request with this head and then a chunked body without end. */
	void answerWithoutEnd(String head) {
		this.answers.add((out) -> {
			write(out, head);
			byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
			while (true) {
				// Ends when the client closes the connection
				out.write(chunk);
			}
		});
	}

	/** Waits until the member has read {@code count} requests. */
	void awaitRequests(int count) {
		await().atMost(Duration.ofSeconds(5)).until(() -> this.requests.size() >= count);
	}

	@Override
	public void close() throws IOException {
		this.server.close();
	}

	private static void write(OutputStream out, String bytes) throws IOException {
		out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
		out.flush();
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket socket = this.server.accept();
				this.connections.incrementAndGet();
				Thread serve = new Thread(() -> serve(socket), "scripted-member-connection");
				serve.setDaemon(true);
				serve.start();
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			if (socket instanceof SSLSocket tls) {
				tls.startHandshake();
				this.tlsProtocols.add(tls.getSession().getProtocol());
			}
			InputStream in = socket.getInputStream();
			while (true) {
				String head = readHead(in);
				if (head == null) {
					return;
				}
				String body = new String(in.readNBytes(contentLength(head)), StandardCharsets.UTF_8);
				this.requests.add(head + body);
				Answer answer = this.answers.poll(5, TimeUnit.SECONDS);
				if (answer == null || !answer.writeTo(socket.getOutputStream())) {
					return;
				}
			}
		}
		catch (IOException | InterruptedException ex) {
			// The connection ends
		}
	}

	private static @Nullable String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		byte[] end = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
		while (matched < end.length) {
			int next = in.read();
			if (next == -1) {
				return null;
			}
			head.write(next);
			matched = (next == end[matched]) ? matched + 1 : ((next == '\r') ? 1 : 0);
		}
		return head.toString(StandardCharsets.ISO_8859_1);
	}

	private static int contentLength(String head) {
		for (String line : head.split("\r\n")) {
			if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
				return Integer.parseInt(line.substring(15).trim());
			}
		}
		return 0;
	}

	/** What the member does with one request. */
	@FunctionalInterface
	private interface Answer {

		/**
		 * Writes the answer.
		 * @param out the connection
		 * @return whether the connection stays open
		 */
		boolean writeTo(OutputStream out) throws IOException, InterruptedException;

	}

}
