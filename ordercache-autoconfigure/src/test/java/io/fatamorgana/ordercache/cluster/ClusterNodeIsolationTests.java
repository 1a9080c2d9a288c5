package io.fatamorgana.ordercache.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import io.fatamorgana.ordercache.CacheStatistics;
import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.actuate.OrderCacheHealthIndicator;
import io.fatamorgana.ordercache.aop.JdbcOrders;
import io.fatamorgana.ordercache.aop.OrderLoad;
import io.fatamorgana.ordercache.redis.CircuitBreakers;
import io.fatamorgana.ordercache.support.OrderCacheCounters;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One primary of the Cluster frozen (SIGSTOP), so that its connections stay open and nothing
 * answers (no reconnect, no redirection tells Lettuce anything).
 * <p>
 * With its failover prevented it stays the primary of its slots: reads of periods on the other
 * primaries keep hitting the cache, reads of the frozen primary's period pay the command timeout
 * only until its circuit opens (after {@code failure-threshold} failures) and are skipped after,
 * however they interleave with the others; a change to that period is remembered as a pending
 * eviction, and when the primary answers again its circuit closes, the eviction is replayed and the
 * cache equals the database.
 * <p>
 * With failover allowed, the cluster promotes its replica while it is still frozen: the failed
 * probes make Lettuce refresh its topology, reads of the period hit the promoted primary, and the
 * frozen one's circuit is dropped.
 * <p>
 * The command timeout is 500 ms so that a busy machine cannot make a healthy primary miss it: the
 * counts asserted are exact.
 */
@SpringBootTest(classes = IntegrationTestApplication.class,
		properties = { "ordercache.resilience.open-duration=300ms", "ordercache.resilience.maintenance-interval=50ms",
				"ordercache.consistency.tombstone-ttl=2s", "spring.data.redis.timeout=2s",
				"spring.data.redis.connect-timeout=500ms", "ordercache.resilience.command-timeout=500ms",
				"ordercache.resilience.failure-threshold=" + ClusterNodeIsolationTests.FAILURE_THRESHOLD })
@Import(JdbcOrders.class)
@DirtiesContext
class ClusterNodeIsolationTests extends ClusterTestSupport {

	static final int FAILURE_THRESHOLD = 5;

	static final String PREFIX = "isolation_";

	static final int ORDERS = 5;

	static final int ROUNDS = 100;

	@DynamicPropertySource
	static void keyPrefix(DynamicPropertyRegistry registry) {
		registry.add("ordercache.key-prefix", () -> PREFIX);
	}

	@Autowired
	JdbcOrders orders;

	@Autowired
	OrderCacheService service;

	@Autowired
	OrderCacheCounters counters;

	@Autowired
	CircuitBreakers circuitBreakers;

	@Autowired
	OrderCacheHealthIndicator health;

	@Test
	void aFrozenPrimaryCostsOnlyTheCallsForItsSlots() throws Exception {
		List<String> primaries = cluster.primaries();
		String frozen = primaries.get(0);
		String deadPeriod = periodOn(frozen);
		List<String> healthyPeriods = primaries.subList(1, primaries.size())
			.stream()
			.map((primary) -> periodOn(primary))
			.toList();
		List<String> periods = new ArrayList<>(healthyPeriods);
		periods.add(deadPeriod);
		for (String period : periods) {
			for (int i = 0; i < ORDERS; i++) {
				this.orders.create(period, "O" + i);
			}
		}
		// The first command to a node may outlast the timeout while Lettuce connects to it.
		await("every order cached").atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() -> cachedAfterReading(periods));
		cluster.preventFailover();
		cluster.freeze(frozen);
		long hits;
		long timedOut;
		long skipped;
		long writes;
		try {
			CacheStatistics before = this.service.statistics();
			long redisFailuresBefore = this.counters.failures(OrderCacheCounters.Failure.REDIS);
			long skippedBefore = this.counters.failures(OrderCacheCounters.Failure.SKIPPED);
			// In a row first: one breaker for all would open and skip the healthy periods' reads too.
			for (int i = 0; i < FAILURE_THRESHOLD; i++) {
				assertThat(this.orders.find(deadPeriod, "O" + i)).isPresent();
			}
			// Then interleaved: with one breaker for all, each success would reset the count of failures.
			for (int i = 0; i < ROUNDS; i++) {
				String orderNo = "O" + (i % ORDERS);
				assertThat(this.orders.find(healthyPeriods.get(i % healthyPeriods.size()), orderNo)).isPresent();
				assertThat(this.orders.find(deadPeriod, orderNo)).isPresent();
			}
			hits = this.service.statistics().hits() - before.hits();
			timedOut = this.counters.failures(OrderCacheCounters.Failure.REDIS) - redisFailuresBefore;
			skipped = this.counters.failures(OrderCacheCounters.Failure.SKIPPED) - skippedBefore;
			assertThat(hits).as("every read of a period on a healthy primary is a hit").isEqualTo(ROUNDS);
			assertThat(timedOut).as("reads of the frozen primary's period that waited for it")
				.isEqualTo(FAILURE_THRESHOLD);
			assertThat(skipped).as("reads of the frozen primary's period skipped once its circuit opened")
				.isEqualTo(ROUNDS);
			assertThat(this.service.statistics().circuitOpen()).isTrue();
			assertThat(this.circuitBreakers.openNodeAddresses()).containsExactly(frozen);
			assertThat(this.health.health(true).getDetails()).containsEntry("circuit", "open")
				.containsEntry("openNodes", List.of(frozen));

			CacheStatistics beforeChanges = this.service.statistics();
			this.orders.update(deadPeriod, "O1", "paid");
			this.orders.update(healthyPeriods.get(0), "O1", "paid");
			CacheStatistics afterChanges = this.service.statistics();
			// Written, or refused by the tombstone of an eviction replayed while the test set up.
			writes = afterChanges.writes() + afterChanges.refused() - beforeChanges.writes() - beforeChanges.refused();
			assertThat(writes).as("the change on a healthy primary reaches Redis").isEqualTo(1);
			assertThat(this.service.statistics().pendingEvictions())
				.as("the change on the frozen primary is remembered")
				.isEqualTo(1);
			assertThat(this.orders.find(healthyPeriods.get(0), "O1")).map(JdbcOrders.Row::status).contains("paid");
		}
		finally {
			cluster.thaw(frozen);
		}
		await("the frozen primary's circuit closes and its eviction is replayed").atMost(Duration.ofMinutes(1))
			.untilAsserted(() -> {
				CacheStatistics statistics = this.service.statistics();
				assertThat(statistics.circuitOpen()).isFalse();
				assertThat(statistics.pendingEvictions()).isZero();
			});
		assertThat(this.circuitBreakers.openNodeAddresses()).isEmpty();
		assertThat(this.health.health(true).getDetails()).containsEntry("circuit", "closed")
			.doesNotContainKey("openNodes");
		IntStream.range(0, ORDERS).forEach((i) -> this.orders.find(deadPeriod, "O" + i));
		long hitsBefore = this.service.statistics().hits();
		IntStream.range(0, ORDERS).forEach((i) -> this.orders.find(deadPeriod, "O" + i));
		assertThat(this.service.statistics().hits() - hitsBefore).as("the thawed primary's period is read from Redis")
			.isEqualTo(ORDERS);
		int cached;
		RedisClusterClient client = RedisClusterClient
			.create(cluster.nodes().stream().map((node) -> RedisURI.create("redis://" + node)).toList());
		try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
			cached = OrderLoad.assertCacheEqualsDatabase(this.orders, PREFIX, periods, connection.sync());
		}
		finally {
			client.shutdown();
		}
		System.out.println("ClusterNodeIsolationTests: primary " + frozen + " frozen: " + hits + " hits of "
				+ ROUNDS + " reads on the other primaries, " + timedOut + " reads timed out and " + skipped
				+ " skipped of " + (FAILURE_THRESHOLD + ROUNDS) + " on the frozen one; " + cached + " cached orders equal to the database; "
				+ this.service.statistics());
	}

	@Test
	void aFrozenPrimaryReplacedByItsReplicaIsLeftForTheNewPrimary() throws Exception {
		cluster.allowFailover();
		String frozen = cluster.primaries().get(0);
		String period = periodOn(frozen, "M");
		for (int i = 0; i < ORDERS; i++) {
			this.orders.create(period, "O" + i);
		}
		await("every order cached").atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() -> cachedAfterReading(List.of(period)));
		cluster.freeze(frozen);
		String promoted;
		try {
			for (int i = 0; i < FAILURE_THRESHOLD; i++) {
				assertThat(this.orders.find(period, "O" + i)).isPresent();
			}
			assertThat(this.circuitBreakers.openNodeAddresses()).containsExactly(frozen);
			promoted = await("the cluster promotes the frozen primary's replica").atMost(Duration.ofMinutes(1))
				.ignoreExceptions()
				.until(() -> cluster.primaryFor(PREFIX + period), (primary) -> !primary.equals(frozen));
			// Still frozen: only a topology refresh can tell the cache where the period's slot went.
			await("reads of the period hit the promoted primary").atMost(Duration.ofMinutes(1)).until(() -> {
				long hits = this.service.statistics().hits();
				this.orders.find(period, "O0");
				return this.service.statistics().hits() > hits;
			});
			await("the frozen primary's circuit is dropped").atMost(Duration.ofMinutes(1))
				.until(() -> !this.service.statistics().circuitOpen());
			assertThat(this.circuitBreakers.openNodeAddresses()).isEmpty();
		}
		finally {
			cluster.thaw(frozen);
		}
		cluster.awaitHealthy();
		System.out.println("ClusterNodeIsolationTests: primary " + frozen + " frozen and replaced by " + promoted
				+ "; " + this.service.statistics());
	}

	/**
	 * Many callers at once: the calls waiting for a frozen primary hold only that primary's call
	 * permits, so the reads of the other primaries' periods are never skipped for lack of one. With
	 * one limit for all, two callers stuck on the frozen primary took every permit. The circuit is
	 * kept closed (a high failure threshold) so that the callers keep waiting for the frozen primary.
	 */
	@Nested
	@TestPropertySource(properties = { "ordercache.resilience.max-concurrent-calls=2",
			"ordercache.resilience.failure-threshold=1000000" })
	class ManyCallersAtOnce {

		@Autowired
		JdbcOrders orders;

		@Autowired
		OrderCacheService service;

		@Autowired
		OrderCacheCounters counters;

		@Test
		void callersStuckOnAFrozenPrimaryDoNotTakeThePermitsOfTheOthers() throws Exception {
			cluster.awaitHealthy();
			List<String> primaries = cluster.primaries();
			String frozen = primaries.get(0);
			String deadPeriod = periodOn(frozen, "C");
			String healthyPeriod = periodOn(primaries.get(1), "C");
			for (int i = 0; i < ORDERS; i++) {
				this.orders.create(deadPeriod, "O" + i);
				this.orders.create(healthyPeriod, "O" + i);
			}
			await("every order cached").atMost(Duration.ofMinutes(1)).ignoreExceptions()
				.until(() -> cachedAfterReading(this.service, this.orders, List.of(deadPeriod, healthyPeriod)));
			cluster.preventFailover();
			cluster.freeze(frozen);
			ExecutorService stuck = Executors.newFixedThreadPool(4);
			AtomicBoolean reading = new AtomicBoolean(true);
			try {
				for (int t = 0; t < 4; t++) {
					stuck.submit(() -> {
						while (reading.get()) {
							this.orders.find(deadPeriod, "O0");
						}
					});
				}
				// Both of the frozen primary's permits are taken by now: its callers wait 500 ms each.
				await().atMost(Duration.ofSeconds(30))
					.until(() -> this.counters.failures(OrderCacheCounters.Failure.SKIPPED) > 0);
				long hitsBefore = this.service.statistics().hits();
				for (int i = 0; i < 50; i++) {
					assertThat(this.orders.find(healthyPeriod, "O" + (i % ORDERS))).isPresent();
				}
				assertThat(this.service.statistics().hits() - hitsBefore)
					.as("reads of the healthy primary's period while callers wait for the frozen one")
					.isEqualTo(50);
			}
			finally {
				reading.set(false);
				stuck.shutdown();
				cluster.thaw(frozen);
				stuck.awaitTermination(30, TimeUnit.SECONDS);
			}
			cluster.allowFailover();
		}

	}

	private boolean cachedAfterReading(List<String> periods) {
		return cachedAfterReading(this.service, this.orders, periods);
	}

	private static boolean cachedAfterReading(OrderCacheService service, JdbcOrders orders, List<String> periods) {
		boolean cached = service.statistics().pendingEvictions() == 0;
		for (String period : periods) {
			for (int i = 0; i < ORDERS; i++) {
				orders.find(period, "O" + i);
				cached &= service.isOrderCached(period, "O" + i);
			}
		}
		return cached;
	}

	/** A period whose key's slot the given primary serves. */
	private String periodOn(String primary) {
		return periodOn(primary, "N");
	}

	private String periodOn(String primary, String prefix) {
		return IntStream.range(0, 1_000)
			.mapToObj((i) -> prefix + i)
			.filter((period) -> cluster.primaryFor(PREFIX + period).equals(primary))
			.findFirst()
			.orElseThrow();
	}

}
