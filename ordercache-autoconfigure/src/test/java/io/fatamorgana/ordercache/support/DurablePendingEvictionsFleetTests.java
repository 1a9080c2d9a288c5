package io.fatamorgana.ordercache.support;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.aop.JdbcOrders;
import io.fatamorgana.ordercache.aop.JdbcOrders.Row;
import io.fatamorgana.ordercache.jdbc.TestDatabases;
import io.fatamorgana.ordercache.test.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two instances (application contexts) share one database and one Redis that keeps its data in an
 * append-only file. Redis dies; instance A changes orders, so its evictions fail; A is killed; Redis
 * comes back with the old copies. With the jdbc store, instance B replays A's evictions and never
 * serves a copy older than the database once they are replayed (and, if B saw the outage, not even
 * before); with the memory store, B serves the old copy: the window the docs describe.
 * <p>
 * "Killed": {@link CacheMaintenance#halt()} stops A's background work without the last replay and
 * without writing what waits to be written, as SIGKILL would, after A's business calls returned
 * (with {@code write-wait} long enough that each call returns after its row is written, as it does
 * when the database answers). A's context stays open but A makes no call any more.
 */
class DurablePendingEvictionsFleetTests {

	static final RedisProcess REDIS = RedisProcess.startPersistent();

	private static final Pattern VERSION = Pattern.compile("\"version\":(\\d+)");

	@AfterAll
	static void stopRedis() {
		REDIS.close();
	}

	@ParameterizedTest
	@EnumSource(TestDatabases.class)
	void anInstanceThatSawNothingReplaysWhatAKilledInstanceCouldNotSend(TestDatabases database) {
		new Fleet(database, "jdbc", false).run();
	}

	@ParameterizedTest
	@EnumSource(TestDatabases.class)
	void anInstanceThatSawTheOutageNeverServesAnOlderCopyAndReplaysWhatAKilledInstanceCouldNotSend(
			TestDatabases database) {
		new Fleet(database, "jdbc", true).run();
	}

	@Test
	void withTheMemoryStoreTheOtherInstanceServesTheOldCopyOnceRedisIsBack() {
		new Fleet(TestDatabases.H2, "memory", false).run();
	}

	private static final class Fleet {

		private final TestDatabases database;

		private final String store;

		private final boolean bSeesTheOutage;

		private final String prefix = "fleet_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff))
				+ "_";

		Fleet(TestDatabases database, String store, boolean bSeesTheOutage) {
			this.database = database;
			this.store = store;
			this.bSeesTheOutage = bSeesTheOutage;
		}

		void run() {
			assumeTrue(this.database.answers(), () -> this.database + " does not answer; skipped");
			if (!REDIS.isRunning()) {
				REDIS.restart();
			}
			String schema = this.database.newSchema(DurablePendingEvictionsFleetTests.class);
			ConfigurableApplicationContext a = start(schema);
			ConfigurableApplicationContext b = start(schema);
			try {
				run(schema, a, b);
			}
			finally {
				b.close();
				a.close();
				if (!REDIS.isRunning()) {
					REDIS.restart();
				}
				this.database.drop(schema);
			}
		}

		private void run(String schema, ConfigurableApplicationContext a, ConfigurableApplicationContext b) {
			JdbcOrders ordersA = a.getBean(JdbcOrders.class);
			JdbcOrders ordersB = b.getBean(JdbcOrders.class);
			for (String orderNo : List.of("O1", "O2", "O3", "O4")) {
				ordersA.create("P1", orderNo);
				assertThat(ordersB.find("P1", orderNo)).isPresent();
			}
			ordersA.create("P2", "Q1");
			ordersB.find("P2", "Q1");
			assertThat(redisVersion("P1", "O1")).as("cached before the outage").isEqualTo(0);

			REDIS.kill();
			ordersA.update("P1", "O1", "paid");
			ordersA.update("P1", "O2", "paid");
			ordersA.delete("P1", "O3");
			ordersA.update("P2", "Q1", "paid");
			ordersA.dropPeriodCache("P2");
			assertThat(a.getBean(OrderCacheService.class).statistics().pendingEvictions()).isPositive();
			if (this.bSeesTheOutage) {
				await().atMost(Duration.ofSeconds(30)).until(() -> {
					ordersB.find("P1", "O4");
					return b.getBean(OrderCacheService.class).statistics().circuitOpen();
				});
			}
			if (this.store.equals("jdbc")) {
				assertThat(rows(schema)).as("A's failed evictions, in the database").isGreaterThanOrEqualTo(5);
			}
			a.getBean(CacheMaintenance.class).halt();

			REDIS.restart();
			long back = System.nanoTime();
			Long cameBack = redisVersion("P1", "O1");
			if (this.store.equals("memory")) {
				assertThat(cameBack).as("Redis came back with the old copy").isEqualTo(0);
			}
			else {
				// B may have replayed A's eviction already (it reconnects and polls within a second).
				assertThat(cameBack).as("Redis came back with the old copy, or B evicted it already").isIn(0L, null);
			}
			if (this.store.equals("memory")) {
				// Nobody remembers A's evictions: B reads the old copy from Redis until its TTL.
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(ordersB.find("P1", "O1")).map(Row::version).contains(0L));
				assertThat(ordersB.find("P1", "O3")).as("deleted in the database, served from Redis").isPresent();
				return;
			}
			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
				if (this.bSeesTheOutage) {
					assertNotOlderThanTheDatabase(ordersB);
				}
				assertThat(rows(schema)).as("rows left in the table").isZero();
			});
			System.out.println("DurablePendingEvictionsFleetTests: " + this.database + ", B saw the outage: "
					+ this.bSeesTheOutage + ": table empty " + (System.nanoTime() - back) / 1_000_000
					+ " ms after Redis was restarted");
			assertNotOlderThanTheDatabase(ordersB);
			for (Row row : ordersB.all()) {
				Long cached = redisVersion(row.periodNumber(), row.orderNo());
				assertThat(cached).as("Redis copy of " + row.orderNo()).isIn(null, row.version());
			}
			assertThat(redisVersion("P1", "O3")).as("deleted order").isNull();
			assertThat(ordersB.find("P1", "O1")).map(Row::version).contains(1L);
			assertThat(redisVersion("P1", "O1")).as("cached again after the replay").isEqualTo(1);
		}

		private void assertNotOlderThanTheDatabase(JdbcOrders orders) {
			Map<String, Row> database = new HashMap<>();
			orders.all().forEach((row) -> database.put(row.periodNumber() + "/" + row.orderNo(), row));
			for (String period : List.of("P1", "P2")) {
				for (String orderNo : List.of("O1", "O2", "O3", "O4", "Q1")) {
					Optional<Row> served = orders.find(period, orderNo);
					Row committed = database.get(period + "/" + orderNo);
					assertThat(served).as(period + "/" + orderNo).isEqualTo(Optional.ofNullable(committed));
				}
			}
		}

		private ConfigurableApplicationContext start(String schema) {
			Map<String, Object> properties = new HashMap<>(this.database.properties(schema));
			properties.putAll(Map.of("spring.data.redis.url", REDIS.url(), "ordercache.key-prefix", this.prefix,
					"ordercache.resilience.command-timeout", "200ms", "ordercache.resilience.open-duration", "300ms",
					"ordercache.resilience.maintenance-interval", "100ms", "spring.data.redis.timeout", "1s",
					"spring.data.redis.connect-timeout", "500ms", "ordercache.pending-evictions.store", this.store,
					"ordercache.pending-evictions.jdbc.initialize-schema", "always"));
			properties.putAll(Map.of("ordercache.pending-evictions.jdbc.poll-interval", "500ms",
					"ordercache.pending-evictions.jdbc.write-wait", "10s"));
			return new SpringApplicationBuilder(IntegrationTestApplication.class, JdbcOrders.class)
				.web(WebApplicationType.NONE)
				.properties(properties)
				.run();
		}

		private long rows(String schema) {
			return this.database.count(schema,
					"SELECT COUNT(*) FROM ordercache_pending_eviction WHERE period_key LIKE '" + this.prefix.replace("_", "!_")
							+ "%' ESCAPE '!'");
		}

		private Long redisVersion(String period, String orderNo) {
			return cachedVersion(REDIS, this.prefix + period, orderNo);
		}

	}

	/**
	 * The version of an order's copy in a Redis, read directly.
	 * @return the version, {@code null} when Redis holds no copy, -1 for a copy without one
	 */
	static Long cachedVersion(RedisProcess redis, String key, String orderNo) {
		RedisClient client = RedisClient.create(redis.url());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			String json = connection.sync().hget(key, orderNo);
			if (json == null) {
				return null;
			}
			Matcher version = VERSION.matcher(json);
			return version.find() ? Long.parseLong(version.group(1)) : -1L;
		}
		finally {
			client.shutdown();
		}
	}

}
