package io.github.raftboot.sample.demo;

import java.nio.file.Path;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Settings for a replica under test: member n1 of the sample's three, whose peers point at
 * closed loopback ports, so it never disturbs replicas that run on this machine.
 */
final class TestReplicas {

	private TestReplicas() {
	}

	static void isolatedReplica(DynamicPropertyRegistry registry, Path dataDir) {
		registry.add("raft.node-id", () -> "n1");
		registry.add("raft.peers.n1", () -> "http://127.0.0.1:1");
		registry.add("raft.peers.n2", () -> "http://127.0.0.1:2");
		registry.add("raft.peers.n3", () -> "http://127.0.0.1:3");
		registry.add("raft.data-dir", dataDir::toString);
		registry.add("server.address", () -> "127.0.0.1");
	}

}
