/**
 * Tests of the demo launcher and its dashboard, in a real browser.
 */
@NullMarked
package io.github.raftboot.demo;

import org.jspecify.annotations.NullMarked;
