/**
 * Carries Raft RPCs between replicas: the outbound port ({@link RaftTransport}), the inbound port
 * ({@link RaftRpcHandler}, implemented by the driver) and their HTTP/JSON implementation. Nothing
 * here depends on the driver.
 */
@NullMarked
package io.github.raftboot.transport;

import org.jspecify.annotations.NullMarked;
