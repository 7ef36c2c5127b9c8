/**
 * Tests of the module as a whole, such as the dependencies between its packages.
 */
@NullMarked
package io.github.raftboot;

import org.jspecify.annotations.NullMarked;
