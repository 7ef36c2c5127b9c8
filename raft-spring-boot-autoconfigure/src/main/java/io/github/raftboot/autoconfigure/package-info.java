/**
 * Auto-configuration of Raft leader election.
 */
@NullMarked
package io.github.raftboot.autoconfigure;

import org.jspecify.annotations.NullMarked;
