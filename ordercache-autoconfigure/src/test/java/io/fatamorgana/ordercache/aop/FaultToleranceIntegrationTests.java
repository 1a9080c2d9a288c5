package io.fatamorgana.ordercache.aop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

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
import tools.jackson.databind.json.JsonMapper;

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

	private final AtomicBoolean running = new AtomicBoolean();

	private final AtomicInteger businessCalls = new AtomicInteger();

	private final AtomicReference<Throwable> businessFailure = new AtomicReference<>();

	private ExecutorService load;

	private List<Future<?>> workers;

	@BeforeEach
	void startLoad() {
		for (String period : PERIODS) {
			for (int i = 0; i < 10; i++) {
				this.orders.create(period, "O" + i);
				this.orders.find(period, "O" + i);
			}
			this.orders.findPeriod(period);
		}
		this.running.set(true);
		this.load = Executors.newFixedThreadPool(4);
		this.workers = new ArrayList<>();
		long seed = System.nanoTime();
		System.out.println("FaultToleranceIntegrationTests load seed: " + seed);
		for (int t = 0; t < 4; t++) {
			Random random = new Random(seed + t);
			this.workers.add(this.load.submit(() -> {
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
	}

	@AfterEach
	void stopLoad() throws Exception {
		this.running.set(false);
		for (Future<?> worker : this.workers) {
			worker.get(1, TimeUnit.MINUTES);
		}
		this.load.shutdownNow();
		if (!REDIS.isRunning()) {
			REDIS.restart();
		}
	}

	@Test
	void redisFrozenDuringLoad() {
		awaitCalls(200);
		REDIS.freeze();
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> this.service.statistics().circuitOpen());
			awaitCalls(300);
		}
		finally {
			REDIS.thaw();
		}
		awaitCalls(200);
		stopAndAssertConsistent();
	}

	@Test
	void redisKilledDuringLoadAndRestarted() {
		awaitCalls(200);
		REDIS.kill();
		await().atMost(Duration.ofSeconds(30)).until(() -> this.service.statistics().circuitOpen());
		awaitCalls(300);
		REDIS.restart();
		awaitCalls(200);
		stopAndAssertConsistent();
	}

	private void stopAndAssertConsistent() {
		this.running.set(false);
		await().atMost(Duration.ofMinutes(1)).until(() -> this.workers.stream().allMatch(Future::isDone));
		await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
			CacheStatistics statistics = this.service.statistics();
			assertThat(statistics.circuitOpen()).isFalse();
			assertThat(statistics.pendingEvictions()).isZero();
		});
		assertThat(this.businessFailure.get()).as("business calls that failed").isNull();
		for (String period : PERIODS) {
			this.orders.findPeriod(period);
			for (int i = 0; i < 10; i++) {
				this.orders.find(period, "O" + i);
			}
		}
		assertNoStaleEntriesAndEveryKeyHasATtl();
		System.out.println("FaultToleranceIntegrationTests: " + this.businessCalls.get() + " business calls, 0 failed; "
				+ this.service.statistics());
	}

	private void assertNoStaleEntriesAndEveryKeyHasATtl() {
		Map<String, JdbcOrders.Row> committed = this.orders.all().stream()
			.collect(Collectors.toMap((row) -> row.periodNumber() + "/" + row.orderNo(), Function.identity()));
		JsonMapper json = JsonMapper.builder().build();
		try (RedisClient client = RedisClient.create(REDIS.url());
				StatefulRedisConnection<String, String> connection = client.connect()) {
			RedisCommands<String, String> redis = connection.sync();
			int cached = 0;
			for (String key : redis.keys(PREFIX + "*")) {
				assertThat(redis.pttl(key)).as("TTL of " + key).isPositive();
				String period = key.substring(PREFIX.length());
				for (Map.Entry<String, String> field : redis.hgetall(key).entrySet()) {
					if (!field.getKey().startsWith("!")) {
						cached++;
						JdbcOrders.Row stored = json.readValue(field.getValue(), RandomizedConsistencyTests.StoredRow.class)
							.toRow();
						assertThat(stored).as("cached " + period + "/" + field.getKey())
							.isEqualTo(committed.get(period + "/" + field.getKey()));
					}
				}
			}
			assertThat(cached).isPositive();
		}
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
