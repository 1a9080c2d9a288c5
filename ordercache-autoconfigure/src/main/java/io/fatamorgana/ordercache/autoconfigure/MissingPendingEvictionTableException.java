package io.fatamorgana.ordercache.autoconfigure;

/**
 * Thrown at startup when pending evictions are to be kept in the database but their table is
 * missing (or lacks a column).
 */
final class MissingPendingEvictionTableException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String tableName;

	private final String script;

	MissingPendingEvictionTableException(String tableName, String script, Throwable cause) {
		super("The order cache's pending evictions table '" + tableName + "' does not exist", cause);
		this.tableName = tableName;
		this.script = script;
	}

	String getTableName() {
		return this.tableName;
	}

	/** The schema script for the database's platform, a classpath location. */
	String getScript() {
		return this.script;
	}

}
