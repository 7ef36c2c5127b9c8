/**
 * Demo-only support inside a replica: cutting and healing links to other replicas, and exiting
 * with the demo launcher. Nothing here is active unless the launcher sets
 * {@code sample.demo.*}.
 */
@NullMarked
package io.github.raftboot.sample.demo;

import org.jspecify.annotations.NullMarked;
