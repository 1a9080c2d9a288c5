package io.fatamorgana.ordercache.support;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

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

	PendingEvictions(int capacity) {
		this.capacity = capacity;
	}

	void order(String key, String field) {
		Order order = new Order(key, field);
		if (this.everything || this.periods.contains(key) || this.orders.contains(order)) {
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
		if (this.everything || this.periods.contains(key)) {
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

	Set<String> periods() {
		return Set.copyOf(this.periods);
	}

	Set<Order> orders() {
		return Set.copyOf(this.orders);
	}

	void replayedEverything() {
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
