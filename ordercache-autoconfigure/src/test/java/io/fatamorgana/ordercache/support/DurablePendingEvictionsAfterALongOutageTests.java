package io.fatamorgana.ordercache.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.aop.JdbcOrders;
import io.fatamorgana.ordercache.aop.JdbcOrders.Row;
import io.fatamorgana.ordercache.jdbc.JdbcPendingEvictionStore;
import io.fatamorgana.ordercache.jdbc.TestDatabases;
import io.fatamorgana.ordercache.support.PendingEvictionStore.Eviction;
import io.fatamorgana.ordercache.test.RedisProcess;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * After a long outage the table may hold more evictions than one poll reads (1,000): an instance
 * that saw the outage must still not serve, once its circuit closes, an order whose eviction is
 * further down the table.
 */
class DurablePendingEvictionsAfterALongOutageTests {

	private final TestDatabases database = TestDatabases.H2;

	private final String prefix = "long_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff))
			+ "_";

	@Test
	void anInstanceThatSawTheOutageNeverServesAnOrderWhoseEvictionIsBeyondTheFirstPageOfTheTable() {
		String schema = this.database.newSchema(DurablePendingEvictionsAfterALongOutageTests.class);
		try (RedisProcess redis = RedisProcess.startPersistent();
				ConfigurableApplicationContext context = start(redis, schema)) {
			JdbcOrders orders = context.getBean(JdbcOrders.class);
			OrderCacheService cache = context.getBean(OrderCacheService.class);
			orders.create("P1", "X");
			assertThat(redisVersion(redis, "P1", "X")).as("cached before the outage").isEqualTo(0L);

			redis.kill();
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				orders.find("P1", "X");
				return cache.statistics().circuitOpen();
			});
			// What an instance killed during the outage left: 1,500 evictions, then the one of X,
			// whose change it committed.
			List<Eviction> left = new ArrayList<>();
			for (int i = 0; i < 1_500; i++) {
				left.add(new Eviction(this.prefix + "P2", "B" + i));
			}
			left.add(new Eviction(this.prefix + "P1", "X"));
			new JdbcPendingEvictionStore(context.getBean(DataSource.class), JdbcPendingEvictionStore.DEFAULT_TABLE_NAME,
					Duration.ofSeconds(5))
				.add(left);
			this.database.update(schema,
					"UPDATE versioned_orders SET status = 'paid', version = 1 WHERE period_number = 'P1' AND order_no = 'X'");

			redis.restart();
			List<Long> served = new ArrayList<>();
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (rows(schema) > 0) {
				assertThat(System.nanoTime()).as("time left to replay the table").isLessThan(deadline);
				orders.find("P1", "X").map(Row::version).ifPresent(served::add);
			}
			assertThat(served).as("versions of X served from the restart until the table was empty")
				.isNotEmpty()
				.containsOnly(1L);
			assertThat(orders.find("P1", "X")).map(Row::version).contains(1L);
		}
		finally {
			this.database.drop(schema);
		}
	}

	private long rows(String schema) {
		return this.database.count(schema, "SELECT COUNT(*) FROM ordercache_pending_eviction");
	}

	private ConfigurableApplicationContext start(RedisProcess redis, String schema) {
		Map<String, Object> properties = new HashMap<>(this.database.properties(schema));
		properties.putAll(Map.of("spring.data.redis.url", redis.url(), "ordercache.key-prefix", this.prefix,
				"ordercache.resilience.command-timeout", "200ms", "ordercache.resilience.open-duration", "300ms",
				"ordercache.resilience.maintenance-interval", "100ms", "spring.data.redis.timeout", "1s",
				"spring.data.redis.connect-timeout", "500ms", "ordercache.pending-evictions.store", "jdbc",
				"ordercache.pending-evictions.jdbc.initialize-schema", "always"));
		return new SpringApplicationBuilder(IntegrationTestApplication.class, JdbcOrders.class)
			.web(WebApplicationType.NONE)
			.properties(properties)
			.run();
	}

	private Long redisVersion(RedisProcess redis, String period, String orderNo) {
		return DurablePendingEvictionsFleetTests.cachedVersion(redis, this.prefix + period, orderNo);
	}

}
