package io.fatamorgana.ordercache.aop;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.annotation.CacheOrder;
import io.fatamorgana.ordercache.annotation.CachedOrder;
import io.fatamorgana.ordercache.test.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.awaitility.Awaitility.await;

/**
 * Measures what a dead and a frozen Redis add to annotated calls, before and after the circuit
 * opens, with the default timeouts. Not part of the build's tests (its name does not end in Tests);
 * run it with {@code ./mvnw -pl ordercache-autoconfigure test -Dtest=ResilienceLatencyHarness
 * -Dsurefire.failIfNoSpecifiedTests=false} and read the table it prints.
 */
@SpringBootTest(classes = IntegrationTestApplication.class,
		properties = { "spring.data.redis.timeout=60s", "ordercache.resilience.command-timeout=50ms",
				"spring.autoconfigure.exclude="
				+ "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
@Import(ResilienceLatencyHarness.InMemoryOrders.class)
class ResilienceLatencyHarness {

	static final RedisProcess REDIS = RedisProcess.start();

	static final int CALLS = 20_000;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", REDIS::url);
		registry.add("ordercache.key-prefix", () -> "latency_");
	}

	@AfterAll
	static void stopRedis() {
		REDIS.close();
	}

	@Autowired
	InMemoryOrders orders;

	@Autowired
	OrderCacheService service;

	@Test
	void measure() {
		TestOrder order = TestOrder.of("L1", "A");
		this.orders.create(order);
		StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
				"%n| situation | call | calls | p50 | p99 | max |%n|---|---|---|---|---|---|%n"));
		row(table, "Redis up (hit)", "@CachedOrder", CALLS, () -> this.orders.find("L1", "A"));
		row(table, "Redis up", "@CacheOrder", CALLS, () -> this.orders.create(order));
		REDIS.kill();
		row(table, "Redis dead, circuit closed", "@CachedOrder", 5, () -> this.orders.find("L1", "A"));
		await().atMost(Duration.ofSeconds(30)).until(() -> this.service.statistics().circuitOpen());
		row(table, "Redis dead, circuit open", "@CachedOrder", CALLS, () -> this.orders.find("L1", "A"));
		row(table, "Redis dead, circuit open", "@CacheOrder", CALLS, () -> this.orders.create(order));
		REDIS.restart();
		await().atMost(Duration.ofSeconds(60)).until(() -> !this.service.statistics().circuitOpen());
		row(table, "Redis back", "@CachedOrder", CALLS, () -> this.orders.find("L1", "A"));
		REDIS.freeze();
		try {
			row(table, "Redis frozen, circuit closed", "@CachedOrder", 5, () -> this.orders.find("L1", "A"));
			await().atMost(Duration.ofSeconds(30)).until(() -> this.service.statistics().circuitOpen());
			row(table, "Redis frozen, circuit open", "@CachedOrder", CALLS, () -> this.orders.find("L1", "A"));
			row(table, "Redis frozen, circuit open", "@CacheOrder", CALLS, () -> this.orders.create(order));
		}
		finally {
			REDIS.thaw();
		}
		row(table, "no annotation (the method alone)", "plain call", CALLS, () -> this.orders.plain("L1", "A"));
		System.out.println(table);
	}

	private static void row(StringBuilder table, String situation, String call, int calls, Supplier<?> action) {
		if (calls > 100) {
			for (int i = 0; i < calls / 2; i++) {
				action.get();
			}
		}
		long[] nanos = new long[calls];
		for (int i = 0; i < calls; i++) {
			long start = System.nanoTime();
			action.get();
			nanos[i] = System.nanoTime() - start;
		}
		Arrays.sort(nanos);
		table.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s |%n", situation, call, calls,
				format(nanos[calls / 2]), format(nanos[Math.min(calls - 1, (int) (calls * 0.99))]),
				format(nanos[calls - 1])));
	}

	private static String format(long nanos) {
		return (nanos >= 1_000_000) ? String.format(Locale.ROOT, "%.1f ms", nanos / 1e6)
				: String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
	}

	/** Orders held in memory, so that only the cache's cost is measured. */
	public static class InMemoryOrders {

		private final TestOrder order = TestOrder.of("L1", "A");

		@CacheOrder
		public TestOrder create(TestOrder order) {
			return order;
		}

		@CachedOrder(period = "#period", orderNo = "#orderNo")
		public Optional<TestOrder> find(String period, String orderNo) {
			return Optional.of(this.order);
		}

		public Optional<TestOrder> plain(String period, String orderNo) {
			return Optional.of(this.order);
		}

	}

}
