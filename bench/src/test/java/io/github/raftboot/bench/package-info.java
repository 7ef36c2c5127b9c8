/**
 * Smoke test of the failover benchmark.
 */
@NullMarked
package io.github.raftboot.bench;

import org.jspecify.annotations.NullMarked;
