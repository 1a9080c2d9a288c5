package io.fatamorgana.ordercache.actuate;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.fatamorgana.ordercache.CacheStatistics;
import io.fatamorgana.ordercache.redis.CircuitBreakers;
import io.fatamorgana.ordercache.redis.LettuceOrderHashStore;
import io.fatamorgana.ordercache.redis.OrderHashStore;
import io.fatamorgana.ordercache.support.OrderCacheCounters;
import io.fatamorgana.ordercache.support.OrderCacheEngine;
import io.fatamorgana.ordercache.warmup.OrderCacheWarmUp;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * The order cache's meters. Counters read the engine's statistics; a timer per cache operation and
 * outcome times every Redis round trip. Tags are bounded: never a period or an order number.
 * <ul>
 * <li>{@code ordercache.reads} (result = hit, miss)</li>
 * <li>{@code ordercache.writes} (outcome = written, refused)</li>
 * <li>{@code ordercache.evictions}, {@code ordercache.skipped}</li>
 * <li>{@code ordercache.failures} (cause = redis, skipped, unreadable, invalid)</li>
 * <li>{@code ordercache.evictions.pending}, {@code ordercache.circuit.open},
 * {@code ordercache.warmup.orders} (gauges)</li>
 * <li>{@code ordercache.circuit.openings}: how often a circuit opened (goal while Redis is healthy: 0)</li>
 * <li>{@code ordercache.redis.timeout}: the adaptive command timeout now (gauge, seconds);
 * {@code ordercache.redis.replies.late}: replies that came after their call stopped waiting but
 * within the ceiling (Redis slow, not dead)</li>
 * <li>{@code ordercache.redis.commands} (command, outcome = success: Redis answered, failure: it
 * timed out or the connection failed) timer</li>
 * </ul>
 */
public final class OrderCacheMetrics implements MeterBinder {

	private final OrderCacheEngine engine;

	private final OrderHashStore store;

	private final CircuitBreakers circuitBreakers;

	private final OrderCacheCounters counters;

	private final @Nullable OrderCacheWarmUp warmUp;

	/**
	 * Creates the meters' binder.
	 * @param engine the engine whose statistics the meters read
	 * @param store the store whose round trips are timed
	 * @param circuitBreakers the circuits whose openings are counted
	 * @param counters the counters of failures by cause
	 * @param warmUp the warm-up whose progress is measured, or {@code null} when there is none
	 */
	public OrderCacheMetrics(OrderCacheEngine engine, OrderHashStore store, CircuitBreakers circuitBreakers,
			OrderCacheCounters counters, @Nullable OrderCacheWarmUp warmUp) {
		this.engine = engine;
		this.store = store;
		this.circuitBreakers = circuitBreakers;
		this.counters = counters;
		this.warmUp = warmUp;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		counter(registry, "ordercache.reads", "Reads of the order cache", CacheStatistics::hits, "result", "hit");
		counter(registry, "ordercache.reads", "Reads of the order cache", CacheStatistics::misses, "result", "miss");
		counter(registry, "ordercache.writes", "Orders written to Redis", CacheStatistics::writes, "outcome",
				"written");
		counter(registry, "ordercache.writes", "Orders Redis refused because its copy was newer or just evicted",
				CacheStatistics::refused, "outcome", "refused");
		counter(registry, "ordercache.evictions", "Orders and periods evicted", CacheStatistics::evictions);
		counter(registry, "ordercache.skipped", "Invalid orders a batch skipped", CacheStatistics::skipped);
		for (OrderCacheCounters.Failure cause : OrderCacheCounters.Failure.values()) {
			FunctionCounter.builder("ordercache.failures", this.counters, (counters) -> counters.failures(cause))
				.description("Cache operations that failed, by cause")
				.tags("cause", cause.tag())
				.register(registry);
		}
		Gauge.builder("ordercache.evictions.pending", this.engine, (engine) -> engine.statistics().pendingEvictions())
			.description("Failed evictions waiting for Redis to answer again")
			.register(registry);
		Gauge.builder("ordercache.circuit.open", this.engine, (engine) -> engine.statistics().circuitOpen() ? 1 : 0)
			.description("1 while cache calls skip Redis because it did not answer")
			.register(registry);
		FunctionCounter.builder("ordercache.circuit.openings", this.circuitBreakers, CircuitBreakers::openings)
			.description("How often a circuit opened: Redis, or a Redis Cluster primary, did not answer")
			.register(registry);
		if (this.warmUp != null) {
			Gauge.builder("ordercache.warmup.orders", this.warmUp, OrderCacheWarmUp::written)
				.description("Orders written by the warm-up of hot periods so far")
				.register(registry);
		}
		if (this.store instanceof LettuceOrderHashStore lettuce) {
			lettuce.setObserver(new Timers(registry));
			Gauge.builder("ordercache.redis.timeout", lettuce, (store) -> store.currentCommandTimeout().toNanos() / 1e9)
				.description("How long a command on one order waits for Redis now (adapts to its latency)")
				.baseUnit("seconds")
				.register(registry);
			FunctionCounter.builder("ordercache.redis.replies.late", lettuce, LettuceOrderHashStore::repliesAnsweredLate)
				.description("Replies that came after their call stopped waiting, within the ceiling: Redis slow, not dead")
				.register(registry);
		}
	}

	private void counter(MeterRegistry registry, String name, String description,
			ToDoubleFunction<CacheStatistics> value, String... tags) {
		FunctionCounter.builder(name, this.engine, (engine) -> value.applyAsDouble(engine.statistics()))
			.description(description)
			.tags(tags)
			.register(registry);
	}

	/** One timer per command and outcome, looked up without allocating on each round trip. */
	private static final class Timers implements io.fatamorgana.ordercache.redis.RedisCommandObserver {

		private final MeterRegistry registry;

		private final ConcurrentMap<String, Timer> succeeded = new ConcurrentHashMap<>();

		private final ConcurrentMap<String, Timer> failed = new ConcurrentHashMap<>();

		Timers(MeterRegistry registry) {
			this.registry = registry;
		}

		@Override
		public void observe(String command, long nanos, boolean success) {
			(success ? this.succeeded : this.failed).computeIfAbsent(command, (name) -> Timer
				.builder("ordercache.redis.commands")
				.description("Round trips of the order cache to Redis")
				.tags("command", name, "outcome", success ? "success" : "failure")
				.register(this.registry)).record(nanos, TimeUnit.NANOSECONDS);
		}

	}

}
