package io.fatamorgana.ordercache.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.aop.AnnotatedOrders;
import io.fatamorgana.ordercache.support.OrderCacheCounters;
import io.fatamorgana.ordercache.test.RedisProcess;
import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How much a Redis that does not answer can cost the application: not the connect timeout when it
 * was already unreachable at startup, not more waiting callers than allowed when it freezes, and
 * not Lettuce's 30 s reconnect back-off once it is back.
 */
class RedisConnectionLimitsIntegrationTests {

	@Test
	void aRedisFrozenAtStartupCostsNoCallMoreThanTheCachesOwnTimeout() {
		try (RedisProcess redis = RedisProcess.start()) {
			redis.freeze();
			// Connecting would wait 10 s for the frozen server's handshake; a call must not.
			try (ConfigurableApplicationContext context = start(redis, "spring.data.redis.connect-timeout=10s",
					"spring.data.redis.timeout=10s", "ordercache.resilience.command-timeout=50ms")) {
				AnnotatedOrders orders = context.getBean(AnnotatedOrders.class);
				OrderCacheService cache = context.getBean(OrderCacheService.class);
				long start = System.nanoTime();
				for (int i = 0; i < 8; i++) {
					orders.put(TestOrder.of("STARTUP", "R" + i));
					assertThat(orders.find("STARTUP", "R" + i)).isPresent();
				}
				// Eight calls, each allowed 50 ms, the circuit opening after five: far below one connect timeout.
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
				assertThat(cache.statistics().circuitOpen()).isTrue();

				redis.thaw();
				await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
					assertThat(cache.statistics().circuitOpen()).isFalse();
					orders.create(TestOrder.of("STARTUP", "O2"));
					assertThat(cache.isOrderCached("STARTUP", "O2")).isTrue();
				});
			}
		}
	}

	@Test
	void aFrozenRedisHoldsAtMostMaxConcurrentCallsCallersAtOnce() throws Exception {
		try (RedisProcess redis = RedisProcess.start();
				ConfigurableApplicationContext context = start(redis, "ordercache.resilience.max-concurrent-calls=4",
						"ordercache.resilience.command-timeout=2s", "ordercache.resilience.failure-threshold=1000")) {
			AnnotatedOrders orders = context.getBean(AnnotatedOrders.class);
			OrderCacheCounters counters = context.getBean(OrderCacheCounters.class);
			orders.create(TestOrder.of("FROZEN", "O1"));
			redis.freeze();
			try {
				long redisFailures = counters.failures(OrderCacheCounters.Failure.REDIS);
				long skipped = counters.failures(OrderCacheCounters.Failure.SKIPPED);
				int callers = 40;
				CountDownLatch go = new CountDownLatch(1);
				ExecutorService threads = Executors.newFixedThreadPool(callers);
				List<Future<?>> calls = new ArrayList<>();
				for (int i = 0; i < callers; i++) {
					calls.add(threads.submit(() -> {
						go.await();
						return orders.find("FROZEN", "O1");
					}));
				}
				go.countDown();
				for (Future<?> call : calls) {
					assertThat(call.get(30, TimeUnit.SECONDS)).as("every call answered from the database").isNotNull();
				}
				threads.shutdown();
				// Only the four that held a permit waited (2 s each) and failed; the rest were skipped at once.
				assertThat(counters.failures(OrderCacheCounters.Failure.REDIS) - redisFailures).isBetween(1L, 4L);
				assertThat(counters.failures(OrderCacheCounters.Failure.SKIPPED) - skipped).isGreaterThanOrEqualTo(36);
			}
			finally {
				redis.thaw();
			}
		}
	}

	@Test
	void lettucesReconnectBackOffIsCappedOnTheClientResourcesBootBuilds() {
		try (RedisProcess redis = RedisProcess.start();
				ConfigurableApplicationContext context = start(redis,
						"ordercache.resilience.reconnect-max-delay=300ms")) {
			ClientResources resources = context.getBean(ClientResources.class);
			// Lettuce's default grows to 30 s: after a long outage the cache stayed bypassed that long.
			for (long attempt = 1; attempt <= 40; attempt++) {
				assertThat(resources.reconnectDelay().createDelay(attempt)).isLessThanOrEqualTo(Duration.ofMillis(300));
			}
			assertThat(resources.reconnectDelay().createDelay(40)).isEqualTo(Duration.ofMillis(300));
		}
	}

	@Test
	void afterALongOutageTheCacheIsUsedAgainSoonAfterRedisAnswers() {
		try (RedisProcess redis = RedisProcess.start();
				ConfigurableApplicationContext context = start(redis, "spring.data.redis.connect-timeout=500ms")) {
			AnnotatedOrders orders = context.getBean(AnnotatedOrders.class);
			OrderCacheService cache = context.getBean(OrderCacheService.class);
			orders.create(TestOrder.of("OUTAGE", "O1"));
			redis.stop();
			// Lettuce's default back-off tries again about 16.4 s into the outage, then 16.4 s later:
			// back at 18 s, Redis would wait some 15 s for the cache.
			await().pollDelay(Duration.ofSeconds(18)).atMost(Duration.ofSeconds(25))
				.until(() -> orders.find("OUTAGE", "O1").isPresent());
			redis.restart();
			// With the default back-off the next attempt could be 16 s away; capped, it is under a second.
			await().atMost(Duration.ofSeconds(4)).untilAsserted(() -> {
				orders.create(TestOrder.of("OUTAGE", "O2"));
				assertThat(cache.isOrderCached("OUTAGE", "O2")).isTrue();
			});
		}
	}

	@Test
	void aReconnectionClosesTheCircuitWithoutWaitingForItsCoolDown() {
		try (RedisProcess redis = RedisProcess.start();
				ConfigurableApplicationContext context = start(redis, "ordercache.resilience.open-duration=10m",
						"ordercache.resilience.command-timeout=50ms")) {
			AnnotatedOrders orders = context.getBean(AnnotatedOrders.class);
			OrderCacheService cache = context.getBean(OrderCacheService.class);
			orders.create(TestOrder.of("RECONNECT", "O1"));
			redis.stop();
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				orders.find("RECONNECT", "O1");
				return cache.statistics().circuitOpen();
			});
			redis.restart();
			// The probe is 10 minutes away; Lettuce's reconnection tells the cache that Redis answers.
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(cache.statistics().circuitOpen()).isFalse();
				orders.create(TestOrder.of("RECONNECT", "O2"));
				assertThat(cache.isOrderCached("RECONNECT", "O2")).isTrue();
			});
		}
	}

	private static ConfigurableApplicationContext start(RedisProcess redis, String... properties) {
		return PrivateRedisApplications.start(redis, "limits_", properties);
	}

}
