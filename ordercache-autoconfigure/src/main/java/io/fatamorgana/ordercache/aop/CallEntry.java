package io.fatamorgana.ordercache.aop;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.ClassUtils;

/**
 * Notes, before any other advice, whether a read entered an existing transaction or persistence
 * context. Such a call may read from a snapshot fixed before its load token (REPEATABLE READ, a JPA
 * entity already in the persistence context), so what it loads must not be cached. The
 * ordercache interceptor runs inside the transaction advisor and cannot tell an existing transaction
 * from the one begun for the call itself; this advice runs outside it and can.
 */
final class CallEntry implements MethodInterceptor {

	private static final ThreadLocal<@Nullable Boolean> enteredExisting = new ThreadLocal<>();

	private static final @Nullable Class<?> entityManagerHolder = resolve(
			"org.springframework.orm.jpa.EntityManagerHolder");

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Boolean outer = enteredExisting.get();
		enteredExisting.set(existingNow());
		try {
			return invocation.proceed();
		}
		finally {
			if (outer != null) {
				enteredExisting.set(outer);
			}
			else {
				enteredExisting.remove();
			}
		}
	}

	/**
	 * Whether the current read entered an existing transaction or persistence context: as noted
	 * when it was entered, or as things are now when this advice did not run.
	 * @return {@code true} if a database read by the call may be older than now
	 */
	static boolean enteredExisting() {
		Boolean entered = enteredExisting.get();
		return (entered != null) ? entered : existingNow();
	}

	private static boolean existingNow() {
		if (TransactionSynchronizationManager.isActualTransactionActive()) {
			return true;
		}
		if (entityManagerHolder != null) {
			for (Object resource : TransactionSynchronizationManager.getResourceMap().values()) {
				if (entityManagerHolder.isInstance(resource)) {
					return true;
				}
			}
		}
		return false;
	}

	private static @Nullable Class<?> resolve(String name) {
		ClassLoader classLoader = CallEntry.class.getClassLoader();
		return ClassUtils.isPresent(name, classLoader) ? ClassUtils.resolveClassName(name, classLoader) : null;
	}

}
