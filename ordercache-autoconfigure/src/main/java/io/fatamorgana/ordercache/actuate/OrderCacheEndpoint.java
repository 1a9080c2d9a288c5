package io.fatamorgana.ordercache.actuate;

import java.util.List;

import io.fatamorgana.ordercache.CacheStatistics;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.PeriodPage;
import io.fatamorgana.ordercache.PeriodStatistics;
import io.fatamorgana.ordercache.support.OrderCacheEngine;
import io.fatamorgana.ordercache.warmup.OrderCacheWarmUp;
import io.fatamorgana.ordercache.warmup.WarmUpProgress;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code ordercache} Actuator endpoint: {@code GET} the statistics, the number of cached periods
 * and one page of them ({@code ?cursor=&limit=}), {@code GET /{period}} one period, {@code DELETE /{period}} drop
 * a period's hash (the database is untouched).
 */
@Endpoint(id = "ordercache")
public class OrderCacheEndpoint {

	private static final int DEFAULT_LIMIT = 100;

	private final OrderCacheService service;

	private static final int COUNT_LIMIT = 10_000;

	private final @Nullable OrderCacheWarmUp warmUp;

	private final OrderCacheEngine engine;

	/**
	 * Creates the endpoint.
	 * @param service the cache service it reports on
	 * @param engine counts the cached periods
	 * @param warmUp the warm-up whose progress it reports, or {@code null} when there is none
	 */
	public OrderCacheEndpoint(OrderCacheService service, OrderCacheEngine engine, @Nullable OrderCacheWarmUp warmUp) {
		this.service = service;
		this.engine = engine;
		this.warmUp = warmUp;
	}

	/**
	 * Reports the counters and one page of cached periods.
	 * @param cursor the cursor of the page, from the previous answer
	 * @param limit about how many periods to list (default 100)
	 * @return the report
	 */
	@ReadOperation
	public CacheDescriptor cache(@Nullable String cursor, @Nullable Integer limit) {
		PeriodPage page = this.service.cachedPeriods(cursor, (limit != null) ? limit : DEFAULT_LIMIT);
		CacheStatistics statistics = this.service.statistics();
		return new CacheDescriptor(statistics, statistics.hitRate(), this.engine.pendingEvictionsStore(),
				this.engine.countPeriods(COUNT_LIMIT), page, (this.warmUp != null) ? this.warmUp.progress() : List.of());
	}

	/**
	 * Reports one period.
	 * @param period the period number
	 * @return its statistics
	 */
	@ReadOperation
	public PeriodStatistics period(@Selector String period) {
		return this.service.statistics(period);
	}

	/**
	 * Drops one period's hash.
	 * @param period the period number
	 * @return whether it held orders
	 */
	@DeleteOperation
	public DroppedDescriptor drop(@Selector String period) {
		return new DroppedDescriptor(period, this.service.deletePeriodOrders(period));
	}

	/**
	 * The endpoint's report.
	 * @param statistics the counters since startup
	 * @param hitRate the share of reads that were hits
	 * @param pendingEvictionsStore where evictions that could not reach Redis are kept: {@code memory}, or
	 * the durable store, such as {@code jdbc (table ordercache_pending_eviction)}
	 * @param cachedPeriods how many periods have a hash, counted by SCAN up to 10,000
	 * @param periods one page of cached periods
	 * @param warmUp the progress of the warm-up of each hot period
	 */
	public record CacheDescriptor(CacheStatistics statistics, double hitRate, String pendingEvictionsStore,
			OrderCacheEngine.PeriodCount cachedPeriods, PeriodPage periods, List<WarmUpProgress> warmUp) {
	}

	/**
	 * The answer to a drop.
	 * @param period the period number
	 * @param dropped whether the period held orders
	 */
	public record DroppedDescriptor(String period, boolean dropped) {
	}

}
