package io.fatamorgana.ordercache.support;

import io.fatamorgana.ordercache.OrderIdentity;
import io.fatamorgana.ordercache.codec.OrderCodec;
import io.fatamorgana.ordercache.key.OrderKeys;
import io.fatamorgana.ordercache.redis.OrderHashStore;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;

import org.springframework.dao.DataAccessException;

/**
 * Checks what is read from Redis before anyone gets it (docs/protocol.md, "Operations"): an entry
 * must be the order its key and field name. A broken entry (not an order, or another order's JSON)
 * is a miss and is removed, only if it still holds what was read; a JSON object of this order that
 * this class cannot read (another application version wrote it) is a miss and is kept. Counted as
 * unreadable, never as a Redis failure: one bad entry never turns the cache off for the others.
 */
final class StoredEntries {

	private final OrderHashStore store;

	private final OrderCodec codec;

	private final OrderKeys keys;

	private final OrderEncoder encoder;

	private final OrderCacheCounters counters;

	private final FailureLog failureLog;

	private final String orderNoJsonName;

	StoredEntries(OrderHashStore store, OrderCodec codec, OrderKeys keys, OrderEncoder encoder,
			OrderCacheCounters counters, FailureLog failureLog, String orderNoJsonName) {
		this.store = store;
		this.codec = codec;
		this.keys = keys;
		this.encoder = encoder;
		this.counters = counters;
		this.failureLog = failureLog;
		this.orderNoJsonName = orderNoJsonName;
	}

	<T> @Nullable T decode(String key, String field, byte[] json, Class<T> type) {
		T order;
		try {
			order = this.codec.decode(json, type);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			this.counters.failed(OrderCacheCounters.Failure.UNREADABLE);
			if (this.codec.isObjectNaming(json, this.orderNoJsonName, field)) {
				this.failureLog.warn("read", "order " + field + " in " + key
						+ " cannot be read as " + type.getSimpleName() + " (kept: another version may read it)", ex);
				return null;
			}
			this.failureLog.warn("read", "removing unreadable order " + field + " in " + key, ex);
			remove(key, field, json);
			return null;
		}
		String period = key.substring(this.keys.prefix().length());
		OrderIdentity identity = this.encoder.ownIdentity(order);
		if (identity != null && (!identity.orderNo().equals(field) || !identity.period().equals(period))) {
			this.counters.failed(OrderCacheCounters.Failure.UNREADABLE);
			this.failureLog.warn("read", "removing order " + field + " in " + key
					+ ", whose JSON names another order", new IllegalStateException("foreign identity"));
			remove(key, field, json);
			return null;
		}
		return order;
	}

	/** Reports a value that was too large to read and that Redis removed. */
	void removedOversized(String key, String field, long size) {
		this.counters.failed(OrderCacheCounters.Failure.UNREADABLE);
		this.failureLog.warn("read", "removed order " + field + " in " + key + ": " + size
				+ " bytes, above ordercache.max-entry-size", new IllegalStateException("oversized entry"));
	}

	private void remove(String key, String field, byte[] json) {
		try {
			this.store.deleteIfEquals(key, field, json);
		}
		catch (DataAccessException removalFailure) {
			this.failureLog.warn("repair", "could not remove order " + field + " in " + key, removalFailure);
		}
	}

}
