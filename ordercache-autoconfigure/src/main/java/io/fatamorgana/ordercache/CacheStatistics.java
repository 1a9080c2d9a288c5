package io.fatamorgana.ordercache;

/**
 * Counters of what the cache did since the application started.
 *
 * @param hits reads answered from Redis
 * @param misses reads that found nothing usable in Redis
 * @param writes orders written to Redis
 * @param refused orders Redis kept from being written because its copy was newer or the order had
 * just been evicted
 * @param evictions orders or periods removed from Redis
 * @param skipped orders a batch did not cache because they were invalid
 * @param failures cache operations that failed (Redis errors or timeouts, calls skipped while the
 * circuit is open, unreadable entries, invalid keys on annotated methods)
 * @param pendingEvictions evictions that failed and this instance waits to replay (with the durable
 * store, those it read from the table, plus one while the table holds rows it has not read yet)
 * @param circuitOpen whether cache calls are currently skipped because Redis did not answer
 */
public record CacheStatistics(long hits, long misses, long writes, long refused, long evictions, long skipped,
		long failures, long pendingEvictions, boolean circuitOpen) {

	/**
	 * The share of reads that were hits.
	 * @return hits / (hits + misses), or 0 when nothing was read
	 */
	public double hitRate() {
		long reads = this.hits + this.misses;
		return (reads != 0) ? (double) this.hits / reads : 0.0;
	}

}
