package io.fatamorgana.ordercache.aop;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.fatamorgana.ordercache.OrderCacheException;
import io.fatamorgana.ordercache.OrderIdentity;
import io.fatamorgana.ordercache.support.FailureLog;
import io.fatamorgana.ordercache.support.OrderCacheCounters;
import io.fatamorgana.ordercache.support.OrderCacheEngine;
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
 * outcome always wins: every cache failure (Redis down, slow or skipped by the open circuit, an
 * invalid key, an unreadable entry, an expression that fails on this call's data) is logged at most
 * once per interval, counted, and otherwise ignored. Writes and evictions made inside a transaction
 * wait for its commit. Concurrent misses of the same call in this JVM run the method once.
 */
public final class OrderCacheExecutor {

	private static final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private final OrderCacheEngine engine;

	private final OrderCacheCounters counters;

	private final FailureLog failureLog;

	private final ConcurrentMap<Flight, CompletableFuture<@Nullable Object>> flights = new ConcurrentHashMap<>();

	/**
	 * Creates an executor.
	 * @param engine the cache engine that does the work
	 * @param counters counts failures that happen outside the engine
	 * @param failureLog where failures are reported
	 */
	public OrderCacheExecutor(OrderCacheEngine engine, OrderCacheCounters counters, FailureLog failureLog) {
		this.engine = engine;
		this.counters = counters;
		this.failureLog = failureLog;
	}

	/**
	 * Runs a call with its operation.
	 * @param operation the parsed annotation
	 * @param call the intercepted call
	 * @return what the method returned, or what the cache holds for a hit
	 * @throws Throwable what the method threw
	 */
	@Nullable Object execute(OrderCacheOperation operation, Call call) throws Throwable {
		if (operation instanceof OrderCacheOperation.Read read) {
			return read(read, call);
		}
		if (operation instanceof OrderCacheOperation.ReadPeriod readPeriod) {
			return readPeriod(readPeriod, call);
		}
		if (operation instanceof OrderCacheOperation.Cache cache) {
			return cache(cache, call);
		}
		return evict((OrderCacheOperation.Evict) operation, call);
	}

	private @Nullable Object read(OrderCacheOperation.Read operation, Call call) throws Throwable {
		String period = null;
		String orderNo = null;
		OrderCacheEngine.Lookup<?> lookup = null;
		try {
			EvaluationContext context = call.context(null);
			period = string(operation.period(), context, "period");
			orderNo = string(operation.orderNo(), context, "orderNo");
			lookup = this.engine.lookup(period, orderNo, operation.orderType());
		}
		catch (RuntimeException ex) {
			failed(operation, "reading through the cache", ex);
		}
		if (lookup != null && lookup.order() != null) {
			return operation.optional() ? Optional.of(lookup.order()) : lookup.order();
		}
		Loaded outcome = loadOnce(call);
		Object result = outcome.result();
		Object loaded = unwrap(result);
		String loadToken = (lookup != null) ? lookup.loadToken() : null;
		if (loaded != null && loadToken != null && outcome.mine()) {
			String requestedPeriod = period;
			String requestedOrderNo = orderNo;
			failOpen(operation, "caching the loaded order", () -> {
				OrderIdentity identity = this.engine.identify(loaded);
				if (identity.period().equals(requestedPeriod) && identity.orderNo().equals(requestedOrderNo)) {
					afterCommit(operation, "caching the loaded order",
							() -> this.engine.writeLoaded(identity.period(), identity.orderNo(), loaded, loadToken));
				}
			});
		}
		return result;
	}

	private @Nullable Object readPeriod(OrderCacheOperation.ReadPeriod operation, Call call) throws Throwable {
		String period = null;
		OrderCacheEngine.PeriodLookup<?> lookup = null;
		try {
			period = string(operation.period(), call.context(null), "period");
			lookup = this.engine.lookupPeriod(period, operation.orderType(), true);
		}
		catch (RuntimeException ex) {
			failed(operation, "reading the period through the cache", ex);
		}
		if (lookup != null && lookup.complete()) {
			return lookup.orders();
		}
		Loaded outcome = loadOnce(call);
		Object result = outcome.result();
		String loadToken = (lookup != null) ? lookup.loadToken() : null;
		if (result instanceof Collection<?> loaded && !loaded.isEmpty() && loadToken != null && outcome.mine()
				&& this.engine.fitsWholePeriodRead(loaded.size())) {
			String loadedPeriod = period;
			failOpen(operation, "caching the loaded period", () -> {
				List<?> snapshot = new ArrayList<>(loaded);
				afterCommit(operation, "caching the loaded period",
						() -> this.engine.writeLoadedPeriod(loadedPeriod, snapshot, loadToken));
			});
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
				identity = this.engine.identify(order);
			}
			afterCommit(operation, "caching the order",
					() -> this.engine.write(identity.period(), identity.orderNo(), order));
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
				OrderIdentity identity = this.engine.identify(order);
				eviction = () -> this.engine.evict(identity.period(), identity.orderNo());
			}
			else if (operation.allInPeriod()) {
				String period = string(operation.period(), context, "period");
				eviction = () -> this.engine.drop(period);
			}
			else {
				String period = string(operation.period(), context, "period");
				String orderNo = string(operation.orderNo(), context, "orderNo");
				eviction = () -> this.engine.evict(period, orderNo);
			}
			afterCommit(operation, "evicting", eviction);
		});
		return result;
	}

	/**
	 * Calls the method, or waits for the same call already running in another thread and returns
	 * its result. Only the thread that called the method may cache the result: its load token was
	 * read before the database, a waiting thread's may not have been. Only outside transactions that
	 * write: what such a transaction reads may never commit, and must not be handed to others.
	 */
	private Loaded loadOnce(Call call) throws Throwable {
		if (TransactionSynchronizationManager.isActualTransactionActive()
				&& !TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
			return new Loaded(call.proceed(), true);
		}
		Flight flight = call.flight();
		CompletableFuture<@Nullable Object> mine = new CompletableFuture<>();
		CompletableFuture<@Nullable Object> running = this.flights.putIfAbsent(flight, mine);
		if (running != null) {
			try {
				return new Loaded(running.join(), false);
			}
			catch (CompletionException ex) {
				throw (ex.getCause() != null) ? ex.getCause() : ex;
			}
		}
		try {
			Object result = call.proceed();
			mine.complete(result);
			return new Loaded(result, true);
		}
		catch (Throwable ex) {
			mine.completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.flights.remove(flight, mine);
		}
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
			this.counters.failed(OrderCacheCounters.Failure.INVALID);
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
	 * What a load returned, and whether this thread ran it.
	 * @param result the method's result
	 * @param mine whether this thread called the method
	 */
	private record Loaded(@Nullable Object result, boolean mine) {
	}

	/**
	 * The identity of a call for single-flight loading: same bean, method and arguments.
	 * @param target the bean
	 * @param method the method
	 * @param args the arguments
	 */
	record Flight(Object target, Method method, List<@Nullable Object> args) {

		Flight(Object target, Method method, @Nullable Object[] args) {
			this(target, method, Arrays.asList(args.clone()));
		}

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
		 * The call's identity for single-flight loading.
		 * @return the flight
		 */
		Flight flight();

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
