/**
 * The application's view of leadership: {@link io.github.raftboot.leader.RaftLeadership}, {@link io.github.raftboot.leader.OnLeader} and the status snapshot.
 */
@NullMarked
package io.github.raftboot.leader;

import org.jspecify.annotations.NullMarked;
