package io.fatamorgana.ordercache.sample.order;

import java.util.List;

import io.fatamorgana.ordercache.BatchResult;
import io.fatamorgana.ordercache.OrderCacheException;
import io.fatamorgana.ordercache.OrderCacheService;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Loads the hot periods of {@code sample.warm-up.periods} from the database into the cache at
 * startup with {@link OrderCacheService#loadPeriod}, which marks each one complete, so that their
 * first readers are answered from Redis. A Redis failure is logged and startup goes on; with the
 * cache turned off there is nothing to warm up.
 */
@Component
class CacheWarmUp implements ApplicationRunner {

	private static final Log logger = LogFactory.getLog(CacheWarmUp.class);

	private final OrderRepository repository;

	private final ObjectProvider<OrderCacheService> cache;

	private final List<String> periods;

	CacheWarmUp(OrderRepository repository, ObjectProvider<OrderCacheService> cache, SampleProperties properties) {
		this.repository = repository;
		this.cache = cache;
		this.periods = properties.warmUp().periods();
	}

	@Override
	public void run(ApplicationArguments args) {
		if (this.periods.isEmpty()) {
			return;
		}
		OrderCacheService cache = this.cache.getIfAvailable();
		if (cache == null) {
			logger.info("Warm-up skipped: the order cache is disabled (ordercache.enabled=false)");
			return;
		}
		for (String period : this.periods) {
			try {
				BatchResult result = cache.loadPeriod(period, () -> this.repository.findByPeriod(period));
				logger.info("Warm-up: cached " + result.cached() + " orders of period " + period
						+ ((result.skipped().isEmpty()) ? "" : ", skipped " + result.skipped().size()));
			}
			catch (OrderCacheException ex) {
				logger.warn("Warm-up: could not cache period " + period + ": " + ex.getMessage());
			}
		}
	}

}
