package io.fatamorgana.ordercache.aop;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.test.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of interleaved creates, updates, deletes, period drops and reads through the cache on
 * overlapping orders, from many threads, against a real database and Redis. At quiescence every
 * cached order equals its committed row, no deleted order is cached, and a period served as
 * complete holds exactly the committed orders. The seed is printed; rerun one with
 * {@code -Dordercache.seed=...}.
 */
@SpringBootTest(classes = IntegrationTestApplication.class)
@Import(JdbcOrders.class)
class RandomizedConsistencyTests {

	static final String PREFIX = TestRedis.uniquePrefix(RandomizedConsistencyTests.class);

	static final int THREADS = 8;

	static final int OPERATIONS = Integer.getInteger("ordercache.operations", 4_000);

	static final List<String> PERIODS = List.of("P1", "P2");

	static final int ORDERS_PER_PERIOD = 15;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", TestRedis::url);
		registry.add("ordercache.key-prefix", () -> PREFIX);
		registry.add("spring.datasource.hikari.maximum-pool-size", () -> THREADS + 2);
	}

	@AfterAll
	static void cleanUp() {
		TestRedis.deleteKeys(PREFIX);
	}

	@Autowired
	JdbcOrders orders;

	@Autowired
	OrderCacheService service;

	@Test
	void atQuiescenceTheCacheEqualsTheDatabase() throws Exception {
		long seed = Long.getLong("ordercache.seed", System.nanoTime());
		System.out.println("RandomizedConsistencyTests seed: " + seed + " (rerun with -Dordercache.seed=" + seed + ")");
		Random seeds = new Random(seed);
		AtomicInteger done = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(THREADS);
		try {
			List<Future<?>> workers = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				Random random = new Random(seeds.nextLong());
				workers.add(pool.submit(() -> {
					while (done.getAndIncrement() < OPERATIONS) {
						step(random);
					}
					return null;
				}));
			}
			for (Future<?> worker : workers) {
				worker.get(5, TimeUnit.MINUTES);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertCacheEqualsDatabase(seed);
		for (String period : PERIODS) {
			this.orders.findPeriod(period);
			for (int i = 0; i < ORDERS_PER_PERIOD; i++) {
				this.orders.find(period, "O" + i);
			}
		}
		assertCacheEqualsDatabase(seed);
	}

	private void step(Random random) {
		String period = PERIODS.get(random.nextInt(PERIODS.size()));
		String orderNo = "O" + random.nextInt(ORDERS_PER_PERIOD);
		int dice = random.nextInt(100);
		if (dice < 35) {
			this.orders.find(period, orderNo);
		}
		else if (dice < 45) {
			this.orders.findPeriod(period);
		}
		else if (dice < 75) {
			this.orders.update(period, orderNo, List.of("pending", "paid", "cancelled", "expired").get(random.nextInt(4)));
		}
		else if (dice < 93) {
			this.orders.create(period, orderNo);
		}
		else if (dice < 99) {
			this.orders.delete(period, orderNo);
		}
		else {
			this.orders.dropPeriodCache(period);
		}
	}

	private void assertCacheEqualsDatabase(long seed) {
		RedisCommands<String, String> redis = TestRedis.commands();
		JsonMapper json = JsonMapper.builder().build();
		Map<String, JdbcOrders.Row> committed = this.orders.all().stream()
			.collect(Collectors.toMap((row) -> row.periodNumber() + "/" + row.orderNo(), Function.identity()));
		int cached = 0;
		for (String period : PERIODS) {
			Map<String, String> hash = redis.hgetall(PREFIX + period);
			for (Map.Entry<String, String> field : hash.entrySet()) {
				if (field.getKey().startsWith("!")) {
					continue;
				}
				cached++;
				JdbcOrders.Row row = committed.get(period + "/" + field.getKey());
				assertThat(row).as("seed %d: %s/%s is cached but was deleted", seed, period, field.getKey()).isNotNull();
				JdbcOrders.Row stored = json.readValue(field.getValue(), OrderLoad.StoredRow.class).toRow();
				assertThat(stored).as("seed %d: cached %s/%s", seed, period, field.getKey()).isEqualTo(row);
			}
			if (this.service.isPeriodComplete(period)) {
				assertThat(hash.keySet().stream().filter((field) -> !field.startsWith("!")))
					.as("seed %d: complete period %s", seed, period)
					.containsExactlyInAnyOrderElementsOf(committed.values().stream()
						.filter((row) -> row.periodNumber().equals(period))
						.map(JdbcOrders.Row::orderNo)
						.toList());
			}
			assertThat(redis.pttl(PREFIX + period)).as("seed %d: TTL of %s", seed, period).isNotEqualTo(-1L);
		}
		System.out.println("RandomizedConsistencyTests: " + committed.size() + " committed orders, " + cached
				+ " cached, statistics " + this.service.statistics());
		assertThat(cached).as("the test exercised the cache").isPositive();
	}

}
