package io.fatamorgana.ordercache.redis;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Keeps cache calls away from a Redis, or one node of a Redis Cluster ({@link CircuitBreakers}), that
 * does not answer: after a number of consecutive availability failures the breaker opens and every
 * call is refused at once; only the background probe ({@link #probeDue()}, then {@link #closed()} or
 * {@link #probeFailed()}) talks to it until it answers again, so no business call pays for finding out.
 * <p>
 * Our own rather than Resilience4j's: its half-open state lets business calls be the probes (each
 * paying up to a command timeout), it counts failure rates over windows where we need plain
 * consecutive failures, and this is all the state we need.
 */
public final class CircuitBreaker {

	private static final Log logger = LogFactory.getLog("io.fatamorgana.ordercache");

	private final int failureThreshold;

	private final long openNanos;

	private final LongSupplier clock;

	private final String target;

	private final AtomicInteger consecutiveFailures = new AtomicInteger();

	/** When the breaker may be probed again; 0 while closed. */
	private final AtomicLong openUntil = new AtomicLong();

	private final AtomicLong opened = new AtomicLong();

	private final Runnable onOpen;

	private final int maxConcurrentCalls;

	private final Semaphore callPermits;

	/**
	 * Creates a closed breaker.
	 * @param failureThreshold consecutive failures that open it
	 * @param openDuration how long it stays open before a probe
	 */
	public CircuitBreaker(int failureThreshold, Duration openDuration) {
		this(failureThreshold, openDuration, System::nanoTime);
	}

	CircuitBreaker(int failureThreshold, Duration openDuration, LongSupplier clock) {
		this(failureThreshold, openDuration, clock, "Redis");
	}

	/**
	 * Creates a closed breaker for one target.
	 * @param target what it keeps calls away from, as the log names it ({@code Redis node 10.0.0.7:6379})
	 */
	CircuitBreaker(int failureThreshold, Duration openDuration, LongSupplier clock, String target) {
		this(failureThreshold, openDuration, clock, target, () -> {
		}, Integer.MAX_VALUE);
	}

	/**
	 * Creates a closed breaker for one target, telling someone each time it opens.
	 * @param onOpen run each time the breaker opens
	 * @param maxConcurrentCalls most calls that may wait for the target at once
	 */
	CircuitBreaker(int failureThreshold, Duration openDuration, LongSupplier clock, String target,
			Runnable onOpen, int maxConcurrentCalls) {
		this.onOpen = onOpen;
		this.maxConcurrentCalls = maxConcurrentCalls;
		this.callPermits = new Semaphore(maxConcurrentCalls);
		this.failureThreshold = failureThreshold;
		this.openNanos = openDuration.toNanos();
		this.clock = clock;
		this.target = target;
	}

	/**
	 * What the breaker keeps calls away from, as messages name it.
	 * @return {@code Redis}, or {@code Redis node host:port}
	 */
	String target() {
		return this.target;
	}

	/**
	 * Whether cache calls may go to Redis now.
	 * @return {@code true} while closed
	 */
	public boolean allowsCalls() {
		return this.openUntil.get() == 0;
	}

	/**
	 * Takes one of the target's call permits, without waiting: a frozen node holds at most that
	 * many callers, and only its own ({@link #releaseCall()} when the call is over).
	 * @return whether a permit was free
	 */
	boolean tryAcquireCall() {
		return this.callPermits.tryAcquire();
	}

	/** Gives back the permit of a call that is over. */
	void releaseCall() {
		this.callPermits.release();
	}

	/**
	 * The most calls that may wait for the target at once.
	 * @return the limit
	 */
	int maxConcurrentCalls() {
		return this.maxConcurrentCalls;
	}

	/** Records a call that Redis answered. */
	public void succeeded() {
		if (this.consecutiveFailures.get() != 0) {
			this.consecutiveFailures.set(0);
		}
	}

	/** Records a call that Redis did not answer in time or at all. */
	public void failed() {
		if (this.consecutiveFailures.incrementAndGet() >= this.failureThreshold
				&& this.openUntil.compareAndSet(0, this.clock.getAsLong() + this.openNanos)) {
			this.opened.incrementAndGet();
			this.onOpen.run();
			logger.warn("Order cache circuit opened after " + this.failureThreshold + " consecutive failures of "
					+ this.target + "; cache calls to it are skipped until it answers a probe");
		}
	}

	/**
	 * Whether the breaker is open and its cool-down is over, so the prober should try Redis.
	 * @return {@code true} when a probe is due
	 */
	public boolean probeDue() {
		long until = this.openUntil.get();
		return until != 0 && this.clock.getAsLong() - until >= 0;
	}

	/** Records a failed probe: the breaker stays open for another cool-down. */
	public void probeFailed() {
		this.openUntil.set(this.clock.getAsLong() + this.openNanos);
	}

	/** Records a successful probe: cache calls go to Redis again. */
	public void closed() {
		this.consecutiveFailures.set(0);
		if (this.openUntil.getAndSet(0) != 0) {
			logger.info("Order cache circuit closed: " + this.target + " answers again");
		}
	}

	/**
	 * How often the breaker opened since startup.
	 * @return the count
	 */
	public long timesOpened() {
		return this.opened.get();
	}

}
