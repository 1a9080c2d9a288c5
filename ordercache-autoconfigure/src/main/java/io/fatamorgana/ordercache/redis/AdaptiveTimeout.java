package io.fatamorgana.ordercache.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.springframework.util.Assert;

/**
 * The timeout of a command on one order, adapted to how fast Redis answers now: twice the slowest
 * reply of the last one to two seconds, never below the configured command timeout and never above
 * its ceiling. A machine made slow by other work (replies of 80 ms where 1 ms is usual) raises it,
 * so the cache keeps its hits instead of timing out and opening its circuit; a Redis that answers
 * nothing records no reply, so the timeout falls back to the floor and a dead Redis costs a call no
 * more than the configured command timeout.
 * <p>
 * Replies that came after their call had timed out are recorded too ({@link OverdueReplies}): they
 * are the ones that tell how slow Redis really is.
 */
final class AdaptiveTimeout {

	private static final long WINDOW_NANOS = Duration.ofSeconds(1).toNanos();

	private final long floorNanos;

	private final long ceilingNanos;

	private final LongSupplier clock;

	private final AtomicLong windowStart;

	private final AtomicLong slowestNow = new AtomicLong();

	private volatile long slowestBefore;

	/**
	 * Creates a timeout at its floor.
	 * @param floor the configured command timeout
	 * @param ceiling the longest the timeout may grow to, at least the floor
	 */
	AdaptiveTimeout(Duration floor, Duration ceiling) {
		this(floor, ceiling, System::nanoTime);
	}

	AdaptiveTimeout(Duration floor, Duration ceiling, LongSupplier clock) {
		Assert.isTrue(!ceiling.minus(floor).isNegative(), "ceiling must not be shorter than the floor");
		this.floorNanos = floor.toNanos();
		this.ceilingNanos = ceiling.toNanos();
		this.clock = clock;
		this.windowStart = new AtomicLong(clock.getAsLong());
	}

	/**
	 * Records how long a reply took, counted from when its command was sent.
	 * @param nanos the reply's latency
	 */
	void record(long nanos) {
		roll(this.clock.getAsLong());
		if (nanos > this.slowestNow.get()) {
			this.slowestNow.accumulateAndGet(nanos, Math::max);
		}
	}

	/**
	 * The timeout for a command sent now.
	 * @return in nanoseconds, between floor and ceiling
	 */
	long nanos() {
		roll(this.clock.getAsLong());
		long slowest = Math.max(this.slowestBefore, this.slowestNow.get());
		long doubled = (slowest > Long.MAX_VALUE / 2) ? Long.MAX_VALUE : 2 * slowest;
		return Math.min(this.ceilingNanos, Math.max(this.floorNanos, doubled));
	}

	/**
	 * The longest a command on one order may wait: replies later than this are failures.
	 * @return in nanoseconds
	 */
	long ceilingNanos() {
		return this.ceilingNanos;
	}

	private void roll(long now) {
		long start = this.windowStart.get();
		if (now - start < WINDOW_NANOS) {
			return;
		}
		synchronized (this) {
			start = this.windowStart.get();
			if (now - start < WINDOW_NANOS) {
				return;
			}
			// The window just ended becomes the one before; a longer silence leaves nothing to remember.
			this.slowestBefore = (now - start < 2 * WINDOW_NANOS) ? this.slowestNow.get() : 0;
			this.slowestNow.set(0);
			this.windowStart.set(now);
		}
	}

}
