/**
 * Tests of the demo-only support inside a replica.
 */
@NullMarked
package io.github.raftboot.sample.demo;

import org.jspecify.annotations.NullMarked;
