package io.fatamorgana.ordercache.autoconfigure;

/**
 * Thrown at startup when an {@code ordercache.*} property has a value the cache cannot work with.
 */
final class InvalidOrderCachePropertyException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String property;

	private final transient Object value;

	private final String problem;

	InvalidOrderCachePropertyException(String property, Object value, String problem) {
		super("Invalid value '" + value + "' for " + property + ": " + problem);
		this.property = property;
		this.value = value;
		this.problem = problem;
	}

	String getProperty() {
		return this.property;
	}

	Object getValue() {
		return this.value;
	}

	String getProblem() {
		return this.problem;
	}

}
