package io.github.raftboot.sample.demo;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Exits this replica when the demo launcher that started it is gone, even if the launcher was
 * killed with SIGKILL and could not stop its replicas. Only with {@code sample.demo.parent-pid}.
 */
@Component
@ConditionalOnProperty("sample.demo.parent-pid")
public class ParentProcessWatcher {

	private static final Log logger = LogFactory.getLog(ParentProcessWatcher.class);

	public ParentProcessWatcher(@Value("${sample.demo.parent-pid}") long parentPid) {
		ProcessHandle.of(parentPid).ifPresentOrElse((parent) -> parent.onExit().thenRun(() -> exit(parentPid)),
				() -> exit(parentPid));
	}

	private static void exit(long parentPid) {
		logger.info("Demo launcher (pid " + parentPid + ") is gone: stopping this replica");
		// Not on the thread that observed the exit: System.exit waits for the shutdown hooks.
		Thread thread = new Thread(() -> System.exit(0), "demo-parent-gone");
		thread.start();
	}

}
