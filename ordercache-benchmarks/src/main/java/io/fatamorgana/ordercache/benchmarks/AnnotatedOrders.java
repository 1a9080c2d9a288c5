package io.fatamorgana.ordercache.benchmarks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.fatamorgana.ordercache.annotation.CacheOrder;
import io.fatamorgana.ordercache.annotation.CachedOrder;
import org.jspecify.annotations.Nullable;

/**
 * A user's order service with ordercache's annotations; its "database" is a map, so that what is
 * measured is the cache.
 */
public class AnnotatedOrders {

	private final Map<String, BenchOrder> database = new ConcurrentHashMap<>();

	private final AtomicLong loads = new AtomicLong();

	/**
	 * Reads an order through the cache.
	 * @param period the period number
	 * @param orderNo the order number
	 * @return the order, or {@code null}
	 */
	@CachedOrder(period = "#period", orderNo = "#orderNo")
	public @Nullable BenchOrder find(String period, String orderNo) {
		this.loads.incrementAndGet();
		return this.database.get(orderNo);
	}

	/**
	 * The same read without the cache: the baseline of the aspect's overhead.
	 * @param period the period number
	 * @param orderNo the order number
	 * @return the order, or {@code null}
	 */
	public @Nullable BenchOrder findWithoutCache(String period, String orderNo) {
		return this.database.get(orderNo);
	}

	/**
	 * Saves an order and caches it.
	 * @param order the order
	 * @return the order
	 */
	@CacheOrder
	public BenchOrder save(BenchOrder order) {
		this.database.put(order.orderNo(), order);
		return order;
	}

	/**
	 * The same save without the cache: the baseline of the aspect's overhead.
	 * @param order the order
	 * @return the order
	 */
	public BenchOrder saveWithoutCache(BenchOrder order) {
		this.database.put(order.orderNo(), order);
		return order;
	}

	/**
	 * How often the cached read ran its body: each time is a cache miss.
	 * @return the number of loads
	 */
	public long loads() {
		return this.loads.get();
	}

}
