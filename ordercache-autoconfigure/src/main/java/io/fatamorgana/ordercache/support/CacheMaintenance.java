package io.fatamorgana.ordercache.support;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.fatamorgana.ordercache.redis.CircuitBreakers;
import io.fatamorgana.ordercache.redis.OrderHashStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;

/**
 * The cache's one background thread: while a circuit is open it probes its Redis node (PING) once
 * per cool-down, and at once when the client has reconnected, and closes that circuit when the node
 * answers; it replays the evictions that failed,
 * those of nodes whose circuit is open excepted. Business calls never wait for either. It survives
 * any failure, and on shutdown it tries a last, bounded replay and warns about what is left.
 */
public final class CacheMaintenance implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog("io.fatamorgana.ordercache");

	private static final Duration LAST_REPLAY = Duration.ofSeconds(5);

	private final OrderCacheEngine engine;

	private final OrderHashStore store;

	private final CircuitBreakers circuitBreakers;

	private final Duration interval;

	private final FailureLog failureLog;

	private volatile @Nullable ScheduledExecutorService scheduler;

	private volatile boolean halted;

	private boolean listening;

	/**
	 * Creates the maintenance task.
	 * @param engine replays pending evictions
	 * @param store answers the probes
	 * @param circuitBreakers the breakers to close when their Redis node answers
	 * @param interval how often to look
	 * @param failureLog where an unexpected failure of the task is reported
	 */
	public CacheMaintenance(OrderCacheEngine engine, OrderHashStore store, CircuitBreakers circuitBreakers,
			Duration interval, FailureLog failureLog) {
		this.engine = engine;
		this.store = store;
		this.circuitBreakers = circuitBreakers;
		this.interval = interval;
		this.failureLog = failureLog;
	}

	/**
	 * Probes each Redis node whose circuit is open and due, then replays pending evictions unless
	 * every circuit is open (evictions for a node whose circuit is open wait).
	 */
	public void run() {
		for (String node : this.circuitBreakers.probesDue()) {
			probe(node);
		}
		if (!this.circuitBreakers.allOpen() && this.engine.hasPendingEvictions()) {
			this.engine.replayPendingEvictions();
		}
	}

	/** PINGs one node (on a Cluster, on its own connection) and closes its circuit if it answers. */
	private void probe(String node) {
		try {
			this.store.ping(node);
			DurablePendingEvictions durable = this.engine.durable();
			// Before any read goes to the node again: what the fleet could not send, its reads miss. A
			// table that cannot be read now may name any order: the circuit stays open until it can.
			if (durable != null && !durable.pollNow()) {
				this.circuitBreakers.probeFailed(node);
				return;
			}
			this.circuitBreakers.closed(node);
		}
		catch (DataAccessException ex) {
			this.circuitBreakers.probeFailed(node);
		}
	}

	/**
	 * Probes every open circuit soon, whether its cool-down is over or not: the client has just
	 * reconnected to Redis, which therefore answers again. Instances that notice Redis's return at
	 * about the same moment leave less time in which one serves from Redis while another still sends
	 * its evictions to the table only.
	 */
	void probeOpenCircuitsSoon() {
		ScheduledExecutorService running = this.scheduler;
		if (running == null || !this.circuitBreakers.anyOpen()) {
			return;
		}
		try {
			running.execute(() -> {
				try {
					this.circuitBreakers.openNodes().forEach(this::probe);
				}
				catch (RuntimeException ex) {
					// The scheduled runs probe again.
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// Stopping.
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
		if (!this.listening) {
			this.listening = true;
			this.store.whenConnected(this::probeOpenCircuitsSoon);
		}
		DurablePendingEvictions durable = this.engine.durable();
		if (durable != null) {
			durable.start();
		}
	}

	@Override
	public void stop() {
		if (this.halted) {
			return;
		}
		ScheduledExecutorService running = this.scheduler;
		if (running != null) {
			running.shutdownNow();
			this.scheduler = null;
			try {
				running.awaitTermination(1, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		replayBeforeShutdown();
	}

	/**
	 * A last, bounded replay before the instance goes: what this JVM remembers only in memory is lost
	 * with it, and other instances would otherwise serve the older copies. What is left is said in a
	 * warning; with a durable store, what it holds stays there for the next instance to reach Redis.
	 */
	private void replayBeforeShutdown() {
		DurablePendingEvictions durable = this.engine.durable();
		if (durable != null) {
			durable.stop(LAST_REPLAY);
		}
		if (!this.engine.hasPendingEvictions()) {
			return;
		}
		// A node still unreachable keeps its evictions: the warning below says what is lost.
		for (String node : this.circuitBreakers.openNodes()) {
			probe(node);
		}
		long deadline = System.nanoTime() + LAST_REPLAY.toNanos();
		while (this.engine.hasPendingEvictions() && System.nanoTime() < deadline
				&& this.engine.replayPendingEvictions() > 0) {
			// Each round replays what it can; one without progress ends the loop.
		}
		if (durable != null) {
			durable.removeReplayedNow();
		}
		if (!this.engine.hasPendingEvictions()) {
			return;
		}
		long left = this.engine.statistics().pendingEvictions();
		if (durable != null && !durable.owesRows()) {
			logger.warn("Order cache stopping with " + left + " evictions that could not reach Redis yet; they"
					+ " are kept in " + durable.describe() + " and the first instance to reach Redis replays them:"
					+ " nothing is lost");
		}
		else {
			logger.warn("Order cache stopping with " + left + " evictions that could not reach Redis"
					+ ((durable != null) ? " nor all be written to " + durable.describe() : "")
					+ "; until each order is written, evicted or expires (at most ordercache.ttl), other instances"
					+ " may serve its older copy");
		}
	}

	/**
	 * Stops the background work at once, without the last replay and without writing what waits to
	 * be written: what a killed process does. For tests of what survives an instance.
	 */
	void halt() {
		this.halted = true;
		ScheduledExecutorService running = this.scheduler;
		this.scheduler = null;
		if (running != null) {
			running.shutdownNow();
		}
		DurablePendingEvictions durable = this.engine.durable();
		if (durable != null) {
			durable.halt();
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
		catch (Throwable ex) {
			// Even an Error must not end the task for good: the circuit would never close again.
			this.failureLog.warn("maintenance", "running the background task (it goes on)", ex);
		}
	}

}
