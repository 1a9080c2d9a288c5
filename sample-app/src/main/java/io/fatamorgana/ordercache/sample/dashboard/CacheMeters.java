package io.fatamorgana.ordercache.sample.dashboard;

import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Reads the meters the starter registers ({@code ordercache.*}), the same numbers that
 * {@code /actuator/metrics} and {@code /actuator/prometheus} show. A meter not registered yet (the
 * Redis timers appear with the first command) reads as zero.
 */
final class CacheMeters {

	/**
	 * Commands that only inspect the cache (listing periods, describing one), as this page and the
	 * {@code ordercache} endpoint do: left out of the latency, so that looking at the page does not
	 * change what it shows.
	 */
	static final Set<String> INSPECTION_COMMANDS = Set.of("scan", "summary", "memory");

	private final MeterRegistry registry;

	CacheMeters(MeterRegistry registry) {
		this.registry = registry;
	}

	Reading read() {
		long commands = 0;
		double nanos = 0;
		double maxMillis = 0;
		for (Timer timer : this.registry.find("ordercache.redis.commands").timers()) {
			if (!INSPECTION_COMMANDS.contains(timer.getId().getTag("command"))) {
				commands += timer.count();
				nanos += timer.totalTime(TimeUnit.NANOSECONDS);
				maxMillis = Math.max(maxMillis, timer.max(TimeUnit.MILLISECONDS));
			}
		}
		long failures = 0;
		for (FunctionCounter counter : this.registry.find("ordercache.failures").functionCounters()) {
			failures += (long) counter.count();
		}
		return new Reading(count("ordercache.reads", "hit"), count("ordercache.reads", "miss"), commands, nanos,
				maxMillis, failures, (long) gauge("ordercache.evictions.pending"),
				gauge("ordercache.circuit.open") > 0);
	}

	private long count(String name, String result) {
		FunctionCounter counter = this.registry.find(name).tag("result", result).functionCounter();
		return (counter != null) ? (long) counter.count() : 0;
	}

	private double gauge(String name) {
		Gauge gauge = this.registry.find(name).gauge();
		return (gauge != null) ? gauge.value() : 0;
	}

	/**
	 * The meters at one moment; counts are totals since startup.
	 *
	 * @param hits reads answered from Redis
	 * @param misses reads that found nothing usable
	 * @param commands Redis round trips of the application's cache calls
	 * @param commandNanos the time those round trips took
	 * @param maxCommandMillis the longest round trip of the last two minutes or so (Micrometer's
	 * decaying maximum)
	 * @param failures cache operations that failed, every cause
	 * @param pendingEvictions failed evictions waiting for Redis
	 * @param circuitOpen whether cache calls skip Redis
	 */
	record Reading(long hits, long misses, long commands, double commandNanos, double maxCommandMillis,
			long failures, long pendingEvictions, boolean circuitOpen) {
	}

}
