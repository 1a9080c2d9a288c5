package io.fatamorgana.ordercache.aop;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Optional;

import io.fatamorgana.ordercache.OrderCacheException;
import io.fatamorgana.ordercache.OrderIdentity;
import io.fatamorgana.ordercache.support.Changes;
import io.fatamorgana.ordercache.support.FailureLog;
import io.fatamorgana.ordercache.support.OrderCacheCounters;
import io.fatamorgana.ordercache.support.OrderCacheEngine;
import io.fatamorgana.ordercache.support.TransactionalChanges;
import org.jspecify.annotations.Nullable;

import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Carries out an {@link OrderCacheOperation} around one call of an annotated method. The method's
 * outcome always wins: every cache failure (Redis down, slow or skipped by the open circuit, an
 * invalid key, an unreadable entry, an expression that fails on this call's data) is logged at most
 * once per interval, counted, and otherwise ignored.
 * <p>
 * Transactions (docs/protocol.md, "Transactions"): the executor runs inside the transaction advisor,
 * so a change joins the transaction that made it, and waits for its commit through
 * {@link TransactionalChanges}. What is written is encoded when the method returns. A method that
 * throws leaves an eviction instead (after commit, or at once without a transaction), because its
 * change may have committed. A load is cached only if its database read certainly began after its
 * load token: not when the call entered an existing transaction or persistence context, and not when
 * the current transaction changed the order (the read then bypasses the cache). Concurrent misses of
 * the same call in this JVM run the method once, but a follower only takes the leader's result if no
 * change was made between their tokens, waits a bounded time, and gets its own copy.
 */
public final class OrderCacheExecutor {

	private static final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private final OrderCacheEngine engine;

	private final TransactionalChanges changes;

	private final OrderCacheCounters counters;

	private final FailureLog failureLog;

	private final SingleFlight singleFlight;

	/**
	 * Creates an executor.
	 * @param engine the cache engine that does the work
	 * @param changes holds changes until their transaction commits
	 * @param counters counts failures that happen outside the engine
	 * @param failureLog where failures are reported
	 * @param singleFlightWait the longest a call waits for the same call running in another thread
	 * @param tokenLifetime how long a load token is known to stay unique (the tombstone TTL)
	 */
	public OrderCacheExecutor(OrderCacheEngine engine, TransactionalChanges changes, OrderCacheCounters counters,
			FailureLog failureLog, Duration singleFlightWait, Duration tokenLifetime) {
		this.engine = engine;
		this.changes = changes;
		this.counters = counters;
		this.failureLog = failureLog;
		this.singleFlight = new SingleFlight(singleFlightWait, tokenLifetime);
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
		OrderCacheEngine.OrderKey key = null;
		OrderCacheEngine.Lookup<?> lookup = null;
		boolean changedHere = false;
		try {
			EvaluationContext context = call.context(null);
			String period = string(operation.period(), context, "period");
			String orderNo = string(operation.orderNo(), context, "orderNo");
			key = this.engine.orderKey(period, orderNo);
			changedHere = this.changes.changedInTransaction(key.key(), key.field());
			if (!changedHere) {
				lookup = this.engine.lookup(key, operation.orderType());
			}
		}
		catch (RuntimeException ex) {
			failed(operation, "reading through the cache", ex);
		}
		if (lookup != null && lookup.order() != null) {
			return operation.optional() ? Optional.of(lookup.order()) : lookup.order();
		}
		String loadToken = (lookup != null && call.freshRead()) ? lookup.loadToken() : null;
		OrderCacheEngine.OrderKey requested = key;
		SingleFlight.Outcome outcome = this.singleFlight.load(call, loadToken, shareable(), (result) -> {
			Object loaded = unwrap(result);
			if (loaded == null) {
				return SingleFlight.NOTHING;
			}
			OrderCacheEngine.EncodedOrder encoded = this.engine.encode(loaded);
			return (requested != null && encoded.key().equals(requested.key())
					&& encoded.field().equals(requested.field())) ? encoded : SingleFlight.UNSHARED;
		}, (shared) -> {
			Object copy = (shared instanceof OrderCacheEngine.EncodedOrder encoded)
					? this.engine.copy(encoded, operation.orderType()) : null;
			return operation.optional() ? Optional.ofNullable(copy) : copy;
		}, (failure) -> failed(operation, "encoding the loaded order", failure));
		if (outcome.mine() && loadToken != null && outcome.shared() instanceof OrderCacheEngine.EncodedOrder encoded) {
			change(Changes.load(this.engine, encoded, loadToken, operation.description()));
		}
		return outcome.result();
	}

	private @Nullable Object readPeriod(OrderCacheOperation.ReadPeriod operation, Call call) throws Throwable {
		String period = null;
		OrderCacheEngine.PeriodLookup<?> lookup = null;
		try {
			String requested = string(operation.period(), call.context(null), "period");
			if (!this.changes.changedInTransaction(this.engine.periodKey(requested), null)) {
				lookup = this.engine.lookupPeriod(requested, operation.orderType(), true);
				period = requested;
			}
		}
		catch (RuntimeException ex) {
			failed(operation, "reading the period through the cache", ex);
		}
		if (lookup != null && lookup.complete()) {
			return lookup.orders();
		}
		String loadToken = (lookup != null && call.freshRead()) ? lookup.loadToken() : null;
		String loadedPeriod = period;
		SingleFlight.Outcome outcome = this.singleFlight.load(call, loadToken, shareable(), (result) -> {
			if (!(result instanceof Collection<?> loaded) || loadedPeriod == null
					|| !this.engine.fitsWholePeriodRead(loaded.size())) {
				return SingleFlight.UNSHARED;
			}
			OrderCacheEngine.EncodedPeriod encoded = this.engine.encodePeriod(loadedPeriod, loaded);
			return encoded.skipped().isEmpty() ? encoded : SingleFlight.UNSHARED;
		}, (shared) -> (shared instanceof OrderCacheEngine.EncodedPeriod encoded)
				? this.engine.copy(encoded, operation.orderType()) : new ArrayList<>(),
				(failure) -> failed(operation, "encoding the loaded period", failure));
		if (outcome.mine() && loadToken != null && outcome.shared() instanceof OrderCacheEngine.EncodedPeriod encoded
				&& !encoded.orders().isEmpty()) {
			change(Changes.loadPeriod(this.engine, encoded, loadToken, operation.description()));
		}
		return outcome.result();
	}

	private @Nullable Object cache(OrderCacheOperation.Cache operation, Call call) throws Throwable {
		Object result;
		try {
			result = call.proceed();
		}
		catch (Throwable ex) {
			failOpen(operation, "evicting after the method threw", () -> evictAfterFailure(operation, call));
			throw ex;
		}
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
			OrderCacheEngine.OrderKey key = this.engine.orderKey(identity.period(), identity.orderNo());
			OrderCacheEngine.EncodedOrder encoded;
			try {
				encoded = this.engine.encode(identity.period(), identity.orderNo(), order);
			}
			catch (IllegalArgumentException ex) {
				// The change committed but cannot be cached: its older copy must go.
				change(Changes.evict(this.engine, key, operation.description()));
				throw ex;
			}
			change(Changes.write(this.engine, encoded, order, operation.description()));
		});
		return result;
	}

	/**
	 * Evicts the order of a method that threw, since its change may have committed all the same (a
	 * checked exception, {@code noRollbackFor}, no transaction at all): after commit, or at once.
	 * Only possible when the order's identity does not come from the result; if it does, a warning
	 * says so when the transaction commits.
	 */
	private void evictAfterFailure(OrderCacheOperation.Cache operation, Call call) {
		OrderCacheEngine.OrderKey order;
		try {
			EvaluationContext context = call.context(null);
			Object value = unwrap(operation.order().getValue(context));
			if (operation.period() != null && operation.orderNo() != null) {
				context.setVariable("order", value);
				order = this.engine.orderKey(string(operation.period(), context, "period"),
						string(operation.orderNo(), context, "orderNo"));
			}
			else {
				OrderIdentity identity = this.engine.identify(value);
				order = this.engine.orderKey(identity.period(), identity.orderNo());
			}
		}
		catch (RuntimeException ex) {
			this.changes.defer(Changes.impossible(operation.description(), this.failureLog, ex));
			return;
		}
		change(Changes.evict(this.engine, order, operation.description()));
	}

	private @Nullable Object evict(OrderCacheOperation.Evict operation, Call call) throws Throwable {
		Object result = null;
		Throwable failure = null;
		try {
			result = call.proceed();
		}
		catch (Throwable ex) {
			// Its change may have committed all the same; evicting is always safe.
			failure = ex;
		}
		Object returned = result;
		failOpen(operation, "evicting", () -> {
			EvaluationContext context = call.context(returned);
			TransactionalChanges.Change eviction;
			if (operation.order() != null) {
				Object order = unwrap(operation.order().getValue(context));
				if (order == null) {
					return;
				}
				OrderIdentity identity = this.engine.identify(order);
				eviction = Changes.evict(this.engine, this.engine.orderKey(identity.period(), identity.orderNo()),
						operation.description());
			}
			else if (operation.allInPeriod()) {
				eviction = Changes.drop(this.engine,
						this.engine.periodKey(string(operation.period(), context, "period")), operation.description());
			}
			else {
				eviction = Changes.evict(this.engine,
						this.engine.orderKey(string(operation.period(), context, "period"),
								string(operation.orderNo(), context, "orderNo")),
						operation.description());
			}
			change(eviction);
		});
		if (failure != null) {
			throw failure;
		}
		return result;
	}

	/**
	 * Whether this thread's load may be handed to others: not inside a transaction that may write,
	 * whose reads may never commit.
	 */
	private static boolean shareable() {
		return !TransactionSynchronizationManager.isActualTransactionActive()
				|| TransactionSynchronizationManager.isCurrentTransactionReadOnly();
	}

	/** Applies a change now, or defers it to the commit of the current transaction. */
	private void change(TransactionalChanges.Change change) {
		if (!this.changes.defer(change)) {
			this.changes.applyFailOpen(change);
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
		 * The call's identity for single-flight loading: same bean, method and arguments.
		 * @return a key with {@code equals} and {@code hashCode}
		 */
		Object flight();

		/**
		 * Whether a database read by this call certainly begins after now: the call entered no
		 * transaction and no persistence context that may have read already.
		 * @return {@code true} if a load by this call may be cached
		 */
		boolean freshRead();

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
