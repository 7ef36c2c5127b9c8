/**
 * Tests of the driver, with replicas wired in memory by a
 * {@link io.github.raftboot.test.RaftTestCluster}.
 */
@NullMarked
package io.github.raftboot.runtime;

import org.jspecify.annotations.NullMarked;
