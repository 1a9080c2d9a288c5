package io.fatamorgana.ordercache.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.fatamorgana.ordercache.CacheStatistics;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.aop.AnnotatedOrders;
import io.fatamorgana.ordercache.test.RedisProcess;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A slow Redis is told from a dead one by whether its replies come at all: a reply later than the
 * call's wait but within the ceiling keeps the circuit closed and lengthens the wait; a Redis that
 * answers nothing opens it. Redis is slowed down by freezing its process (SIGSTOP) for a moment.
 */
class AdaptiveTimeoutIntegrationTests {

	@Test
	void aReplyLaterThanTheWaitButWithinTheCeilingKeepsTheCircuitClosedAndLengthensTheWait() throws Exception {
		try (RedisProcess redis = RedisProcess.start();
				ConfigurableApplicationContext context = start(redis, "ordercache.resilience.command-timeout=50ms",
						"ordercache.resilience.command-timeout-ceiling=5s",
						// One failure would open the circuit: a late reply must not count as one.
						"ordercache.resilience.failure-threshold=1")) {
			AnnotatedOrders orders = context.getBean(AnnotatedOrders.class);
			OrderCacheService cache = context.getBean(OrderCacheService.class);
			LettuceOrderHashStore store = context.getBean(LettuceOrderHashStore.class);
			CircuitBreakers circuits = context.getBean(CircuitBreakers.class);
			orders.create(TestOrder.of("SLOW", "O1"));
			assertThat(cache.isOrderCached("SLOW", "O1")).isTrue();
			// A busy machine may have answered the startup slowly: the wait is back at its floor once
			// two seconds of fast replies have passed.
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				cache.isOrderCached("SLOW", "O1");
				return store.currentCommandTimeout().equals(Duration.ofMillis(50));
			});

			// Redis stalls for 400 ms, as on a machine whose cores are busy with other work.
			ScheduledExecutorService thawer = Executors.newSingleThreadScheduledExecutor();
			redis.freeze();
			thawer.schedule(redis::thaw, 400, TimeUnit.MILLISECONDS);
			assertThat(orders.find("SLOW", "O1")).as("answered by the database after 50 ms").isPresent();
			await().atMost(Duration.ofSeconds(10)).until(() -> store.repliesAnsweredLate() >= 1);
			thawer.shutdown();

			assertThat(circuits.openings()).isZero();
			assertThat(cache.statistics().circuitOpen()).isFalse();
			// Twice a reply that came after more than 50 ms: the next calls wait long enough.
			assertThat(store.currentCommandTimeout()).isGreaterThanOrEqualTo(Duration.ofMillis(100));
			CacheStatistics before = cache.statistics();
			assertThat(orders.find("SLOW", "O1")).isPresent();
			assertThat(cache.statistics().hits() - before.hits()).isEqualTo(1);
			assertThat(cache.statistics().failures() - before.failures()).isZero();
		}
	}

	@Test
	void aRedisThatAnswersNothingWithinTheCeilingOpensTheCircuitAndCostsEachCallTheShortWait() {
		try (RedisProcess redis = RedisProcess.start();
				ConfigurableApplicationContext context = start(redis, "ordercache.resilience.command-timeout=50ms",
						"ordercache.resilience.command-timeout-ceiling=300ms",
						"ordercache.resilience.failure-threshold=3")) {
			AnnotatedOrders orders = context.getBean(AnnotatedOrders.class);
			OrderCacheService cache = context.getBean(OrderCacheService.class);
			LettuceOrderHashStore store = context.getBean(LettuceOrderHashStore.class);
			CircuitBreakers circuits = context.getBean(CircuitBreakers.class);
			orders.create(TestOrder.of("FROZEN", "O1"));
			redis.freeze();
			try {
				List<Long> waits = new ArrayList<>();
				await().atMost(Duration.ofSeconds(20)).until(() -> {
					long start = System.nanoTime();
					assertThat(orders.find("FROZEN", "O1")).isPresent();
					waits.add(System.nanoTime() - start);
					return cache.statistics().circuitOpen();
				});
				assertThat(circuits.openings()).isEqualTo(1);
				assertThat(store.repliesAnsweredLate()).as("no reply counted as late").isZero();
				// Nothing answers: within two seconds the wait is back at its floor.
				await().atMost(Duration.ofSeconds(5))
					.until(() -> store.currentCommandTimeout().equals(Duration.ofMillis(50)));
				assertThat(waits).as("calls until the circuit opened").hasSizeGreaterThan(3);
			}
			finally {
				redis.thaw();
			}
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				assertThat(cache.statistics().circuitOpen()).isFalse();
				orders.create(TestOrder.of("FROZEN", "O2"));
				assertThat(cache.isOrderCached("FROZEN", "O2")).isTrue();
			});
			assertThat(circuits.openings()).as("opened once, not again once Redis answered").isEqualTo(1);
		}
	}

	private static ConfigurableApplicationContext start(RedisProcess redis, String... properties) {
		return PrivateRedisApplications.start(redis, "adaptive_", properties);
	}

}
