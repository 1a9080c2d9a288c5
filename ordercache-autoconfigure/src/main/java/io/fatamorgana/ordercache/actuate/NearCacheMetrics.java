package io.fatamorgana.ordercache.actuate;

import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.fatamorgana.ordercache.near.NearCache;
import io.fatamorgana.ordercache.near.NearCacheStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The near cache's meters, when it is enabled. Tags are bounded.
 * <ul>
 * <li>{@code ordercache.near.reads} (result = hit: answered from memory, miss: read from Redis while
 * the near cache was trusted)</li>
 * <li>{@code ordercache.near.invalidations} (cause = message: an order removed by a message, period:
 * every order of a period removed)</li>
 * <li>{@code ordercache.near.gaps}: messages found missing (each removed a period)</li>
 * <li>{@code ordercache.near.refused}: values read from Redis not kept, because a change of their
 * period may have come after them</li>
 * <li>{@code ordercache.near.flushes} (cause = connection, heartbeat, circuit): times everything
 * was forgotten</li>
 * <li>{@code ordercache.near.size}, {@code ordercache.near.trusted} (1 while reads are answered from
 * memory) gauges</li>
 * <li>{@code ordercache.near.lag}: how long this instance's heartbeat took to come back through the
 * channel, the delivery delay of every message</li>
 * </ul>
 */
public final class NearCacheMetrics implements MeterBinder {

	private final NearCache nearCache;

	/**
	 * Creates the binder.
	 * @param nearCache the near cache to measure
	 */
	public NearCacheMetrics(NearCache nearCache) {
		this.nearCache = nearCache;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		counter(registry, "ordercache.near.reads", "Reads of one order while the near cache was trusted",
				NearCacheStatistics::hits, "result", "hit");
		counter(registry, "ordercache.near.reads", "Reads of one order while the near cache was trusted",
				NearCacheStatistics::misses, "result", "miss");
		counter(registry, "ordercache.near.invalidations", "Orders the near cache dropped because of a change",
				NearCacheStatistics::invalidations, "cause", "message");
		counter(registry, "ordercache.near.invalidations", "Orders the near cache dropped because of a change",
				NearCacheStatistics::periodDrops, "cause", "period");
		counter(registry, "ordercache.near.gaps", "Messages found missing on the near cache's channel",
				NearCacheStatistics::gaps);
		counter(registry, "ordercache.near.refused",
				"Orders read from Redis not kept, because a change of their period may have come after them",
				NearCacheStatistics::refusedInstalls);
		counter(registry, "ordercache.near.flushes", "Times the near cache forgot everything",
				NearCacheStatistics::connectionFlushes, "cause", "connection");
		counter(registry, "ordercache.near.flushes", "Times the near cache forgot everything",
				NearCacheStatistics::heartbeatFlushes, "cause", "heartbeat");
		counter(registry, "ordercache.near.flushes", "Times the near cache forgot everything",
				NearCacheStatistics::circuitFlushes, "cause", "circuit");
		Gauge.builder("ordercache.near.size", this.nearCache, (near) -> near.statistics().size())
			.description("Orders held by the near cache (estimated)")
			.register(registry);
		Gauge.builder("ordercache.near.trusted", this.nearCache, (near) -> near.trusted() ? 1 : 0)
			.description("1 while reads are answered from the near cache")
			.register(registry);
		Timer lag = Timer.builder("ordercache.near.lag")
			.description("How long this instance's heartbeat took to come back through the near cache's channel")
			.register(registry);
		this.nearCache.setLagObserver((nanos) -> lag.record(nanos, TimeUnit.NANOSECONDS));
	}

	private void counter(MeterRegistry registry, String name, String description,
			ToDoubleFunction<NearCacheStatistics> value, String... tags) {
		FunctionCounter.builder(name, this.nearCache, (near) -> value.applyAsDouble(near.statistics()))
			.description(description)
			.tags(tags)
			.register(registry);
	}

}
