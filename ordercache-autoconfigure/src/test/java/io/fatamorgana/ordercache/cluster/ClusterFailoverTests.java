package io.fatamorgana.ordercache.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.fatamorgana.ordercache.CacheStatistics;
import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.PeriodPage;
import io.fatamorgana.ordercache.aop.JdbcOrders;
import io.fatamorgana.ordercache.test.RedisClusterProcesses;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

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
class ClusterFailoverTests {

	static final String PREFIX = "failover_";

	static final List<String> PERIODS = List.of("F1", "F2", "F3", "F4");

	static RedisClusterProcesses cluster;

	@BeforeAll
	static void startCluster() {
		cluster = RedisClusterProcesses.startOrSkip();
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.cluster.nodes", () -> cluster.nodesProperty());
		registry.add("ordercache.key-prefix", () -> PREFIX);
	}

	@Autowired
	JdbcOrders orders;

	@Autowired
	OrderCacheService service;

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final AtomicInteger businessCalls = new AtomicInteger();

	private final AtomicReference<Throwable> businessFailure = new AtomicReference<>();

	@Test
	void failoverOfEveryPrimaryUnderLoad() throws Exception {
		for (String period : PERIODS) {
			for (int i = 0; i < 10; i++) {
				this.orders.create(period, "O" + i);
			}
			this.orders.findPeriod(period);
		}
		ExecutorService load = Executors.newFixedThreadPool(4);
		List<Future<?>> workers = new ArrayList<>();
		long seed = System.nanoTime();
		System.out.println("ClusterFailoverTests load seed: " + seed);
		try {
			for (int t = 0; t < 4; t++) {
				Random random = new Random(seed + t);
				workers.add(load.submit(() -> {
					while (this.running.get()) {
						try {
							step(random);
							this.businessCalls.incrementAndGet();
						}
						catch (Throwable ex) {
							this.businessFailure.compareAndSet(null, ex);
						}
					}
				}));
			}
			awaitCalls(300);
			List<String> moved = new ArrayList<>();
			for (String primary : cluster.primaries()) {
				String key = PERIODS.stream()
					.map((period) -> PREFIX + period)
					.filter((candidate) -> cluster.primaryFor(candidate).equals(primary))
					.findFirst()
					.orElse(null);
				if (key != null) {
					moved.add(key + " " + primary + " -> " + cluster.failover(key));
					awaitCalls(300);
				}
			}
			assertThat(moved).as("failovers of primaries holding periods").isNotEmpty();
			System.out.println("ClusterFailoverTests failovers: " + moved);
			awaitCalls(300);
		}
		finally {
			this.running.set(false);
			load.shutdown();
		}
		await().atMost(Duration.ofMinutes(1)).until(() -> workers.stream().allMatch(Future::isDone));
		await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
			CacheStatistics statistics = this.service.statistics();
			assertThat(statistics.circuitOpen()).isFalse();
			assertThat(statistics.pendingEvictions()).isZero();
		});
		assertThat(this.businessFailure.get()).as("business calls that failed").isNull();
		for (String period : PERIODS) {
			this.orders.findPeriod(period);
			for (int i = 0; i < 12; i++) {
				this.orders.find(period, "O" + i);
			}
		}
		assertThat(allCachedPeriods()).as("periods found on the primaries after the failovers")
			.containsAll(PERIODS.stream().filter((period) -> this.service.getOrderCount(period) > 0).toList());
		int cached = assertCacheEqualsDatabase();
		System.out.println("ClusterFailoverTests: " + this.businessCalls.get() + " business calls, 0 failed, "
				+ cached + " cached orders equal to the database; " + this.service.statistics());
	}

	private int assertCacheEqualsDatabase() {
		Map<String, JdbcOrders.Row> committed = this.orders.all().stream()
			.collect(Collectors.toMap((row) -> row.periodNumber() + "/" + row.orderNo(), Function.identity()));
		JsonMapper json = JsonMapper.builder().build();
		RedisClusterClient client = RedisClusterClient
			.create(cluster.nodes().stream().map((node) -> RedisURI.create("redis://" + node)).toList());
		try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
			RedisAdvancedClusterCommands<String, String> redis = connection.sync();
			int cached = 0;
			for (String period : PERIODS) {
				String key = PREFIX + period;
				if (redis.exists(key) == 0) {
					continue;
				}
				assertThat(redis.pttl(key)).as("TTL of " + key).isPositive();
				for (Map.Entry<String, String> field : redis.hgetall(key).entrySet()) {
					if (!field.getKey().startsWith("!")) {
						cached++;
						JdbcOrders.Row stored = json.readValue(field.getValue(), StoredRow.class).toRow();
						assertThat(stored).as("cached " + period + "/" + field.getKey())
							.isEqualTo(committed.get(period + "/" + field.getKey()));
					}
				}
			}
			assertThat(cached).isPositive();
			return cached;
		}
		finally {
			client.shutdown();
		}
	}

	private List<String> allCachedPeriods() {
		List<String> found = new ArrayList<>();
		String cursor = null;
		do {
			PeriodPage page = this.service.cachedPeriods(cursor, 2);
			found.addAll(page.periods());
			cursor = page.nextCursor();
		}
		while (cursor != null);
		return found;
	}

	private void awaitCalls(int more) {
		int target = this.businessCalls.get() + more;
		await().atMost(Duration.ofMinutes(1)).until(() -> this.businessCalls.get() >= target);
	}

	private void step(Random random) {
		String period = PERIODS.get(random.nextInt(PERIODS.size()));
		String orderNo = "O" + random.nextInt(12);
		int dice = random.nextInt(100);
		if (dice < 40) {
			this.orders.find(period, orderNo);
		}
		else if (dice < 50) {
			this.orders.findPeriod(period);
		}
		else if (dice < 80) {
			this.orders.update(period, orderNo, List.of("pending", "paid", "cancelled").get(random.nextInt(3)));
		}
		else if (dice < 92) {
			this.orders.create(period, orderNo);
		}
		else {
			this.orders.delete(period, orderNo);
		}
	}

}
