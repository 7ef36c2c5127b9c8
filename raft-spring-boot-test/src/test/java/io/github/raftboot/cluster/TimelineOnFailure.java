package io.github.raftboot.cluster;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints the timeline of a failed test's cluster ({@link TestCluster#timeline()}), which the test
 * {@linkplain #keep keeps} before it closes the cluster: JUnit tells the watcher after the
 * {@code @AfterEach} methods ran.
 */
final class TimelineOnFailure implements TestWatcher {

	private volatile String timeline = "";

	/**
	 * Keeps the timeline to print if the test fails.
	 * @param timeline the cluster's timeline
	 */
	void keep(String timeline) {
		this.timeline = timeline;
	}

	@Override
	public void testFailed(ExtensionContext context, @Nullable Throwable cause) {
		System.out.println("Timeline of " + context.getDisplayName() + ":" + System.lineSeparator() + this.timeline);
	}

}
