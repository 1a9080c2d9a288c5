package io.fatamorgana.ordercache.support;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fatamorgana.ordercache.BatchResult;
import io.fatamorgana.ordercache.OrderIdentity;
import io.fatamorgana.ordercache.OrderIdentityResolver;
import io.fatamorgana.ordercache.codec.OrderCodec;
import io.fatamorgana.ordercache.codec.VersionFields;
import io.fatamorgana.ordercache.key.OrderKeys;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;

import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.util.Assert;

/**
 * Turns orders into what the cache writes, checking everything first: the key, that the order is
 * the one its key names, that its JSON fits {@code ordercache.max-entry-size}; and back into fresh
 * objects for callers that must not share one.
 */
final class OrderEncoder {

	// By name: the starter does not depend on JPA. Hibernate's proxies subclass the entity.
	private static final ClassValue<Boolean> FLUSHED_AT_COMMIT = new ClassValue<>() {
		@Override
		protected Boolean computeValue(Class<?> type) {
			return MergedAnnotations.from(type, MergedAnnotations.SearchStrategy.TYPE_HIERARCHY)
				.isPresent("jakarta.persistence.Entity");
		}
	};

	private final OrderCodec codec;

	private final VersionFields versionFields;

	private final OrderKeys keys;

	private final OrderIdentityResolver identityResolver;

	private final OrderCacheCounters counters;

	private final long maxEntrySize;

	OrderEncoder(OrderCodec codec, VersionFields versionFields, OrderKeys keys, OrderIdentityResolver identityResolver,
			OrderCacheCounters counters, long maxEntrySize) {
		this.codec = codec;
		this.versionFields = versionFields;
		this.keys = keys;
		this.identityResolver = identityResolver;
		this.counters = counters;
		this.maxEntrySize = maxEntrySize;
	}

	OrderCacheEngine.EncodedOrder encode(String period, String orderNo, Object order) {
		String key = this.keys.periodKey(period);
		String field = this.keys.orderNo(orderNo);
		Assert.notNull(order, "order must not be null");
		OrderIdentity own = ownIdentity(order);
		if (own != null && (!own.period().equals(period) || !own.orderNo().equals(orderNo))) {
			throw new IllegalArgumentException("Order " + own.orderNo() + " of period " + own.period()
					+ " cannot be cached as order " + orderNo + " of period " + period
					+ ": it would be read back as another order");
		}
		return encoded(key, field, order);
	}

	/** Encodes an order under the identity it states itself, read once. */
	OrderCacheEngine.EncodedOrder encode(Object order) {
		Assert.notNull(order, "order must not be null");
		OrderIdentity own = this.identityResolver.resolve(order);
		return encoded(this.keys.periodKey(own.period()), this.keys.orderNo(own.orderNo()), order);
	}

	/**
	 * The order as its transaction committed it. A JPA entity is encoded again, under the same key
	 * and field: the flush at commit ran after it was first encoded and may have changed it (its
	 * {@code @Version} above all, and whatever the transaction changed after the method returned,
	 * which committed too). Any other object is what it was when first encoded.
	 */
	OrderCacheEngine.EncodedOrder asCommitted(OrderCacheEngine.EncodedOrder encoded, Object order) {
		return FLUSHED_AT_COMMIT.get(order.getClass()) ? encoded(encoded.key(), encoded.field(), order) : encoded;
	}

	/**
	 * Whether any of these orders is an object whose state the commit changes (a JPA entity, whose
	 * {@code @Version} the flush sets): their batch must be encoded again after the commit.
	 */
	boolean changedByCommit(Collection<?> orders) {
		for (Object order : orders) {
			if (order != null && FLUSHED_AT_COMMIT.get(order.getClass())) {
				return true;
			}
		}
		return false;
	}

	private OrderCacheEngine.EncodedOrder encoded(String key, String field, Object order) {
		return new OrderCacheEngine.EncodedOrder(key, field, json(order, field),
				this.versionFields.of(order.getClass()));
	}

	/**
	 * Encodes orders by period key, skipping (and reporting) those that cannot be cached.
	 * @param orders the orders
	 * @param onlyPeriod the period every order must belong to, or {@code null} for any
	 * @param skipped receives the orders skipped
	 * @return period key &rarr; order number &rarr; JSON
	 */
	Map<String, Map<String, byte[]>> encodeAll(Collection<?> orders, @Nullable String onlyPeriod,
			List<BatchResult.Skipped> skipped) {
		Map<String, Map<String, byte[]>> byKey = new LinkedHashMap<>();
		int index = 0;
		for (Object order : orders) {
			String orderNo = null;
			try {
				Assert.notNull(order, "order must not be null");
				OrderIdentity identity = this.identityResolver.resolve(order);
				orderNo = identity.orderNo();
				if (onlyPeriod != null && !onlyPeriod.equals(identity.period())) {
					throw new IllegalArgumentException(
							"Order belongs to period '" + identity.period() + "', not '" + onlyPeriod + "'");
				}
				String key = this.keys.periodKey(identity.period());
				String field = this.keys.orderNo(orderNo);
				byKey.computeIfAbsent(key, (k) -> new LinkedHashMap<>()).put(field, json(order, field));
			}
			catch (IllegalArgumentException ex) {
				skipped.add(new BatchResult.Skipped(index, orderNo, String.valueOf(ex.getMessage())));
			}
			index++;
		}
		this.counters.skipped(skipped.size());
		return byKey;
	}

	/** The version fields of a collection's orders, from its first one (a collection holds one class). */
	String versions(Collection<?> orders) {
		for (Object order : orders) {
			if (order != null) {
				return this.versionFields.of(order.getClass());
			}
		}
		return "";
	}

	<T> T copy(OrderCacheEngine.EncodedOrder order, Class<T> type) {
		return decode(order.json(), type);
	}

	<T> T decode(byte[] json, Class<T> type) {
		return this.codec.decode(json, type);
	}

	/** The identity an order states itself, or {@code null} when its type does not tell one. */
	@Nullable OrderIdentity ownIdentity(Object order) {
		try {
			return this.identityResolver.resolve(order);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private byte[] json(Object order, String orderNo) {
		byte[] json;
		try {
			json = this.codec.encode(order);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(
					"Order " + orderNo + " cannot be written as JSON: " + FailureLog.describe(ex), ex);
		}
		if (json.length > this.maxEntrySize) {
			throw new IllegalArgumentException("Order " + orderNo + " is " + json.length + " bytes as JSON, above"
					+ " ordercache.max-entry-size (" + this.maxEntrySize + " bytes): it is not cached");
		}
		return json;
	}

}
