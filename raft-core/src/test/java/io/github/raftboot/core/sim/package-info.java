/**
 * Deterministic simulation of a Raft cluster, with the checker of its safety properties.
 */
@NullMarked
package io.github.raftboot.core.sim;

import org.jspecify.annotations.NullMarked;
