package io.fatamorgana.ordercache.sample.order;

import javax.sql.DataSource;

import io.fatamorgana.ordercache.OrderCacheException;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.PeriodPage;
import io.fatamorgana.ordercache.autoconfigure.OrderCacheProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.stereotype.Component;

/**
 * Drops every cached period of the cache's key prefix once at startup when the database does not
 * survive a restart: an embedded in-memory database, such as the sample's default H2
 * ({@code jdbc:h2:mem:}, configured or Boot's embedded default).
 * <p>
 * Why: order numbers come from counters in the database ({@link OrderNumbers}). A new run on a
 * fresh in-memory database numbers the orders of a period from 1 again, while a Redis that kept its
 * data still holds the previous run's orders under the same period keys and order numbers: a read
 * of an order the new run has not created yet would be answered from the cache with the previous
 * run's order, and a period the previous run cached completely would be served whole. When the
 * database a cached copy came from is gone, no cached copy can be trusted, so they are all dropped
 * (through {@link OrderCacheService#cachedPeriods} and {@link OrderCacheService#deletePeriodOrders})
 * after every bean is ready and before the web server takes requests and the warm-up fills the hot
 * periods again.
 * <p>
 * This is demo behaviour suited to an in-memory database. With a database that survives a restart
 * (PostgreSQL, MariaDB, an H2 file) the cached orders are copies of orders the database still holds
 * and nothing is dropped. Turned off with {@code sample.cache.reset-on-volatile-database=false};
 * nothing to do when the cache is off ({@code ordercache.enabled=false}).
 * <p>
 * Fails open: a Redis that does not answer never fails startup. A period whose drop fails is
 * remembered by the cache, which serves none of its orders until the drop has been replayed; if the
 * periods cannot even be listed, a warning says so, and the previous run's orders stay in Redis
 * until their TTL ends or they are dropped with {@code DELETE /cache/periods/{period}}.
 */
@Component
class CacheResetOnVolatileDatabase implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(CacheResetOnVolatileDatabase.class);

	private static final int PAGE_SIZE = 500;

	private final ObjectProvider<OrderCacheService> cache;

	private final ObjectProvider<OrderCacheProperties> cacheProperties;

	private final DataSource dataSource;

	private final SampleProperties properties;

	CacheResetOnVolatileDatabase(ObjectProvider<OrderCacheService> cache,
			ObjectProvider<OrderCacheProperties> cacheProperties, DataSource dataSource, SampleProperties properties) {
		this.cache = cache;
		this.cacheProperties = cacheProperties;
		this.dataSource = dataSource;
		this.properties = properties;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (!this.properties.cache().resetOnVolatileDatabase()) {
			return;
		}
		OrderCacheService service = this.cache.getIfAvailable();
		if (service != null && EmbeddedDatabaseConnection.isEmbedded(this.dataSource)) {
			reset(service);
		}
	}

	private void reset(OrderCacheService service) {
		String prefix = prefix();
		long dropped = 0;
		long withOrders = 0;
		long remembered = 0;
		try {
			String cursor = null;
			do {
				PeriodPage page = service.cachedPeriods(cursor, PAGE_SIZE);
				for (String period : page.periods()) {
					try {
						withOrders += service.deletePeriodOrders(period) ? 1 : 0;
						dropped++;
					}
					catch (OrderCacheException ex) {
						// The cache keeps the drop and replays it when Redis answers again.
						remembered++;
					}
				}
				cursor = page.nextCursor();
			}
			while (cursor != null);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not drop the cached periods of key prefix '" + prefix + "' at startup (" + dropped
					+ " dropped, " + remembered + " to be dropped when Redis answers again): " + ex.getMessage()
					+ ". The database is in memory and did not survive the restart, so orders a previous run"
					+ " cached may be served until their TTL ends; DELETE /cache/periods/{period} drops a period");
			return;
		}
		String result = periods(dropped) + " of key prefix '" + prefix + "' (" + withOrders
				+ " with orders)" + ((remembered > 0)
						? ", " + remembered + " more to be dropped when Redis answers again (not served meanwhile)" : "");
		logger.info("Dropped " + result + " at startup: the database is in memory and did not survive the"
				+ " restart, so what a previous run cached cannot be trusted"
				+ " (sample.cache.reset-on-volatile-database=false keeps it)");
	}

	private static String periods(long count) {
		return count + ((count == 1) ? " cached period" : " cached periods");
	}

	private String prefix() {
		OrderCacheProperties properties = this.cacheProperties.getIfAvailable();
		return (properties != null) ? properties.getKeyPrefix() : "(unknown)";
	}

}
