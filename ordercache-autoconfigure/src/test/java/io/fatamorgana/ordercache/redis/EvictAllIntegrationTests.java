package io.fatamorgana.ordercache.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.aop.AnnotatedOrders;
import io.fatamorgana.ordercache.test.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pipelined evictions of a replay on a Redis that does not know the eviction script yet (its
 * first replay after a restart without the script cache, or a promoted replica): NOSCRIPT makes one
 * eviction load it and the rest are sent again.
 */
class EvictAllIntegrationTests {

	@Test
	void aRedisThatLostItsScriptsEvictsEveryOrderOfTheBatch() {
		try (RedisProcess redis = RedisProcess.start();
				ConfigurableApplicationContext context = IntegrationTestApplication.run(
						Map.of("spring.data.redis.url", redis.url(), "ordercache.key-prefix", "evictall_"),
						AnnotatedOrders.class)) {
			AnnotatedOrders orders = context.getBean(AnnotatedOrders.class);
			OrderCacheService cache = context.getBean(OrderCacheService.class);
			OrderHashStore store = context.getBean(OrderHashStore.class);
			List<Map.Entry<String, String>> batch = new ArrayList<>();
			for (int i = 0; i < 120; i++) {
				orders.create(TestOrder.of("LOST" + (i % 3), "O" + i));
				batch.add(Map.entry("evictall_LOST" + (i % 3), "O" + i));
			}
			assertThat(cache.isOrderCached("LOST1", "O1")).isTrue();
			RedisClient client = RedisClient.create(redis.url());
			try (StatefulRedisConnection<String, String> connection = client.connect()) {
				connection.sync().scriptFlush();
			}
			finally {
				client.shutdown();
			}

			assertThat(store.evictAll(batch, Duration.ofMinutes(1))).as("orders not sent").isEmpty();

			for (int i = 0; i < 120; i++) {
				assertThat(cache.isOrderCached("LOST" + (i % 3), "O" + i)).as("O" + i).isFalse();
			}
		}
	}

}
