package io.fatamorgana.ordercache.support;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessException;

/**
 * Logs cache failures as warnings, at most one per kind of operation per interval, with the number
 * of failures left out in between. Messages carry the operation, keys and the cause's type and
 * message, never order contents; the full stack trace is logged at DEBUG.
 */
public final class FailureLog {

	private static final Log logger = LogFactory.getLog("io.fatamorgana.ordercache");

	private final long intervalNanos;

	private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

	/**
	 * Creates a failure log.
	 * @param interval the shortest time between two warnings for the same operation
	 */
	public FailureLog(Duration interval) {
		this.intervalNanos = interval.toNanos();
	}

	/**
	 * Logs a failure, or counts it as left out if the operation's last warning is recent.
	 * @param operation the kind of operation, such as {@code @CacheOrder} or {@code getOrder}
	 * @param what what was being done, with keys but without order contents
	 * @param failure the failure
	 */
	public void warn(String operation, String what, Throwable failure) {
		Window window = this.windows.computeIfAbsent(operation, (key) -> new Window());
		long now = System.nanoTime();
		long next = window.next.get();
		if (now - next >= 0 && window.next.compareAndSet(next, now + this.intervalNanos)) {
			long leftOut = window.leftOut.getAndSet(0);
			logger.warn("Order cache " + operation + " failed, " + what + ": " + describe(failure)
					+ ((leftOut > 0) ? " (" + leftOut + " more failures of " + operation + " not logged)" : ""));
		}
		else {
			window.leftOut.incrementAndGet();
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Order cache " + operation + " failed, " + what, failure);
		}
	}

	/**
	 * Describes a failure without the data it may carry. A JSON error anywhere in the causes is
	 * described by its location only; other messages are shown only when ordercache or the Redis
	 * client wrote them (keys, Redis errors). Everything else, such as a validation message of the
	 * user's order class or a SpEL conversion error, which may quote order data, by its type only.
	 * @param failure the failure
	 * @return a one-line description
	 */
	public static String describe(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof JacksonException json) {
				return "unusable JSON (" + json.getClass().getSimpleName() + " at '" + json.getPathReference() + "')";
			}
		}
		Throwable cause = NestedExceptionUtils.getMostSpecificCause(failure);
		String described = cause.getClass().getSimpleName() + (hasSafeMessage(cause) ? ": " + cause.getMessage() : "");
		return (cause != failure && hasSafeMessage(failure)) ? failure.getMessage() + ": " + described : described;
	}

	private static boolean hasSafeMessage(Throwable failure) {
		if (failure.getMessage() == null) {
			return false;
		}
		if (failure instanceof DataAccessException || failure.getClass().getName().startsWith("io.lettuce.")) {
			return true;
		}
		StackTraceElement[] stack = failure.getStackTrace();
		return stack.length > 0 && (stack[0].getClassName().startsWith("io.fatamorgana.ordercache.")
				|| stack[0].getClassName().equals("org.springframework.util.Assert"));
	}

	private static final class Window {

		private final AtomicLong next = new AtomicLong(System.nanoTime());

		private final AtomicLong leftOut = new AtomicLong();

	}

}
