package io.fatamorgana.ordercache.support;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.fatamorgana.ordercache.BatchResult;
import io.fatamorgana.ordercache.CacheStatistics;
import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.codec.OrderCodecTests;
import io.fatamorgana.ordercache.test.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Every {@link OrderCacheService} operation against a real Redis, checked with a raw client.
 */
@SpringBootTest(classes = IntegrationTestApplication.class, properties = "ordercache.batch-chunk-size=100")
class OrderCacheServiceIntegrationTests {

	static final String PREFIX = TestRedis.uniquePrefix(OrderCacheServiceIntegrationTests.class);

	static final long DAY = 86_400;

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

	final RedisCommands<String, String> redis = TestRedis.commands();

	@Test
	void cacheOrderStoresTheSeedExampleFieldByFieldWithTtl() {
		this.service.cacheOrder(TestOrder.seedExample());
		String key = PREFIX + "20241201_001";
		assertThat(this.redis.type(key)).isEqualTo("hash");
		assertThat(orderFields(key)).containsExactly("ORDER_20241201_001_001");
		OrderCodecTests.assertSameFieldsAsTheSeedExample(this.redis.hget(key, "ORDER_20241201_001_001"));
		assertThat(this.redis.ttl(key)).isBetween(1L, DAY);
	}

	@Test
	void cacheOrderWithExplicitIdentityAndReadItBack(TestInfo test) {
		String period = period(test);
		TestOrder order = TestOrder.of(period, "ORDER_X");
		this.service.cacheOrder(period, "ORDER_X", order);
		assertThat(this.service.getOrder(period, "ORDER_X", TestOrder.class)).get()
			.usingRecursiveComparison()
			.isEqualTo(order);
		assertThat(this.service.getOrder(period, "ORDER_Y", TestOrder.class)).isEmpty();
	}

	@Test
	void anExplicitIdentityThatContradictsTheOrderIsRefusedAndWritesNothing(TestInfo test) {
		String period = period(test);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.service.cacheOrder(period, "ORDER_X", TestOrder.of(period, "ORDER_Y")))
			.withMessageContaining("ORDER_Y")
			.withMessageContaining("ORDER_X");
		assertThat(this.redis.exists(PREFIX + period)).isZero();
	}

	@Test
	void theTtlIsSetByThePeriodsFirstOrderAndNotRenewedByLaterWrites(TestInfo test) {
		String period = period(test);
		String key = PREFIX + period;
		this.service.cacheOrder(TestOrder.of(period, "ORDER_1"));
		assertThat(this.redis.ttl(key)).isBetween(1L, DAY);
		this.redis.expire(key, 100);
		this.service.cacheOrder(TestOrder.of(period, "ORDER_2"));
		assertThat(this.redis.ttl(key)).as("no copy outlives the TTL of the period's first order").isBetween(1L, 100L);
	}

	@Test
	void batchCachesValidOrdersInChunksAndReportsSkipped(TestInfo test) {
		String period = period(test);
		String other = period + "_b";
		List<Object> orders = new ArrayList<>();
		IntStream.range(0, 250).forEach((i) -> orders.add(TestOrder.of(period, "ORDER_" + i)));
		orders.add(null);
		orders.add(TestOrder.of("bad period", "ORDER_BAD"));
		orders.add(TestOrder.of(other, "ORDER_*"));
		orders.add(new Unserializable(period, "ORDER_LOOP"));
		orders.add(TestOrder.of(other, "ORDER_OTHER"));
		BatchResult result = this.service.batchCacheOrders(orders);
		assertThat(result.cached()).isEqualTo(251);
		assertThat(result.skipped()).extracting(BatchResult.Skipped::index).containsExactly(250, 251, 252, 253);
		assertThat(result.skipped()).extracting(BatchResult.Skipped::orderNo)
			.containsExactly(null, "ORDER_BAD", "ORDER_*", "ORDER_LOOP");
		assertThat(result.skipped().get(0).reason()).isEqualTo("order must not be null");
		assertThat(result.skipped().get(1).reason()).startsWith("Invalid period number 'bad period'");
		assertThat(result.skipped().get(2).reason()).startsWith("Invalid order number 'ORDER_*'");
		assertThat(result.skipped().get(3).reason()).startsWith("Order ORDER_LOOP cannot be written as JSON");
		assertThat(orderFields(PREFIX + period)).hasSize(250);
		assertThat(orderFields(PREFIX + other)).containsExactly("ORDER_OTHER");
		assertThat(this.redis.ttl(PREFIX + period)).isBetween(1L, DAY);
		assertThat(this.redis.ttl(PREFIX + other)).isBetween(1L, DAY);
		assertThat(TestRedis.keys(PREFIX + "bad")).isEmpty();
	}

	@Test
	void periodReadsCountsLookupsAndDeletes(TestInfo test) {
		String period = period(test);
		String key = PREFIX + period;
		this.service.batchCacheOrders(List.of(TestOrder.of(period, "A"), TestOrder.of(period, "B"),
				TestOrder.of(period, "C")));
		assertThat(this.service.getOrdersByPeriod(period, TestOrder.class)).extracting(TestOrder::getOrderNo)
			.containsExactlyInAnyOrder("A", "B", "C");
		assertThat(this.service.getOrderCount(period)).isEqualTo(3);
		assertThat(this.service.isOrderCached(period, "B")).isTrue();
		assertThat(this.service.deleteOrder(period, "B")).isTrue();
		assertThat(this.service.deleteOrder(period, "B")).isFalse();
		assertThat(this.redis.hexists(key, "B")).isFalse();
		assertThat(this.service.isOrderCached(period, "B")).isFalse();
		assertThat(this.redis.ttl(key)).as("HDEL keeps the TTL").isBetween(1L, DAY);
		assertThat(this.service.deletePeriodOrders(period)).isTrue();
		assertThat(this.redis.hkeys(key)).as("only bookkeeping stays: the epoch, the tombstones").contains("!e")
			.allMatch((field) -> field.startsWith("!"));
		assertThat(this.redis.pttl(key)).as("for the tombstone TTL").isBetween(1L, 60_000L);
		assertThat(this.service.deletePeriodOrders(period)).isFalse();
		assertThat(this.service.getOrdersByPeriod(period, TestOrder.class)).isEmpty();
		assertThat(this.service.getOrderCount(period)).isZero();
	}

	@Test
	void unreadableEntriesAreMissesAndAreRemoved(TestInfo test) {
		String period = period(test);
		String key = PREFIX + period;
		this.service.cacheOrder(TestOrder.of(period, "GOOD"));
		this.redis.hset(key, Map.of("BROKEN", "{not json", "WRONG_SHAPE", "[1,2,3]", "NULL", "null"));
		CacheStatistics before = this.service.statistics();
		assertThat(this.service.getOrder(period, "BROKEN", TestOrder.class)).isEmpty();
		assertThat(this.redis.hexists(key, "BROKEN")).isFalse();
		assertThat(this.service.getOrdersByPeriod(period, TestOrder.class)).extracting(TestOrder::getOrderNo)
			.containsExactly("GOOD");
		assertThat(orderFields(key)).containsExactly("GOOD");
		CacheStatistics after = this.service.statistics();
		assertThat(after.failures() - before.failures()).isEqualTo(3);
		assertThat(after.misses() - before.misses()).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "*", "2024?", "a b", "a\nb", "\u671f\u53f7", "x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x_x" })
	void badPeriodOrOrderNumbersAreRejectedBeforeRedis(String bad) {
		List<String> keysBefore = TestRedis.keys(PREFIX);
		assertThatIllegalArgumentException().isThrownBy(() -> this.service.cacheOrder(TestOrder.of(bad, "O")))
			.withMessageStartingWith("Invalid period number");
		assertThatIllegalArgumentException().isThrownBy(() -> this.service.cacheOrder(TestOrder.of("P_ok", bad)))
			.withMessageStartingWith("Invalid order number");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.service.cacheOrder(bad, "O", TestOrder.of("P", "O")))
			.withMessageStartingWith("Invalid period number");
		assertThatIllegalArgumentException().isThrownBy(() -> this.service.getOrder(bad, "O", TestOrder.class))
			.withMessageStartingWith("Invalid period number");
		assertThatIllegalArgumentException().isThrownBy(() -> this.service.getOrder("P", bad, TestOrder.class))
			.withMessageStartingWith("Invalid order number");
		assertThatIllegalArgumentException().isThrownBy(() -> this.service.getOrdersByPeriod(bad, TestOrder.class));
		assertThatIllegalArgumentException().isThrownBy(() -> this.service.getOrderCount(bad));
		assertThatIllegalArgumentException().isThrownBy(() -> this.service.isOrderCached("P", bad));
		assertThatIllegalArgumentException().isThrownBy(() -> this.service.deleteOrder(bad, "O"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.service.deletePeriodOrders(bad));
		assertThat(TestRedis.keys(PREFIX)).containsExactlyInAnyOrderElementsOf(keysBefore);
	}

	@Test
	void nullArgumentsAreRejectedWithTheirName() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.service.cacheOrder(null))
			.withMessage("order must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> this.service.cacheOrder("P", "O", null))
			.withMessage("order must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> this.service.cacheOrder("P", null, TestOrder.of("P", "O")))
			.withMessage("Invalid order number null: must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> this.service.batchCacheOrders(null))
			.withMessage("orders must not be null");
	}

	@Test
	void countsWritesHitsMissesAndEvictions(TestInfo test) {
		String period = period(test);
		CacheStatistics before = this.service.statistics();
		this.service.batchCacheOrders(Arrays.asList(TestOrder.of(period, "A"), TestOrder.of(period, "B"), null));
		this.service.getOrder(period, "A", TestOrder.class);
		this.service.getOrder(period, "Z", TestOrder.class);
		this.service.deleteOrder(period, "A");
		CacheStatistics after = this.service.statistics();
		assertThat(after.writes() - before.writes()).isEqualTo(2);
		assertThat(after.skipped() - before.skipped()).isEqualTo(1);
		assertThat(after.hits() - before.hits()).isEqualTo(1);
		assertThat(after.misses() - before.misses()).isEqualTo(1);
		assertThat(after.evictions() - before.evictions()).isEqualTo(1);
	}

	private static String period(TestInfo test) {
		return test.getTestMethod().orElseThrow().getName();
	}

	/** An order whose JSON would never end. */
	public static final class Unserializable {

		private final String periodNumber;

		private final String orderNo;

		Unserializable(String periodNumber, String orderNo) {
			this.periodNumber = periodNumber;
			this.orderNo = orderNo;
		}

		public String getPeriodNumber() {
			return this.periodNumber;
		}

		public String getOrderNo() {
			return this.orderNo;
		}

		public Unserializable getSelf() {
			return this;
		}

	}

	/** The order fields of a period's hash, without the bookkeeping fields ("!..."). */
	private List<String> orderFields(String key) {
		return this.redis.hkeys(key).stream().filter((field) -> !field.startsWith("!")).toList();
	}

}
