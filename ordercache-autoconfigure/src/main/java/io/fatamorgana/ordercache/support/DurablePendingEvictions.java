package io.fatamorgana.ordercache.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.fatamorgana.ordercache.key.OrderKeys;
import io.fatamorgana.ordercache.redis.CircuitBreakers;
import io.fatamorgana.ordercache.support.PendingEvictionStore.Eviction;
import io.fatamorgana.ordercache.support.PendingEvictionStore.Stored;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The durable half of the pending evictions (docs/consistency.md, "Failed evictions are not
 * forgotten"): every eviction that could not reach Redis is also written to a
 * {@link PendingEvictionStore}, and what any instance stored there is read back, while the circuit
 * is closed, into this instance's {@link PendingEvictions} (its reads of those orders are misses
 * from then on), replayed with them by the maintenance task, and deleted once its eviction reached
 * Redis. A row is deleted only if its entry left {@link PendingEvictions} after the row was read,
 * which only a replay sent after that does; a failure recorded again meanwhile has a row of its
 * own, which was not read, and so survives.
 * <p>
 * One background thread does all the work with the database, so that neither the maintenance
 * task nor a business call ever waits for a connection of the pool: a business call, which in
 * {@code afterCompletion} still holds the connection of the transaction that just completed (a pool
 * whose connections are all held so would make it wait the pool's connection timeout), waits at most
 * {@code writeWait} for its row, and the rows of concurrent calls are written in one batch.
 * A failure that could not be written (database down, queue full) is owed as one row that drops
 * every period of the prefix, written as soon as the database answers.
 */
final class DurablePendingEvictions {

	private static final Log logger = LogFactory.getLog("io.fatamorgana.ordercache");

	/** Most stored evictions read per poll. */
	static final int PAGE_SIZE = 1_000;

	/**
	 * Most stored evictions read when Redis answers a probe, before the circuit closes; if the table
	 * holds more, every period of the prefix is dropped instead.
	 */
	static final int PROBE_PAGE_SIZE = 10_000;

	/** Most writes (business calls) whose rows go to the database in one batch. */
	private static final int BATCH_SIZE = 500;

	private static final long WAKE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	/**
	 * How long after Redis answered again the table is read every {@link #WAKE_NANOS}: the other
	 * instances notice Redis's return one by one, and until each does, its evictions go to the table
	 * only. Read often then, an order changed there is a miss here within a tenth of a second.
	 */
	static final long SETTLING_NANOS = TimeUnit.SECONDS.toNanos(5);

	private final PendingEvictionStore store;

	private final PendingEvictions pending;

	private final CircuitBreakers circuitBreakers;

	private final String keyPrefix;

	private final long pollIntervalNanos;

	private final long writeWaitNanos;

	private final FailureLog failureLog;

	private final BlockingQueue<Write> writes = new ArrayBlockingQueue<>(10_000);

	private final AtomicBoolean everythingOwed = new AtomicBoolean();

	/** Stored evictions read into {@link #pending} and not yet deleted, by id. */
	private final Map<Long, Eviction> absorbed = new ConcurrentHashMap<>();

	private final Object lifecycle = new Object();

	/** Held while reading or deleting, which the background thread and the maintenance task both do. */
	private final Object database = new Object();

	private volatile boolean running;

	private @Nullable Thread worker;

	private volatile long nextPoll = System.nanoTime();

	private volatile long settlingUntil = System.nanoTime();

	private volatile long nextAttempt = System.nanoTime();

	private boolean circuitWasClosed;

	private volatile boolean morePages;

	DurablePendingEvictions(PendingEvictionStore store, PendingEvictions pending, CircuitBreakers circuitBreakers,
			String keyPrefix, Duration pollInterval, Duration writeWait, FailureLog failureLog) {
		this.store = store;
		this.pending = pending;
		this.circuitBreakers = circuitBreakers;
		this.keyPrefix = keyPrefix;
		this.pollIntervalNanos = pollInterval.toNanos();
		this.writeWaitNanos = writeWait.toNanos();
		this.failureLog = failureLog;
	}

	/**
	 * Writes evictions that could not reach Redis, waiting at most the write wait for the row.
	 * Never throws.
	 * @param evictions the evictions, already remembered in {@link PendingEvictions}
	 */
	void record(List<Eviction> evictions) {
		Write write = new Write(evictions);
		if (!this.running) {
			// Before start or after stop there is no background thread: write on the caller's.
			flush(new ArrayList<>(List.of(write)));
			return;
		}
		if (!this.writes.offer(write)) {
			owe("queueing " + evictions.size() + " evictions for " + this.store.describe() + " (queue full)",
					new IllegalStateException("10000 writes waiting"));
			return;
		}
		write.await(this.writeWaitNanos);
	}

	String describe() {
		return this.store.describe();
	}

	/**
	 * Whether a failure could not be written (and the row dropping everything that stands for it
	 * neither), so that the table does not hold every eviction this instance failed to send.
	 * @return whether one is owed
	 */
	boolean owesRows() {
		return this.everythingOwed.get();
	}

	/**
	 * Whether the table held more rows of the prefix than the last page read: what this instance
	 * waits to replay is then not all that is pending.
	 * @return whether rows are left to read
	 */
	boolean holdsUnreadRows() {
		return this.morePages;
	}

	void start() {
		synchronized (this.lifecycle) {
			if (this.worker != null) {
				return;
			}
			this.running = true;
			Thread thread = new Thread(this::work, "ordercache-pending-evictions");
			thread.setDaemon(true);
			thread.start();
			this.worker = thread;
		}
	}

	/**
	 * Stops the background thread, then writes what it had not written yet on the caller's thread.
	 * @param timeout how long to wait for the thread
	 */
	void stop(Duration timeout) {
		Thread stopped;
		synchronized (this.lifecycle) {
			stopped = this.worker;
			this.worker = null;
			this.running = false;
		}
		if (stopped == null) {
			return;
		}
		// Woken by a write rather than interrupted: an interrupt may close a database file or socket.
		this.writes.offer(new Write(List.of()));
		try {
			stopped.join(timeout.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		List<Write> left = new ArrayList<>();
		this.writes.drainTo(left);
		flush(left);
		this.nextAttempt = System.nanoTime();
		writeOwed();
	}

	/**
	 * Reads what the fleet stored into this instance's pending evictions now, on the caller's thread:
	 * for the maintenance task when Redis answers its probe, before the circuit closes. Never throws.
	 * @return whether the table was read; if not, the circuit must stay open, since the rows not read
	 * could name any order
	 */
	boolean pollNow() {
		this.settlingUntil = System.nanoTime() + SETTLING_NANOS;
		try {
			synchronized (this.database) {
				doPoll(PROBE_PAGE_SIZE);
				if (this.morePages) {
					// The rows not read could name any order, and reads go to Redis once the circuit closes.
					this.pending.all();
				}
			}
			return true;
		}
		catch (RuntimeException ex) {
			this.failureLog.warn("pending-evictions", "reading evictions from " + this.store.describe()
					+ " (the cache keeps off Redis until they can be read)", ex);
			return false;
		}
	}

	/** Stops the background thread without writing what it had not written yet, as a killed process. */
	void halt() {
		synchronized (this.lifecycle) {
			this.worker = null;
			this.running = false;
		}
		this.writes.clear();
	}

	/**
	 * Deletes the stored evictions read by this instance whose replay reached Redis; for the last
	 * round at shutdown, after {@link #stop}.
	 */
	void removeReplayedNow() {
		try {
			removeReplayed();
		}
		catch (RuntimeException ex) {
			this.failureLog.warn("pending-evictions", "deleting replayed evictions from " + this.store.describe(), ex);
		}
	}

	private void work() {
		while (this.running) {
			try {
				Write first = this.writes.poll(WAKE_NANOS, TimeUnit.NANOSECONDS);
				if (first != null) {
					List<Write> batch = new ArrayList<>(List.of(first));
					this.writes.drainTo(batch, BATCH_SIZE - 1);
					flush(batch);
				}
				if (System.nanoTime() - this.nextAttempt < 0) {
					continue;
				}
				writeOwed();
				// Polled while some node answers: the rows read make their orders misses until replayed.
				if (this.circuitBreakers.allOpen()) {
					this.circuitWasClosed = false;
					continue;
				}
				boolean justClosed = !this.circuitWasClosed;
				this.circuitWasClosed = true;
				if (justClosed || System.nanoTime() - this.nextPoll >= 0) {
					poll();
				}
				removeReplayed();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (Throwable ex) {
				// The database did not answer (or worse): wait a poll interval before the next attempt.
				this.nextAttempt = System.nanoTime() + this.pollIntervalNanos;
				this.failureLog.warn("pending-evictions", "reading or deleting evictions in " + this.store.describe(),
						ex);
			}
		}
	}

	private void flush(List<Write> batch) {
		List<Eviction> rows = new ArrayList<>();
		batch.forEach((write) -> rows.addAll(write.evictions));
		try {
			if (!rows.isEmpty()) {
				this.store.add(rows);
			}
		}
		catch (RuntimeException ex) {
			owe("writing " + rows.size() + " evictions to " + this.store.describe(), ex);
		}
		finally {
			batch.forEach(Write::done);
		}
	}

	private void owe(String what, Throwable failure) {
		this.everythingOwed.set(true);
		this.failureLog.warn("pending-evictions", what + "; every period of " + this.keyPrefix
				+ "* will be dropped instead once the row saying so can be written", failure);
	}

	private void writeOwed() {
		if (this.everythingOwed.getAndSet(false)) {
			try {
				this.store.add(List.of(Eviction.everything(this.keyPrefix)));
			}
			catch (RuntimeException ex) {
				this.everythingOwed.set(true);
				this.nextAttempt = System.nanoTime() + this.pollIntervalNanos;
				this.failureLog.warn("pending-evictions",
						"writing the drop of every period of " + this.keyPrefix + "* to " + this.store.describe(), ex);
			}
		}
	}

	private void poll() {
		synchronized (this.database) {
			doPoll(PAGE_SIZE);
		}
	}

	private void doPoll(int pageSize) {
		long now = System.nanoTime();
		this.nextPoll = now + ((now - this.settlingUntil < 0) ? Math.min(WAKE_NANOS, this.pollIntervalNanos)
				: this.pollIntervalNanos);
		List<Stored> rows = this.store.oldest(this.keyPrefix, pageSize);
		Set<Long> read = new HashSet<>();
		int added = 0;
		for (Stored row : rows) {
			read.add(row.id());
			if (this.absorbed.putIfAbsent(row.id(), row.eviction()) == null) {
				remember(row.eviction());
				added++;
			}
		}
		this.morePages = rows.size() >= pageSize;
		long last = this.morePages ? rows.get(rows.size() - 1).id() : Long.MAX_VALUE;
		// Read before and gone now: another instance replayed and deleted them.
		this.absorbed.keySet().removeIf((id) -> id <= last && !read.contains(id));
		if (added > 0) {
			logger.info("Order cache read " + added + " evictions that could not reach Redis from "
					+ this.store.describe() + "; they are replayed with this instance's own");
		}
	}

	private void remember(Eviction eviction) {
		if (eviction.isEverything()) {
			this.pending.all();
		}
		else if (!isValid(eviction)) {
			// Not written by the cache: it can name nothing to evict. Deleted as replayed.
			logger.warn("Order cache ignores a stored eviction that names no valid period or order: key '"
					+ eviction.key() + "'");
		}
		else if (eviction.field() == null) {
			this.pending.period(eviction.key());
		}
		else {
			this.pending.order(eviction.key(), eviction.field());
		}
	}

	private boolean isValid(Eviction eviction) {
		if (!eviction.key().startsWith(this.keyPrefix)) {
			return false;
		}
		try {
			OrderKeys.requireValid("period number", eviction.key().substring(this.keyPrefix.length()));
			if (eviction.field() != null) {
				OrderKeys.requireValid("order number", eviction.field());
			}
			return true;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private void removeReplayed() {
		synchronized (this.database) {
			doRemoveReplayed();
		}
	}

	private void doRemoveReplayed() {
		if (this.absorbed.isEmpty()) {
			return;
		}
		List<Long> replayed = new ArrayList<>();
		this.absorbed.forEach((id, eviction) -> {
			if (!stillPending(eviction)) {
				replayed.add(id);
			}
		});
		if (replayed.isEmpty()) {
			return;
		}
		this.store.remove(replayed);
		replayed.forEach(this.absorbed::remove);
		if (this.morePages) {
			this.nextPoll = System.nanoTime();
		}
	}

	private boolean stillPending(Eviction eviction) {
		if (eviction.isEverything()) {
			return this.pending.everything();
		}
		if (!isValid(eviction)) {
			return false;
		}
		String field = eviction.field();
		return (field != null) ? this.pending.covers(eviction.key(), field) : this.pending.dropsPeriod(eviction.key());
	}

	/** The rows of one business call, and the call's wait for them. */
	private static final class Write {

		private final List<Eviction> evictions;

		private final CountDownLatch written = new CountDownLatch(1);

		Write(List<Eviction> evictions) {
			this.evictions = evictions;
		}

		void done() {
			this.written.countDown();
		}

		void await(long nanos) {
			try {
				this.written.await(nanos, TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
