/**
 * The driver that owns a {@link io.github.raftboot.core.RaftNode} on one thread.
 */
@NullMarked
package io.github.raftboot.runtime;

import org.jspecify.annotations.NullMarked;
