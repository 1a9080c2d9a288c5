package io.fatamorgana.ordercache.support;

import java.util.concurrent.atomic.LongAdder;

import io.fatamorgana.ordercache.CacheStatistics;
import io.fatamorgana.ordercache.OrderCacheService;

/**
 * Counts what the cache does, apart from the I/O that does it. Shared by the service and the
 * annotation interceptor; read through {@link OrderCacheService#statistics()}.
 */
public final class OrderCacheCounters {

	private final LongAdder hits = new LongAdder();

	private final LongAdder misses = new LongAdder();

	private final LongAdder writes = new LongAdder();

	private final LongAdder refused = new LongAdder();

	private final LongAdder evictions = new LongAdder();

	private final LongAdder skipped = new LongAdder();

	private final LongAdder failures = new LongAdder();

	/** Counts a read answered from Redis. */
	public void hit() {
		this.hits.increment();
	}

	/** Counts a read that found nothing usable. */
	public void miss() {
		this.misses.increment();
	}

	/**
	 * Counts orders written.
	 * @param count how many
	 */
	public void written(long count) {
		this.writes.add(count);
	}

	/**
	 * Counts orders Redis refused to overwrite.
	 * @param count how many
	 */
	public void refused(long count) {
		this.refused.add(count);
	}

	/** Counts an order or a period removed. */
	public void evicted() {
		this.evictions.increment();
	}

	/**
	 * Counts orders a batch skipped.
	 * @param count how many
	 */
	public void skipped(long count) {
		this.skipped.add(count);
	}

	/** Counts a failed cache operation. */
	public void failed() {
		this.failures.increment();
	}

	/**
	 * Reads all counters.
	 * @param pendingEvictions evictions waiting for Redis
	 * @param circuitOpen whether the circuit breaker is open
	 * @return a snapshot
	 */
	public CacheStatistics snapshot(long pendingEvictions, boolean circuitOpen) {
		return new CacheStatistics(this.hits.sum(), this.misses.sum(), this.writes.sum(), this.refused.sum(),
				this.evictions.sum(), this.skipped.sum(), this.failures.sum(), pendingEvictions, circuitOpen);
	}

}
