package io.github.raftboot.sample.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Settings for a replica under test: member n1 of the sample's three, on a free port that its
 * own URL names (the replica checks that at startup), whose peers point at closed loopback ports,
 * so it never disturbs replicas that run on this machine. Tests that use it run on the
 * {@code DEFINED_PORT}.
 */
final class TestReplicas {

	private TestReplicas() {
	}

	static void isolatedReplica(DynamicPropertyRegistry registry, Path dataDir) {
		int port = freePort();
		registry.add("server.port", () -> port);
		registry.add("raft.node-id", () -> "n1");
		registry.add("raft.peers.n1", () -> "http://127.0.0.1:" + port);
		registry.add("raft.peers.n2", () -> "http://127.0.0.1:2");
		registry.add("raft.peers.n3", () -> "http://127.0.0.1:3");
		registry.add("raft.data-dir", dataDir::toString);
		registry.add("server.address", () -> "127.0.0.1");
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
