package io.fatamorgana.ordercache.support;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
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

	private final Map<Failure, LongAdder> failures = new EnumMap<>(Failure.class);

	/** Creates counters at zero. */
	public OrderCacheCounters() {
		for (Failure failure : Failure.values()) {
			this.failures.put(failure, new LongAdder());
		}
	}

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

	/**
	 * Counts a failed cache operation.
	 * @param cause what kind of failure it was
	 */
	public void failed(Failure cause) {
		this.failures.get(cause).increment();
	}

	/**
	 * Reads the failures of one kind.
	 * @param cause the kind
	 * @return how many there were
	 */
	public long failures(Failure cause) {
		return this.failures.get(cause).sum();
	}

	/** What kind of failure a failed cache operation had. */
	public enum Failure {

		/** Redis did not answer in time, the connection failed, or it answered with an error. */
		REDIS,

		/** Redis was not called because the circuit was open. */
		SKIPPED,

		/** An entry could not be read as an order, or a key held something other than a hash. */
		UNREADABLE,

		/** An annotated method's call gave an invalid key or an expression failed on its data. */
		INVALID;

		/**
		 * The tag value of this kind.
		 * @return the lower-case name
		 */
		public String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	/**
	 * Reads all counters.
	 * @param pendingEvictions evictions waiting for Redis
	 * @param circuitOpen whether the circuit breaker is open
	 * @return a snapshot
	 */
	public CacheStatistics snapshot(long pendingEvictions, boolean circuitOpen) {
		return new CacheStatistics(this.hits.sum(), this.misses.sum(), this.writes.sum(), this.refused.sum(),
				this.evictions.sum(), this.skipped.sum(),
				this.failures.values().stream().mapToLong(LongAdder::sum).sum(), pendingEvictions, circuitOpen);
	}

}
