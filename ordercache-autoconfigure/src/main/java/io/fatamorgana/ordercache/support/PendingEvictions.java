package io.fatamorgana.ordercache.support;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Evictions that could not reach Redis and must not be forgotten: orders whose cached copy may be
 * older than the database, and periods to drop whole. Bounded: past the capacity, an order's whole
 * period is dropped instead, and past that, every period of the prefix. Until an entry is replayed,
 * reads of it are misses, so a Redis that comes back is never read before it has been corrected.
 */
final class PendingEvictions {

	private final int capacity;

	private final Set<Order> orders = ConcurrentHashMap.newKeySet();

	private final Set<String> periods = ConcurrentHashMap.newKeySet();

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
		if (this.periods.contains(key) || this.orders.contains(order)) {
			return;
		}
		if (reserve()) {
			if (!this.orders.add(order)) {
				this.size.decrementAndGet();
			}
			return;
		}
		collapse(key);
	}

	/** Turns the remembered orders of a period into one drop of the period, to make room. */
	private void collapse(String key) {
		for (Order order : this.orders) {
			if (order.key().equals(key) && this.orders.remove(order)) {
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
		if (this.periods.contains(key)) {
			return;
		}
		if (reserve()) {
			if (!this.periods.add(key)) {
				this.size.decrementAndGet();
			}
			return;
		}
		this.everything = true;
	}

	boolean covers(String key, String field) {
		return this.everything || this.periods.contains(key)
				|| (!this.orders.isEmpty() && this.orders.contains(new Order(key, field)));
	}

	boolean coversPeriod(String key) {
		return this.everything || this.periods.contains(key)
				|| (!this.orders.isEmpty() && this.orders.stream().anyMatch((order) -> order.key().equals(key)));
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

	Set<String> periods() {
		return Set.copyOf(this.periods);
	}

	Set<Order> orders() {
		return Set.copyOf(this.orders);
	}

	private void replayedEverything() {
		this.everythingCursor = null;
		this.everything = false;
		this.periods.clear();
		this.orders.clear();
		this.size.set(0);
	}

	void replayed(String period) {
		if (this.periods.remove(period)) {
			this.size.decrementAndGet();
		}
	}

	void replayed(Order order) {
		if (this.orders.remove(order)) {
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
