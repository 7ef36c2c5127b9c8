/**
 * For the tests of applications that use raft-spring-boot:
 * {@link io.github.raftboot.test.TestRaftLeadership} and
 * {@link io.github.raftboot.test.AutoConfigureTestRaftLeadership @AutoConfigureTestRaftLeadership}
 * to flip this replica's leadership by hand, {@link io.github.raftboot.test.RaftTestCluster} to
 * run real replicas in one JVM, and {@link io.github.raftboot.test.FaultInjectingTransport} to cut
 * the links between replicas that talk over real HTTP.
 */
@NullMarked
package io.github.raftboot.test;

import org.jspecify.annotations.NullMarked;
