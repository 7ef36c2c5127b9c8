/**
 * Helpers shared by the tests of several packages.
 */
@NullMarked
package io.github.raftboot.testing;

import org.jspecify.annotations.NullMarked;
