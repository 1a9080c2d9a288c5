package io.fatamorgana.ordercache.aop;

import java.lang.reflect.Method;
import java.util.Optional;

import io.fatamorgana.ordercache.OrderCacheException;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.OrderIdentity;
import io.fatamorgana.ordercache.OrderIdentityResolver;
import io.fatamorgana.ordercache.support.FailureLog;
import io.fatamorgana.ordercache.support.OrderCacheCounters;
import org.jspecify.annotations.Nullable;

import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Carries out an {@link OrderCacheOperation} around one call of an annotated method. The method's
 * outcome always wins: every cache failure (Redis down or slow, an invalid key, an unreadable
 * entry, an expression that fails on this call's data) is logged at most once per interval,
 * counted, and otherwise ignored. Writes and evictions made inside a transaction wait for its commit.
 */
public final class OrderCacheExecutor {

	private static final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private final OrderCacheService service;

	private final OrderIdentityResolver identityResolver;

	private final OrderCacheCounters counters;

	private final FailureLog failureLog;

	/**
	 * Creates an executor.
	 * @param service the cache service that does the work
	 * @param identityResolver reads identities of orders
	 * @param counters counts failures that happen outside the service
	 * @param failureLog where failures are reported
	 */
	public OrderCacheExecutor(OrderCacheService service, OrderIdentityResolver identityResolver,
			OrderCacheCounters counters, FailureLog failureLog) {
		this.service = service;
		this.identityResolver = identityResolver;
		this.counters = counters;
		this.failureLog = failureLog;
	}

	/**
	 * Runs a call with its operation.
	 * @param operation the parsed annotation
	 * @param call the intercepted call
	 * @return what the method returned, or the cached order for a hit
	 * @throws Throwable what the method threw
	 */
	@Nullable Object execute(OrderCacheOperation operation, Call call) throws Throwable {
		if (operation instanceof OrderCacheOperation.Read read) {
			return read(read, call);
		}
		if (operation instanceof OrderCacheOperation.Cache cache) {
			return cache(cache, call);
		}
		return evict((OrderCacheOperation.Evict) operation, call);
	}

	private @Nullable Object read(OrderCacheOperation.Read operation, Call call) throws Throwable {
		Optional<?> cached = Optional.empty();
		try {
			EvaluationContext context = call.context(null);
			cached = this.service.getOrder(string(operation.period(), context, "period"),
					string(operation.orderNo(), context, "orderNo"), operation.orderType());
		}
		catch (RuntimeException ex) {
			failed(operation, "reading through the cache", ex);
		}
		if (cached.isPresent()) {
			return operation.optional() ? cached : cached.get();
		}
		Object result = call.proceed();
		Object loaded = unwrap(result);
		if (loaded != null) {
			failOpen(operation, "caching the loaded order",
					() -> cacheAfterCommit(operation, this.identityResolver.resolve(loaded), loaded));
		}
		return result;
	}

	private @Nullable Object cache(OrderCacheOperation.Cache operation, Call call) throws Throwable {
		Object result = call.proceed();
		failOpen(operation, "caching the order", () -> {
			EvaluationContext context = call.context(result);
			Object order = unwrap(operation.order().getValue(context));
			if (order == null) {
				return;
			}
			OrderIdentity identity;
			if (operation.period() != null && operation.orderNo() != null) {
				context.setVariable("order", order);
				identity = new OrderIdentity(string(operation.period(), context, "period"),
						string(operation.orderNo(), context, "orderNo"));
			}
			else {
				identity = this.identityResolver.resolve(order);
			}
			cacheAfterCommit(operation, identity, order);
		});
		return result;
	}

	private @Nullable Object evict(OrderCacheOperation.Evict operation, Call call) throws Throwable {
		Object result = call.proceed();
		failOpen(operation, "evicting", () -> {
			EvaluationContext context = call.context(result);
			Runnable eviction;
			if (operation.order() != null) {
				Object order = unwrap(operation.order().getValue(context));
				if (order == null) {
					return;
				}
				OrderIdentity identity = this.identityResolver.resolve(order);
				eviction = () -> this.service.deleteOrder(identity.period(), identity.orderNo());
			}
			else if (operation.allInPeriod()) {
				String period = string(operation.period(), context, "period");
				eviction = () -> this.service.deletePeriodOrders(period);
			}
			else {
				String period = string(operation.period(), context, "period");
				String orderNo = string(operation.orderNo(), context, "orderNo");
				eviction = () -> this.service.deleteOrder(period, orderNo);
			}
			afterCommit(operation, "evicting", eviction);
		});
		return result;
	}

	private void cacheAfterCommit(OrderCacheOperation operation, OrderIdentity identity, Object order) {
		afterCommit(operation, "caching the order",
				() -> this.service.cacheOrder(identity.period(), identity.orderNo(), order));
	}

	private void afterCommit(OrderCacheOperation operation, String what, Runnable work) {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					failOpen(operation, what, work);
				}
			});
		}
		else {
			failOpen(operation, what, work);
		}
	}

	private void failOpen(OrderCacheOperation operation, String what, Runnable work) {
		try {
			work.run();
		}
		catch (RuntimeException ex) {
			failed(operation, what, ex);
		}
	}

	private void failed(OrderCacheOperation operation, String what, RuntimeException failure) {
		if (!(failure instanceof OrderCacheException)) {
			this.counters.failed();
		}
		this.failureLog.warn(operation.description(), what + " (the method's result is unaffected)", failure);
	}

	private static String string(@Nullable Expression expression, EvaluationContext context, String attribute) {
		Object value = (expression != null) ? expression.getValue(context) : null;
		if (value == null) {
			throw new IllegalArgumentException("'" + attribute + "' = \""
					+ ((expression != null) ? expression.getExpressionString() : "") + "\" evaluated to null");
		}
		return value.toString();
	}

	private static @Nullable Object unwrap(@Nullable Object value) {
		return (value instanceof Optional<?> optional) ? optional.orElse(null) : value;
	}

	/**
	 * One call of an annotated method, as the executor sees it.
	 */
	interface Call {

		/**
		 * Calls the method.
		 * @return its result
		 * @throws Throwable what it threw
		 */
		@Nullable Object proceed() throws Throwable;

		/**
		 * An evaluation context over the call's method, arguments and target, with the method's
		 * result, unwrapped from {@code Optional}, as {@code #result}.
		 * @param result the method's result, or {@code null} before the call
		 * @return a new context
		 */
		EvaluationContext context(@Nullable Object result);

		/**
		 * Creates the evaluation context of a call.
		 * @param method the method
		 * @param args the arguments
		 * @param target the bean
		 * @param targetClass the bean's class
		 * @param result the method's result, or {@code null} before the call
		 * @return a new context
		 */
		static EvaluationContext context(Method method, Object[] args, Object target, Class<?> targetClass,
				@Nullable Object result) {
			MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(
					new OrderCacheExpressionRoot(method, args, target, targetClass), method, args, parameterNames);
			context.setVariable("result", unwrap(result));
			return context;
		}

	}

}
