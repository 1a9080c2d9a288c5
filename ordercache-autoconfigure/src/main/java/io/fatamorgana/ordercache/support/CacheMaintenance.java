package io.fatamorgana.ordercache.support;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.fatamorgana.ordercache.redis.CircuitBreaker;
import io.fatamorgana.ordercache.redis.OrderHashStore;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;

/**
 * The cache's one background thread: while the circuit is open it probes Redis (PING) once per
 * cool-down and closes the circuit when Redis answers; while the circuit is closed it replays the
 * evictions that failed. Business calls never wait for either.
 */
public final class CacheMaintenance implements SmartLifecycle {

	private final OrderCacheEngine engine;

	private final OrderHashStore store;

	private final CircuitBreaker circuitBreaker;

	private final Duration interval;

	private volatile @Nullable ScheduledExecutorService scheduler;

	/**
	 * Creates the maintenance task.
	 * @param engine replays pending evictions
	 * @param store answers the probes
	 * @param circuitBreaker the breaker to close when Redis answers
	 * @param interval how often to look
	 */
	public CacheMaintenance(OrderCacheEngine engine, OrderHashStore store, CircuitBreaker circuitBreaker,
			Duration interval) {
		this.engine = engine;
		this.store = store;
		this.circuitBreaker = circuitBreaker;
		this.interval = interval;
	}

	/** Probes Redis if the circuit is open and due, then replays pending evictions if it is closed. */
	public void run() {
		if (this.circuitBreaker.probeDue()) {
			try {
				this.store.ping();
				this.circuitBreaker.closed();
			}
			catch (DataAccessException ex) {
				this.circuitBreaker.probeFailed();
				return;
			}
		}
		if (this.circuitBreaker.allowsCalls() && this.engine.hasPendingEvictions()) {
			this.engine.replayPendingEvictions();
		}
	}

	@Override
	public void start() {
		ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "ordercache-maintenance");
			thread.setDaemon(true);
			return thread;
		});
		long millis = Math.max(1, this.interval.toMillis());
		started.scheduleWithFixedDelay(this::runSafely, millis, millis, TimeUnit.MILLISECONDS);
		this.scheduler = started;
	}

	@Override
	public void stop() {
		ScheduledExecutorService running = this.scheduler;
		if (running != null) {
			running.shutdownNow();
			this.scheduler = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	private void runSafely() {
		try {
			run();
		}
		catch (RuntimeException ex) {
			// The next run tries again; the engine has counted and logged what failed.
		}
	}

}
