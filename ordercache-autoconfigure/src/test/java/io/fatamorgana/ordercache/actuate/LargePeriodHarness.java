package io.fatamorgana.ordercache.actuate;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.test.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Measures the heap a 200,000-order period takes when streamed and when read whole, on a Redis
 * process of its own. Not part of the build's tests; run it with {@code ./mvnw -pl
 * ordercache-autoconfigure test -Dtest=LargePeriodHarness -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@SpringBootTest(classes = IntegrationTestApplication.class,
		properties = { "ordercache.max-period-size=1000000", "ordercache.batch-chunk-size=1000",
				"ordercache.resilience.bulk-timeout=30s" })
class LargePeriodHarness {

	static final RedisProcess REDIS = RedisProcess.start();

	static final int ORDERS = 200_000;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", REDIS::url);
	}

	@AfterAll
	static void stopRedis() {
		REDIS.close();
	}

	@Autowired
	OrderCacheService service;

	@Test
	void measure() {
		long start = System.nanoTime();
		this.service.loadPeriod("huge",
				() -> IntStream.range(0, ORDERS).mapToObj((i) -> TestOrder.of("huge", "ORDER_" + i)).toList());
		long loadMillis = (System.nanoTime() - start) / 1_000_000;
		long streamBaseline = usedAfterGc();
		AtomicLong peak = new AtomicLong();
		AtomicLong count = new AtomicLong();
		start = System.nanoTime();
		try (Stream<TestOrder> orders = this.service.streamOrdersByPeriod("huge", TestOrder.class)) {
			orders.forEach((order) -> {
				if (count.incrementAndGet() % 20_000 == 0) {
					peak.accumulateAndGet(usedAfterGc() - streamBaseline, Math::max);
				}
			});
		}
		long streamMillis = (System.nanoTime() - start) / 1_000_000;
		long streamedPeak = peak.get();
		long baseline = usedAfterGc();
		start = System.nanoTime();
		List<TestOrder> all = this.service.getOrdersByPeriod("huge", TestOrder.class);
		long wholeMillis = (System.nanoTime() - start) / 1_000_000;
		long wholeHeld = usedAfterGc() - baseline;
		System.out.printf(Locale.ROOT, "%n| %d orders | time | heap held (after GC) |%n|---|---|---|%n"
				+ "| loadPeriod (written) | %d ms | |%n| streamOrdersByPeriod (%d read) | %d ms | peak %.1f MB |%n"
				+ "| getOrdersByPeriod (%d read) | %d ms | %.1f MB |%n", ORDERS, loadMillis, count.get(), streamMillis,
				streamedPeak / 1e6, all.size(), wholeMillis, wholeHeld / 1e6);
	}

	private static long usedAfterGc() {
		System.gc();
		Runtime runtime = Runtime.getRuntime();
		return runtime.totalMemory() - runtime.freeMemory();
	}

}
