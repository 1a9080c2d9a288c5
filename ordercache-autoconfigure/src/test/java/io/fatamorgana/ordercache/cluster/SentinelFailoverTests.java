package io.fatamorgana.ordercache.cluster;

import java.time.Duration;
import java.util.List;

import io.fatamorgana.ordercache.CacheStatistics;
import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.aop.JdbcOrders;
import io.fatamorgana.ordercache.aop.OrderLoad;
import io.fatamorgana.ordercache.test.RedisSentinelProcesses;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Business calls through the annotations under load, connected through three sentinels by Spring
 * Boot's {@code spring.data.redis.sentinel.*} alone, while {@code SENTINEL FAILOVER} promotes the
 * replica: no business call fails, and afterwards every cached order equals its committed row and
 * every key has a TTL.
 */
@SpringBootTest(classes = IntegrationTestApplication.class,
		properties = { "ordercache.resilience.open-duration=300ms", "ordercache.resilience.maintenance-interval=50ms",
				"ordercache.consistency.tombstone-ttl=2s", "spring.data.redis.timeout=2s",
				"spring.data.redis.connect-timeout=500ms", "ordercache.resilience.command-timeout=50ms" })
@Import(JdbcOrders.class)
@DirtiesContext
class SentinelFailoverTests {

	static final String PREFIX = "sentinel_";

	static final List<String> PERIODS = List.of("F1", "F2", "F3", "F4");

	static RedisSentinelProcesses sentinel;

	@BeforeAll
	static void startCluster() {
		sentinel = RedisSentinelProcesses.startOrSkip();
	}

	@AfterAll
	static void stopCluster() {
		if (sentinel != null) {
			sentinel.close();
		}
	}

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.sentinel.master", () -> RedisSentinelProcesses.MASTER);
		registry.add("spring.data.redis.sentinel.nodes", () -> sentinel.sentinelsProperty());
		registry.add("ordercache.key-prefix", () -> PREFIX);
	}

	@Autowired
	JdbcOrders orders;

	@Autowired
	OrderCacheService service;

	@Test
	void sentinelFailoverUnderLoad() throws Exception {
		for (String period : PERIODS) {
			for (int i = 0; i < 10; i++) {
				this.orders.create(period, "O" + i);
			}
			this.orders.findPeriod(period);
		}
		OrderLoad load = OrderLoad.start(this.orders, PERIODS, "SentinelFailoverTests");
		int calls;
		try {
			load.awaitCalls(300);
			int old = sentinel.primaryPort();
			int promoted = sentinel.failover();
			System.out.println("SentinelFailoverTests: primary moved from port " + old + " to " + promoted);
			load.awaitCalls(300);
			await("the cache reaches the new primary").atMost(Duration.ofMinutes(1))
				.ignoreExceptions()
				.until(() -> this.service.getOrderCount(PERIODS.get(0)) >= 0);
			load.awaitCalls(300);
		}
		finally {
			calls = load.stop();
		}
		await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
			CacheStatistics statistics = this.service.statistics();
			assertThat(statistics.circuitOpen()).isFalse();
			assertThat(statistics.pendingEvictions()).isZero();
		});
		for (String period : PERIODS) {
			this.orders.findPeriod(period);
			for (int i = 0; i < 12; i++) {
				this.orders.find(period, "O" + i);
			}
		}
		assertThat(OrderLoad.cachedPeriods(this.service)).as("periods found on the new primary")
			.containsAll(PERIODS.stream().filter((period) -> this.service.getOrderCount(period) > 0).toList());
		int cached = OrderLoad.assertCacheEqualsDatabase(this.orders, PREFIX, PERIODS, sentinel.primary());
		System.out.println("SentinelFailoverTests: " + calls + " business calls, 0 failed, "
				+ cached + " cached orders equal to the database; " + this.service.statistics());
	}

}
