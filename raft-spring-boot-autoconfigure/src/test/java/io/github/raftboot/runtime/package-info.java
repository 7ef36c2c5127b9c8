/**
 * Tests of the driver's parts: the status board, the snapshots and events it derives, the watch
 * on other processes that send as the same member. The driver itself, with replicas wired in
 * memory, is tested in raft-spring-boot-test (RaftServerTests).
 */
@NullMarked
package io.github.raftboot.runtime;

import org.jspecify.annotations.NullMarked;
