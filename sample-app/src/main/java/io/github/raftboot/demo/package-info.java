/**
 * The demo launcher: {@code java -jar sample-app.jar --demo} serves a live dashboard and starts,
 * stops, kills and disconnects real replica processes of the same jar.
 */
@NullMarked
package io.github.raftboot.demo;

import org.jspecify.annotations.NullMarked;
