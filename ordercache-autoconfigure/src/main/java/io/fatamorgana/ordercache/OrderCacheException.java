package io.fatamorgana.ordercache;

/**
 * Thrown by {@link OrderCacheService} when Redis fails or answers something the cache cannot use.
 * Annotated methods never see it: there, failures are logged and counted instead.
 */
public class OrderCacheException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what failed, without order contents
	 * @param cause the underlying failure
	 */
	public OrderCacheException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Creates an exception without an underlying failure.
	 * @param message what went wrong, without order contents
	 */
	protected OrderCacheException(String message) {
		super(message);
	}

}
