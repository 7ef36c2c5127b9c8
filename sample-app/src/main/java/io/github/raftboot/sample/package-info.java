/**
 * A sample replica: a leader-only job, an event listener and a use of {@code RaftLeadership}.
 */
@NullMarked
package io.github.raftboot.sample;

import org.jspecify.annotations.NullMarked;
