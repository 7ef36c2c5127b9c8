/**
 * Carries Raft RPCs between replicas: the transport port and its HTTP/JSON implementation.
 */
@NullMarked
package io.github.raftboot.transport;

import org.jspecify.annotations.NullMarked;
