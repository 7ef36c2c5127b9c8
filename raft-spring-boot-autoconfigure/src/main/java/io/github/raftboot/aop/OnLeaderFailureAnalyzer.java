package io.github.raftboot.aop;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link OnLeaderConfigurationException} at startup, instead of a stack trace.
 */
class OnLeaderFailureAnalyzer extends AbstractFailureAnalyzer<OnLeaderConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, OnLeaderConfigurationException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
