package io.fatamorgana.ordercache.warmup;

import java.util.stream.Stream;

/**
 * Reads every order of a period from the database for the warm-up. Define one bean of this type
 * (for example with {@code JdbcClient...query(Order.class).stream()}) and list the periods in
 * {@code ordercache.warm-up.periods} or a {@link HotPeriods} bean.
 */
@FunctionalInterface
public interface OrderWarmUpSource {

	/**
	 * Streams every order of a period. The stream is consumed chunk by chunk and closed.
	 * @param period the period number
	 * @return the period's orders
	 */
	Stream<?> orders(String period);

}
