package io.fatamorgana.ordercache.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Establishes the connection factory's shared connection on a background thread. Until it exists,
 * getting a connection blocks for up to {@code spring.data.redis.connect-timeout} (10 s by default)
 * when Redis does not answer, and every cache call that asked would pay it; here a call waits at
 * most its own timeout and then fails like any call Redis did not answer in time. Once established,
 * Lettuce keeps the connection and reconnects it itself, and this costs one volatile read per call.
 */
final class FirstConnection {

	private final LettuceConnectionFactory connectionFactory;

	private final AtomicReference<CompletableFuture<Void>> attempt = new AtomicReference<>();

	private volatile boolean established;

	FirstConnection(LettuceConnectionFactory connectionFactory) {
		this.connectionFactory = connectionFactory;
	}

	/** Starts connecting in the background, unless a connection exists or an attempt is running. */
	void start() {
		currentAttempt();
	}

	/**
	 * Whether the shared connection was established (Lettuce keeps it and reconnects it itself).
	 * @return {@code true} once it was
	 */
	boolean established() {
		return this.established;
	}

	/**
	 * Waits for the shared connection at startup, when no business call waits on it yet: a Redis
	 * that answers is connected before the first calls (a cold JVM takes longer to connect than a
	 * call's timeout), and one that does not delays startup by this bound only.
	 * @param timeoutNanos how long at most
	 * @return whether the connection is established
	 */
	boolean awaitAtStartup(long timeoutNanos) {
		try {
			await(timeoutNanos);
			return true;
		}
		catch (DataAccessException ex) {
			return false;
		}
	}

	/**
	 * Waits for the shared connection.
	 * @param timeoutNanos how long at most
	 * @throws DataAccessException if it is not established within the timeout, or the attempt failed
	 * (the next call starts another)
	 */
	void await(long timeoutNanos) {
		if (this.established) {
			return;
		}
		try {
			currentAttempt().get(timeoutNanos, TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			throw new RedisConnectionFailureException("Not connected to Redis yet (connecting in the background)");
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof DataAccessException failure) {
				throw failure;
			}
			throw new RedisConnectionFailureException("Could not connect to Redis", ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RedisConnectionFailureException("Interrupted while connecting to Redis", ex);
		}
	}

	private CompletableFuture<Void> currentAttempt() {
		while (true) {
			CompletableFuture<Void> current = this.attempt.get();
			if (current != null && !current.isCompletedExceptionally()) {
				return current;
			}
			CompletableFuture<Void> next = new CompletableFuture<>();
			if (this.attempt.compareAndSet(current, next)) {
				Thread connecting = new Thread(() -> connect(next), "ordercache-connect");
				connecting.setDaemon(true);
				connecting.start();
				return next;
			}
		}
	}

	private void connect(CompletableFuture<Void> result) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			connection.getNativeConnection();
			this.established = true;
			result.complete(null);
		}
		catch (Throwable ex) {
			result.completeExceptionally(ex);
		}
	}

}
