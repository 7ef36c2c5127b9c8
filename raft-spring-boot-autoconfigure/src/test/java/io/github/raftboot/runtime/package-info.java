/**
 * Tests of the driver, with replicas wired in memory.
 */
@NullMarked
package io.github.raftboot.runtime;

import org.jspecify.annotations.NullMarked;
