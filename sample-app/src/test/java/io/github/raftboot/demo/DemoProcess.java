package io.github.raftboot.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.awaitility.Awaitility.await;

/**
 * The demo as a user starts it, {@code java -jar sample-app.jar --demo}, on free loopback ports:
 * one launcher process that starts three replica processes.
 */
final class DemoProcess implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

	private final Process launcher;

	private final int port;

	private final Path dir;

	private DemoProcess(Process launcher, int port, Path dir) {
		this.launcher = launcher;
		this.port = port;
		this.dir = dir;
	}

	/**
	 * Starts the demo and waits until its replicas have elected a leader.
	 * @param dir where the demo keeps its files
	 * @param arguments more arguments for the launcher, such as {@code --demo.groups=billing}
	 */
	static DemoProcess start(Path dir, String... arguments) throws IOException {
		Files.createDirectories(dir);
		Set<Integer> ports = new HashSet<>();
		int port = freePort(ports);
		List<String> replicaPorts = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			replicaPorts.add(String.valueOf(freePort(ports)));
		}
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", System.getProperty("sample.jar"), "--demo",
				"--server.port=" + port, "--demo.replica-ports=" + String.join(",", replicaPorts),
				"--demo.dir=" + dir.toAbsolutePath()));
		command.addAll(List.of(arguments));
		Process launcher = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("launcher.log").toFile()))
			.start();
		DemoProcess demo = new DemoProcess(launcher, port, dir);
		try {
			await("a leader in the demo started in " + dir).atMost(Duration.ofSeconds(90))
				.pollInterval(Duration.ofMillis(200))
				.ignoreExceptions()
				.until(() -> {
					if (!launcher.isAlive()) {
						throw new IllegalStateException("The demo launcher exited, see " + dir.resolve("launcher.log"));
					}
					return demo.state().path("leader").isString();
				});
		}
		catch (RuntimeException | Error ex) {
			demo.close();
			throw ex;
		}
		return demo;
	}

	/** The dashboard's URL. */
	String url() {
		return "http://127.0.0.1:" + this.port + "/";
	}

	Path dir() {
		return this.dir;
	}

	/** What the launcher publishes to the dashboard. */
	JsonNode state() throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create(url() + "api/state")).timeout(Duration.ofSeconds(2)).build();
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IOException("GET /api/state answered " + response.statusCode());
		}
		return json.readTree(response.body());
	}

	/** Stops the launcher, which stops its replicas; kills whatever is left after a while. */
	@Override
	public void close() {
		List<ProcessHandle> replicas = this.launcher.descendants().toList();
		this.launcher.destroy();
		try {
			if (!this.launcher.waitFor(30, TimeUnit.SECONDS)) {
				this.launcher.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		replicas.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
	}

	private static int freePort(Set<Integer> taken) {
		while (true) {
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				if (taken.add(socket.getLocalPort())) {
					return socket.getLocalPort();
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

}
