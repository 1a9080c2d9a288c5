package io.fatamorgana.ordercache.near;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.test.RedisProcess;
import io.fatamorgana.ordercache.test.SilencingProxy;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static io.fatamorgana.ordercache.near.NearCacheInstances.cache;
import static io.fatamorgana.ordercache.near.NearCacheInstances.holdInMemory;
import static io.fatamorgana.ordercache.near.NearCacheInstances.near;
import static io.fatamorgana.ordercache.near.NearCacheInstances.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * A subscription that stays connected but receives nothing (redisson#4731): instance B reaches
 * Redis through a {@link SilencingProxy}, instance A directly. While the proxy silences B's
 * subscriber connection, no heartbeat reaches B, so B stops trusting its channel within the
 * heartbeat timeout, empties its near cache and reads from Redis; when the silence ends, B trusts
 * the channel again and answers from memory again.
 */
class NearCacheHeartbeatIntegrationTests {

	private static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(200);

	private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(1);

	private static final String PREFIX = "hb_";

	private static final String CHANNEL = PREFIX + "!near";

	private static RedisProcess redis;

	private static SilencingProxy proxy;

	private static RedisClient client;

	private static StatefulRedisConnection<String, String> admin;

	private static ConfigurableApplicationContext a;

	private static ConfigurableApplicationContext b;

	@BeforeAll
	static void start() {
		redis = RedisProcess.start();
		proxy = SilencingProxy.start(redis);
		client = RedisClient.create(redis.url());
		admin = client.connect();
		a = instance(redis.url());
		b = instance(proxy.url());
		await().atMost(Duration.ofSeconds(20)).until(() -> near(a).trusted() && near(b).trusted());
		assertThat(proxy.subscriberConnections()).as("B's subscription goes through the proxy").isEqualTo(1);
	}

	private static ConfigurableApplicationContext instance(String url) {
		return IntegrationTestApplication.run(Map.of("spring.data.redis.url", url, "ordercache.key-prefix", PREFIX,
				"ordercache.near-cache.enabled", "true", "ordercache.near-cache.heartbeat-interval",
				HEARTBEAT_INTERVAL.toMillis() + "ms", "ordercache.near-cache.heartbeat-timeout",
				HEARTBEAT_TIMEOUT.toMillis() + "ms"));
	}

	@AfterEach
	void hearAgain() {
		proxy.silenceSubscribers(false);
		await().atMost(Duration.ofSeconds(20)).until(() -> near(a).trusted() && near(b).trusted());
	}

	@AfterAll
	static void stop() {
		if (b != null) {
			b.close();
		}
		if (a != null) {
			a.close();
		}
		admin.close();
		client.shutdown();
		proxy.close();
		redis.close();
	}

	/** B reads the order until it holds it: a second read in a row answered from memory. */
	private static void holdInB(String period, String orderNo, String expected) {
		holdInMemory(await().atMost(Duration.ofSeconds(10)), b, period, orderNo, expected);
	}

	@Test
	void aDeafSubscriptionIsDistrustedWithinTheHeartbeatTimeoutAndTrustedAgainWhenItHears() {
		cache(a).cacheOrder(TestOrder.of("DEAF", "X").withStatus("NEW"));
		holdInB("DEAF", "X", "NEW");
		NearCacheStatistics before = near(b).statistics();

		long silenceBegan = System.nanoTime();
		proxy.silenceSubscribers(true);
		cache(a).cacheOrder(TestOrder.of("DEAF", "X").withStatus("PAID"));

		AtomicLong firstNewValue = new AtomicLong();
		await("B returns A's new value").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> {
				if (!status(b, "DEAF", "X").equals("PAID")) {
					return false;
				}
				firstNewValue.set(System.nanoTime());
				return true;
			});
		Duration stale = Duration.ofNanos(firstNewValue.get() - silenceBegan);
		// The bound: the last heartbeat B heard arrived before the silence began, so B distrusts the
		// channel at most heartbeat-timeout after the silence began, and from then on every read goes
		// to Redis; 2 x heartbeat-interval for the heartbeats' fixed-delay schedule and the polling of
		// this test; 1 s for a loaded 2-core machine (GC, a descheduled thread).
		Duration bound = HEARTBEAT_TIMEOUT.plus(HEARTBEAT_INTERVAL.multipliedBy(2)).plusSeconds(1);
		System.out.println("NearCacheHeartbeatIntegrationTests: B returned A's change " + stale.toMillis()
				+ " ms after the silence began (bound " + bound.toMillis() + " ms)");
		assertThat(stale).as("stale reads after the silence began").isLessThan(bound);

		assertThat(near(b).trusted()).as("no heartbeat reaches B").isFalse();
		NearCacheStatistics distrusted = near(b).statistics();
		assertThat(distrusted.heartbeatFlushes()).as("emptied for want of heartbeats")
			.isGreaterThan(before.heartbeatFlushes());
		assertThat(distrusted.connectionFlushes()).as("the subscription was never lost")
			.isEqualTo(before.connectionFlushes());
		assertThat(near(b).subscribed()).isTrue();
		assertThat(proxy.subscriberConnections()).isEqualTo(1);
		assertThat(proxy.recentlyDropped()).as("A's change was published to B and dropped")
			.anyMatch((frame) -> frame.contains("o " + PREFIX + "DEAF ") && frame.contains(" X"));
		assertThat(admin.sync().pubsubNumsub(CHANNEL).get(CHANNEL)).as("both still subscribed in Redis's view")
			.isEqualTo(2L);
		long hitsWhileDeaf = near(b).statistics().hits();
		assertThat(status(b, "DEAF", "X")).isEqualTo("PAID");
		assertThat(status(b, "DEAF", "X")).isEqualTo("PAID");
		assertThat(near(b).statistics().hits()).as("no read answered from memory while deaf").isEqualTo(hitsWhileDeaf);

		proxy.silenceSubscribers(false);
		await("B trusts its channel again").atMost(Duration.ofSeconds(10)).until(() -> near(b).trusted());
		holdInB("DEAF", "X", "PAID");
		// The channel carries changes again: A's next change reaches B's memory.
		cache(a).cacheOrder(TestOrder.of("DEAF", "X").withStatus("SHIPPED"));
		await().atMost(Duration.ofSeconds(2)).until(() -> status(b, "DEAF", "X").equals("SHIPPED"));
		holdInB("DEAF", "X", "SHIPPED");
	}

	/**
	 * A silence longer than the heartbeat timeout that ends (a heartbeat arrives) before any read
	 * or heartbeat tick of B looked at the near cache: the messages of the silence are lost all the
	 * same, so what B held must not be served afterwards. Three rounds, since a tick of B that falls
	 * into the short distrusted window empties the near cache by chance.
	 */
	@Test
	void aSilenceLongerThanTheTimeoutEmptiesTheNearCacheEvenIfNoReadFellIntoIt() {
		for (int round = 0; round < 3; round++) {
			String period = "SHORT" + round;
			cache(a).cacheOrder(TestOrder.of(period, "X").withStatus("NEW"));
			holdInB(period, "X", "NEW");

			proxy.silenceSubscribers(true);
			cache(a).cacheOrder(TestOrder.of(period, "X").withStatus("PAID"));
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).until(() -> !near(b).trusted());
			proxy.silenceSubscribers(false);
			admin.sync().publish(CHANNEL, "h test-" + round + " " + System.nanoTime());
			await().atMost(Duration.ofSeconds(10)).until(() -> near(b).trusted());

			assertThat(proxy.recentlyDropped()).as("A's change was published to B and dropped")
				.anyMatch((frame) -> frame.contains("o " + PREFIX + period + " ") && frame.contains(" X"));
			int r = round;
			await().atMost(Duration.ofSeconds(2))
				.untilAsserted(() -> assertThat(status(b, period, "X"))
					.as("round %d: B's reads after A's change was acknowledged, the channel having been distrusted "
							+ "in between; B's statistics: %s", r, near(b).statistics())
					.isEqualTo("PAID"));
		}
	}

	/**
	 * A silence much shorter than the heartbeat timeout loses one message of a period; the period's
	 * next message is one sequence further than the last B heard, and B drops the period (a gap).
	 */
	@Test
	void aMessageLostInAShortSilenceIsFoundByThePeriodsNextMessage() {
		lostMessageIsFound("GAPHEARD", true);
	}

	/**
	 * The same when B had heard no message of the period before, only read it: the token of its
	 * read (returned by near-get.lua with the value) tells which sequence the next message must
	 * carry, so the next message one sequence further shows the loss as well.
	 */
	@Test
	void aMessageLostInAShortSilenceIsFoundByThePeriodsNextMessageWhenThePeriodWasOnlyRead() {
		lostMessageIsFound("GAPREAD", false);
	}

	private void lostMessageIsFound(String period, boolean heardBefore) {
		cache(a).cacheOrder(TestOrder.of(period, "X").withStatus("NEW"));
		cache(a).cacheOrder(TestOrder.of(period, "Y").withStatus("NEW"));
		holdInB(period, "X", "NEW");
		holdInB(period, "Y", "NEW");
		if (heardBefore) {
			// B hears a message of the period (the key is watched since B's first read).
			long invalidations = near(b).statistics().invalidations();
			cache(a).cacheOrder(TestOrder.of(period, "Y").withStatus("SEEN"));
			await().atMost(Duration.ofSeconds(2)).until(() -> near(b).statistics().invalidations() > invalidations);
			holdInB(period, "Y", "SEEN");
		}
		NearCacheStatistics before = near(b).statistics();

		proxy.silenceSubscribers(true);
		cache(a).cacheOrder(TestOrder.of(period, "X").withStatus("PAID"));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> proxy.recentlyDropped()
				.stream()
				.anyMatch((frame) -> frame.contains("o " + PREFIX + period + " ") && frame.contains(" X")));
		proxy.silenceSubscribers(false);
		cache(a).cacheOrder(TestOrder.of(period, "Y").withStatus("PAID"));
		// Y's message reached B and was applied: Y removed, or the whole period dropped.
		await().atMost(Duration.ofSeconds(2)).until(() -> near(b).statistics().invalidations() > before.invalidations()
				|| near(b).statistics().periodDrops() > before.periodDrops());
		NearCacheStatistics after = near(b).statistics();
		assumeThat(after.heartbeatFlushes() + after.connectionFlushes())
			.as("the silence stayed shorter than the heartbeat timeout (else the test proves nothing)")
			.isEqualTo(before.heartbeatFlushes() + before.connectionFlushes());

		assertThat(status(b, period, "X"))
			.as("B %s a message of %s before the lost one; statistics before the silence: %s, after Y's message: %s",
					heardBefore ? "heard" : "only read, heard no", period, before, after)
			.isEqualTo("PAID");
		assertThat(after.gaps()).isGreaterThan(before.gaps());
	}

}
