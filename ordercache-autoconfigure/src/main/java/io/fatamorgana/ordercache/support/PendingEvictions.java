package io.fatamorgana.ordercache.support;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * Evictions that could not reach Redis and must not be forgotten: orders whose cached copy may be
 * older than the database, and periods to drop whole. Bounded: past the capacity, an order's whole
 * period is dropped instead, and past that, every period of the prefix. Until an entry is replayed,
 * reads of it are misses, so a Redis that comes back is never read before it has been corrected.
 * <p>
 * Each entry carries a stamp, renewed whenever a failure is recorded again under it: a replay
 * removes an entry only if its stamp is still the one it read before sending the eviction, so a
 * failure recorded while that eviction was on its way is replayed again rather than forgotten.
 */
final class PendingEvictions {

	private final int capacity;

	private final ConcurrentMap<Order, Long> orders = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, Long> periods = new ConcurrentHashMap<>();

	private final AtomicLong stamps = new AtomicLong();

	private final AtomicInteger size = new AtomicInteger();

	private volatile boolean everything;

	private volatile @Nullable String everythingCursor;

	private final AtomicInteger everythingGeneration = new AtomicInteger();

	PendingEvictions(int capacity) {
		this.capacity = capacity;
	}

	void order(String key, String field) {
		Order order = new Order(key, field);
		if (this.everything) {
			restartEverything();
			return;
		}
		if (renew(this.periods, key) || renew(this.orders, order)) {
			return;
		}
		if (reserve()) {
			if (this.orders.putIfAbsent(order, this.stamps.incrementAndGet()) != null) {
				this.size.decrementAndGet();
				renew(this.orders, order);
			}
			return;
		}
		collapse(key);
	}

	/** Turns the remembered orders of a period into one drop of the period, to make room. */
	private void collapse(String key) {
		for (Order order : this.orders.keySet()) {
			if (order.key().equals(key) && this.orders.remove(order) != null) {
				this.size.decrementAndGet();
			}
		}
		period(key);
	}

	void period(String key) {
		if (this.everything) {
			restartEverything();
			return;
		}
		if (renew(this.periods, key)) {
			return;
		}
		if (reserve()) {
			if (this.periods.putIfAbsent(key, this.stamps.incrementAndGet()) != null) {
				this.size.decrementAndGet();
				renew(this.periods, key);
			}
			return;
		}
		this.everything = true;
	}

	/** Gives an entry that already exists a new stamp, so that a replay under way keeps it. */
	private <K> boolean renew(ConcurrentMap<K, Long> entries, K key) {
		return entries.computeIfPresent(key, (k, stamp) -> this.stamps.incrementAndGet()) != null;
	}

	/** Every period of the key prefix is to be dropped, as when even a period finds no room. */
	void all() {
		restartEverything();
		this.everything = true;
	}

	boolean covers(String key, String field) {
		return this.everything || this.periods.containsKey(key)
				|| (!this.orders.isEmpty() && this.orders.containsKey(new Order(key, field)));
	}

	/**
	 * Whether the drop of a whole period waits (or of everything).
	 * @param key the period's key
	 * @return whether it does
	 */
	boolean dropsPeriod(String key) {
		return this.everything || this.periods.containsKey(key);
	}

	boolean coversPeriod(String key) {
		return this.everything || this.periods.containsKey(key)
				|| (!this.orders.isEmpty() && this.orders.keySet().stream().anyMatch((order) -> order.key().equals(key)));
	}

	boolean isEmpty() {
		return !this.everything && this.periods.isEmpty() && this.orders.isEmpty();
	}

	int size() {
		return this.everything ? this.capacity : this.size.get();
	}

	boolean everything() {
		return this.everything;
	}

	/**
	 * Where the replay of "everything" goes on: its SCAN cursor and the generation it belongs to.
	 * @return the position; a cursor of {@code null} starts at the beginning
	 */
	Position everythingPosition() {
		return new Position(this.everythingCursor, this.everythingGeneration.get());
	}

	/**
	 * Records that the replay of "everything" got to a cursor, unless a failure restarted it since.
	 * @param from the position the page started at
	 * @param next the cursor of the next page, or {@code null} when every key was dropped
	 */
	void replayedEverythingUpTo(Position from, @Nullable String next) {
		synchronized (this.everythingGeneration) {
			if (this.everythingGeneration.get() != from.generation()) {
				return;
			}
			if (next != null) {
				this.everythingCursor = next;
			}
			else {
				replayedEverything();
			}
		}
	}

	/** A failure while everything is pending: keys the replay already passed may be stale again. */
	private void restartEverything() {
		synchronized (this.everythingGeneration) {
			this.everythingGeneration.incrementAndGet();
			this.everythingCursor = null;
		}
	}

	/**
	 * A position of the replay of "everything".
	 * @param cursor the SCAN cursor, {@code null} at the start
	 * @param generation increases when a new failure makes the replay start again
	 */
	record Position(@Nullable String cursor, int generation) {
	}

	/**
	 * The periods to drop, each with its stamp.
	 * @return a copy
	 */
	Map<String, Long> periods() {
		return Map.copyOf(this.periods);
	}

	/**
	 * The orders to evict, each with its stamp.
	 * @return a copy
	 */
	Map<Order, Long> orders() {
		return Map.copyOf(this.orders);
	}

	private void replayedEverything() {
		this.everythingCursor = null;
		this.everything = false;
		this.periods.clear();
		this.orders.clear();
		this.size.set(0);
	}

	/**
	 * Forgets a period whose drop reached Redis, unless a failure was recorded under it since.
	 * @param period the period's key
	 * @param stamp the stamp read before the drop was sent
	 */
	void replayed(String period, long stamp) {
		if (this.periods.remove(period, stamp)) {
			this.size.decrementAndGet();
		}
	}

	/**
	 * Forgets an order whose eviction reached Redis, unless a failure was recorded under it since.
	 * @param order the order
	 * @param stamp the stamp read before the eviction was sent
	 */
	void replayed(Order order, long stamp) {
		if (this.orders.remove(order, stamp)) {
			this.size.decrementAndGet();
		}
	}

	private boolean reserve() {
		if (this.size.incrementAndGet() <= this.capacity) {
			return true;
		}
		this.size.decrementAndGet();
		return false;
	}

	/** One order to evict: its period's key and its order number. */
	record Order(String key, String field) {
	}

}
