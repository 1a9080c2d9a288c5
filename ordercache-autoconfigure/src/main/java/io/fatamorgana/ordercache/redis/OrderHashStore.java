package io.fatamorgana.ordercache.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Storage of order JSON in one hash per period, in terms of keys, fields and bytes. Each method is
 * one round trip on one key (a command or a script), so every operation works unchanged on Redis
 * Cluster. Besides the orders, a period's hash holds bookkeeping fields whose names start with
 * {@code !}, which no order number can: bookkeeping fields (epoch, change
 * sequence, tombstones, completeness; see docs/protocol.md) never reach callers. Failures surface as
 * Spring's {@link org.springframework.dao.DataAccessException}. An implementation must keep every
 * operation, rule and invariant of docs/protocol.md: that document is this interface's contract.
 */
public interface OrderHashStore {

	/**
	 * Reads one order and the period's load token. A value larger than a limit is never served: it
	 * is removed and the read is a miss; a value too large to transfer within the command timeout
	 * costs one timed-out read, after which reads of it check its size in Redis first.
	 * @param key the period's key
	 * @param field the order number
	 * @param maxBytes the largest value to read
	 * @return the stored JSON, if any, the load token to hand to a load that follows a miss, and the
	 * size of a value removed for its size
	 */
	Lookup get(String key, String field, long maxBytes);

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
	 * @param onlyIfComplete whether to transfer the orders only when the period is complete
	 * @return the orders (none when incomplete and {@code onlyIfComplete}, or when the period has more
	 * than {@code maxFields} fields), the load token and whether the period is complete
	 */
	PeriodContent entries(String key, long maxFields, boolean onlyIfComplete);

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
	 * @param versionFields the JSON fields holding the orders' version, comma separated, first
	 * present wins; empty when they have none
	 * @param ttl the time to live of the whole hash, set when it gets its first order
	 * @param tombstoneTtl how long an order removed because its cached copy is newer than a committed
	 * change refuses older copies
	 * @param loadToken for a load, the token read before loading: nothing is written if the period
	 * was dropped since, and orders evicted since are refused; {@code null} for a write of a committed
	 * change, which recently evicted orders refuse whatever its token
	 * @param fullLoad the part of a full load of the period this write is, if any
	 * @return what was written
	 */
	WriteResult write(String key, Map<String, byte[]> orders, String versionFields, Duration ttl,
			Duration tombstoneTtl, @Nullable String loadToken, FullLoad fullLoad);

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
	 * @param hashesOnly whether to leave a key of another type alone (it is not the cache's)
	 * @return the number of orders dropped
	 */
	long drop(String key, Duration tombstoneTtl, boolean hashesOnly);

	/**
	 * Evicts many orders, as {@link #evict} does each, for the background replay of evictions that
	 * failed. The default sends them one by one; an implementation may pipeline them (each still a
	 * single-key script) and wait for all within one bulk timeout.
	 * @param orders the orders: period key and order number of each
	 * @param tombstoneTtl how long each order's tombstone lives
	 * @return the orders not sent because the circuit of their Redis node is open
	 * @throws org.springframework.dao.DataAccessException if any of those sent may not have reached
	 * Redis (the caller replays them all again: an eviction applied twice is harmless)
	 */
	default List<Map.Entry<String, String>> evictAll(List<Map.Entry<String, String>> orders, Duration tombstoneTtl) {
		List<Map.Entry<String, String>> notSent = new ArrayList<>();
		for (Map.Entry<String, String> order : orders) {
			try {
				evict(order.getKey(), order.getValue(), tombstoneTtl);
			}
			catch (CacheUnavailableException ex) {
				notSent.add(order);
			}
		}
		return notSent;
	}

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
	 * Lists one page of the hashes whose keys start with a prefix: SCAN with MATCH, TYPE hash and
	 * COUNT, on one primary after the other in a Cluster, never KEYS, and at most a bounded number of
	 * SCAN calls per page (a page may be short, or empty, with a cursor to go on).
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
	 * Checks that one Redis node answers, bypassing its circuit breaker: the probe of that node's
	 * circuit ({@link CircuitBreakers}).
	 * @param node the node's id as {@link CircuitBreakers} names it; {@link CircuitBreakers#WHOLE_CONNECTION}
	 * for the connection as a whole, which is all a store without nodes has
	 * @throws org.springframework.dao.DataAccessException if it does not answer
	 */
	default void ping(String node) {
		ping();
	}

	/**
	 * Asks to be told whenever the client has (re)established a connection to Redis, which Redis
	 * accepted: a sign that it answers again, sooner than the next probe. A store that cannot tell
	 * never calls it.
	 * @param listener run on a client thread; must be quick and must not throw
	 */
	default void whenConnected(Runnable listener) {
	}

	/**
	 * Reads one order as {@link #get} does, for a near cache: from this read on, every change of the
	 * period is published on the channel by the script that makes it (docs/protocol.md, "Near
	 * cache"), and the reply says how long the key lives.
	 * @param key the period's key
	 * @param field the order number
	 * @param maxBytes the largest value to read
	 * @param channel the near cache's channel
	 * @return what {@link #get} returns, and the key's time to live
	 * @throws UnsupportedOperationException if this store cannot keep a near cache informed
	 */
	default WatchedLookup getWatched(String key, String field, long maxBytes, String channel) {
		throw new UnsupportedOperationException(getClass().getName() + " cannot keep a near cache informed");
	}

	/**
	 * Publishes a message on a channel (PUBLISH), through the circuit of the node it goes to.
	 * @param channel the channel
	 * @param message the message
	 * @throws UnsupportedOperationException if this store has no channels
	 */
	default void publish(String channel, String message) {
		throw new UnsupportedOperationException(getClass().getName() + " has no channels");
	}

	/**
	 * Subscribes to a channel on a connection of its own, which the client re-establishes (and
	 * subscribes again) after it is lost.
	 * @param channel the channel
	 * @param listener told of the subscription, each message and each loss of the connection
	 * @return the subscription, to close at shutdown
	 * @throws org.springframework.dao.DataAccessException if Redis cannot be reached now
	 * @throws UnsupportedOperationException if this store has no channels
	 */
	default Subscription subscribe(String channel, ChannelListener listener) {
		throw new UnsupportedOperationException(getClass().getName() + " has no channels");
	}

	/** Told what happens on a channel subscription; called on a client thread, must be quick. */
	interface ChannelListener {

		/** The subscription was confirmed by Redis (at first, and again after each reconnection). */
		void subscribed();

		/**
		 * A message arrived.
		 * @param message the message
		 */
		void message(String message);

		/** The connection was lost: messages may be missed until {@link #subscribed()}. */
		void disconnected();

	}

	/** A subscription to a channel. */
	interface Subscription extends AutoCloseable {

		/**
		 * Tells whether the subscription's connection is open.
		 * @return whether it is
		 */
		boolean isOpen();

		/** Ends the subscription and closes its connection. */
		@Override
		void close();

	}

	/**
	 * One order as read for a near cache.
	 * @param lookup the order and the load token, as {@link #get} returns them
	 * @param keyTtlMillis the key's remaining time to live in milliseconds, negative when the key
	 * does not exist or has no TTL
	 */
	record WatchedLookup(Lookup lookup, long keyTtlMillis) {
	}

	/**
	 * One order as read, with the period's load token.
	 * @param json the stored JSON, or {@code null} on a miss
	 * @param loadToken the period's epoch and change sequence, {@code epoch.sequence}
	 * @param removedSize the size in bytes of a value too large to read, which was removed; 0 if none
	 */
	record Lookup(byte @Nullable [] json, String loadToken, long removedSize) {
	}

	/**
	 * A period as read.
	 * @param orders order number &rarr; JSON, without bookkeeping fields
	 * @param loadToken the period's epoch and eviction sequence, {@code epoch.sequence}
	 * @param complete whether a full load or warm-up filled the period and nothing was evicted since
	 * (never when {@code oversized})
	 * @param oversized whether the period has more fields than a whole read may transfer (then no
	 * order was read)
	 */
	record PeriodContent(Map<String, byte[]> orders, String loadToken, boolean complete, boolean oversized) {
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
	 * @param refused orders not written because the stored copy is newer or the order was evicted
	 * recently
	 * @param applied {@code false} if the load was refused whole because the period was dropped
	 * @param replaced whether a full load's first chunk replaced every order of the hash
	 */
	record WriteResult(int written, int refused, boolean applied, boolean replaced) {
	}

	/**
	 * What a write of a load does for a full load of the period (docs/protocol.md, "Operations").
	 * @param replace whether this write removes the orders of the hash that the load did not find
	 * and claims the period for the load, if nothing changed since the token
	 * @param complete whether this write marks the period complete, if the load's claim still holds
	 * @param id the load's identity, the same for all its writes
	 * @param found with {@code replace}, every order number the load found
	 */
	record FullLoad(boolean replace, boolean complete, long id, Collection<String> found) {

		/** Not (this part of) a full load. */
		public static final FullLoad NONE = new FullLoad(false, false, 0, List.of());

		/**
		 * The flags the write script takes.
		 * @return {@code r}, {@code c} or both, a colon and the load's identity
		 */
		public String flags() {
			return (this.replace ? "r" : "") + (this.complete ? "c" : "") + ":" + this.id;
		}

	}

}
