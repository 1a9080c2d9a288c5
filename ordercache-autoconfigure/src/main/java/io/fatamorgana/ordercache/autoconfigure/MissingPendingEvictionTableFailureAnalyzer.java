package io.fatamorgana.ordercache.autoconfigure;

import io.fatamorgana.ordercache.support.FailureLog;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link MissingPendingEvictionTableException} at startup: which table, the script
 * that creates it, and how to do without it.
 */
final class MissingPendingEvictionTableFailureAnalyzer
		extends AbstractFailureAnalyzer<MissingPendingEvictionTableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MissingPendingEvictionTableException cause) {
		String why = "ordercache.pending-evictions.store is jdbc";
		String description = "The order cache keeps evictions that could not reach Redis in the table '"
				+ cause.getTableName() + "' of the application's database (" + why
				+ "), so that they outlive the instance, but the table does not exist or lacks a column: "
				+ FailureLog.describe(cause.getCause()) + ".";
		String action = "Create the table '" + cause.getTableName() + "' with the script " + cause.getScript()
				+ " (in the ordercache-autoconfigure jar): add it as a Flyway or Liquibase migration, or run it once"
				+ " (with another table name, change the name in the script); or set"
				+ " ordercache.pending-evictions.jdbc.initialize-schema=always to have it created at startup; or set"
				+ " ordercache.pending-evictions.store=memory to keep pending evictions in memory only (lost when an"
				+ " instance dies before Redis answers again).";
		return new FailureAnalysis(description, action, cause);
	}

}
