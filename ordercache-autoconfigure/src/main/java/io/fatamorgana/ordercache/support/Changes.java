package io.fatamorgana.ordercache.support;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * The cache changes that wait for a transaction's commit, each carried out by the
 * {@link OrderCacheEngine}: writes of committed changes, evictions, drops, and loads.
 */
public final class Changes {

	private Changes() {
	}

	/**
	 * A write of a committed change; when the outcome is unknown, an eviction of the order.
	 * @param engine the engine
	 * @param encoded the order as encoded when the method returned
	 * @param order the order object: a JPA entity is encoded again when the change is applied, after
	 * the flush at commit set its version
	 * @param description what to name in a log
	 * @return the change
	 */
	public static TransactionalChanges.Change write(OrderCacheEngine engine, OrderCacheEngine.EncodedOrder encoded,
			Object order, String description) {
		OrderCacheEngine.OrderKey key = new OrderCacheEngine.OrderKey(encoded.key(), encoded.field());
		return new Change(encoded.key(), encoded.field(), true, description, "caching the order", () -> {
			OrderCacheEngine.EncodedOrder committed;
			try {
				committed = engine.asCommitted(encoded, order);
			}
			catch (IllegalArgumentException ex) {
				// Committed, but no longer cacheable: its older copy must go.
				engine.evict(key);
				throw ex;
			}
			engine.write(committed);
		}, () -> engine.evict(key));
	}

	/**
	 * A write of committed orders of a period; when the outcome is unknown, their evictions.
	 * @param engine the engine
	 * @param key the period's key
	 * @param encoded the period's orders as encoded when the method returned
	 * @param committed the whole batch as committed ({@code OrderCacheEngine.asCommitted}), asked once
	 * for all its periods when the transaction has committed
	 * @param description what to name in a log
	 * @return the change
	 */
	public static TransactionalChanges.Change writeAll(OrderCacheEngine engine, String key, Map<String, byte[]> encoded,
			Supplier<OrderCacheEngine.EncodedBatch> committed, String description) {
		Runnable evictAll = () -> encoded.keySet()
			.forEach((field) -> engine.evict(new OrderCacheEngine.OrderKey(key, field)));
		return new Change(key, null, true, description, "caching the orders", () -> {
			OrderCacheEngine.EncodedBatch batch = committed.get();
			Map<String, byte[]> orders = batch.byKey().getOrDefault(key, Map.of());
			// An order cacheable when returned but not as committed: its older copy must go.
			encoded.keySet()
				.stream()
				.filter((field) -> !orders.containsKey(field))
				.forEach((field) -> engine.evict(new OrderCacheEngine.OrderKey(key, field)));
			engine.writeAll(new OrderCacheEngine.EncodedBatch(Map.of(key, orders), List.of(), batch.versionFields()));
		}, evictAll);
	}

	/**
	 * An eviction of one order.
	 * @param engine the engine
	 * @param order where the order lives
	 * @param description what to name in a log
	 * @return the change
	 */
	public static TransactionalChanges.Change evict(OrderCacheEngine engine, OrderCacheEngine.OrderKey order,
			String description) {
		Runnable evict = () -> engine.evict(order);
		return new Change(order.key(), order.field(), true, description, "evicting", evict, evict);
	}

	/**
	 * A drop of a whole period.
	 * @param engine the engine
	 * @param key the period's key
	 * @param description what to name in a log
	 * @return the change
	 */
	public static TransactionalChanges.Change drop(OrderCacheEngine engine, String key, String description) {
		Runnable drop = () -> engine.dropKey(key);
		return new Change(key, null, true, description, "evicting", drop, drop);
	}

	/**
	 * A load of one order, with the token read before the database; nothing when the outcome is
	 * unknown.
	 * @param engine the engine
	 * @param order the encoded order as loaded
	 * @param loadToken the token
	 * @param description what to name in a log
	 * @return the change
	 */
	public static TransactionalChanges.Change load(OrderCacheEngine engine, OrderCacheEngine.EncodedOrder order,
			String loadToken, String description) {
		return new Change(order.key(), order.field(), false, description, "caching the loaded order",
				() -> engine.writeLoaded(order, loadToken),
				() -> {
				});
	}

	/**
	 * A load of a whole period, with the token read before the database; nothing when the outcome
	 * is unknown.
	 * @param engine the engine
	 * @param period the encoded period as loaded
	 * @param loadToken the token
	 * @param description what to name in a log
	 * @return the change
	 */
	public static TransactionalChanges.Change loadPeriod(OrderCacheEngine engine, OrderCacheEngine.EncodedPeriod period,
			String loadToken, String description) {
		return new Change(period.key(), null, false, description, "caching the loaded period",
				() -> engine.writeLoadedPeriod(period, loadToken),
				() -> {
				});
	}

	/**
	 * A change that cannot be made because the order is unknown (a method that failed before
	 * returning the order its identity comes from): a warning if its transaction commits.
	 * @param description what to name in a log
	 * @param failureLog where to warn
	 * @param reason why it cannot be made
	 * @return the change
	 */
	public static TransactionalChanges.Change impossible(String description, FailureLog failureLog,
			RuntimeException reason) {
		Runnable warn = () -> failureLog.warn(description, "evicting after the method threw in a transaction that"
				+ " committed; its order is read from the result, which there is none of: give 'period' and"
				+ " 'orderNo' from parameters to cover this", reason);
		return new Change("", null, false, description, "evicting after the method threw", warn, warn);
	}

	private record Change(String key, @Nullable String field, boolean modifies, String description, String action,
			Runnable onCommit, Runnable onUnknown) implements TransactionalChanges.Change {

		@Override
		public void committed() {
			this.onCommit.run();
		}

		@Override
		public void unknown() {
			this.onUnknown.run();
		}

	}

}
