package io.fatamorgana.ordercache;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * Reads and writes the Redis hash that holds the orders of one sales period
 * ({@code {key-prefix}{period}} &rarr; order number &rarr; order JSON). Every method is one Redis
 * round trip per period (and chunk), and a write that gives a period its first order sets the period's
 * TTL in that round trip (later writes do not renew it, so no cached copy outlives the TTL).
 * A write never replaces a cached order with an older version of it.
 * <p>
 * Periods and order numbers must be 1 to {@value io.fatamorgana.ordercache.key.OrderKeys#MAX_LENGTH}
 * characters from {@code [A-Za-z0-9_:.-]}; anything else is rejected with an
 * {@link IllegalArgumentException} naming the field, before Redis is called. A Redis failure is
 * reported as an {@link OrderCacheException}: unlike the annotations, this API does not hide
 * failures from its caller.
 * <p>
 * Inside an actual Spring transaction the changes ({@link #cacheOrder}, {@link #batchCacheOrders},
 * {@link #deleteOrder}, {@link #deletePeriodOrders}) wait for its commit and are dropped on rollback,
 * like the annotations' (then {@code deleteOrder} and {@code deletePeriodOrders} return
 * {@code false}, {@code batchCacheOrders} counts the orders accepted, and a Redis failure after
 * commit is logged, not thrown); the reads answer "not cached" for orders and periods the
 * transaction changed; {@link #loadPeriod} caches nothing, since the transaction may have read before
 * its token. Outside a transaction everything runs at once. Invalid input is rejected at once either
 * way. See docs/protocol.md, "Transactions".
 */
public interface OrderCacheService {

	/**
	 * Caches one order under the period and order number read from the order itself.
	 * @param order the order; its period and order number are read by the
	 * {@link OrderIdentityResolver}
	 * @throws IllegalArgumentException if the order is {@code null}, has an invalid identity or cannot
	 * be written as JSON
	 * @throws OrderCacheException if Redis fails
	 */
	void cacheOrder(Object order);

	/**
	 * Caches one order under an explicit period and order number.
	 * @param period the period number, such as {@code 20241201_001}
	 * @param orderNo the order number, such as {@code ORDER_20241201_001_001}
	 * @param order the order
	 * @throws IllegalArgumentException if an argument is invalid or the order cannot be written as JSON
	 * @throws OrderCacheException if Redis fails
	 */
	void cacheOrder(String period, String orderNo, Object order);

	/**
	 * Caches many orders with one multi-field write per period and chunk. Orders that are
	 * {@code null}, have an invalid identity or cannot be written as JSON are skipped and reported;
	 * the others are cached.
	 * @param orders the orders, possibly of several periods
	 * @return how many orders were cached and which were skipped, and why
	 * @throws OrderCacheException if Redis fails; chunks written before the failure stay cached
	 */
	BatchResult batchCacheOrders(Collection<?> orders);

	/**
	 * Caches a whole period from the database and marks it complete, so that period reads through
	 * {@code @CachedPeriod} and {@link #getCompletePeriod} may serve it without the database. The
	 * period's epoch is read before the loader runs; if the period is dropped meanwhile, nothing more
	 * is written and the period is not marked complete. Orders that cannot be cached are skipped
	 * and reported, and then the period is not marked complete either.
	 * @param period the period number
	 * @param loader reads every order of the period from the database
	 * @return what was cached and skipped
	 * @throws IllegalArgumentException if the period is invalid
	 * @throws OrderCacheException if Redis fails
	 */
	BatchResult loadPeriod(String period, Supplier<? extends Collection<?>> loader);

	/**
	 * Streams every order cached for a period, one HSCAN page at a time, without ever holding the
	 * whole period in memory: for periods too large for {@link #getOrdersByPeriod}. Close the
	 * stream (try-with-resources) if you stop early. An order may appear twice if Redis resizes the
	 * hash meanwhile; unreadable entries are left out and removed. A Redis failure while streaming
	 * throws {@link OrderCacheException} from the stream's terminal operation.
	 * @param period the period number
	 * @param orderType the class to read each order as
	 * @param <T> the order type
	 * @return a lazy stream of the cached orders
	 * @throws IllegalArgumentException if the period is invalid
	 */
	<T> Stream<T> streamOrdersByPeriod(String period, Class<T> orderType);

	/**
	 * Reads every order cached for a period (HGETALL), complete or not. Entries that cannot be read
	 * are left out and removed from the hash. Periods larger than {@code ordercache.max-period-size}
	 * are refused with {@link PeriodTooLargeException} before anything is transferred.
	 * @param period the period number
	 * @param orderType the class to read each order as
	 * @param <T> the order type
	 * @return the cached orders, empty when the period is not cached
	 * @throws PeriodTooLargeException if the period is larger than the configured maximum
	 * @throws OrderCacheException if Redis fails
	 */
	<T> List<T> getOrdersByPeriod(String period, Class<T> orderType);

	/**
	 * Reads a period only if it is cached completely (filled by {@link #loadPeriod} or a read
	 * through {@code @CachedPeriod}, and nothing evicted since).
	 * @param period the period number
	 * @param orderType the class to read each order as
	 * @param <T> the order type
	 * @return every order of the period, or empty when the cache does not hold all of them
	 * @throws OrderCacheException if Redis fails
	 */
	<T> Optional<List<T>> getCompletePeriod(String period, Class<T> orderType);

	/**
	 * Tells whether a period is cached completely.
	 * @param period the period number
	 * @return whether {@link #getCompletePeriod} would answer from the cache
	 * @throws OrderCacheException if Redis fails
	 */
	boolean isPeriodComplete(String period);

	/**
	 * Reads one cached order (HGET). An entry that cannot be read is a miss and is removed.
	 * @param period the period number
	 * @param orderNo the order number
	 * @param orderType the class to read the order as
	 * @param <T> the order type
	 * @return the order, or empty when it is not cached
	 * @throws OrderCacheException if Redis fails
	 */
	<T> Optional<T> getOrder(String period, String orderNo, Class<T> orderType);

	/**
	 * Counts the orders cached for a period (HLEN).
	 * @param period the period number
	 * @return the number of cached orders, 0 when the period is not cached
	 * @throws OrderCacheException if Redis fails
	 */
	long getOrderCount(String period);

	/**
	 * Tells whether an order is cached (HEXISTS) and would be served: an order whose eviction failed
	 * and waits for replay is reported as not cached.
	 * @param period the period number
	 * @param orderNo the order number
	 * @return whether the period's hash has the order
	 * @throws OrderCacheException if Redis fails
	 */
	boolean isOrderCached(String period, String orderNo);

	/**
	 * Removes one order from its period's hash (HDEL) and leaves a short-lived tombstone that keeps
	 * older copies of it, still on their way from a slow read or a delayed write, out of the cache.
	 * The period is no longer complete. If Redis fails, the eviction is also kept in memory and
	 * replayed when Redis answers again.
	 * @param period the period number
	 * @param orderNo the order number
	 * @return whether the order was cached; {@code false} inside a transaction, where the eviction
	 * waits for the commit
	 * @throws OrderCacheException if Redis fails
	 */
	boolean deleteOrder(String period, String orderNo);

	/**
	 * Removes every order of a period (UNLINK). Only the period's epoch stays, for the tombstone
	 * TTL, so that a load of the period that began before cannot put older orders back. If Redis
	 * fails, the drop is also kept in memory and replayed when Redis answers again.
	 * @param period the period number
	 * @return whether the period had cached orders; {@code false} inside a transaction, where the
	 * drop waits for the commit
	 * @throws OrderCacheException if Redis fails
	 */
	boolean deletePeriodOrders(String period);

	/**
	 * Lists the periods that have a hash in Redis, one bounded page at a time: SCAN with MATCH on the
	 * key prefix, on every primary of a Cluster, never KEYS, so a Redis with millions of keys is not
	 * walked at once.
	 * @param cursor {@code null} for the first page, else the previous page's
	 * {@link PeriodPage#nextCursor()}
	 * @param limit about how many periods a page holds (1 to 10,000)
	 * @return the page
	 * @throws IllegalArgumentException if the cursor or limit is invalid
	 * @throws OrderCacheException if Redis fails
	 */
	PeriodPage cachedPeriods(@Nullable String cursor, int limit);

	/**
	 * Describes what the cache holds for a period: its number of orders, its TTL, whether it is
	 * complete (one round trip) and its memory (a second one, MEMORY USAGE, where allowed).
	 * @param period the period number
	 * @return the period's statistics
	 * @throws OrderCacheException if Redis fails
	 */
	PeriodStatistics statistics(String period);

	/**
	 * Counts what the cache did since the application started.
	 * @return a snapshot of the counters
	 */
	CacheStatistics statistics();

}
