package io.fatamorgana.ordercache.support;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.fatamorgana.ordercache.BatchResult;
import io.fatamorgana.ordercache.CacheStatistics;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.OrderIdentity;
import io.fatamorgana.ordercache.PeriodPage;
import io.fatamorgana.ordercache.PeriodStatistics;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The {@link OrderCacheService} on the {@link OrderCacheEngine}.
 */
public final class DefaultOrderCacheService implements OrderCacheService {

	private final OrderCacheEngine engine;

	/**
	 * Creates the service.
	 * @param engine the engine that does the work
	 */
	public DefaultOrderCacheService(OrderCacheEngine engine) {
		this.engine = engine;
	}

	@Override
	public void cacheOrder(Object order) {
		OrderIdentity identity = this.engine.identify(order);
		this.engine.write(identity.period(), identity.orderNo(), order);
	}

	@Override
	public void cacheOrder(String period, String orderNo, Object order) {
		this.engine.write(period, orderNo, order);
	}

	@Override
	public BatchResult batchCacheOrders(Collection<?> orders) {
		return this.engine.writeAll(orders);
	}

	@Override
	public BatchResult loadPeriod(String period, Supplier<? extends Collection<?>> loader) {
		Assert.notNull(loader, "loader must not be null");
		String loadToken = this.engine.loadToken(period);
		Collection<?> orders = loader.get();
		Assert.notNull(orders, "loader returned null instead of the orders of period " + period);
		return this.engine.writeLoadedPeriod(period, orders, loadToken);
	}

	@Override
	public <T> List<T> getOrdersByPeriod(String period, Class<T> orderType) {
		return this.engine.lookupPeriod(period, orderType, false).orders();
	}

	@Override
	public <T> Stream<T> streamOrdersByPeriod(String period, Class<T> orderType) {
		return this.engine.stream(period, orderType);
	}

	@Override
	public <T> Optional<List<T>> getCompletePeriod(String period, Class<T> orderType) {
		OrderCacheEngine.PeriodLookup<T> found = this.engine.lookupPeriod(period, orderType, true);
		return found.complete() ? Optional.of(found.orders()) : Optional.empty();
	}

	@Override
	public boolean isPeriodComplete(String period) {
		return this.engine.isComplete(period);
	}

	@Override
	public <T> Optional<T> getOrder(String period, String orderNo, Class<T> orderType) {
		return Optional.ofNullable(this.engine.lookup(period, orderNo, orderType).order());
	}

	@Override
	public long getOrderCount(String period) {
		return this.engine.count(period);
	}

	@Override
	public boolean isOrderCached(String period, String orderNo) {
		return this.engine.exists(period, orderNo);
	}

	@Override
	public boolean deleteOrder(String period, String orderNo) {
		return this.engine.evict(period, orderNo);
	}

	@Override
	public boolean deletePeriodOrders(String period) {
		return this.engine.drop(period);
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
