package io.fatamorgana.ordercache.sample.dashboard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.fatamorgana.ordercache.CacheStatistics;
import io.fatamorgana.ordercache.OrderCacheException;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.PeriodPage;
import io.fatamorgana.ordercache.PeriodStatistics;
import io.fatamorgana.ordercache.sample.dashboard.DashboardHistory.Sample;
import io.fatamorgana.ordercache.sample.order.CacheDisabledException;
import io.fatamorgana.ordercache.warmup.OrderCacheWarmUp;
import io.fatamorgana.ordercache.warmup.WarmUpProgress;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /cache/dashboard}: everything the dashboard page shows, in one answer that never fails
 * because of Redis. The counters are the ones {@code /actuator/ordercache} reports; a Redis that
 * does not answer is reported, not thrown.
 */
@RestController
class DashboardController {

	private final ObjectProvider<OrderCacheService> cache;

	private final ObjectProvider<OrderCacheWarmUp> warmUp;

	private final DashboardHistory history;

	private final DashboardProperties properties;

	DashboardController(ObjectProvider<OrderCacheService> cache, ObjectProvider<OrderCacheWarmUp> warmUp,
			DashboardHistory history, DashboardProperties properties) {
		this.cache = cache;
		this.warmUp = warmUp;
		this.history = history;
		this.properties = properties;
	}

	/**
	 * Reports the cache now and its history.
	 * @param after only samples taken after this time (epoch milliseconds), so that a page that
	 * polls receives each sample once
	 * @return the report
	 */
	@GetMapping("/cache/dashboard")
	Dashboard dashboard(@RequestParam(defaultValue = "0") long after) {
		OrderCacheService cache = this.cache.getIfAvailable();
		if (cache == null) {
			throw new CacheDisabledException();
		}
		List<Period> periods = new ArrayList<>();
		boolean morePeriods = false;
		String problem = null;
		try {
			PeriodPage page = cache.cachedPeriods(null, this.properties.periods());
			List<String> listed = page.periods().stream().sorted().limit(this.properties.periods()).toList();
			morePeriods = page.nextCursor() != null || listed.size() < page.periods().size();
			for (String period : listed) {
				periods.add(describe(cache, period));
			}
		}
		catch (OrderCacheException ex) {
			problem = ex.getMessage();
			periods.clear();
		}
		// Read after the periods, so that the circuit's state includes what reading them found.
		CacheStatistics statistics = cache.statistics();
		OrderCacheWarmUp warmUp = this.warmUp.getIfAvailable();
		return new Dashboard(System.currentTimeMillis(), statistics, statistics.hitRate(),
				new Redis(problem == null && !statistics.circuitOpen(), problem), periods, morePeriods,
				(warmUp != null) ? warmUp.progress() : List.of(), this.properties.sampleInterval().toMillis(),
				this.properties.history().toMillis(), this.history.after(after));
	}

	// One period that did not answer in time is shown as such; the others are still listed.
	private static Period describe(OrderCacheService cache, String period) {
		try {
			return Period.of(cache.statistics(period));
		}
		catch (OrderCacheException ex) {
			return new Period(period, false, 0, null, false, null);
		}
	}

	/**
	 * The answer of {@code GET /cache/dashboard}.
	 *
	 * @param at when it was made, epoch milliseconds
	 * @param statistics the counters since startup, as {@code /actuator/ordercache} reports them
	 * @param hitRate hits / (hits + misses), 0 before the first read
	 * @param redis whether Redis answers
	 * @param periods the cached periods, sorted, at most {@code sample.dashboard.periods}
	 * @param morePeriods whether more periods are cached than listed
	 * @param warmUp the warm-up of each hot period
	 * @param sampleIntervalMs the time between two samples
	 * @param historyMs how far back the history reaches
	 * @param history the samples taken after the time asked for, oldest first
	 */
	record Dashboard(long at, CacheStatistics statistics, double hitRate, Redis redis, List<Period> periods,
			boolean morePeriods, List<WarmUpProgress> warmUp, long sampleIntervalMs, long historyMs,
			List<Sample> history) {
	}

	/**
	 * Whether Redis answers.
	 *
	 * @param reachable whether the cached periods could be listed and the circuit is closed
	 * @param problem why the periods could not be listed, or {@code null}
	 */
	record Redis(boolean reachable, @Nullable String problem) {
	}

	/**
	 * One cached period.
	 *
	 * @param period the period number
	 * @param answered whether Redis described the period in time; when not, the other fields are
	 * unknown
	 * @param orders the number of cached orders
	 * @param ttlSeconds the time left before its hash expires, rounded up; {@code null} when it has
	 * just expired
	 * @param complete whether the hash holds every order of the period
	 * @param memoryBytes the memory the hash takes in Redis, or {@code null} where Redis does not tell
	 */
	record Period(String period, boolean answered, long orders, @Nullable Long ttlSeconds, boolean complete,
			@Nullable Long memoryBytes) {

		static Period of(PeriodStatistics statistics) {
			Duration ttl = statistics.ttl();
			return new Period(statistics.period(), true, statistics.orders(),
					(ttl != null) ? (ttl.toMillis() + 999) / 1000 : null, statistics.complete(),
					statistics.memoryBytes());
		}

	}

}
