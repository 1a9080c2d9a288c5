package io.fatamorgana.ordercache.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.autoconfigure.OrderCacheProperties;
import io.fatamorgana.ordercache.redis.CircuitBreakers;
import io.fatamorgana.ordercache.test.RedisProcess;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.LoggingCacheErrorHandler;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Benchmark 4: what a Redis that is down (nothing listening) or frozen (SIGSTOP: the connection
 * stays open, nothing is answered) adds to every annotated read once the cache has noticed, for
 * ordercache's {@code @CachedOrder} and for Spring's {@code @Cacheable} with a
 * {@link LoggingCacheErrorHandler}. A plain harness rather than JMH: what matters is a state change
 * of a Redis process the benchmark owns (never the suite's shared one, which it would have to stop
 * and freeze), and each Spring Cache call during an outage takes hundreds of milliseconds.
 */
final class RedisOutageBenchmark {

	private static final String PERIOD = "20241201_001";

	private static final String ORDER_NO = BenchOrder.of(PERIOD, 1).orderNo();

	/** ordercache's defaults, which this benchmark is about. */
	private static final OrderCacheProperties.Resilience DEFAULTS = new OrderCacheProperties().getResilience();

	/** The Spring peer's command timeout: what a careful user sets instead of Lettuce's 60 s. */
	private static final Duration SPRING_TIMEOUT = Duration.ofMillis(500);

	private static final long TARGET_NANOS = 1_000_000;

	/** How long detection and recovery may take before the run is abandoned as broken. */
	private static final long DEADLINE_NANOS = Duration.ofSeconds(60).toNanos();

	private final BenchSettings settings;

	private final AnnotatedOrders annotated;

	private final SpringCachedOrders spring;

	private final CircuitBreakers breakers;

	private final OrderCacheService service;

	private final Cache springCache;

	private RedisOutageBenchmark(BenchSettings settings, ConfigurableApplicationContext context) {
		this.settings = settings;
		this.annotated = context.getBean(AnnotatedOrders.class);
		this.spring = context.getBean(SpringCachedOrders.class);
		this.breakers = context.getBean(CircuitBreakers.class);
		this.service = context.getBean(OrderCacheService.class);
		this.springCache = Objects.requireNonNull(
				context.getBean(CacheManager.class).getCache(BenchApplication.SPRING_CACHE), "Spring's cache");
	}

	/**
	 * Runs the benchmark on a Redis of its own.
	 * @param settings quick or full
	 * @return the section with its tables and the two targets
	 */
	static Section run(BenchSettings settings) {
		log("starting a redis-server of its own (it will be stopped and frozen)");
		// The suite's application raises ordercache's timeouts so that a busy machine does not fail
		// hits; an outage is about what a user gets out of the box, so the defaults are put back.
		Map<String, Object> properties = Map.of("spring.data.redis.timeout", SPRING_TIMEOUT.toMillis() + "ms",
				"ordercache.resilience.command-timeout", DEFAULTS.getCommandTimeout().toMillis() + "ms",
				"ordercache.resilience.command-timeout-ceiling", DEFAULTS.getCommandTimeoutCeiling().toMillis() + "ms",
				"ordercache.resilience.bulk-timeout", DEFAULTS.getBulkTimeout().toMillis() + "ms",
				"ordercache.resilience.failure-threshold", DEFAULTS.getFailureThreshold(),
				"ordercache.resilience.open-duration", DEFAULTS.getOpenDuration().toMillis() + "ms");
		try (RedisProcess redis = RedisProcess.start();
				ConfigurableApplicationContext context = BenchApplication.start(redis.url(), false, properties)) {
			return new RedisOutageBenchmark(settings, context).measure(redis);
		}
	}

	private Section measure(RedisProcess redis) {
		int calls = this.settings.pick(20_000, 200_000);
		seed();
		log("Redis up: timing " + calls + " calls of each read after as many warm-up calls");
		Latencies plain = time(calls, calls, Long.MAX_VALUE, () -> this.annotated.findWithoutCache(PERIOD, ORDER_NO))
			.latencies();
		Latencies ordercacheUp = time(calls, calls, Long.MAX_VALUE, () -> this.annotated.find(PERIOD, ORDER_NO))
			.latencies();
		Latencies springUp = time(calls, calls, Long.MAX_VALUE, () -> this.spring.find(PERIOD, ORDER_NO))
			.latencies();

		// Detection is counted from a closed circuit: a busy machine may have opened it during the baseline.
		awaitServing();
		log("Redis down: stopping redis-server");
		redis.stop();
		Scenario down = outage("down", plain);
		log("Redis down: restarting redis-server and waiting until both caches answer");
		redis.restart();
		long recovery = awaitServing();
		log("Redis down: both caches answer again " + Format.nanos(recovery) + " after the restart");
		seed();

		log("Redis frozen: sending SIGSTOP to redis-server");
		redis.freeze();
		Scenario frozen;
		try {
			frozen = outage("frozen", plain);
		}
		finally {
			// A frozen server would hang the context's shutdown and the next benchmark.
			redis.thaw();
		}
		log("done");
		return section(plain, ordercacheUp, springUp, down, recovery, frozen);
	}

	/** ordercache until its circuit opens, then steadily; Spring Cache for a bounded number of calls. */
	private Scenario outage(String name, Latencies plain) {
		long start = System.nanoTime();
		int detectionCalls = 0;
		int failed = 0;
		while (!this.breakers.anyOpen()) {
			if (System.nanoTime() - start > DEADLINE_NANOS) {
				throw new IllegalStateException("ordercache's circuit did not open within 60 s of Redis " + name);
			}
			failed += succeeds(() -> this.annotated.find(PERIOD, ORDER_NO)) ? 0 : 1;
			detectionCalls++;
		}
		long detection = System.nanoTime() - start;
		log("Redis " + name + ": ordercache's circuit opened after " + detectionCalls + " calls, "
				+ Format.nanos(detection));
		int calls = this.settings.pick(20_000, 200_000);
		Run ordercache = time(calls, calls, Long.MAX_VALUE, () -> this.annotated.find(PERIOD, ORDER_NO));
		log("Redis " + name + ": ordercache p99 " + Format.nanos(ordercache.latencies().p99()) + " over " + calls
				+ " calls");
		// Spring has nothing to detect: every call waits for the command timeout on its GET (its PUT is
		// sent asynchronously and not waited for), so a few calls tell everything.
		int springCalls = this.settings.pick(10, 30);
		long budget = Duration.ofSeconds(this.settings.pick(12, 40)).toNanos();
		log("Redis " + name + ": timing at most " + springCalls
				+ " Spring Cache calls (each waits for its GET to time out)");
		Run spring = time(0, springCalls, budget, () -> this.spring.find(PERIOD, ORDER_NO));
		log("Redis " + name + ": Spring Cache p99 " + Format.nanos(spring.latencies().p99()));
		return new Scenario(name, ordercache.latencies(), ordercache.failed() + failed, detectionCalls, detection,
				spring.latencies(), spring.failed(), plain);
	}

	/** Caches the order in both caches, so that reads are hits while Redis is up. */
	private void seed() {
		BenchOrder order = BenchOrder.of(PERIOD, 1);
		this.spring.store(order);
		// Tried again until both hold it: on a busy machine a short command can time out (the write is
		// then skipped, fail-open), and Spring Data Redis sends the @Cacheable miss's PUT asynchronously.
		awaitUntil("the order to be cached in both caches", () -> {
			this.annotated.save(order);
			this.spring.find(PERIOD, ORDER_NO);
			return cachedInBoth();
		});
	}

	private boolean cachedInBoth() {
		try {
			return this.service.isOrderCached(PERIOD, ORDER_NO) && this.springCache.get(ORDER_NO) != null;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/** Waits until ordercache's probe closed the circuit and Lettuce reconnected; the nanos it took. */
	private long awaitServing() {
		return awaitUntil("both caches to answer", () -> !this.breakers.anyOpen() && answers());
	}

	private static long awaitUntil(String what, BooleanSupplier condition) {
		long start = System.nanoTime();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - start > DEADLINE_NANOS) {
				throw new IllegalStateException("Waited 60 s for " + what);
			}
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for " + what, ex);
			}
		}
		return System.nanoTime() - start;
	}

	private boolean answers() {
		try {
			// Both go to Redis directly (no error handler, no fail-open) and throw when it does not answer.
			this.service.isOrderCached(PERIOD, ORDER_NO);
			this.springCache.get(ORDER_NO);
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/** Times calls one by one after a warm-up, stopping early once the budget is spent. */
	private static Run time(int warmUp, int calls, long budgetNanos, Supplier<@Nullable BenchOrder> call) {
		long[] nanos = new long[calls];
		int measured = 0;
		int failed = 0;
		long begin = System.nanoTime();
		for (int i = 0; i < warmUp + calls; i++) {
			long start = System.nanoTime();
			boolean ok = succeeds(call);
			long end = System.nanoTime();
			failed += ok ? 0 : 1;
			if (i >= warmUp) {
				nanos[measured++] = end - start;
			}
			if (end - begin > budgetNanos) {
				break;
			}
		}
		return new Run(Latencies.of(Arrays.copyOf(nanos, measured)), failed);
	}

	/** A business call succeeds when it returns the order, from the cache or from the method. */
	private static boolean succeeds(Supplier<@Nullable BenchOrder> call) {
		try {
			BenchOrder order = call.get();
			return order != null && ORDER_NO.equals(order.orderNo());
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private Section section(Latencies plain, Latencies ordercacheUp, Latencies springUp, Scenario down,
			long recovery, Scenario frozen) {
		StringBuilder markdown = new StringBuilder();
		markdown.append("""
				The benchmark starts a redis-server of its own, caches one order in both caches so that \
				every read is a hit while Redis is up, then stops Redis (*down*: nothing listens, Lettuce \
				reconnects in the background) and later freezes it with SIGSTOP (*frozen*: the connection \
				stays open, nothing answers). ordercache runs with its defaults: each cache command waits \
				%s (`ordercache.resilience.command-timeout`), more when Redis is answering slowly (twice its \
				slowest recent reply, at most `command-timeout-ceiling`, %s); a command Redis has not \
				answered within that ceiling is a failure, and after %d failures in a row its \
				circuit opens and calls skip Redis until a background PING is answered; its figures are \
				taken once the circuit is open, after as many warm-up calls as are measured. Spring's \
				`RedisCacheManager` has no such breaker: every `@Cacheable` call waits for \
				`spring.data.redis.timeout` on its GET before `LoggingCacheErrorHandler` logs the failure and \
				lets the method run (Spring Data Redis 4 sends the PUT that follows asynchronously on \
				Lettuce, so the caller does not wait for it and its failure is not reported). Boot leaves \
				that timeout at Lettuce's default of 60 s; this run sets %s, as a careful user would \
				(ordercache's %s is independent of it). \
				*Added* is a percentile minus the same percentile of the same method without a cache \
				(`findWithoutCache`, on the same proxy); a business call fails when it throws or does not \
				return the order.

				Redis up (%,d calls each, after as many warm-up calls):

				| read | p50 | p99 | max |
				|---|---|---|---|
				| no cache (`findWithoutCache`) | %s | %s | %s |
				| ordercache `@CachedOrder` (hit) | %s | %s | %s |
				| Spring `@Cacheable` (hit) | %s | %s | %s |
				""".formatted(millis(DEFAULTS.getCommandTimeout()), millis(DEFAULTS.getCommandTimeoutCeiling()),
				DEFAULTS.getFailureThreshold(),
				millis(SPRING_TIMEOUT), millis(DEFAULTS.getCommandTimeout()), plain.calls(),
				Format.nanos(plain.p50()), Format.nanos(plain.p99()), Format.nanos(plain.max()),
				Format.nanos(ordercacheUp.p50()), Format.nanos(ordercacheUp.p99()), Format.nanos(ordercacheUp.max()),
				Format.nanos(springUp.p50()), Format.nanos(springUp.p99()), Format.nanos(springUp.max())));
		down.appendTable(markdown);
		markdown.append(String.format(Locale.ROOT,
				"%nAfter Redis was restarted, both caches answered again %s later (ordercache's probe runs "
						+ "every %s while the circuit is open; Lettuce reconnects with a growing back-off).%n",
				Format.nanos(recovery), millis(DEFAULTS.getOpenDuration())));
		frozen.appendTable(markdown);
		return new Section("4. Redis down and frozen", markdown.toString(),
				List.of(down.target("4. Redis down"), frozen.target("4. Redis frozen")));
	}

	private static void log(String message) {
		System.out.println("[redis-outage] " + message);
	}

	private static String millis(Duration duration) {
		return duration.toMillis() + " ms";
	}

	/** Percentiles of one series of calls, in nanoseconds. */
	private record Latencies(int calls, long p50, long p99, long max) {

		static Latencies of(long[] nanos) {
			Arrays.sort(nanos);
			return new Latencies(nanos.length, Format.percentile(nanos, 50), Format.percentile(nanos, 99),
					nanos[nanos.length - 1]);
		}

	}

	private record Run(Latencies latencies, int failed) {
	}

	private record Scenario(String name, Latencies ordercache, int ordercacheFailed, int detectionCalls,
			long detectionNanos, Latencies spring, int springFailed, Latencies plain) {

		long addedP99() {
			return this.ordercache.p99() - this.plain.p99();
		}

		void appendTable(StringBuilder markdown) {
			markdown.append(String.format(Locale.ROOT,
					"%nRedis %s (Spring Cache over %d calls only, each waiting for its timeout: its p99 is its "
							+ "slowest call):%n%n", this.name, this.spring.calls()));
			markdown.append("| read | calls measured | p50 | p99 | max | added p50 | added p99 "
					+ "| until detected | failed business calls |\n|---|---|---|---|---|---|---|---|---|\n");
			row(markdown, "ordercache `@CachedOrder`", this.ordercache, String.format(Locale.ROOT,
					"%d calls, %s", this.detectionCalls, Format.nanos(this.detectionNanos)), this.ordercacheFailed);
			row(markdown, "Spring `@Cacheable` + `LoggingCacheErrorHandler`", this.spring,
					"never: every call waits", this.springFailed);
			markdown.append(String.format(Locale.ROOT, "%nSpring Cache / ordercache p99: %,.0f×%n",
					(double) this.spring.p99() / Math.max(1, this.ordercache.p99())));
		}

		private void row(StringBuilder markdown, String read, Latencies latencies, String detection, int failed) {
			markdown.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %s | %s | %d |%n", read,
					latencies.calls(), Format.nanos(latencies.p50()), Format.nanos(latencies.p99()),
					Format.nanos(latencies.max()), Format.nanos(latencies.p50() - this.plain.p50()),
					Format.nanos(latencies.p99() - this.plain.p99()),
					detection, failed));
		}

		Section.Target target(String benchmark) {
			return new Section.Target(benchmark, "added p99 ≤ 1 ms once detected",
					"added p99 " + Format.nanos(addedP99()) + ((this.ordercacheFailed != 0)
							? ", " + this.ordercacheFailed + " failed calls" : ""),
					addedP99() <= TARGET_NANOS && this.ordercacheFailed == 0);
		}

	}

}
