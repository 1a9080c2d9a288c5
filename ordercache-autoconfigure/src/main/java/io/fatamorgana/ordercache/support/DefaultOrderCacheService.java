package io.fatamorgana.ordercache.support;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.fatamorgana.ordercache.BatchResult;
import io.fatamorgana.ordercache.CacheStatistics;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.PeriodPage;
import io.fatamorgana.ordercache.PeriodStatistics;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;
import org.springframework.util.function.SingletonSupplier;

/**
 * The {@link OrderCacheService} on the {@link OrderCacheEngine}. Inside an actual transaction,
 * changes wait for its commit ({@link TransactionalChanges}) and reads do not answer for orders the
 * transaction changed, as with the annotations.
 */
public final class DefaultOrderCacheService implements OrderCacheService {

	private final OrderCacheEngine engine;

	private final TransactionalChanges changes;

	/**
	 * Creates the service.
	 * @param engine the engine that does the work
	 * @param changes holds changes until their transaction commits
	 */
	public DefaultOrderCacheService(OrderCacheEngine engine, TransactionalChanges changes) {
		this.engine = engine;
		this.changes = changes;
	}

	@Override
	public void cacheOrder(Object order) {
		write(this.engine.encode(order), order);
	}

	@Override
	public void cacheOrder(String period, String orderNo, Object order) {
		write(this.engine.encode(period, orderNo, order), order);
	}

	private void write(OrderCacheEngine.EncodedOrder encoded, Object order) {
		if (!this.changes.defer(Changes.write(this.engine, encoded, order, "cacheOrder"))) {
			this.engine.write(encoded);
		}
	}

	@Override
	public BatchResult batchCacheOrders(Collection<?> orders) {
		OrderCacheEngine.EncodedBatch batch = this.engine.encodeAll(orders);
		if (!this.changes.defers()) {
			return this.engine.writeAll(batch);
		}
		int accepted = 0;
		// Every period's change runs after the same commit: the batch is encoded again at most once.
		Supplier<OrderCacheEngine.EncodedBatch> committed = SingletonSupplier
			.of(() -> this.engine.asCommitted(batch, new ArrayList<>(orders)));
		for (Map.Entry<String, Map<String, byte[]>> period : batch.byKey().entrySet()) {
			this.changes.defer(Changes.writeAll(this.engine, period.getKey(), period.getValue(), committed,
					"batchCacheOrders"));
			accepted += period.getValue().size();
		}
		return new BatchResult(accepted, batch.skipped());
	}

	@Override
	public BatchResult loadPeriod(String period, Supplier<? extends Collection<?>> loader) {
		Assert.notNull(loader, "loader must not be null");
		this.engine.periodKey(period);
		if (TransactionSynchronizationManager.isActualTransactionActive()) {
			// The transaction may have read before the token: what it loads must not be cached.
			return new BatchResult(0, List.of());
		}
		String loadToken = this.engine.loadToken(period);
		Collection<?> orders = loader.get();
		Assert.notNull(orders, "loader returned null instead of the orders of period " + period);
		return this.engine.writeLoadedPeriod(period, orders, loadToken);
	}

	@Override
	public <T> List<T> getOrdersByPeriod(String period, Class<T> orderType) {
		if (this.changes.changedInTransaction(this.engine.periodKey(period), null)) {
			return List.of();
		}
		return this.engine.lookupPeriod(period, orderType, false).orders();
	}

	@Override
	public <T> Stream<T> streamOrdersByPeriod(String period, Class<T> orderType) {
		return this.engine.stream(period, orderType);
	}

	@Override
	public <T> Optional<List<T>> getCompletePeriod(String period, Class<T> orderType) {
		if (this.changes.changedInTransaction(this.engine.periodKey(period), null)) {
			return Optional.empty();
		}
		OrderCacheEngine.PeriodLookup<T> found = this.engine.lookupPeriod(period, orderType, true);
		return found.complete() ? Optional.of(found.orders()) : Optional.empty();
	}

	@Override
	public boolean isPeriodComplete(String period) {
		return !this.changes.changedInTransaction(this.engine.periodKey(period), null)
				&& this.engine.isComplete(period);
	}

	@Override
	public <T> Optional<T> getOrder(String period, String orderNo, Class<T> orderType) {
		if (changedInTransaction(period, orderNo)) {
			return Optional.empty();
		}
		return Optional.ofNullable(this.engine.lookup(period, orderNo, orderType).order());
	}

	@Override
	public long getOrderCount(String period) {
		return this.engine.count(period);
	}

	@Override
	public boolean isOrderCached(String period, String orderNo) {
		return !changedInTransaction(period, orderNo) && this.engine.exists(period, orderNo);
	}

	@Override
	public boolean deleteOrder(String period, String orderNo) {
		OrderCacheEngine.OrderKey order = this.engine.orderKey(period, orderNo);
		return !this.changes.defer(Changes.evict(this.engine, order, "deleteOrder")) && this.engine.evict(order);
	}

	@Override
	public boolean deletePeriodOrders(String period) {
		String key = this.engine.periodKey(period);
		return !this.changes.defer(Changes.drop(this.engine, key, "deletePeriodOrders")) && this.engine.dropKey(key);
	}

	private boolean changedInTransaction(String period, String orderNo) {
		OrderCacheEngine.OrderKey order = this.engine.orderKey(period, orderNo);
		return this.changes.changedInTransaction(order.key(), order.field());
	}

	@Override
	public PeriodPage cachedPeriods(@Nullable String cursor, int limit) {
		return this.engine.cachedPeriods(cursor, limit);
	}

	@Override
	public PeriodStatistics statistics(String period) {
		return this.engine.periodStatistics(period);
	}

	@Override
	public CacheStatistics statistics() {
		return this.engine.statistics();
	}

}
