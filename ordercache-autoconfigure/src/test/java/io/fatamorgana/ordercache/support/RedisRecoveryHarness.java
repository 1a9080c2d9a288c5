package io.fatamorgana.ordercache.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.fatamorgana.ordercache.CacheStatistics;
import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.aop.JdbcOrders;
import io.fatamorgana.ordercache.jdbc.TestDatabases;
import io.fatamorgana.ordercache.test.RedisProcess;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How fast the cache is back after Redis outages (docs/benchmarks.md, "Recovery after Redis
 * outages"): one application context with the cache's default settings and the pending evictions
 * in the database, under a steady paced load of reads and updates through the annotations, against
 * a redis-server of its own that keeps its data in an append-only file. Redis is killed for 5 s,
 * 30 s and 120 s and restarted from its file; then 3 minutes of random kills and freezes. Prints the
 * figures; asserts only that no business call failed and that nothing is left pending. Not run by
 * the build (about 11 minutes):
 * {@code ./mvnw -B -pl ordercache-autoconfigure -am test -Dtest=RedisRecoveryHarness -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Drecovery.database=POSTGRESQL} for PostgreSQL instead of H2, {@code -Drecovery.outages=5,30}
 * and {@code -Drecovery.chaos=60} for a shorter run).
 */
class RedisRecoveryHarness {

	private static final int PERIODS = 20;

	private static final int ORDERS_PER_PERIOD = 500;

	private static final int THREADS = 4;

	/** Calls per second of all threads together. */
	private static final int RATE = 500;

	private static final double UPDATE_SHARE = 0.1;

	private static final Duration SAMPLE_INTERVAL = Duration.ofMillis(2);

	/** An opening this soon after Redis answered again is the fault's, not a healthy Redis's. */
	private static final Duration GRACE = Duration.ofMillis(500);

	private static final Duration AFTER_RESTART = Duration.ofSeconds(20);

	private static final long NEVER = Long.MIN_VALUE;

	private final TestDatabases database = TestDatabases.valueOf(System.getProperty("recovery.database", "H2"));

	private final List<Integer> outages = parse(System.getProperty("recovery.outages", "5,30,120"));

	private final Duration chaos = Duration.ofSeconds(Long.parseLong(System.getProperty("recovery.chaos", "180")));

	private final String prefix = "recovery_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff))
			+ "_";

	@Test
	void recoveryAfterOutages() throws InterruptedException {
		String schema = this.database.newSchema(RedisRecoveryHarness.class);
		try (RedisProcess redis = RedisProcess.startPersistent();
				ConfigurableApplicationContext context = start(redis, schema)) {
			JdbcOrders orders = context.getBean(JdbcOrders.class);
			OrderCacheService cache = context.getBean(OrderCacheService.class);
			for (int p = 0; p < PERIODS; p++) {
				for (int o = 0; o < ORDERS_PER_PERIOD; o++) {
					orders.create(period(p), orderNo(o));
				}
			}
			Load load = new Load(orders);
			Monitor monitor = new Monitor(cache, load.reads);
			List<String> report = new ArrayList<>();
			report.add(machine(redis));
			try {
				awaitQuiet(cache, schema);
				Thread.sleep(20_000);
				long steadyFrom = monitor.mark();
				long callsBefore = load.calls.get();
				Thread.sleep(20_000);
				long steadyTo = monitor.mark();
				report.add(String.format(Locale.ROOT, "steady, Redis up for 20 s: hit rate %.1f%%, circuit openings %d, %d calls/s",
						100 * monitor.hitRate(steadyFrom, steadyTo), monitor.openings(steadyFrom, steadyTo),
						(load.calls.get() - callsBefore) * 1_000_000_000L / (steadyTo - steadyFrom)));
				report.add("");
				report.add("| outage | pending at restart (memory / table rows) | first hit after Redis answered | circuit closed after | replayed, table empty after | circuit openings in the 20 s after | hit rate in the 10 s after |");
				report.add("|---|---|---|---|---|---|---|");
				for (int seconds : this.outages) {
					awaitQuiet(cache, schema);
					report.add(outage(redis, cache, monitor, schema, seconds));
				}
				awaitQuiet(cache, schema);
				report.addAll(chaos(redis, monitor));
			}
			finally {
				load.stop();
				monitor.stop();
				if (!redis.isRunning()) {
					redis.restart();
				}
			}
			awaitQuiet(cache, schema);
			report.add(String.format(Locale.ROOT, "business calls: %d, failed: %d", load.calls.get(),
					load.failures.get()));
			report.forEach((line) -> System.out.println("RedisRecoveryHarness | " + line));
			assertThat(load.failures.get()).as("failed business calls").isZero();
		}
		finally {
			this.database.drop(schema);
		}
	}

	private String outage(RedisProcess redis, OrderCacheService cache, Monitor monitor, String schema, int seconds)
			throws InterruptedException {
		redis.kill();
		Thread.sleep(seconds * 1000L);
		long pendingAtRestart = cache.statistics().pendingEvictions();
		long rowsAtRestart = rows(schema);
		redis.restart();
		long up = monitor.mark();
		long tableEmpty = NEVER;
		long end = up + AFTER_RESTART.toNanos();
		while (System.nanoTime() < end) {
			if (tableEmpty == NEVER && cache.statistics().pendingEvictions() == 0 && rows(schema) == 0) {
				tableEmpty = System.nanoTime();
			}
			Thread.sleep(20);
		}
		long closed = monitor.firstClosed(up);
		long openings = (closed != NEVER) ? monitor.openings(closed + GRACE.toNanos(), end) : -1;
		return String.format(Locale.ROOT, "| %d s | %d / %d | %s | %s | %s | %d | %.1f%% |", seconds, pendingAtRestart,
				rowsAtRestart, since(up, monitor.firstHit(up)), since(up, closed), since(up, tableEmpty), openings,
				100 * monitor.hitRate(up, up + 10_000_000_000L));
	}

	/** Random kills and freezes of 1 to 5 s, with Redis up for 3 to 15 s between them. */
	private List<String> chaos(RedisProcess redis, Monitor monitor) throws InterruptedException {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long start = monitor.mark();
		long end = start + this.chaos.toNanos();
		List<long[]> upIntervals = new ArrayList<>();
		int kills = 0;
		int freezes = 0;
		long upSince = start;
		while (System.nanoTime() < end) {
			Thread.sleep(random.nextLong(3_000, 15_001));
			upIntervals.add(new long[] { upSince, System.nanoTime() });
			long fault = random.nextLong(1_000, 5_001);
			if (random.nextBoolean()) {
				kills++;
				redis.kill();
				Thread.sleep(fault);
				redis.restart();
			}
			else {
				freezes++;
				redis.freeze();
				Thread.sleep(fault);
				redis.thaw();
			}
			upSince = System.nanoTime();
		}
		Thread.sleep(5_000);
		long stop = monitor.mark();
		upIntervals.add(new long[] { upSince, stop });
		long hits = 0;
		long reads = 0;
		long openings = 0;
		long upNanos = 0;
		for (long[] interval : upIntervals) {
			long[] counted = monitor.counts(interval[0], interval[1]);
			hits += counted[0];
			reads += counted[1];
			openings += monitor.openings(interval[0] + GRACE.toNanos(), interval[1]);
			upNanos += interval[1] - interval[0];
		}
		long[] all = monitor.counts(start, stop);
		List<String> lines = new ArrayList<>();
		lines.add("");
		lines.add(String.format(Locale.ROOT, "chaos, %d s: %d kills and %d freezes of 1-5 s, Redis up %d%% of the time",
				(stop - start) / 1_000_000_000L, kills, freezes, upNanos * 100 / (stop - start)));
		lines.add(String.format(Locale.ROOT, "chaos hit rate overall %.1f%% (%d of %d reads), while Redis was up %.1f%% (%d of %d)",
				100.0 * all[0] / Math.max(1, all[1]), all[0], all[1], 100.0 * hits / Math.max(1, reads), hits, reads));
		lines.add(String.format(Locale.ROOT, "chaos circuit openings while Redis was up (more than %d ms after it answered): %d; all openings: %d",
				GRACE.toMillis(), openings, monitor.openings(start, stop)));
		return lines;
	}

	private void awaitQuiet(OrderCacheService cache, String schema) {
		await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> {
			CacheStatistics statistics = cache.statistics();
			return !statistics.circuitOpen() && statistics.pendingEvictions() == 0 && rows(schema) == 0;
		});
	}

	private long rows(String schema) {
		return this.database.count(schema, "SELECT COUNT(*) FROM ordercache_pending_eviction");
	}

	private ConfigurableApplicationContext start(RedisProcess redis, String schema) {
		Map<String, Object> properties = new HashMap<>(this.database.properties(schema));
		properties.putAll(Map.of("spring.data.redis.url", redis.url(), "ordercache.key-prefix", this.prefix,
				"ordercache.pending-evictions.store", "jdbc", "ordercache.pending-evictions.jdbc.initialize-schema",
				"always", "ordercache.failure-log-interval", "1m"));
		return new SpringApplicationBuilder(IntegrationTestApplication.class, JdbcOrders.class)
			.web(WebApplicationType.NONE)
			.properties(properties)
			.run();
	}

	private String machine(RedisProcess redis) {
		return String.format(Locale.ROOT, "%s, %d cores, JDK %s, %s, database %s, %d orders in %d periods, %d threads,"
				+ " %d calls/s (%.0f%% updates)", Instant.now(), Runtime.getRuntime().availableProcessors(),
				System.getProperty("java.version"), redisVersion(redis), this.database, PERIODS * ORDERS_PER_PERIOD,
				PERIODS, THREADS, RATE, UPDATE_SHARE * 100);
	}

	private static String redisVersion(RedisProcess redis) {
		try {
			Process version = new ProcessBuilder(RedisProcess.executable().getAbsolutePath(), "--version")
				.redirectErrorStream(true)
				.start();
			String line = new String(version.getInputStream().readAllBytes()).trim();
			version.waitFor(5, TimeUnit.SECONDS);
			return line;
		}
		catch (Exception ex) {
			return "redis-server (version unknown)";
		}
	}

	private static String since(long start, long event) {
		return (event == NEVER) ? "not within " + AFTER_RESTART.toSeconds() + " s"
				: String.format(Locale.ROOT, "%,d ms", (event - start) / 1_000_000);
	}

	private static List<Integer> parse(String list) {
		return List.of(list.split(",")).stream().map(String::trim).map(Integer::parseInt).toList();
	}

	private static String period(int p) {
		return "RP" + p;
	}

	private static String orderNo(int o) {
		return "O" + o;
	}

	/** Paced reads and updates of random orders, on threads of their own. */
	private static final class Load {

		private final AtomicLong calls = new AtomicLong();

		private final AtomicLong reads = new AtomicLong();

		private final AtomicLong failures = new AtomicLong();

		private final List<Thread> threads = new ArrayList<>();

		private volatile boolean running = true;

		Load(JdbcOrders orders) {
			long interval = TimeUnit.SECONDS.toNanos(1) * THREADS / RATE;
			for (int i = 0; i < THREADS; i++) {
				Thread thread = new Thread(() -> {
					ThreadLocalRandom random = ThreadLocalRandom.current();
					long next = System.nanoTime();
					while (this.running) {
						String period = period(random.nextInt(PERIODS));
						String orderNo = orderNo(random.nextInt(ORDERS_PER_PERIOD));
						try {
							if (random.nextDouble() < UPDATE_SHARE) {
								orders.update(period, orderNo, random.nextBoolean() ? "paid" : "pending");
							}
							else {
								if (orders.find(period, orderNo).isEmpty()) {
									this.failures.incrementAndGet();
								}
								this.reads.incrementAndGet();
							}
						}
						catch (RuntimeException ex) {
							this.failures.incrementAndGet();
						}
						this.calls.incrementAndGet();
						next += interval;
						long wait = next - System.nanoTime();
						if (wait > 0) {
							LockSupport.parkNanos(wait);
						}
					}
				}, "recovery-load-" + i);
				thread.setDaemon(true);
				thread.start();
				this.threads.add(thread);
			}
		}

		void stop() throws InterruptedException {
			this.running = false;
			for (Thread thread : this.threads) {
				thread.join();
			}
		}

	}

	/**
	 * Samples the cache's hits and circuit and the load's reads every 2 ms, for figures read
	 * afterwards by time. A hit rate here is hits over every read made: a read skipped because the
	 * circuit is open counts as a read that did not hit (the cache's own misses leave it out).
	 */
	private static final class Monitor {

		private final List<Sample> samples = new ArrayList<>();

		private final Thread thread;

		private volatile boolean running = true;

		Monitor(OrderCacheService cache, AtomicLong reads) {
			this.thread = new Thread(() -> {
				while (this.running) {
					CacheStatistics statistics = cache.statistics();
					Sample sample = new Sample(System.nanoTime(), statistics.hits(), reads.get(), statistics.circuitOpen());
					synchronized (this.samples) {
						this.samples.add(sample);
					}
					LockSupport.parkNanos(SAMPLE_INTERVAL.toNanos());
				}
			}, "recovery-monitor");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		long mark() {
			return System.nanoTime();
		}

		/** The first sample after a time that counted more hits than the last sample before it. */
		long firstHit(long from) {
			long hits = -1;
			for (Sample sample : snapshot()) {
				if (sample.nanos() < from) {
					hits = sample.hits();
				}
				else if (hits >= 0 && sample.hits() > hits) {
					return sample.nanos();
				}
			}
			return NEVER;
		}

		long firstClosed(long from) {
			for (Sample sample : snapshot()) {
				if (sample.nanos() >= from && !sample.open()) {
					return sample.nanos();
				}
			}
			return NEVER;
		}

		/** Times the circuit went from closed to open between two times. */
		long openings(long from, long to) {
			long openings = 0;
			Sample previous = null;
			for (Sample sample : snapshot()) {
				if (sample.nanos() >= from && sample.nanos() <= to && previous != null && previous.nanos() >= from
						&& !previous.open() && sample.open()) {
					openings++;
				}
				previous = sample;
			}
			return openings;
		}

		double hitRate(long from, long to) {
			long[] counts = counts(from, to);
			return (counts[1] != 0) ? (double) counts[0] / counts[1] : 0;
		}

		/** Hits and reads (every read the load made, Redis skipped or not) between two times. */
		long[] counts(long from, long to) {
			Sample first = null;
			Sample last = null;
			for (Sample sample : snapshot()) {
				if (sample.nanos() >= from && sample.nanos() <= to) {
					if (first == null) {
						first = sample;
					}
					last = sample;
				}
			}
			if (first == null || last == null) {
				return new long[] { 0, 0 };
			}
			return new long[] { last.hits() - first.hits(), last.reads() - first.reads() };
		}

		void stop() throws InterruptedException {
			this.running = false;
			this.thread.join();
		}

		private List<Sample> snapshot() {
			synchronized (this.samples) {
				return new ArrayList<>(this.samples);
			}
		}

	}

	private record Sample(long nanos, long hits, long reads, boolean open) {
	}

}
