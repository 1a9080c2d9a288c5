package io.fatamorgana.ordercache.actuate;

import java.util.List;
import java.util.function.Supplier;

import io.fatamorgana.ordercache.CacheStatistics;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.PeriodPage;
import io.fatamorgana.ordercache.PeriodStatistics;
import io.fatamorgana.ordercache.near.NearCache;
import io.fatamorgana.ordercache.near.NearCacheStatistics;
import io.fatamorgana.ordercache.redis.CircuitBreakers;
import io.fatamorgana.ordercache.support.OrderCacheEngine;
import io.fatamorgana.ordercache.warmup.OrderCacheWarmUp;
import io.fatamorgana.ordercache.warmup.WarmUpProgress;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code ordercache} Actuator endpoint: {@code GET} the statistics, the number of cached periods
 * and one page of them ({@code ?cursor=&limit=}), {@code GET /{period}} one period, {@code DELETE /{period}} drop
 * a period's hash (the database is untouched).
 * <p>
 * Read-only unless the user grants more: the drop is reachable only with
 * {@code management.endpoint.ordercache.access=unrestricted}. Bad input is refused with
 * {@link InvalidEndpointRequestException} (400 over HTTP) before Redis is asked anything.
 */
@Endpoint(id = "ordercache", defaultAccess = Access.READ_ONLY)
public class OrderCacheEndpoint {

	private static final int DEFAULT_LIMIT = 100;

	static final int MAX_LIMIT = 1_000;

	private static final int COUNT_LIMIT = 10_000;

	private final OrderCacheService service;

	private final @Nullable OrderCacheWarmUp warmUp;

	private final OrderCacheEngine engine;

	private final CircuitBreakers circuitBreakers;

	private final @Nullable NearCache nearCache;

	/**
	 * Creates the endpoint.
	 * @param service the cache service it reports on
	 * @param engine counts the cached periods
	 * @param warmUp the warm-up whose progress it reports, or {@code null} when there is none
	 * @param circuitBreakers the breakers whose open Cluster nodes it reports
	 */
	public OrderCacheEndpoint(OrderCacheService service, OrderCacheEngine engine, @Nullable OrderCacheWarmUp warmUp,
			CircuitBreakers circuitBreakers) {
		this(service, engine, warmUp, circuitBreakers, null);
	}

	/**
	 * Creates the endpoint.
	 * @param service the cache service it reports on
	 * @param engine counts the cached periods
	 * @param warmUp the warm-up whose progress it reports, or {@code null} when there is none
	 * @param circuitBreakers the breakers whose open Cluster nodes it reports
	 * @param nearCache the near cache whose state it reports, or {@code null} when it is off
	 */
	public OrderCacheEndpoint(OrderCacheService service, OrderCacheEngine engine, @Nullable OrderCacheWarmUp warmUp,
			CircuitBreakers circuitBreakers, @Nullable NearCache nearCache) {
		this.service = service;
		this.engine = engine;
		this.warmUp = warmUp;
		this.circuitBreakers = circuitBreakers;
		this.nearCache = nearCache;
	}

	/**
	 * Reports the counters and one page of cached periods.
	 * @param cursor the cursor of the page, from the previous answer
	 * @param limit about how many periods to list (default 100, at most 1000)
	 * @return the report
	 * @throws InvalidEndpointRequestException if the cursor or the limit is invalid
	 */
	@ReadOperation
	public CacheDescriptor cache(@Nullable String cursor, @Nullable Integer limit) {
		int pageSize = (limit != null) ? limit : DEFAULT_LIMIT;
		if (pageSize < 1 || pageSize > MAX_LIMIT) {
			throw invalid("Invalid limit " + pageSize + ": must be between 1 and " + MAX_LIMIT);
		}
		PeriodPage page = validated(() -> this.service.cachedPeriods(cursor, pageSize));
		CacheStatistics statistics = this.service.statistics();
		return new CacheDescriptor(statistics, statistics.hitRate(), this.engine.pendingEvictionsStore(),
				this.engine.countPeriods(COUNT_LIMIT), page, (this.warmUp != null) ? this.warmUp.progress() : List.of(),
				this.circuitBreakers.openNodeAddresses(), (this.nearCache != null) ? new NearCacheDescriptor(
						this.nearCache.subscribed(), this.nearCache.trusted(), this.nearCache.statistics()) : null);
	}

	/**
	 * Reports one period.
	 * @param period the period number
	 * @return its statistics
	 * @throws InvalidEndpointRequestException if the period number is invalid
	 */
	@ReadOperation
	public PeriodStatistics period(@Selector String period) {
		return validated(() -> this.service.statistics(period));
	}

	/**
	 * Drops one period's hash.
	 * @param period the period number
	 * @return whether it held orders
	 * @throws InvalidEndpointRequestException if the period number is invalid
	 */
	@DeleteOperation
	public DroppedDescriptor drop(@Selector String period) {
		return new DroppedDescriptor(period, validated(() -> this.service.deletePeriodOrders(period)));
	}

	/** The service checks its arguments before it talks to Redis; what it refuses is the caller's mistake. */
	private static <T> T validated(Supplier<T> operation) {
		try {
			return operation.get();
		}
		catch (IllegalArgumentException ex) {
			throw invalid(String.valueOf(ex.getMessage()));
		}
	}

	private static InvalidEndpointRequestException invalid(String reason) {
		return new InvalidEndpointRequestException(reason, reason);
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
	 * @param openNodes on Redis Cluster, {@code host:port} of the primaries whose circuit is open (the
	 * calls for their slots are skipped); {@code statistics.circuitOpen} is true while any circuit is
	 * @param nearCache the near cache's state, {@code null} when it is off
	 */
	public record CacheDescriptor(CacheStatistics statistics, double hitRate, String pendingEvictionsStore,
			OrderCacheEngine.PeriodCount cachedPeriods, PeriodPage periods, List<WarmUpProgress> warmUp,
			List<String> openNodes, @Nullable NearCacheDescriptor nearCache) {
	}

	/**
	 * The near cache's state.
	 * @param subscribed whether its channel's subscription is confirmed
	 * @param trusted whether reads are answered from memory now (subscribed, heartbeats arrive, every
	 * circuit closed)
	 * @param statistics what it did since startup
	 */
	public record NearCacheDescriptor(boolean subscribed, boolean trusted, NearCacheStatistics statistics) {
	}

	/**
	 * The answer to a drop.
	 * @param period the period number
	 * @param dropped whether the period held orders
	 */
	public record DroppedDescriptor(String period, boolean dropped) {
	}

}
