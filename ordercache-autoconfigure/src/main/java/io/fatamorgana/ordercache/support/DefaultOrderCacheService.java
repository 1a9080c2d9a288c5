package io.fatamorgana.ordercache.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.fatamorgana.ordercache.BatchResult;
import io.fatamorgana.ordercache.CacheStatistics;
import io.fatamorgana.ordercache.OrderCacheException;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.OrderIdentity;
import io.fatamorgana.ordercache.OrderIdentityResolver;
import io.fatamorgana.ordercache.codec.OrderCodec;
import io.fatamorgana.ordercache.key.OrderKeys;
import io.fatamorgana.ordercache.redis.OrderHashStore;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;

import org.springframework.dao.DataAccessException;
import org.springframework.util.Assert;

/**
 * The {@link OrderCacheService}: validates keys, converts orders with the {@link OrderCodec} and
 * hands bytes to the {@link OrderHashStore}. Input is checked completely before Redis is called.
 */
public final class DefaultOrderCacheService implements OrderCacheService {

	private final OrderHashStore store;

	private final OrderCodec codec;

	private final OrderKeys keys;

	private final OrderIdentityResolver identityResolver;

	private final OrderCacheCounters counters;

	private final FailureLog failureLog;

	private final Duration ttl;

	private final int batchChunkSize;

	/**
	 * Creates the service.
	 * @param store where hashes are stored
	 * @param codec the JSON conversion
	 * @param keys key naming and validation
	 * @param identityResolver reads an order's period and order number
	 * @param counters the statistics to update
	 * @param failureLog where unreadable entries are reported
	 * @param ttl the time to live of a period's hash, positive
	 * @param batchChunkSize the most orders written by one command of a batch, positive
	 */
	public DefaultOrderCacheService(OrderHashStore store, OrderCodec codec, OrderKeys keys,
			OrderIdentityResolver identityResolver, OrderCacheCounters counters, FailureLog failureLog,
			Duration ttl, int batchChunkSize) {
		Assert.isTrue(!ttl.isNegative() && !ttl.isZero(), "ttl must be positive");
		Assert.isTrue(batchChunkSize > 0, "batchChunkSize must be positive");
		this.store = store;
		this.codec = codec;
		this.keys = keys;
		this.identityResolver = identityResolver;
		this.counters = counters;
		this.failureLog = failureLog;
		this.ttl = ttl;
		this.batchChunkSize = batchChunkSize;
	}

	@Override
	public void cacheOrder(Object order) {
		Assert.notNull(order, "order must not be null");
		OrderIdentity identity = this.identityResolver.resolve(order);
		cacheOrder(identity.period(), identity.orderNo(), order);
	}

	@Override
	public void cacheOrder(String period, String orderNo, Object order) {
		String key = this.keys.periodKey(period);
		String field = this.keys.orderNo(orderNo);
		Assert.notNull(order, "order must not be null");
		byte[] json = encode(order, field);
		redis(() -> "Could not cache order " + field + " in " + key,
				() -> this.store.put(key, Map.of(field, json), this.ttl));
		this.counters.written(1);
	}

	@Override
	public BatchResult batchCacheOrders(Collection<?> orders) {
		Assert.notNull(orders, "orders must not be null");
		Map<String, Map<String, byte[]>> byKey = new LinkedHashMap<>();
		List<BatchResult.Skipped> skipped = new ArrayList<>();
		int index = 0;
		for (Object order : orders) {
			String orderNo = null;
			try {
				Assert.notNull(order, "order is null");
				OrderIdentity identity = this.identityResolver.resolve(order);
				orderNo = identity.orderNo();
				String key = this.keys.periodKey(identity.period());
				String field = this.keys.orderNo(orderNo);
				byKey.computeIfAbsent(key, (k) -> new LinkedHashMap<>()).put(field, encode(order, field));
			}
			catch (IllegalArgumentException ex) {
				skipped.add(new BatchResult.Skipped(index, orderNo, ex.getMessage()));
			}
			index++;
		}
		this.counters.skipped(skipped.size());
		int cached = 0;
		for (Map.Entry<String, Map<String, byte[]>> period : byKey.entrySet()) {
			for (Map<String, byte[]> chunk : chunks(period.getValue())) {
				redis(() -> "Could not cache a batch of " + chunk.size() + " orders in " + period.getKey(),
						() -> this.store.put(period.getKey(), chunk, this.ttl));
				cached += chunk.size();
				this.counters.written(chunk.size());
			}
		}
		return new BatchResult(cached, skipped);
	}

	@Override
	public <T> List<T> getOrdersByPeriod(String period, Class<T> orderType) {
		String key = this.keys.periodKey(period);
		Assert.notNull(orderType, "orderType must not be null");
		Map<String, byte[]> entries = redis(() -> "Could not read " + key, () -> this.store.entries(key));
		List<T> orders = new ArrayList<>(entries.size());
		for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
			T order = decode(key, entry.getKey(), entry.getValue(), orderType);
			if (order != null) {
				orders.add(order);
			}
		}
		if (entries.isEmpty()) {
			this.counters.miss();
		}
		else {
			this.counters.hit();
		}
		return orders;
	}

	@Override
	public <T> Optional<T> getOrder(String period, String orderNo, Class<T> orderType) {
		String key = this.keys.periodKey(period);
		String field = this.keys.orderNo(orderNo);
		Assert.notNull(orderType, "orderType must not be null");
		byte[] json = redis(() -> "Could not read order " + field + " in " + key, () -> this.store.get(key, field));
		T order = (json != null) ? decode(key, field, json, orderType) : null;
		if (order != null) {
			this.counters.hit();
		}
		else {
			this.counters.miss();
		}
		return Optional.ofNullable(order);
	}

	@Override
	public long getOrderCount(String period) {
		String key = this.keys.periodKey(period);
		return redis(() -> "Could not count the orders in " + key, () -> this.store.size(key));
	}

	@Override
	public boolean isOrderCached(String period, String orderNo) {
		String key = this.keys.periodKey(period);
		String field = this.keys.orderNo(orderNo);
		return redis(() -> "Could not look up order " + field + " in " + key, () -> this.store.exists(key, field));
	}

	@Override
	public boolean deleteOrder(String period, String orderNo) {
		String key = this.keys.periodKey(period);
		String field = this.keys.orderNo(orderNo);
		boolean removed = redis(() -> "Could not remove order " + field + " from " + key,
				() -> this.store.delete(key, field));
		this.counters.evicted();
		return removed;
	}

	@Override
	public boolean deletePeriodOrders(String period) {
		String key = this.keys.periodKey(period);
		boolean removed = redis(() -> "Could not remove " + key, () -> this.store.deleteKey(key));
		this.counters.evicted();
		return removed;
	}

	@Override
	public CacheStatistics statistics() {
		return this.counters.snapshot();
	}

	private List<Map<String, byte[]>> chunks(Map<String, byte[]> entries) {
		if (entries.size() <= this.batchChunkSize) {
			return List.of(entries);
		}
		List<Map<String, byte[]>> chunks = new ArrayList<>();
		Map<String, byte[]> chunk = new LinkedHashMap<>();
		for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
			chunk.put(entry.getKey(), entry.getValue());
			if (chunk.size() == this.batchChunkSize) {
				chunks.add(chunk);
				chunk = new LinkedHashMap<>();
			}
		}
		if (!chunk.isEmpty()) {
			chunks.add(chunk);
		}
		return chunks;
	}

	private byte[] encode(Object order, String orderNo) {
		try {
			return this.codec.encode(order);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Order " + orderNo + " cannot be written as JSON: "
					+ FailureLog.describe(ex), ex);
		}
	}

	private <T> @Nullable T decode(String key, String field, byte[] json, Class<T> orderType) {
		try {
			return this.codec.decode(json, orderType);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			this.counters.failed();
			this.failureLog.warn("read", "removing unreadable order " + field + " in " + key, ex);
			try {
				this.store.deleteIfEquals(key, field, json);
			}
			catch (DataAccessException removalFailure) {
				this.failureLog.warn("repair", "could not remove unreadable order " + field + " in " + key,
						removalFailure);
			}
			return null;
		}
	}

	private void redis(Supplier<String> description, Runnable command) {
		redis(description, () -> {
			command.run();
			return Boolean.TRUE;
		});
	}

	private <R extends @Nullable Object> R redis(Supplier<String> description, Supplier<R> command) {
		try {
			return command.get();
		}
		catch (DataAccessException ex) {
			this.counters.failed();
			throw new OrderCacheException(description.get(), ex);
		}
	}

}
