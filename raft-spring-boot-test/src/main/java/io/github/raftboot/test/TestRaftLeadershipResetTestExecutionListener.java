package io.github.raftboot.test;

import org.springframework.core.Ordered;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * Resets the {@link TestRaftLeadership} of
 * {@link AutoConfigureTestRaftLeadership @AutoConfigureTestRaftLeadership} after every test
 * method, so that one test's leadership does not leak into the next through the cached context.
 */
final class TestRaftLeadershipResetTestExecutionListener implements TestExecutionListener, Ordered {

	@Override
	public void afterTestMethod(TestContext testContext) {
		if (testContext.hasApplicationContext()) {
			testContext.getApplicationContext()
				.getBeanProvider(TestRaftLeadership.class)
				.stream()
				.filter(TestRaftLeadership::resetsAfterEachTest)
				.forEach(TestRaftLeadership::reset);
		}
	}

	/** After the listeners that run before, and ahead of those that close, a test's context. */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE - 100;
	}

}
