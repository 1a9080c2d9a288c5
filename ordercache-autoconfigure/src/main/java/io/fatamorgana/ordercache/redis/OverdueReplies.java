package io.fatamorgana.ordercache.redis;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import org.jspecify.annotations.Nullable;

/**
 * Waits for the replies of commands on one order for the {@link AdaptiveTimeout} and keeps watching
 * those that did not come in time. The caller gives up at the timeout (the database answers it),
 * but whether Redis failed is decided by the reply itself: one that still comes within the ceiling
 * is an answer, recorded as a latency (so the timeout grows to fit a slow machine) and as a success
 * of the node's circuit; one that does not come by then, or a broken connection, is a failure. A
 * busy machine therefore does not open the circuit of a healthy Redis, and a dead or frozen one
 * opens it about one ceiling after its first unanswered command.
 */
final class OverdueReplies {

	private final AdaptiveTimeout timeout;

	private final AtomicLong answeredLate = new AtomicLong();

	OverdueReplies(AdaptiveTimeout timeout) {
		this.timeout = timeout;
	}

	/**
	 * Waits for a reply for at most the given timeout.
	 * @param reply the reply of a command just sent
	 * @param timeoutNanos how long to wait
	 * @param circuitBreaker the breaker of the node the command went to, told later about a reply
	 * that did not come in time
	 * @return the reply
	 * @throws Overdue when the reply did not come in time; its breaker has not been told yet
	 */
	<T> T await(RedisFuture<T> reply, long timeoutNanos, CircuitBreaker circuitBreaker) {
		long sent = System.nanoTime();
		CompletableFuture<T> future = reply.toCompletableFuture();
		try {
			T value = future.get(timeoutNanos, TimeUnit.NANOSECONDS);
			this.timeout.record(System.nanoTime() - sent);
			return value;
		}
		catch (TimeoutException ex) {
			watch(future, sent, circuitBreaker);
			throw new Overdue(timeoutNanos);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RedisCommandExecutionException answer) {
				this.timeout.record(System.nanoTime() - sent);
				throw answer;
			}
			throw (ex.getCause() instanceof RedisException failure) ? failure
					: new RedisException(String.valueOf(ex.getCause()), ex.getCause());
		}
		catch (CancellationException ex) {
			throw new RedisException("Command cancelled", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			future.cancel(false);
			throw new RedisCommandInterruptedException(ex);
		}
	}

	private void watch(CompletableFuture<?> reply, long sent, CircuitBreaker circuitBreaker) {
		long left = this.timeout.ceilingNanos() - (System.nanoTime() - sent);
		if (left <= 0) {
			reply.cancel(false);
			circuitBreaker.failed();
			return;
		}
		// orTimeout completes the command itself at the ceiling, so Lettuce drops its reply if it comes later.
		reply.orTimeout(left, TimeUnit.NANOSECONDS).whenComplete((value, failure) -> {
			if (isAnswer(failure)) {
				this.timeout.record(System.nanoTime() - sent);
				this.answeredLate.incrementAndGet();
				circuitBreaker.succeeded();
			}
			else {
				circuitBreaker.failed();
			}
		});
	}

	private static boolean isAnswer(@Nullable Throwable failure) {
		Throwable cause = (failure instanceof CompletionException wrapped && wrapped.getCause() != null)
				? wrapped.getCause() : failure;
		return cause == null || cause instanceof RedisCommandExecutionException;
	}

	/**
	 * How many replies came after their call had given up, but within the ceiling.
	 * @return the count since startup
	 */
	long answeredLate() {
		return this.answeredLate.get();
	}

	/**
	 * A reply that did not come within the call's timeout, whose verdict for the circuit is left to
	 * the reply itself. Lettuce's timeout type, so that it is translated as any command timeout.
	 */
	static final class Overdue extends RedisCommandTimeoutException {

		private static final long serialVersionUID = 1L;

		Overdue(long timeoutNanos) {
			super("Redis did not answer within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + "ms");
		}

	}

}
