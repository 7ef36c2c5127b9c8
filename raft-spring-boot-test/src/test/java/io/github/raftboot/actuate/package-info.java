/**
 * Tests of the Actuator endpoint, health indicator and metrics for Raft.
 */
@NullMarked
package io.github.raftboot.actuate;

import org.jspecify.annotations.NullMarked;
