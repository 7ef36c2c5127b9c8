/**
 * Multi-replica tests over real HTTP, with links cut and healed.
 */
@NullMarked
package io.github.raftboot.cluster;

import org.jspecify.annotations.NullMarked;
