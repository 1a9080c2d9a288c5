package io.fatamorgana.ordercache.near;

import java.time.Duration;
import java.util.Map;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.test.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static io.fatamorgana.ordercache.near.NearCacheInstances.cache;
import static io.fatamorgana.ordercache.near.NearCacheInstances.near;
import static io.fatamorgana.ordercache.near.NearCacheInstances.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances with the near cache on, sharing one Redis: hits come from memory, the writer reads
 * its own writes at once, the other instance hears of every kind of change through the channel,
 * and a lost subscription empties the near cache.
 */
class NearCacheIntegrationTests {

	private static RedisProcess redis;

	private static RedisClient client;

	private static StatefulRedisConnection<String, String> admin;

	private static ConfigurableApplicationContext a;

	private static ConfigurableApplicationContext b;

	@BeforeAll
	static void start() {
		redis = RedisProcess.start();
		client = RedisClient.create(redis.url());
		admin = client.connect();
		a = instance();
		b = instance();
		await().atMost(Duration.ofSeconds(10)).until(() -> near(a).trusted() && near(b).trusted());
	}

	private static ConfigurableApplicationContext instance() {
		return IntegrationTestApplication.run(Map.of("spring.data.redis.url", redis.url(), "ordercache.key-prefix",
				"near_", "ordercache.near-cache.enabled", "true", "ordercache.near-cache.heartbeat-interval", "200ms",
				"ordercache.near-cache.heartbeat-timeout", "1s"));
	}

	@AfterAll
	static void stop() {
		b.close();
		a.close();
		admin.close();
		client.shutdown();
		redis.close();
	}

	@Test
	void aSecondReadIsAnsweredFromMemoryAndReturnsItsOwnCopy() {
		cache(b).cacheOrder(TestOrder.of("HIT", "O1").withStatus("PAID"));
		long hits = near(a).statistics().hits();
		TestOrder first = cache(a).getOrder("HIT", "O1", TestOrder.class).orElseThrow();
		TestOrder second = cache(a).getOrder("HIT", "O1", TestOrder.class).orElseThrow();

		assertThat(near(a).statistics().hits()).isEqualTo(hits + 1);
		assertThat(second.getStatus()).isEqualTo("PAID");
		assertThat(second).isNotSameAs(first);
		assertThat(admin.sync().hget("near_HIT", "!n")).as("the period is watched").isEqualTo("near_!near");
	}

	@Test
	void theWriterReadsItsOwnWriteAtOnce() {
		cache(a).cacheOrder(TestOrder.of("OWN", "O1").withStatus("NEW"));
		assertThat(status(a, "OWN", "O1")).isEqualTo("NEW");
		assertThat(status(a, "OWN", "O1")).isEqualTo("NEW");
		for (int i = 0; i < 50; i++) {
			cache(a).cacheOrder(TestOrder.of("OWN", "O1").withStatus("S" + i));
			assertThat(status(a, "OWN", "O1")).isEqualTo("S" + i);
			assertThat(status(a, "OWN", "O1")).isEqualTo("S" + i);
		}
		cache(a).deleteOrder("OWN", "O1");
		assertThat(status(a, "OWN", "O1")).isEqualTo("absent");
	}

	@Test
	void anotherInstancesWriteEvictionAndDropReachTheNearCache() {
		cache(a).cacheOrder(TestOrder.of("OTHER", "O1").withStatus("NEW"));
		cache(a).cacheOrder(TestOrder.of("OTHER", "O2").withStatus("NEW"));
		assertThat(status(b, "OTHER", "O1")).isEqualTo("NEW");
		assertThat(status(b, "OTHER", "O2")).isEqualTo("NEW");
		assertThat(status(b, "OTHER", "O1")).isEqualTo("NEW");

		cache(a).cacheOrder(TestOrder.of("OTHER", "O1").withStatus("PAID"));
		await().atMost(Duration.ofSeconds(2)).until(() -> status(b, "OTHER", "O1").equals("PAID"));

		cache(a).deleteOrder("OTHER", "O1");
		await().atMost(Duration.ofSeconds(2)).until(() -> status(b, "OTHER", "O1").equals("absent"));

		assertThat(status(b, "OTHER", "O2")).isEqualTo("NEW");
		cache(a).deletePeriodOrders("OTHER");
		await().atMost(Duration.ofSeconds(2)).until(() -> status(b, "OTHER", "O2").equals("absent"));
	}

	@Test
	void aKilledSubscriptionEmptiesTheNearCacheUntilItIsBackAndHeard() {
		cache(a).cacheOrder(TestOrder.of("KILL", "O1").withStatus("NEW"));
		assertThat(status(b, "KILL", "O1")).isEqualTo("NEW");
		assertThat(status(b, "KILL", "O1")).isEqualTo("NEW");
		long flushes = near(b).statistics().connectionFlushes();

		admin.sync().clientKill(io.lettuce.core.KillArgs.Builder.typePubsub());

		await().atMost(Duration.ofSeconds(5)).until(() -> near(b).statistics().connectionFlushes() > flushes);
		await().atMost(Duration.ofSeconds(10)).until(() -> near(b).trusted());
		cache(a).cacheOrder(TestOrder.of("KILL", "O1").withStatus("PAID"));
		await().atMost(Duration.ofSeconds(2)).until(() -> status(b, "KILL", "O1").equals("PAID"));
		long hits = near(b).statistics().hits();
		assertThat(status(b, "KILL", "O1")).isEqualTo("PAID");
		assertThat(near(b).statistics().hits()).as("served from memory again").isEqualTo(hits + 1);
	}

}
