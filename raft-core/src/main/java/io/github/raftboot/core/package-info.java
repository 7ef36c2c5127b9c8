/**
 * A pure, single-threaded Raft election state machine.
 *
 * <p>{@link io.github.raftboot.core.RaftNode} has no threads, performs no I/O and never reads a
 * clock: elapsed time and messages come in, and a {@link io.github.raftboot.core.Ready} with the
 * state to persist, the messages to send and the role changes comes out. A driver persists
 * {@link io.github.raftboot.core.Ready#toPersist()} before it sends
 * {@link io.github.raftboot.core.Ready#messages()}, except the requests that may leave during the
 * save ({@link io.github.raftboot.core.Ready#messagesBeforePersisting()}).
 */
@NullMarked
package io.github.raftboot.core;

import org.jspecify.annotations.NullMarked;
