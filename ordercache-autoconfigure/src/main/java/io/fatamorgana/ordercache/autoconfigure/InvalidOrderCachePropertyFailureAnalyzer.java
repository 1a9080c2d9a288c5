package io.fatamorgana.ordercache.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link InvalidOrderCachePropertyException} at startup: which property, which value,
 * and what to set instead.
 */
final class InvalidOrderCachePropertyFailureAnalyzer
		extends AbstractFailureAnalyzer<InvalidOrderCachePropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidOrderCachePropertyException cause) {
		return new FailureAnalysis(
				"The order cache cannot start: " + cause.getProperty() + " is '" + cause.getValue() + "', which "
						+ cause.getProblem() + ".",
				"Fix " + cause.getProperty() + " in your configuration (application.yml or the environment),"
						+ " or set ordercache.enabled=false to turn the order cache off.",
				cause);
	}

}
