package io.github.raftboot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link RaftConfigurationException} at startup.
 */
class RaftConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<RaftConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RaftConfigurationException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
