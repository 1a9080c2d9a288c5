package io.fatamorgana.ordercache.benchmarks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import org.springframework.cache.annotation.Cacheable;

/**
 * The same service with Spring's {@code @Cacheable} on a {@code RedisCacheManager}: the peer a Spring
 * user would reach for first.
 */
public class SpringCachedOrders {

	private final Map<String, BenchOrder> database = new ConcurrentHashMap<>();

	private final AtomicLong loads = new AtomicLong();

	/**
	 * Reads an order through Spring's cache.
	 * @param period the period number
	 * @param orderNo the order number
	 * @return the order, or {@code null}
	 */
	@Cacheable(cacheNames = BenchApplication.SPRING_CACHE, key = "#orderNo", unless = "#result == null")
	public @Nullable BenchOrder find(String period, String orderNo) {
		this.loads.incrementAndGet();
		return this.database.get(orderNo);
	}

	/**
	 * Puts an order into the "database" without caching it.
	 * @param order the order
	 */
	public void store(BenchOrder order) {
		this.database.put(order.orderNo(), order);
	}

	/**
	 * How often the cached read ran its body: each time is a cache miss.
	 * @return the number of loads
	 */
	public long loads() {
		return this.loads.get();
	}

}
