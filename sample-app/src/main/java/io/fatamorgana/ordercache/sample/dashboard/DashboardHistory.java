package io.fatamorgana.ordercache.sample.dashboard;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.LongSupplier;

import io.fatamorgana.ordercache.sample.dashboard.CacheMeters.Reading;
import org.jspecify.annotations.Nullable;

/**
 * The last minutes of the cache's meters, one {@link Sample} per sample interval, so that the page's
 * charts have a history when it opens. Each sample tells what happened since the one before: hit
 * rate and latency per interval come from the differences of the counters, not from their totals.
 */
final class DashboardHistory {

	private final CacheMeters meters;

	private final int capacity;

	private final LongSupplier clock;

	private final Deque<Sample> samples = new ArrayDeque<>();

	private @Nullable Reading previous;

	private long previousNanos;

	DashboardHistory(CacheMeters meters, int capacity) {
		this(meters, capacity, System::currentTimeMillis);
	}

	DashboardHistory(CacheMeters meters, int capacity, LongSupplier clock) {
		this.meters = meters;
		this.capacity = capacity;
		this.clock = clock;
	}

	/** Reads the meters and, from the second call on, adds what changed since the last call. */
	synchronized void sample() {
		Reading reading = this.meters.read();
		long nanos = System.nanoTime();
		Reading before = this.previous;
		if (before != null) {
			if (this.samples.size() == this.capacity) {
				this.samples.removeFirst();
			}
			this.samples.addLast(Sample.between(before, reading, (nanos - this.previousNanos) / 1e9,
					this.clock.getAsLong()));
		}
		this.previous = reading;
		this.previousNanos = nanos;
	}

	/**
	 * The samples taken after a time, oldest first.
	 * @param after epoch milliseconds; 0 for the whole history
	 * @return the samples
	 */
	synchronized List<Sample> after(long after) {
		return this.samples.stream().filter((sample) -> sample.at() > after).toList();
	}

	/**
	 * What the cache did in one sample interval.
	 *
	 * @param at when the interval ended, epoch milliseconds
	 * @param hitRate hits / reads in the interval, or {@code null} when nothing was read
	 * @param readsPerSecond reads (hits and misses) per second
	 * @param latencyMeanMs the mean time of a Redis round trip of the application's cache calls in
	 * the interval, or {@code null} when there was none
	 * @param latencyMaxMs the longest round trip of the last two minutes or so (Micrometer's decaying
	 * maximum), or {@code null} when there was no round trip in the interval
	 * @param commandsPerSecond Redis round trips per second
	 * @param failures cache operations that failed in the interval
	 * @param pendingEvictions failed evictions waiting for Redis at the end of the interval
	 * @param circuitOpen whether cache calls skipped Redis at the end of the interval
	 */
	record Sample(long at, @Nullable Double hitRate, double readsPerSecond, @Nullable Double latencyMeanMs,
			@Nullable Double latencyMaxMs, double commandsPerSecond, long failures, long pendingEvictions,
			boolean circuitOpen) {

		static Sample between(Reading before, Reading after, double seconds, long at) {
			long hits = after.hits() - before.hits();
			long reads = hits + after.misses() - before.misses();
			long commands = after.commands() - before.commands();
			double elapsed = Math.max(seconds, 1e-3);
			return new Sample(at, (reads > 0) ? (double) hits / reads : null, reads / elapsed,
					(commands > 0) ? (after.commandNanos() - before.commandNanos()) / commands / 1e6 : null,
					(commands > 0) ? after.maxCommandMillis() : null, commands / elapsed,
					after.failures() - before.failures(), after.pendingEvictions(), after.circuitOpen());
		}

	}

}
