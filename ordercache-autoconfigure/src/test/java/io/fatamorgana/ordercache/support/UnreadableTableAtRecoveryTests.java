package io.fatamorgana.ordercache.support;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.aop.JdbcOrders;
import io.fatamorgana.ordercache.jdbc.TestDatabases;
import io.fatamorgana.ordercache.test.RedisProcess;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When Redis answers again after an outage, an instance reads the pending evictions table before its
 * circuit closes: another instance may have stored evictions of any order there. If the table cannot
 * be read at that moment (the database down or the table unreachable), the circuit stays open (the
 * database answers the reads) until it can; closing it anyway could serve copies that the table says
 * are older than the database.
 */
class UnreadableTableAtRecoveryTests {

	@Test
	void theCircuitStaysOpenUntilTheTableCanBeRead() {
		TestDatabases database = TestDatabases.H2;
		String schema = database.newSchema(UnreadableTableAtRecoveryTests.class);
		try (RedisProcess redis = RedisProcess.start();
				ConfigurableApplicationContext context = start(database, schema, redis)) {
			JdbcOrders orders = context.getBean(JdbcOrders.class);
			OrderCacheService cache = context.getBean(OrderCacheService.class);
			orders.create("P1", "O1");
			redis.kill();
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				orders.find("P1", "O1");
				return cache.statistics().circuitOpen();
			});
			database.update(schema, "ALTER TABLE ordercache_pending_eviction RENAME TO ordercache_pending_eviction_away");
			redis.restart();

			await("the circuit open while the table cannot be read").during(Duration.ofSeconds(2))
				.atMost(Duration.ofSeconds(10))
				.until(() -> cache.statistics().circuitOpen());
			assertThat(orders.find("P1", "O1")).as("answered by the database").isPresent();

			database.update(schema, "ALTER TABLE ordercache_pending_eviction_away RENAME TO ordercache_pending_eviction");
			await().atMost(Duration.ofSeconds(20)).until(() -> !cache.statistics().circuitOpen());
		}
		finally {
			database.drop(schema);
		}
	}

	private static ConfigurableApplicationContext start(TestDatabases database, String schema, RedisProcess redis) {
		Map<String, Object> properties = new HashMap<>(database.properties(schema));
		properties.putAll(Map.of("spring.data.redis.url", redis.url(), "ordercache.key-prefix", "unreadable_",
				"ordercache.resilience.command-timeout", "200ms", "ordercache.resilience.open-duration", "200ms",
				"ordercache.resilience.maintenance-interval", "50ms", "spring.data.redis.connect-timeout", "500ms",
				"ordercache.pending-evictions.store", "jdbc", "ordercache.pending-evictions.jdbc.initialize-schema",
				"always"));
		return IntegrationTestApplication.run(properties, JdbcOrders.class);
	}

}
