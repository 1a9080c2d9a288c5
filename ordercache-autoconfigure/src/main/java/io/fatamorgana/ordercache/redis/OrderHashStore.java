package io.fatamorgana.ordercache.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Storage of order JSON in one hash per period, in terms of keys, fields and bytes. Each method is
 * one round trip on one key (a command or a script), so every operation works unchanged on Redis
 * Cluster. Besides the orders, a period's hash holds bookkeeping fields whose names start with
 * {@code !}, which no order number can: {@code !e} (epoch, moved on when the period is dropped),
 * {@code !c} (the period is complete), {@code !t} (tombstones of recently evicted orders) and
 * {@code !s} (eviction sequence) never reach callers. Failures surface as Spring's {@link org.springframework.dao.DataAccessException}.
 */
public interface OrderHashStore {

	/**
	 * Reads one order and the period's load token (HMGET).
	 * @param key the period's key
	 * @param field the order number
	 * @return the stored JSON, if any, and the load token to hand to a load that follows a miss
	 */
	Lookup get(String key, String field);

	/**
	 * Reads the period's load token (HMGET), to hand to a load of the whole period.
	 * @param key the period's key
	 * @return the load token
	 */
	String loadToken(String key);

	/**
	 * Reads a whole period (HGETALL) unless it has more fields than a limit.
	 * @param key the period's key
	 * @param maxFields the most fields to read
	 * @return the orders, the load token and whether the period is complete, or {@code null} when
	 * the period has more than {@code maxFields} fields
	 */
	@Nullable PeriodContent entries(String key, long maxFields);

	/**
	 * Reads one page of a period's orders (HSCAN), for streaming a period too large to read at once.
	 * @param key the period's key
	 * @param cursor {@code "0"} to start, else the previous page's cursor
	 * @param count about how many orders to read
	 * @return the orders of this page (bookkeeping fields left out) and the next cursor, {@code null}
	 * at the end
	 */
	HashPage scanHash(String key, String cursor, int count);

	/**
	 * Counts the orders of a period.
	 * @param key the period's key
	 * @return the number of orders
	 */
	long count(String key);

	/**
	 * Describes a period in one round trip.
	 * @param key the period's key
	 * @return its number of orders, its TTL and whether it is complete
	 */
	PeriodSummary summary(String key);

	/**
	 * Tells whether an order is cached (HEXISTS).
	 * @param key the period's key
	 * @param field the order number
	 * @return whether it is
	 */
	boolean exists(String key, String field);

	/**
	 * Writes orders and the period's TTL atomically, refusing orders whose stored copy is newer
	 * and orders evicted less than a tombstone TTL ago.
	 * @param key the period's key
	 * @param orders order number &rarr; JSON; may be empty when only marking the period complete
	 * @param ttl the time to live of the whole hash
	 * @param loadToken for a load, the token read before loading: nothing is written if the period
	 * was dropped since, and orders evicted since are refused; {@code null} for a write of a committed
	 * change, which recently evicted orders refuse whatever its token
	 * @param markComplete whether to mark the period complete (only with an epoch)
	 * @return what was written
	 */
	WriteResult write(String key, Map<String, byte[]> orders, Duration ttl, @Nullable String loadToken,
			boolean markComplete);

	/**
	 * Removes one order, leaves a tombstone for it and marks the period incomplete.
	 * @param key the period's key
	 * @param field the order number
	 * @param tombstoneTtl how long older copies of the order are refused
	 * @return whether the order was cached
	 */
	boolean evict(String key, String field, Duration tombstoneTtl);

	/**
	 * Drops every order of a period and moves its epoch on, so that loads begun before are refused.
	 * @param key the period's key
	 * @param tombstoneTtl how long the new epoch is kept
	 * @return the number of orders dropped
	 */
	long drop(String key, Duration tombstoneTtl);

	/**
	 * Removes an order only if it still holds the given value, so that repairing an unreadable entry
	 * cannot remove a good one written in the meantime.
	 * @param key the period's key
	 * @param field the order number
	 * @param expected the value that was read
	 * @return whether the order was removed
	 */
	boolean deleteIfEquals(String key, String field, byte[] expected);

	/**
	 * Removes the key if it holds anything but a hash.
	 * @param key the period's key
	 * @return whether it was removed
	 */
	boolean repair(String key);

	/**
	 * Lists keys that start with a prefix, with SCAN on every primary (never KEYS).
	 * @param prefix the key prefix; it has no glob characters
	 * @param action called with each key found; a key may be reported more than once
	 */
	void scan(String prefix, Consumer<String> action);

	/**
	 * Lists one page of keys that start with a prefix: SCAN with MATCH and COUNT, on one primary
	 * after the other in a Cluster, never KEYS.
	 * @param prefix the key prefix; it has no glob characters
	 * @param cursor where the previous page ended, or {@code null} to start
	 * @param count about how many keys to return; a page may hold a few more or fewer
	 * @return the keys and the cursor of the next page, {@code null} at the end
	 */
	KeyPage scanPage(String prefix, @Nullable String cursor, int count);

	/**
	 * Reads how much memory a key takes (MEMORY USAGE).
	 * @param key the period's key
	 * @return bytes, or {@code null} when Redis does not allow or know it
	 */
	@Nullable Long memoryUsage(String key);

	/**
	 * Checks that Redis answers, bypassing the circuit breaker.
	 * @throws org.springframework.dao.DataAccessException if it does not
	 */
	void ping();

	/**
	 * One order as read, with the period's load token.
	 * @param json the stored JSON, or {@code null} on a miss
	 * @param loadToken the period's epoch and eviction sequence, {@code epoch.sequence}
	 */
	record Lookup(byte @Nullable [] json, String loadToken) {
	}

	/**
	 * A period as read.
	 * @param orders order number &rarr; JSON, without bookkeeping fields
	 * @param loadToken the period's epoch and eviction sequence, {@code epoch.sequence}
	 * @param complete whether a full load or warm-up filled the period and nothing was evicted since
	 */
	record PeriodContent(Map<String, byte[]> orders, String loadToken, boolean complete) {
	}

	/**
	 * A page of a period's orders.
	 * @param orders order number &rarr; JSON
	 * @param nextCursor the cursor of the next page, or {@code null} at the end
	 */
	record HashPage(Map<String, byte[]> orders, @Nullable String nextCursor) {
	}

	/**
	 * A page of keys.
	 * @param keys the keys
	 * @param nextCursor the cursor of the next page, or {@code null} when there is none
	 */
	record KeyPage(List<String> keys, @Nullable String nextCursor) {
	}

	/**
	 * A period's size, TTL and completeness.
	 * @param orders the number of orders
	 * @param ttlMillis the time to live in milliseconds, or -2 when the key does not exist
	 * @param complete whether the period is complete
	 */
	record PeriodSummary(long orders, long ttlMillis, boolean complete) {
	}

	/**
	 * What a write did.
	 * @param written orders written
	 * @param refused orders left alone because the stored copy is newer or the order was evicted
	 * recently
	 * @param applied {@code false} if the load was refused whole because the period was dropped
	 */
	record WriteResult(int written, int refused, boolean applied) {
	}

}
