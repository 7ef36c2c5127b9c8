package io.github.raftboot.autoconfigure;

/**
 * Inconsistent {@code raft.*} settings. Startup fails with a failure analysis that says what is
 * wrong and what to change.
 */
public class RaftConfigurationException extends RuntimeException {

	private final String action;

	public RaftConfigurationException(String description, String action) {
		super(description);
		this.action = action;
	}

	public RaftConfigurationException(String description, String action, Throwable cause) {
		super(description, cause);
		this.action = action;
	}

	/** What to change. */
	public String getAction() {
		return this.action;
	}

}
