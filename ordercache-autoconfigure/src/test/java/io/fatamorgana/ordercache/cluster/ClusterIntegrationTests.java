package io.fatamorgana.ordercache.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.fatamorgana.ordercache.BatchResult;
import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.PeriodPage;
import io.fatamorgana.ordercache.PeriodStatistics;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.aop.JdbcOrders;
import io.fatamorgana.ordercache.aop.OrderLoad;
import io.fatamorgana.ordercache.test.TestRedis;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service operations and the four annotations on a local three-primary Redis Cluster
 * configured by Spring Boot's {@code spring.data.redis.cluster.nodes} alone, checked with a raw
 * cluster client; skipped when the cluster processes cannot start.
 */
@SpringBootTest(classes = IntegrationTestApplication.class, properties = "ordercache.batch-chunk-size=100")
@Import(JdbcOrders.class)
@DirtiesContext
class ClusterIntegrationTests extends ClusterTestSupport {

	static final String PREFIX = TestRedis.uniquePrefix(ClusterIntegrationTests.class);

	static final long DAY_MS = 86_400_000;

	static RedisClusterClient client;

	static StatefulRedisClusterConnection<String, String> connection;

	@BeforeAll
	static void connect() {
		client = RedisClusterClient.create(cluster.nodes().stream().map((node) -> RedisURI.create("redis://" + node)).toList());
		connection = client.connect();
	}

	@AfterAll
	static void disconnect() {
		if (connection != null) {
			connection.close();
			client.shutdown();
		}
	}

	@DynamicPropertySource
	static void keyPrefix(DynamicPropertyRegistry registry) {
		registry.add("ordercache.key-prefix", () -> PREFIX);
	}

	@Autowired
	OrderCacheService service;

	@Autowired
	JdbcOrders orders;

	RedisAdvancedClusterCommands<String, String> redis() {
		return connection.sync();
	}

	@Test
	void serviceOperationsRoundTripWithTtl(TestInfo test) {
		String period = period(test);
		String key = PREFIX + period;
		TestOrder order = TestOrder.of(period, "O1");
		this.service.cacheOrder(order);
		assertThat(this.service.getOrder(period, "O1", TestOrder.class)).get()
			.usingRecursiveComparison()
			.isEqualTo(order);
		assertThat(this.service.isOrderCached(period, "O1")).isTrue();
		assertThat(this.service.isOrderCached(period, "O2")).isFalse();
		assertThat(this.redis().type(key)).isEqualTo("hash");
		assertThat(this.redis().pttl(key)).isBetween(1L, DAY_MS);

		List<TestOrder> batch = IntStream.range(0, 250).mapToObj((i) -> TestOrder.of(period, "B" + i)).toList();
		BatchResult result = this.service.batchCacheOrders(batch);
		assertThat(result.cached()).isEqualTo(250);
		assertThat(result.skipped()).isEmpty();
		assertThat(this.service.getOrderCount(period)).isEqualTo(251);
		assertThat(this.service.getOrdersByPeriod(period, TestOrder.class)).hasSize(251);
		try (Stream<TestOrder> stream = this.service.streamOrdersByPeriod(period, TestOrder.class)) {
			assertThat(stream.map(TestOrder::getOrderNo).distinct().count()).isEqualTo(251);
		}
		assertThat(this.service.isPeriodComplete(period)).isFalse();

		PeriodStatistics statistics = this.service.statistics(period);
		assertThat(statistics.orders()).isEqualTo(251);
		assertThat(statistics.ttl()).isPositive().isLessThanOrEqualTo(Duration.ofDays(1));
		assertThat(statistics.memoryBytes()).isPositive();

		assertThat(this.service.deleteOrder(period, "O1")).isTrue();
		assertThat(this.service.isOrderCached(period, "O1")).isFalse();
		assertThat(this.redis().hexists(key, "!t:O1")).as("tombstone").isTrue();
		this.service.cacheOrder(order);
		assertThat(this.service.isOrderCached(period, "O1")).as("a write refused by the tombstone").isFalse();

		assertThat(this.service.deletePeriodOrders(period)).isTrue();
		assertThat(this.service.getOrderCount(period)).isZero();
		assertThat(this.redis().hkeys(key)).contains("!e").allMatch((field) -> field.startsWith("!"));
		assertThat(this.redis().pttl(key)).isPositive();
	}

	@Test
	void loadPeriodMarksACompletePeriodUntilAnOrderIsEvicted(TestInfo test) {
		String period = period(test);
		List<TestOrder> database = IntStream.range(0, 120).mapToObj((i) -> TestOrder.of(period, "L" + i)).toList();
		BatchResult loaded = this.service.loadPeriod(period, () -> database);
		assertThat(loaded.cached()).isEqualTo(120);
		assertThat(this.service.isPeriodComplete(period)).isTrue();
		Optional<List<TestOrder>> complete = this.service.getCompletePeriod(period, TestOrder.class);
		assertThat(complete).get().asList().hasSize(120);
		assertThat(this.service.statistics(period).complete()).isTrue();
		this.service.deleteOrder(period, "L7");
		assertThat(this.service.getCompletePeriod(period, TestOrder.class)).isEmpty();
		assertThat(this.redis().pttl(PREFIX + period)).isBetween(1L, DAY_MS);
	}

	@Test
	void annotationsCacheUpdateGuardVersionsAndEvict(TestInfo test) {
		String period = period(test);
		String key = PREFIX + period;
		this.orders.create(period, "A1");
		this.orders.create(period, "A2");
		assertThat(stored(key, "A1")).isEqualTo(new JdbcOrders.Row(period, "A1", "pending", 0));
		this.orders.update(period, "A1", "paid");
		assertThat(stored(key, "A1")).isEqualTo(new JdbcOrders.Row(period, "A1", "paid", 1));

		this.service.cacheOrder(new JdbcOrders.Row(period, "A1", "pending", 0));
		assertThat(this.redis().hget(key, "A1")).as("an older version does not replace a newer one; the database wins")
			.isNull();
		assertThat(this.orders.find(period, "A1")).contains(new JdbcOrders.Row(period, "A1", "paid", 1));
		assertThat(stored(key, "A1")).isEqualTo(new JdbcOrders.Row(period, "A1", "paid", 1));

		long hits = this.service.statistics().hits();
		assertThat(this.orders.find(period, "A1")).contains(new JdbcOrders.Row(period, "A1", "paid", 1));
		assertThat(this.service.statistics().hits()).isEqualTo(hits + 1);

		assertThat(this.orders.findPeriod(period)).hasSize(2);
		assertThat(this.service.isPeriodComplete(period)).isTrue();
		hits = this.service.statistics().hits();
		assertThat(this.orders.findPeriod(period)).hasSize(2);
		assertThat(this.service.statistics().hits()).as("served from the complete hash").isEqualTo(hits + 1);

		this.orders.delete(period, "A2");
		assertThat(this.redis().hexists(key, "A2")).isFalse();
		assertThat(this.redis().hexists(key, "!t:A2")).isTrue();
		assertThat(this.service.isPeriodComplete(period)).isFalse();
		assertThat(this.orders.find(period, "A2")).isEmpty();

		this.orders.dropPeriodCache(period);
		assertThat(this.redis().hkeys(key)).contains("!e").allMatch((field) -> field.startsWith("!"));
		assertThat(this.redis().pttl(key)).isPositive();
	}

	@Test
	void periodsSpreadOverPrimariesAndCachedPeriodsPagesThroughAllOfThem() {
		List<String> periods = IntStream.range(0, 60).mapToObj((i) -> "spread_" + i).toList();
		periods.forEach((period) -> this.service.cacheOrder(TestOrder.of(period, "S1")));
		String lookalikePrefix = PREFIX.substring(0, PREFIX.length() - 1);
		for (int i = 0; i < 20; i++) {
			this.redis().set(lookalikePrefix + "x_" + i, "not an order");
			this.redis().hset("other_" + PREFIX + "spread_" + i, "S1", "{}");
		}
		Set<Long> slots = new HashSet<>();
		Set<String> owners = new HashSet<>();
		for (String period : periods) {
			slots.add(this.redis().clusterKeyslot(PREFIX + period));
			owners.add(cluster.primaryFor(PREFIX + period));
		}
		assertThat(slots).hasSizeGreaterThan(30);
		assertThat(owners).as("primaries holding the periods").hasSize(3);

		List<String> found = new ArrayList<>();
		String cursor = null;
		int pages = 0;
		do {
			PeriodPage page = this.service.cachedPeriods(cursor, 7);
			found.addAll(page.periods());
			cursor = page.nextCursor();
			pages++;
		}
		while (cursor != null && pages < 1000);
		assertThat(cursor).isNull();
		assertThat(pages).isGreaterThan(3);
		assertThat(found.stream().filter((period) -> period.startsWith("spread_")).toList())
			.containsExactlyInAnyOrderElementsOf(periods);
		assertThat(found).doesNotHaveDuplicates().noneMatch((period) -> period.contains("other_"));
		for (int i = 0; i < 20; i++) {
			this.redis().unlink(lookalikePrefix + "x_" + i);
			this.redis().unlink("other_" + PREFIX + "spread_" + i);
		}
	}

	@Test
	void aPeriodOf200000OrdersLivesOnOnePrimaryAndReportsItsMemory() {
		String period = "large_200k";
		String key = PREFIX + period;
		String owner = cluster.primaryFor(key);
		long before = usedMemory(owner);
		for (int chunk = 0; chunk < 20; chunk++) {
			int from = chunk * 10_000;
			List<TestOrder> orders = IntStream.range(from, from + 10_000)
				.mapToObj((i) -> TestOrder.of(period, "ORDER_" + period + "_" + i))
				.toList();
			assertThat(this.service.batchCacheOrders(orders).cached()).isEqualTo(10_000);
		}
		PeriodStatistics statistics = this.service.statistics(period);
		assertThat(statistics.orders()).isEqualTo(200_000);
		assertThat(statistics.memoryBytes()).isPositive();
		long exact = cluster.commands(owner).memoryUsage(key);
		long grown = usedMemory(owner) - before;
		long json = this.redis().hstrlen(key, "ORDER_" + period + "_0");
		int slot = this.redis().clusterKeyslot(key).intValue();
		for (String primary : cluster.primaries()) {
			// other tests' keys may share the slot, so the period's key is looked for by name
			if (primary.equals(owner)) {
				assertThat(cluster.commands(primary).clusterGetKeysInSlot(slot, 100)).as("keys of slot %d on %s", slot, primary)
					.contains(key);
			}
			else {
				assertThat(cluster.commands(primary).clusterCountKeysInSlot(slot)).as("keys of slot %d on %s", slot, primary)
					.isZero();
			}
		}
		System.out.printf("ClusterIntegrationTests: a period of 200,000 orders (%d bytes of JSON each) on %s, slot %d:"
				+ " statistics(period).memoryBytes() = %d, used_memory grew by %d bytes%n", json, owner,
				slot, statistics.memoryBytes(), grown);
		assertThat(statistics.memoryBytes()).isBetween(exact / 2, exact * 2);
		this.service.deletePeriodOrders(period);
	}

	private static long usedMemory(String node) {
		String info = cluster.commands(node).info("memory");
		String line = info.lines().filter((candidate) -> candidate.startsWith("used_memory:")).findFirst().orElseThrow();
		return Long.parseLong(line.substring("used_memory:".length()).trim());
	}

	private JdbcOrders.Row stored(String key, String orderNo) {
		String json = this.redis().hget(key, orderNo);
		assertThat(json).as("cached " + key + "/" + orderNo).isNotNull();
		return JsonMapper.builder().build().readValue(json, OrderLoad.StoredRow.class).toRow();
	}

	private static String period(TestInfo test) {
		return test.getTestMethod().orElseThrow().getName();
	}

}
