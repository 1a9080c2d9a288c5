package io.fatamorgana.ordercache.sample.order;

import java.time.Duration;
import java.util.Map;

import io.fatamorgana.ordercache.CacheStatistics;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.PeriodStatistics;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A look into the cache, through the starter's {@link OrderCacheService}; the database is never
 * read or changed here. A Redis failure is answered with 503, and every endpoint answers 404 when
 * the cache is turned off with {@code ordercache.enabled=false}. The drop answers 403 unless
 * {@code sample.cache.drop-enabled=true}: the sample has no authentication.
 */
@RestController
@RequestMapping("/cache")
class CacheController {

	private final ObjectProvider<OrderCacheService> cache;

	private final boolean dropEnabled;

	CacheController(ObjectProvider<OrderCacheService> cache, SampleProperties properties) {
		this.cache = cache;
		this.dropEnabled = properties.cache().dropEnabled();
	}

	@GetMapping("/periods/{period}")
	PeriodState period(@PathVariable @PeriodNumber String period) {
		PeriodStatistics statistics = cache().statistics(period);
		Duration ttl = statistics.ttl();
		return new PeriodState(statistics.period(), statistics.orders(), (ttl != null) ? seconds(ttl) : null,
				statistics.complete());
	}

	@GetMapping("/periods/{period}/orders/{orderNo}")
	Map<String, Boolean> order(@PathVariable @PeriodNumber String period, @PathVariable @OrderNumber String orderNo) {
		return Map.of("cached", cache().isOrderCached(period, orderNo));
	}

	@DeleteMapping("/periods/{period}")
	ResponseEntity<Void> evictPeriod(@PathVariable @PeriodNumber String period) {
		OrderCacheService cache = cache();
		if (!this.dropEnabled) {
			throw new DropDisabledException();
		}
		cache.deletePeriodOrders(period);
		return ResponseEntity.noContent().build();
	}

	@GetMapping("/stats")
	Stats statistics() {
		CacheStatistics statistics = cache().statistics();
		return new Stats(statistics.hits(), statistics.misses(), statistics.hitRate(), statistics.writes(),
				statistics.refused(), statistics.evictions(), statistics.skipped(), statistics.failures(),
				statistics.pendingEvictions(), statistics.circuitOpen());
	}

	private OrderCacheService cache() {
		OrderCacheService cache = this.cache.getIfAvailable();
		if (cache == null) {
			throw new CacheDisabledException();
		}
		return cache;
	}

	// Rounded up: a hash that exists never shows 0 seconds, and null alone means "no hash".
	private static long seconds(Duration ttl) {
		return (ttl.toMillis() + 999) / 1000;
	}

	/**
	 * The answer of {@code GET /cache/periods/{period}}.
	 *
	 * @param period the period number
	 * @param count the number of cached orders
	 * @param ttlSeconds the remaining time to live of the period's hash, {@code null} if it does not
	 * exist
	 * @param complete whether the hash holds every order of the period, so that
	 * {@code GET /orders/{period}} is answered from it without a database query
	 */
	record PeriodState(String period, long count, @Nullable Long ttlSeconds, boolean complete) {
	}

	/**
	 * The answer of {@code GET /cache/stats}: the starter's counters since startup.
	 *
	 * @param hits reads answered from Redis
	 * @param misses reads that found nothing usable in Redis
	 * @param hitRate hits / (hits + misses), 0 before the first read
	 * @param writes orders written to Redis
	 * @param refused orders not written because Redis held a newer version or the order had just been
	 * deleted
	 * @param evictions orders or periods removed from Redis
	 * @param skipped orders a batch did not cache because they were invalid
	 * @param failures cache operations that failed (Redis errors or timeouts, calls skipped while the
	 * circuit is open)
	 * @param pendingEvictions evictions that failed and are replayed when Redis answers again
	 * @param circuitOpen whether cache calls are skipped because Redis does not answer
	 */
	record Stats(long hits, long misses, double hitRate, long writes, long refused, long evictions, long skipped,
			long failures, long pendingEvictions, boolean circuitOpen) {
	}

}
