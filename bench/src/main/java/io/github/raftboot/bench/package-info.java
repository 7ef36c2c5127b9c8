/**
 * Failover benchmark: starts sample-app replicas as processes on 127.0.0.1, kills and stops
 * their leaders, and measures failover, handover, split votes, idle cost and stability.
 */
@NullMarked
package io.github.raftboot.bench;

import org.jspecify.annotations.NullMarked;
