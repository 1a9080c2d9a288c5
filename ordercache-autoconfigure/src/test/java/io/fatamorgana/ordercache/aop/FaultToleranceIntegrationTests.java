package io.fatamorgana.ordercache.aop;

import java.time.Duration;
import java.util.List;

import io.fatamorgana.ordercache.CacheStatistics;
import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.test.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Business calls under load while the Redis this test owns is frozen (SIGSTOP) and killed
 * (SIGKILL) and brought back: no business call fails, and after recovery and replay the cache holds
 * no stale order and no key without a TTL. The Redis keeps an append-only file, so that what it held
 * before a kill comes back, as it would in production, and stale entries are possible.
 */
@SpringBootTest(classes = IntegrationTestApplication.class,
		properties = { "ordercache.resilience.open-duration=300ms", "ordercache.resilience.maintenance-interval=50ms",
				"spring.data.redis.timeout=2s", "spring.data.redis.connect-timeout=500ms",
				"ordercache.consistency.tombstone-ttl=2s", "ordercache.resilience.command-timeout=50ms" })
@Import(JdbcOrders.class)
class FaultToleranceIntegrationTests {

	static final RedisProcess REDIS = RedisProcess.startPersistent();

	static final String PREFIX = "fault_";

	static final List<String> PERIODS = List.of("F1", "F2");

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", REDIS::url);
		registry.add("ordercache.key-prefix", () -> PREFIX);
	}

	@AfterAll
	static void stopRedis() {
		REDIS.close();
	}

	@Autowired
	JdbcOrders orders;

	@Autowired
	OrderCacheService service;

	private OrderLoad load;

	@BeforeEach
	void startLoad() {
		for (String period : PERIODS) {
			for (int i = 0; i < 10; i++) {
				this.orders.create(period, "O" + i);
				this.orders.find(period, "O" + i);
			}
			this.orders.findPeriod(period);
		}
		this.load = OrderLoad.start(this.orders, PERIODS, "FaultToleranceIntegrationTests");
	}

	@AfterEach
	void restartRedis() {
		if (!REDIS.isRunning()) {
			REDIS.restart();
		}
	}

	@Test
	void redisFrozenDuringLoad() {
		this.load.awaitCalls(200);
		REDIS.freeze();
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> this.service.statistics().circuitOpen());
			this.load.awaitCalls(300);
		}
		finally {
			REDIS.thaw();
		}
		this.load.awaitCalls(200);
		stopAndAssertConsistent();
	}

	@Test
	void redisKilledDuringLoadAndRestarted() {
		this.load.awaitCalls(200);
		REDIS.kill();
		await().atMost(Duration.ofSeconds(30)).until(() -> this.service.statistics().circuitOpen());
		this.load.awaitCalls(300);
		REDIS.restart();
		this.load.awaitCalls(200);
		stopAndAssertConsistent();
	}

	private void stopAndAssertConsistent() {
		int calls = this.load.stop();
		await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
			CacheStatistics statistics = this.service.statistics();
			assertThat(statistics.circuitOpen()).isFalse();
			assertThat(statistics.pendingEvictions()).isZero();
		});
		for (String period : PERIODS) {
			this.orders.findPeriod(period);
			for (int i = 0; i < 10; i++) {
				this.orders.find(period, "O" + i);
			}
		}
		try (RedisClient client = RedisClient.create(REDIS.url());
				StatefulRedisConnection<String, String> connection = client.connect()) {
			RedisCommands<String, String> redis = connection.sync();
			for (String key : redis.keys(PREFIX + "*")) {
				assertThat(redis.pttl(key)).as("TTL of " + key).isPositive();
			}
			OrderLoad.assertCacheEqualsDatabase(this.orders, PREFIX, PERIODS, redis);
		}
		System.out.println("FaultToleranceIntegrationTests: " + calls + " business calls, 0 failed; "
				+ this.service.statistics());
	}

}
