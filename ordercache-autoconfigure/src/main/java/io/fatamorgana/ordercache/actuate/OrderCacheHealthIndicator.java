package io.fatamorgana.ordercache.actuate;

import java.util.List;

import io.fatamorgana.ordercache.CacheStatistics;
import io.fatamorgana.ordercache.redis.CircuitBreakers;
import io.fatamorgana.ordercache.redis.OrderHashStore;
import io.fatamorgana.ordercache.support.FailureLog;
import io.fatamorgana.ordercache.support.OrderCacheEngine;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.dao.DataAccessException;

/**
 * Reports whether the cache's Redis answers (PING, with the cache's own timeout) and the state of
 * the circuit breakers: {@code circuit} is {@code open} while any is, and on Redis Cluster
 * {@code openNodes} lists the primaries whose calls are skipped. The application works without its cache, so by default an unreachable Redis
 * is reported in the details and the status stays UP; with
 * {@code ordercache.health.down-when-unavailable=true} it is DOWN.
 */
public final class OrderCacheHealthIndicator extends AbstractHealthIndicator {

	private final OrderHashStore store;

	private final OrderCacheEngine engine;

	private final boolean downWhenUnavailable;

	private final CircuitBreakers circuitBreakers;

	/**
	 * Creates the indicator.
	 * @param store the store to ping
	 * @param engine the engine whose breaker and pending evictions are reported
	 * @param downWhenUnavailable whether an unreachable Redis makes the status DOWN
	 * @param circuitBreakers the breakers whose open Cluster nodes are listed
	 */
	public OrderCacheHealthIndicator(OrderHashStore store, OrderCacheEngine engine, boolean downWhenUnavailable,
			CircuitBreakers circuitBreakers) {
		super("Order cache health check failed");
		this.store = store;
		this.engine = engine;
		this.downWhenUnavailable = downWhenUnavailable;
		this.circuitBreakers = circuitBreakers;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		CacheStatistics statistics = this.engine.statistics();
		builder.withDetail("circuit", statistics.circuitOpen() ? "open" : "closed")
			.withDetail("pendingEvictions", statistics.pendingEvictions())
			.withDetail("pendingEvictionsStore", this.engine.pendingEvictionsStore());
		List<String> openNodes = this.circuitBreakers.openNodeAddresses();
		if (!openNodes.isEmpty()) {
			builder.withDetail("openNodes", openNodes);
		}
		try {
			this.store.ping();
			builder.up().withDetail("redis", "reachable");
		}
		catch (DataAccessException ex) {
			builder.withDetail("redis", "unreachable: " + FailureLog.describe(ex));
			if (this.downWhenUnavailable) {
				builder.down();
			}
			else {
				builder.up().withDetail("impact", "orders are read from the database until Redis answers");
			}
		}
	}

}
