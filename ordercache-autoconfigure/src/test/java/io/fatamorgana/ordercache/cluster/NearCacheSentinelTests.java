package io.fatamorgana.ordercache.cluster;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.test.RedisSentinelProcesses;
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
 * Two instances with the near cache on, connected through three sentinels of their own (skipped
 * with the reason where they cannot be started), while {@code SENTINEL FAILOVER} promotes the
 * replica: no read of B returns a version older than one A acknowledged more than the allowed
 * delay before (except the changes Redis itself loses in the failover: those the former primary
 * acknowledged until Sentinel made it a replica); once A's change after the failover returned, B
 * returns it within the delivery delay; and B answers from memory again.
 */
class NearCacheSentinelTests {

	static final String PREFIX = "nearsentinel_";

	static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(200);

	static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(1);

	/** As {@link NearCacheClusterTests#ALLOWED_STALENESS}. */
	static final Duration ALLOWED_STALENESS = HEARTBEAT_TIMEOUT.plus(HEARTBEAT_INTERVAL.multipliedBy(2)).plusSeconds(1);

	static final List<String> PERIODS = List.of("S1", "S2", "S3");

	static RedisSentinelProcesses sentinel;

	static ConfigurableApplicationContext a;

	static ConfigurableApplicationContext b;

	@BeforeAll
	static void start() {
		sentinel = RedisSentinelProcesses.startOrSkip();
		a = instance();
		b = instance();
		await().atMost(Duration.ofSeconds(30)).until(() -> near(a).trusted() && near(b).trusted());
	}

	static ConfigurableApplicationContext instance() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.data.redis.sentinel.master", RedisSentinelProcesses.MASTER);
		properties.put("spring.data.redis.sentinel.nodes", sentinel.sentinelsProperty());
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
		if (sentinel != null) {
			sentinel.close();
		}
	}

	/** B reads the order until it holds it: a second read in a row answered from memory. */
	static void holdInB(String period, String orderNo, String expected) {
		holdInMemory(await().atMost(Duration.ofSeconds(30)).ignoreExceptions(), b, period, orderNo, expected);
	}

	@Test
	void acrossASentinelFailoverNoReadOfTheNearCacheIsOlderThanAllowed() {
		List<NearCacheStalenessCheck.Order> orders = PERIODS.stream()
			.map((period) -> new NearCacheStalenessCheck.Order(period, "X"))
			.toList();
		String before = near(b).statistics().toString();
		NearCacheStalenessCheck check = NearCacheStalenessCheck.start(cache(a), cache(b), orders, ALLOWED_STALENESS,
				() -> near(b).statistics(), (order) -> NearCacheStalenessCheck
					.statusOf(sentinel.primary().hget(PREFIX + order.period(), order.orderNo())));
		int old;
		int promoted;
		String summary;
		try {
			check.awaitRounds(200);
			old = sentinel.primaryPort();
			// Sentinel promotes the replica while the former primary goes on acknowledging A's writes
			// until Sentinel turns it into a replica (seconds later), and those are lost when it
			// resynchronizes: Redis itself forgets them, so B cannot be asked to return them. 1 s for
			// a replica that lagged behind on a loaded machine.
			check.acknowledgedChangesMayBeLost(Duration.ofSeconds(1));
			promoted = sentinel.failover();
			check.acknowledgedChangesAreKeptAgain();
			check.awaitWrites(100);
			check.awaitRounds(200);
		}
		finally {
			summary = check.stop();
		}
		System.out.println("NearCacheSentinelTests: primary moved from port " + old + " to " + promoted + "; "
				+ summary + "; B's near cache before: " + before + ", after: " + near(b).statistics());
		assertThat(promoted).isNotEqualTo(old);

		// After the failover: once A's change of an order returned, B returns it within the delivery
		// delay, and B answers from memory again. Another order than the check's X, which may be
		// tombstoned (a change of A that failed leaves an eviction, and every change refused while it
		// lives is refused and tombstoned again).
		await().atMost(Duration.ofSeconds(30)).until(() -> near(a).trusted() && near(b).trusted());
		for (NearCacheStalenessCheck.Order order : orders) {
			cache(a).cacheOrder(TestOrder.of(order.period(), "Y").withStatus("NEW"));
			holdInB(order.period(), "Y", "NEW");
			cache(a).cacheOrder(TestOrder.of(order.period(), "Y").withStatus("AFTER"));
			await().atMost(Duration.ofSeconds(2))
				.untilAsserted(() -> assertThat(status(b, order.period(), "Y"))
					.as("B's read of %s/Y; B's near cache: %s", order.period(), near(b).statistics())
					.isEqualTo("AFTER"));
			holdInB(order.period(), "Y", "AFTER");
		}
		assertThat(sentinel.primary().hget(PREFIX + PERIODS.get(0), "!n")).as("watched on the new primary")
			.isEqualTo(PREFIX + "!near");
	}

}
