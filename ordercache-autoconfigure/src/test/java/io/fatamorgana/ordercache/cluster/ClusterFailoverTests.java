package io.fatamorgana.ordercache.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.fatamorgana.ordercache.CacheStatistics;
import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.aop.JdbcOrders;
import io.fatamorgana.ordercache.aop.OrderLoad;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
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
 * Business calls through the annotations under load while {@code CLUSTER FAILOVER} moves the
 * primaries of the periods' slots to their replicas: no business call fails, and afterwards every
 * cached order equals its committed row and every key has a TTL.
 */
@SpringBootTest(classes = IntegrationTestApplication.class,
		properties = { "ordercache.resilience.open-duration=300ms", "ordercache.resilience.maintenance-interval=50ms",
				"ordercache.consistency.tombstone-ttl=2s", "spring.data.redis.timeout=2s",
				"spring.data.redis.connect-timeout=500ms", "ordercache.resilience.command-timeout=50ms" })
@Import(JdbcOrders.class)
@DirtiesContext
class ClusterFailoverTests extends ClusterTestSupport {

	static final String PREFIX = "failover_";

	static final List<String> PERIODS = List.of("F1", "F2", "F3", "F4");

	@DynamicPropertySource
	static void keyPrefix(DynamicPropertyRegistry registry) {
		registry.add("ordercache.key-prefix", () -> PREFIX);
	}

	@Autowired
	JdbcOrders orders;

	@Autowired
	OrderCacheService service;

	@Test
	void failoverOfEveryPrimaryUnderLoad() throws Exception {
		for (String period : PERIODS) {
			for (int i = 0; i < 10; i++) {
				this.orders.create(period, "O" + i);
			}
			this.orders.findPeriod(period);
		}
		OrderLoad load = OrderLoad.start(this.orders, PERIODS, "ClusterFailoverTests");
		int calls;
		try {
			load.awaitCalls(300);
			List<String> moved = new ArrayList<>();
			for (String primary : cluster.primaries()) {
				String key = PERIODS.stream()
					.map((period) -> PREFIX + period)
					.filter((candidate) -> cluster.primaryFor(candidate).equals(primary))
					.findFirst()
					.orElse(null);
				if (key != null) {
					moved.add(key + " " + primary + " -> " + cluster.failover(key));
					load.awaitCalls(300);
				}
			}
			assertThat(moved).as("failovers of primaries holding periods").isNotEmpty();
			System.out.println("ClusterFailoverTests failovers: " + moved);
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
		assertThat(OrderLoad.cachedPeriods(this.service)).as("periods found on the primaries after the failovers")
			.containsAll(PERIODS.stream().filter((period) -> this.service.getOrderCount(period) > 0).toList());
		int cached;
		RedisClusterClient client = RedisClusterClient
			.create(cluster.nodes().stream().map((node) -> RedisURI.create("redis://" + node)).toList());
		try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
			cached = OrderLoad.assertCacheEqualsDatabase(this.orders, PREFIX, PERIODS, connection.sync());
		}
		finally {
			client.shutdown();
		}
		System.out.println("ClusterFailoverTests: " + calls + " business calls, 0 failed, "
				+ cached + " cached orders equal to the database; " + this.service.statistics());
	}

}
