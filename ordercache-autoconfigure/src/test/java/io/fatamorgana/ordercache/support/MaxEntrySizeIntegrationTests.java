package io.fatamorgana.ordercache.support;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheException;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.aop.AnnotatedOrders;
import io.fatamorgana.ordercache.test.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * One huge value never denies the cache: values above {@code ordercache.max-entry-size} are never
 * written, and when found in Redis they are never served, but removed, and the read is a miss; one
 * too large to transfer within the command timeout costs at most one timed-out read.
 */
@SpringBootTest(classes = IntegrationTestApplication.class, properties = "ordercache.max-entry-size=2KB")
@Import(AnnotatedOrders.class)
class MaxEntrySizeIntegrationTests {

	static final String PREFIX = TestRedis.uniquePrefix(MaxEntrySizeIntegrationTests.class);

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", TestRedis::url);
		registry.add("ordercache.key-prefix", () -> PREFIX);
	}

	@AfterAll
	static void cleanUp() {
		TestRedis.deleteKeys(PREFIX);
	}

	@Autowired
	OrderCacheService service;

	@Autowired
	AnnotatedOrders orders;

	final RedisCommands<String, String> redis = TestRedis.commands();

	@Test
	void aHugeValueFoundInRedisIsNeverTransferredButRemovedAndTheReadIsAMiss(TestInfo test) {
		String period = period(test);
		this.service.cacheOrder(TestOrder.of(period, "SMALL"));
		this.redis.hset(PREFIX + period, "HUGE", "x".repeat(5_000_000));
		assertThat(this.service.getOrder(period, "HUGE", TestOrder.class)).isEmpty();
		assertThat(this.redis.hexists(PREFIX + period, "HUGE")).as("removed").isFalse();
		assertThat(this.service.getOrder(period, "SMALL", TestOrder.class)).as("the others keep their hits")
			.isPresent();
		assertThat(this.service.statistics().circuitOpen()).isFalse();
	}

	@Test
	void aValueTooLargeToTransferInTimeCostsAtMostOneTimedOutReadAndIsThenRemoved(TestInfo test) {
		String period = period(test);
		this.service.cacheOrder(TestOrder.of(period, "SMALL"));
		this.redis.hset(PREFIX + period, "HUGE", "x".repeat(40_000_000));
		try {
			for (int read = 0; read < 2 && this.redis.hexists(PREFIX + period, "HUGE"); read++) {
				try {
					assertThat(this.service.getOrder(period, "HUGE", TestOrder.class)).isEmpty();
				}
				catch (OrderCacheException ex) {
					// The first read may time out on the transfer; the next one checks the size in Redis.
				}
			}
			assertThat(this.redis.hexists(PREFIX + period, "HUGE")).as("removed after at most two reads").isFalse();
		}
		finally {
			this.redis.hdel(PREFIX + period, "HUGE");
		}
	}

	@Test
	void anOrderLargerThanTheLimitIsRefusedByTheServiceAndWritesNothing(TestInfo test) {
		String period = period(test);
		TestOrder big = TestOrder.of(period, "BIG");
		big.setUid("u".repeat(4_000));
		assertThatIllegalArgumentException().isThrownBy(() -> this.service.cacheOrder(big))
			.withMessageContaining("ordercache.max-entry-size")
			.withMessageNotContaining("uuuu");
		assertThat(this.redis.exists(PREFIX + period)).isZero();
	}

	@Test
	void aCommittedChangeTooLargeToCacheEvictsTheOlderCopy(TestInfo test) {
		String period = period(test);
		this.orders.save(TestOrder.of(period, "ORDER_1"));
		assertThat(this.redis.hexists(PREFIX + period, "ORDER_1")).isTrue();
		TestOrder grown = TestOrder.of(period, "ORDER_1");
		grown.setUid("u".repeat(4_000));
		this.orders.save(grown);
		assertThat(this.redis.hexists(PREFIX + period, "ORDER_1")).as("the older copy is not left behind").isFalse();
	}

	private static String period(TestInfo test) {
		return test.getTestMethod().orElseThrow().getName();
	}

}
