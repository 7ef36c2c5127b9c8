/**
 * Tests of {@link io.github.raftboot.leader.OnLeader}: the advisor, the start-up check and the
 * lifecycle controller.
 */
@NullMarked
package io.github.raftboot.aop;

import org.jspecify.annotations.NullMarked;
