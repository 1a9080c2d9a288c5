package io.fatamorgana.ordercache.support;

import java.util.function.Supplier;

import io.fatamorgana.ordercache.OrderCacheException;
import io.fatamorgana.ordercache.redis.CacheUnavailableException;
import io.fatamorgana.ordercache.redis.OrderHashStore;

import org.springframework.dao.DataAccessException;

/**
 * Every call of the engine to the {@link OrderHashStore}: a key of another type is repaired and the
 * call tried once more; a failure is counted by cause and becomes an {@link OrderCacheException}
 * that names what was being done.
 */
final class StoreCalls {

	private final OrderHashStore store;

	private final OrderCacheCounters counters;

	private final FailureLog failureLog;

	StoreCalls(OrderHashStore store, OrderCacheCounters counters, FailureLog failureLog) {
		this.store = store;
		this.counters = counters;
		this.failureLog = failureLog;
	}

	<R> R call(String key, Supplier<String> description, Supplier<R> command) {
		try {
			return command.get();
		}
		catch (DataAccessException ex) {
			if (isWrongType(ex) && repair(key)) {
				try {
					return command.get();
				}
				catch (DataAccessException retryFailure) {
					ex = retryFailure;
				}
			}
			this.counters.failed(failure(ex));
			throw new OrderCacheException(description.get(), ex);
		}
	}

	private boolean repair(String key) {
		try {
			boolean repaired = this.store.repair(key);
			if (repaired) {
				this.counters.failed(OrderCacheCounters.Failure.UNREADABLE);
				this.failureLog.warn("repair", "removed " + key + ", which held something other than a hash",
						new IllegalStateException("WRONGTYPE"));
			}
			return repaired;
		}
		catch (DataAccessException ex) {
			return false;
		}
	}

	static OrderCacheCounters.Failure failure(DataAccessException ex) {
		return (ex instanceof CacheUnavailableException) ? OrderCacheCounters.Failure.SKIPPED
				: OrderCacheCounters.Failure.REDIS;
	}

	private static boolean isWrongType(DataAccessException ex) {
		String message = ex.getMostSpecificCause().getMessage();
		return message != null && message.contains("WRONGTYPE");
	}

}
