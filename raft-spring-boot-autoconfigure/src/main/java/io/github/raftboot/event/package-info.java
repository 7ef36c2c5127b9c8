/**
 * Application events fired when leadership changes, each only on a real change.
 */
@NullMarked
package io.github.raftboot.event;

import org.jspecify.annotations.NullMarked;
