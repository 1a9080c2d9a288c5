package io.fatamorgana.ordercache;

/**
 * Thrown by {@link OrderCacheService#getOrdersByPeriod} when a period holds more orders than
 * {@code ordercache.max-period-size}: read it with {@link OrderCacheService#streamOrdersByPeriod}
 * instead, which never holds the whole period in memory.
 */
public class PeriodTooLargeException extends OrderCacheException {

	private static final long serialVersionUID = 1L;

	private final long size;

	/**
	 * Creates an exception.
	 * @param period the period number
	 * @param size how many fields its hash has
	 * @param limit the configured maximum
	 */
	public PeriodTooLargeException(String period, long size, long limit) {
		super("Period " + period + " has " + size + " cached entries, more than ordercache.max-period-size (" + limit
				+ "); read it with streamOrdersByPeriod");
		this.size = size;
	}

	/**
	 * How many entries the period's hash has.
	 * @return the size
	 */
	public long getSize() {
		return this.size;
	}

}
