/**
 * The advisor behind {@link io.github.raftboot.leader.OnLeader}.
 */
@NullMarked
package io.github.raftboot.aop;

import org.jspecify.annotations.NullMarked;
