package io.fatamorgana.ordercache.aop;

import java.time.Duration;

import io.fatamorgana.ordercache.CacheStatistics;
import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheException;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.test.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Annotated methods keep working when Redis is down or holds garbage, against a Redis process this
 * test starts, stops and restarts itself; the programmatic API reports the failure instead.
 */
@SpringBootTest(classes = IntegrationTestApplication.class,
		properties = { "spring.data.redis.timeout=500ms", "ordercache.failure-log-interval=1h",
				"ordercache.resilience.command-timeout=50ms" })
@Import(AnnotatedOrders.class)
@ExtendWith(OutputCaptureExtension.class)
class FailOpenIntegrationTests {

	static final RedisProcess REDIS = RedisProcess.start();

	static final String PREFIX = "failopen_";

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
	AnnotatedOrders orders;

	@Autowired
	OrderCacheService service;

	@Test
	void whenRedisIsDownAnnotatedMethodsReturnTheirResultsAndTheCacheRecovers(TestInfo test, CapturedOutput output) {
		String period = test.getTestMethod().orElseThrow().getName();
		this.orders.create(TestOrder.of(period, "BEFORE"));
		assertThat(this.service.isOrderCached(period, "BEFORE")).isTrue();
		CacheStatistics before = this.service.statistics();
		REDIS.stop();
		try {
			for (int i = 0; i < 3; i++) {
				TestOrder order = TestOrder.of(period, "DOWN_" + i);
				assertThat(this.orders.create(order)).isSameAs(order);
				assertThat(this.orders.countRows(period, "DOWN_" + i)).isEqualTo(1);
			}
			int loads = this.orders.loads();
			assertThat(this.orders.find(period, "DOWN_0")).get().extracting(TestOrder::getOrderNo).isEqualTo("DOWN_0");
			assertThat(this.orders.loads()).as("a dead cache is a miss").isEqualTo(loads + 1);
			assertThat(this.orders.delete(period, "DOWN_1")).isTrue();
			assertThatExceptionOfType(OrderCacheException.class)
				.isThrownBy(() -> this.service.getOrder(period, "BEFORE", TestOrder.class))
				.withMessage("Could not read order BEFORE in " + PREFIX + period);
			// Three writes, one eviction and the read above; the background replay may add more.
			assertThat(this.service.statistics().failures() - before.failures()).isGreaterThanOrEqualTo(5);
		}
		finally {
			REDIS.restart();
		}
		assertThat(output).contains("Order cache @EvictOrder on 'AnnotatedOrders.delete(..)' failed, evicting")
			.doesNotContain("user123");
		assertThat(output.getOut().split("Order cache @CacheOrder on 'AnnotatedOrders.create", -1))
			.as("at most one warning per operation and interval").hasSizeLessThanOrEqualTo(2);
		await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
			.untilAsserted(() -> assertThat(this.service.getOrderCount(period)).isNotNegative());
		this.orders.create(TestOrder.of(period, "AFTER"));
		assertThat(this.service.isOrderCached(period, "AFTER")).isTrue();
	}

	@Test
	void whenRedisHoldsSomethingElseAtTheKeyTheMethodStillAnswersAndTheKeyIsRepaired(TestInfo test) {
		String period = test.getTestMethod().orElseThrow().getName();
		try (RedisClient client = RedisClient.create(REDIS.url());
				StatefulRedisConnection<String, String> connection = client.connect()) {
			RedisCommands<String, String> raw = connection.sync();
			raw.set(PREFIX + period, "not a hash");
			TestOrder order = TestOrder.of(period, "ORDER_1");
			this.orders.put(order);
			assertThat(this.orders.find(period, "ORDER_1")).get().extracting(TestOrder::getOrderNo).isEqualTo("ORDER_1");
			assertThat(this.orders.create(TestOrder.of(period, "ORDER_2")).getOrderNo()).isEqualTo("ORDER_2");
			assertThat(raw.type(PREFIX + period)).as("the foreign value was replaced").isEqualTo("hash");
			assertThat(raw.hkeys(PREFIX + period)).contains("ORDER_2");
			raw.set(PREFIX + period, "not a hash again");
			assertThat(this.service.getOrderCount(period)).isZero();
			assertThat(raw.exists(PREFIX + period)).isZero();
		}
	}

}
