/**
 * Tests of the sample replica, including three real processes.
 */
@NullMarked
package io.github.raftboot.sample;

import org.jspecify.annotations.NullMarked;
