package io.fatamorgana.ordercache.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.near.NearCacheStatistics;
import io.fatamorgana.ordercache.test.RedisClusterProcesses;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static io.fatamorgana.ordercache.near.NearCacheInstances.cache;
import static io.fatamorgana.ordercache.near.NearCacheInstances.holdInMemory;
import static io.fatamorgana.ordercache.near.NearCacheInstances.near;
import static io.fatamorgana.ordercache.near.NearCacheInstances.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances with the near cache on against a Redis Cluster of their own (skipped with the
 * reason where none can be started): instance B holds orders of periods on every primary in
 * memory and hears of every change, eviction and drop instance A makes; and across
 * {@code CLUSTER FAILOVER} of the primaries holding them, no read of B returns a version older than
 * one A acknowledged more than the allowed delay before, A's changes after the failover reach B,
 * and B answers from memory again.
 */
class NearCacheClusterTests {

	static final String PREFIX = "nearcluster_";

	static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(200);

	static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(1);

	/**
	 * How long after A's change returned B may still return the version before it: the channel's
	 * delivery (milliseconds), or, when the channel goes deaf, the heartbeat timeout after which B
	 * stops trusting it, + 2 x the heartbeat interval for the schedule, + 1 s for a loaded 2-core
	 * machine running six Redis nodes and two applications.
	 */
	static final Duration ALLOWED_STALENESS = HEARTBEAT_TIMEOUT.plus(HEARTBEAT_INTERVAL.multipliedBy(2)).plusSeconds(1);

	static RedisClusterProcesses cluster;

	static ConfigurableApplicationContext a;

	static ConfigurableApplicationContext b;

	static RedisClusterClient client;

	static StatefulRedisClusterConnection<String, String> redis;

	@BeforeAll
	static void start() {
		cluster = RedisClusterProcesses.startOrSkip();
		client = RedisClusterClient
			.create(cluster.nodes().stream().map((node) -> RedisURI.create("redis://" + node)).toList());
		redis = client.connect();
		a = instance();
		b = instance();
		await().atMost(Duration.ofSeconds(30)).until(() -> near(a).trusted() && near(b).trusted());
	}

	static ConfigurableApplicationContext instance() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.data.redis.cluster.nodes", cluster.nodesProperty());
		properties.put("spring.data.redis.timeout", "2s");
		properties.put("spring.data.redis.connect-timeout", "500ms");
		properties.put("ordercache.key-prefix", PREFIX);
		properties.put("ordercache.resilience.open-duration", "300ms");
		properties.put("ordercache.resilience.maintenance-interval", "50ms");
		properties.put("ordercache.consistency.tombstone-ttl", "2s");
		properties.put("ordercache.near-cache.enabled", "true");
		properties.put("ordercache.near-cache.heartbeat-interval", HEARTBEAT_INTERVAL.toMillis() + "ms");
		properties.put("ordercache.near-cache.heartbeat-timeout", HEARTBEAT_TIMEOUT.toMillis() + "ms");
		return IntegrationTestApplication.run(properties);
	}

	@AfterAll
	static void stop() {
		if (b != null) {
			b.close();
		}
		if (a != null) {
			a.close();
		}
		if (redis != null) {
			redis.close();
			client.shutdown();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	/** B reads the order until it holds it: a second read in a row answered from memory. */
	static void holdInB(String period, String orderNo, String expected) {
		holdInMemory(await().atMost(Duration.ofSeconds(30)).ignoreExceptions(), b, period, orderNo, expected);
	}

	static void awaitOnB(String period, String orderNo, String expected) {
		await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(status(b, period, orderNo))
			.as("B's read of %s/%s; B's near cache: %s", period, orderNo, near(b).statistics())
			.isEqualTo(expected));
	}

	/**
	 * Periods (named {@code <base>0}, {@code <base>1}, ...) whose keys are served by different
	 * primaries now, {@code perPrimary} of each primary, grouped by primary.
	 */
	static Map<String, List<String>> periodsOnEveryPrimary(String base, int perPrimary) {
		Map<String, List<String>> byPrimary = new LinkedHashMap<>();
		List<String> primaries = cluster.primaries();
		for (int i = 0; byPrimary.values().stream().mapToInt(List::size).sum() < perPrimary * primaries.size(); i++) {
			String period = base + i;
			List<String> periods = byPrimary.computeIfAbsent(cluster.primaryFor(PREFIX + period),
					(primary) -> new ArrayList<>());
			if (periods.size() < perPrimary) {
				periods.add(period);
			}
		}
		assertThat(byPrimary).as("periods on every primary").hasSize(primaries.size());
		return byPrimary;
	}

	@Test
	void everyChangeEvictionAndDropOfAnotherInstanceReachesTheNearCacheOnEveryPrimary() {
		List<String> periods = periodsOnEveryPrimary("CH", 2).values().stream().flatMap(List::stream).toList();
		for (String period : periods) {
			cache(a).cacheOrder(TestOrder.of(period, "O1").withStatus("NEW"));
			cache(a).cacheOrder(TestOrder.of(period, "O2").withStatus("NEW"));
		}
		NearCacheStatistics before = near(b).statistics();
		for (String period : periods) {
			holdInB(period, "O1", "NEW");
			holdInB(period, "O2", "NEW");
		}

		for (String period : periods) {
			cache(a).cacheOrder(TestOrder.of(period, "O1").withStatus("PAID"));
			awaitOnB(period, "O1", "PAID");
		}
		for (String period : periods) {
			cache(a).deleteOrder(period, "O1");
			awaitOnB(period, "O1", "absent");
		}
		for (String period : periods) {
			long hits = near(b).statistics().hits();
			assertThat(status(b, period, "O2")).isEqualTo("NEW");
			assertThat(near(b).statistics().hits()).as("%s/O2 is still held: only O1's messages came", period)
				.isEqualTo(hits + 1);
			cache(a).deletePeriodOrders(period);
			awaitOnB(period, "O2", "absent");
		}
		NearCacheStatistics after = near(b).statistics();
		assertThat(after.invalidations() - before.invalidations()).as("orders removed by a message")
			.isGreaterThanOrEqualTo(periods.size());
		assertThat(after.periodDrops() - before.periodDrops()).as("periods dropped by a message")
			.isGreaterThanOrEqualTo(periods.size());
	}

	@Test
	void acrossAFailoverOfEveryPrimaryNoReadOfTheNearCacheIsOlderThanAllowed() {
		Map<String, List<String>> byPrimary = periodsOnEveryPrimary("FO", 2);
		List<NearCacheStalenessCheck.Order> orders = byPrimary.values()
			.stream()
			.flatMap(List::stream)
			.map((period) -> new NearCacheStalenessCheck.Order(period, "X"))
			.toList();
		NearCacheStatistics before = near(b).statistics();
		NearCacheStalenessCheck check = NearCacheStalenessCheck.start(cache(a), cache(b), orders, ALLOWED_STALENESS,
				() -> near(b).statistics(), (order) -> NearCacheStalenessCheck
					.statusOf(redis.sync().hget(PREFIX + order.period(), order.orderNo())));
		List<String> moved = new ArrayList<>();
		String summary;
		try {
			check.awaitRounds(200);
			for (Map.Entry<String, List<String>> primary : byPrimary.entrySet()) {
				String key = PREFIX + primary.getValue().get(0);
				check.mark("failover of " + primary.getKey() + " began");
				moved.add(primary.getValue() + " " + primary.getKey() + " -> " + cluster.failover(key));
				check.mark("failover of " + primary.getKey() + " ended");
				check.awaitWrites(50);
			}
			check.awaitRounds(200);
		}
		finally {
			summary = check.stop();
		}
		System.out.println("NearCacheClusterTests failovers: " + moved + "; " + summary + "; B's near cache before: "
				+ before + ", after: " + near(b).statistics());
		for (List<String> periods : byPrimary.values()) {
			assertThat(cluster.primaryFor(PREFIX + periods.get(0))).as("the periods' primary moved")
				.isNotIn(byPrimary.keySet());
		}

		// After the failovers: A's changes of orders of every period reach B, and B answers from memory
		// again. Another order than the check's X, which may be tombstoned (a change of A that failed
		// leaves an eviction, and every change refused while it lives is refused and tombstoned again).
		await().atMost(Duration.ofSeconds(30)).until(() -> near(a).trusted() && near(b).trusted());
		for (NearCacheStalenessCheck.Order order : orders) {
			cache(a).cacheOrder(TestOrder.of(order.period(), "Y").withStatus("NEW"));
			holdInB(order.period(), "Y", "NEW");
			cache(a).cacheOrder(TestOrder.of(order.period(), "Y").withStatus("AFTER"));
			awaitOnB(order.period(), "Y", "AFTER");
			holdInB(order.period(), "Y", "AFTER");
		}
	}

}
