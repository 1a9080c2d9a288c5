package io.fatamorgana.ordercache.support;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import io.fatamorgana.ordercache.BatchResult;
import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.PeriodStatistics;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.test.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cache is never older than the committed database: version guard, tombstones, epochs and
 * completeness, checked in Redis itself.
 */
@SpringBootTest(classes = IntegrationTestApplication.class,
		properties = { "ordercache.consistency.tombstone-ttl=2s", "ordercache.batch-chunk-size=10" })
class ConsistencyIntegrationTests {

	static final String PREFIX = TestRedis.uniquePrefix(ConsistencyIntegrationTests.class);

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
	OrderCacheEngine engine;

	final RedisCommands<String, String> redis = TestRedis.commands();

	@Test
	void anOlderVersionNeverReplacesANewerOneAndTheDatabaseWins(TestInfo test) {
		String period = period(test);
		this.service.cacheOrder(Versioned.of(period, "A", 3, "paid"));
		long refusedBefore = this.service.statistics().refused();
		this.service.cacheOrder(Versioned.of(period, "A", 2, "pending"));
		assertThat(this.redis.hget(PREFIX + period, "A"))
			.as("a committed change refused by the version guard removes the cached copy: the database wins")
			.isNull();
		assertThat(this.service.statistics().refused() - refusedBefore).isEqualTo(1);
		assertThat(this.redis.hget(PREFIX + period, "!t:A")).as("and leaves a tombstone, as an eviction").isNotNull();
		this.engine.writeLoaded(period, "A", Versioned.of(period, "A", 3, "paid"),
				this.engine.lookup(period, "A", Versioned.class).loadToken());
		assertThat(stored(period, "A")).as("a load that read the database after the removal is cached")
			.contains("\"version\":3");
		this.service.cacheOrder(Versioned.of(period, "B", 3, "paid"));
		this.service.cacheOrder(Versioned.of(period, "B", 3, "cancelled"));
		assertThat(stored(period, "B")).as("the same version is rewritten").contains("\"status\":\"cancelled\"");
		this.service.cacheOrder(Versioned.of(period, "B", 10, "expired"));
		assertThat(stored(period, "B")).contains("\"version\":10");
	}

	@Test
	void withoutAVersionUpdatedAtDecidesAndFractionsCompareAsTime(TestInfo test) {
		String period = period(test);
		TestOrder later = TestOrder.of(period, "A");
		later.setUpdatedAt(java.time.Instant.parse("2024-12-01T10:00:00.500Z"));
		later.setStatus("paid");
		TestOrder earlier = TestOrder.of(period, "A");
		earlier.setUpdatedAt(java.time.Instant.parse("2024-12-01T10:00:00Z"));
		earlier.setStatus("pending");
		this.service.cacheOrder(later);
		this.service.cacheOrder(earlier);
		assertThat(this.redis.hget(PREFIX + period, "A")).as("half a second earlier is earlier: refused and removed")
			.isNull();
		TestOrder first = TestOrder.of(period, "B");
		first.setUpdatedAt(java.time.Instant.parse("2024-12-01T10:00:00Z"));
		this.service.cacheOrder(first);
		TestOrder latest = TestOrder.of(period, "B");
		latest.setUpdatedAt(java.time.Instant.parse("2024-12-01T10:00:01Z"));
		latest.setStatus("cancelled");
		this.service.cacheOrder(latest);
		assertThat(stored(period, "B")).contains("\"status\":\"cancelled\"");
	}

	@Test
	void batchesAreVersionGuardedOrderByOrder(TestInfo test) {
		String period = period(test);
		this.service.cacheOrder(Versioned.of(period, "A", 5, "paid"));
		BatchResult result = this.service.batchCacheOrders(
				List.of(Versioned.of(period, "A", 4, "pending"), Versioned.of(period, "B", 1, "pending")));
		assertThat(result.cached()).isEqualTo(1);
		assertThat(this.redis.hget(PREFIX + period, "A")).as("refused and removed").isNull();
		assertThat(stored(period, "B")).contains("\"version\":1");
	}

	@Test
	void anEvictedOrderIsNotWrittenBackUntilItsTombstoneExpires(TestInfo test) {
		String period = period(test);
		this.service.cacheOrder(Versioned.of(period, "A", 1, "pending"));
		this.service.deleteOrder(period, "A");
		this.service.cacheOrder(Versioned.of(period, "A", 1, "pending"));
		assertThat(this.redis.hexists(PREFIX + period, "A")).as("a delayed write of the old copy").isFalse();
		String tombstone = this.redis.hget(PREFIX + period, "!t:A");
		assertThat(tombstone).as("one field per tombstone: sequence and expiry").matches("\\d+:\\d+");
		long expiry = Long.parseLong(tombstone.substring(tombstone.indexOf(':') + 1));
		await().atMost(Duration.ofSeconds(10)).until(() -> redisMillis() > expiry);
		this.service.cacheOrder(Versioned.of(period, "A", 2, "paid"));
		assertThat(this.redis.hexists(PREFIX + period, "A")).as("written once the tombstone expired").isTrue();
	}

	@Test
	void aCommittedChangeRefusedByATombstoneRenewsIt(TestInfo test) {
		String period = period(test);
		this.service.cacheOrder(Versioned.of(period, "A", 1, "pending"));
		this.service.deleteOrder(period, "A");
		String first = this.redis.hget(PREFIX + period, "!t:A");
		this.service.cacheOrder(Versioned.of(period, "A", 2, "paid"));
		String renewed = this.redis.hget(PREFIX + period, "!t:A");
		assertThat(Long.parseLong(renewed.substring(0, renewed.indexOf(':'))))
			.as("a load that read before this change is refused too")
			.isGreaterThan(Long.parseLong(first.substring(0, first.indexOf(':'))));
	}

	private long redisMillis() {
		java.util.List<String> time = this.redis.time();
		return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
	}

	@Test
	void evictingAnUncachedOrderStillLeavesATombstoneWithATtl(TestInfo test) {
		String period = period(test);
		this.service.deleteOrder(period, "NEVER_CACHED");
		assertThat(this.redis.pttl(PREFIX + period)).isBetween(1L, 2_000L);
		this.service.cacheOrder(Versioned.of(period, "NEVER_CACHED", 1, "pending"));
		assertThat(this.redis.hexists(PREFIX + period, "NEVER_CACHED")).isFalse();
	}

	@Test
	void aLoadThatRacedAnEvictionIsRefused(TestInfo test) {
		String period = period(test);
		OrderCacheEngine.Lookup<Versioned> miss = this.engine.lookup(period, "A", Versioned.class);
		assertThat(miss.order()).isNull();
		this.service.deleteOrder(period, "A");
		this.engine.writeLoaded(period, "A", Versioned.of(period, "A", 1, "pending"), miss.loadToken());
		assertThat(this.redis.hexists(PREFIX + period, "A")).isFalse();
	}

	@Test
	void aLoadThatReadTheDatabaseAfterAnEvictionIsAccepted(TestInfo test) {
		String period = period(test);
		this.service.cacheOrder(Versioned.of(period, "A", 1, "pending"));
		this.service.deleteOrder(period, "A");
		OrderCacheEngine.Lookup<Versioned> miss = this.engine.lookup(period, "A", Versioned.class);
		this.engine.writeLoaded(period, "A", Versioned.of(period, "A", 2, "paid"), miss.loadToken());
		assertThat(stored(period, "A")).as("read after the eviction: no need to wait for the tombstone")
			.contains("\"version\":2");
	}

	@Test
	void aLoadThatRacedAnUpdateIsRefused(TestInfo test) {
		String period = period(test);
		OrderCacheEngine.Lookup<Versioned> miss = this.engine.lookup(period, "A", Versioned.class);
		this.service.cacheOrder(Versioned.of(period, "A", 2, "paid"));
		this.engine.writeLoaded(period, "A", Versioned.of(period, "A", 1, "pending"), miss.loadToken());
		assertThat(stored(period, "A")).contains("\"version\":2");
	}

	@Test
	void aDelayedCommittedWriteOfAnOlderCopyIsRefusedAfterAPeriodDrop(TestInfo test) {
		String period = period(test);
		this.service.cacheOrder(Versioned.of(period, "A", 2, "paid"));
		this.service.deletePeriodOrders(period);
		this.service.cacheOrder(Versioned.of(period, "A", 1, "pending"));
		assertThat(this.redis.hexists(PREFIX + period, "A"))
			.as("the drop buried every order: a write delayed from before it is refused as after an eviction")
			.isFalse();
		OrderCacheEngine.Lookup<Versioned> miss = this.engine.lookup(period, "A", Versioned.class);
		this.engine.writeLoaded(period, "A", Versioned.of(period, "A", 2, "paid"), miss.loadToken());
		assertThat(stored(period, "A")).as("a load that read after the drop is cached").contains("\"version\":2");
	}

	@Test
	void aChangeInThePeriodsLastTombstoneTtlRetiresItsCopiesInsteadOfKeepingThemAlive(TestInfo test) {
		String period = period(test);
		String key = PREFIX + period;
		this.service.cacheOrder(Versioned.of(period, "A", 1, "pending"));
		this.redis.pexpire(key, 1_000);
		this.service.deleteOrder(period, "B");
		assertThat(this.redis.hexists(key, "A")).as("A had its TTL; the eviction's tombstone must not keep it alive")
			.isFalse();
		assertThat(this.redis.pttl(key)).as("the eviction's evidence lives a tombstone TTL").isGreaterThan(1_000);
		this.service.cacheOrder(Versioned.of(period, "C", 1, "pending"));
		assertThat(this.redis.hexists(key, "C")).as("a committed write right after is refused, as after a drop")
			.isFalse();
	}

	@Test
	void aLoadThatRacedAPeriodDropIsRefusedWhole(TestInfo test) {
		String period = period(test);
		this.service.cacheOrder(Versioned.of(period, "A", 2, "paid"));
		OrderCacheEngine.Lookup<Versioned> miss = this.engine.lookup(period, "B", Versioned.class);
		String periodToken = this.engine.loadToken(period);
		this.service.deletePeriodOrders(period);
		this.engine.writeLoaded(period, "B", Versioned.of(period, "B", 1, "pending"), miss.loadToken());
		BatchResult load = this.engine.writeLoadedPeriod(period,
				List.of(Versioned.of(period, "A", 1, "pending"), Versioned.of(period, "B", 1, "pending")), periodToken);
		assertThat(load.cached()).isZero();
		assertThat(this.redis.hkeys(PREFIX + period)).contains("!e").allMatch((field) -> field.startsWith("!"));
		assertThat(this.service.isPeriodComplete(period)).isFalse();
	}

	@Test
	void aFullLoadMarksThePeriodCompleteUntilAnOrderIsEvicted(TestInfo test) {
		String period = period(test);
		List<Versioned> orders = IntStream.range(0, 25).mapToObj((i) -> Versioned.of(period, "O" + i, 1, "paid")).toList();
		assertThat(this.service.getCompletePeriod(period, Versioned.class)).isEmpty();
		BatchResult result = this.service.loadPeriod(period, () -> orders);
		assertThat(result.cached()).isEqualTo(25);
		assertThat(this.service.getCompletePeriod(period, Versioned.class)).get().asList().hasSize(25);
		PeriodStatistics statistics = this.service.statistics(period);
		assertThat(statistics.orders()).isEqualTo(25);
		assertThat(statistics.complete()).isTrue();
		assertThat(statistics.ttl()).isNotNull().isLessThanOrEqualTo(Duration.ofHours(24)).isPositive();
		this.service.cacheOrder(Versioned.of(period, "NEW", 1, "pending"));
		assertThat(this.service.getCompletePeriod(period, Versioned.class)).as("writes keep it complete").get()
			.asList().hasSize(26);
		this.service.deleteOrder(period, "O3");
		assertThat(this.service.getCompletePeriod(period, Versioned.class)).isEmpty();
		assertThat(this.service.getOrdersByPeriod(period, Versioned.class)).hasSize(25);
		assertThat(this.service.getOrderCount(period)).isEqualTo(25);
	}

	@Test
	void aWriteRefusedByATombstoneMakesThePeriodIncomplete(TestInfo test) {
		String period = period(test);
		this.service.deleteOrder(period, "A");
		this.service.loadPeriod(period, () -> List.of(Versioned.of(period, "B", 1, "paid")));
		assertThat(this.service.isPeriodComplete(period)).isTrue();
		this.service.cacheOrder(Versioned.of(period, "A", 1, "pending"));
		assertThat(this.redis.hexists(PREFIX + period, "A")).isFalse();
		assertThat(this.service.isPeriodComplete(period)).as("the hash lacks A, which the database has").isFalse();
		BatchResult reload = this.service.loadPeriod(period,
				() -> List.of(Versioned.of(period, "A", 1, "pending"), Versioned.of(period, "B", 1, "paid")));
		assertThat(reload.cached()).as("a load that read after the eviction").isEqualTo(2);
		assertThat(this.service.isPeriodComplete(period)).isTrue();
	}

	@Test
	void aCommittedChangeRefusedByATombstoneRemovesTheOlderCopy(TestInfo test) {
		String period = period(test);
		this.service.deleteOrder(period, "A");
		OrderCacheEngine.Lookup<Versioned> miss = this.engine.lookup(period, "A", Versioned.class);
		this.engine.writeLoaded(period, "A", Versioned.of(period, "A", 2, "expired"), miss.loadToken());
		assertThat(this.redis.hexists(PREFIX + period, "A")).isTrue();
		this.service.cacheOrder(Versioned.of(period, "A", 3, "cancelled"));
		assertThat(this.redis.hexists(PREFIX + period, "A")).as("version 2 must not stay").isFalse();
	}

	@Test
	void aPeriodFilledOrderByOrderIsNotComplete(TestInfo test) {
		String period = period(test);
		this.service.batchCacheOrders(List.of(Versioned.of(period, "A", 1, "paid"), Versioned.of(period, "B", 1, "paid")));
		assertThat(this.service.getOrdersByPeriod(period, Versioned.class)).hasSize(2);
		assertThat(this.service.getCompletePeriod(period, Versioned.class)).isEmpty();
		assertThat(this.service.statistics(period).complete()).isFalse();
	}

	@Test
	void aLoadWithOrdersThatCannotBeCachedIsNotComplete(TestInfo test) {
		String period = period(test);
		BatchResult result = this.service.loadPeriod(period,
				() -> List.of(Versioned.of(period, "A", 1, "paid"), Versioned.of("other", "B", 1, "paid")));
		assertThat(result.cached()).isEqualTo(1);
		assertThat(result.skipped()).singleElement().extracting(BatchResult.Skipped::reason)
			.isEqualTo("Order belongs to period 'other', not '" + period + "'");
		assertThat(this.service.isPeriodComplete(period)).isFalse();
	}

	@Test
	void anEmptyPeriodCanBeComplete(TestInfo test) {
		String period = period(test);
		this.service.loadPeriod(period, List::of);
		assertThat(this.service.getCompletePeriod(period, Versioned.class)).get().asList().isEmpty();
		assertThat(this.redis.pttl(PREFIX + period)).isPositive();
	}

	@Test
	void anUnreadableEntryMakesThePeriodIncomplete(TestInfo test) {
		String period = period(test);
		this.service.loadPeriod(period, () -> List.of(Versioned.of(period, "A", 1, "paid")));
		this.redis.hset(PREFIX + period, "B", "{broken");
		assertThat(this.service.getCompletePeriod(period, Versioned.class)).isEmpty();
		assertThat(this.redis.hexists(PREFIX + period, "B")).isFalse();
	}

	@Test
	void ttlJitterSpreadsExpiriesBelowTheConfiguredTtl(TestInfo test) {
		String period = period(test);
		Set<Long> ttls = new HashSet<>();
		for (int i = 0; i < 20; i++) {
			this.service.cacheOrder(Versioned.of(period + i, "A", 1, "paid"));
			ttls.add(this.redis.pttl(PREFIX + period + i));
		}
		long day = Duration.ofHours(24).toMillis();
		assertThat(ttls).allSatisfy((ttl) -> assertThat(ttl).isBetween((long) (day * 0.95) - 1_000, day));
		assertThat(ttls).as("20 writes with 5% jitter").hasSizeGreaterThan(1);
	}

	@Test
	void noKeyIsEverLeftWithoutATtl(TestInfo test) {
		String period = period(test);
		this.service.cacheOrder(Versioned.of(period, "A", 1, "paid"));
		this.service.deleteOrder(period, "A");
		this.service.deleteOrder(period + "_x", "A");
		this.service.deletePeriodOrders(period + "_y");
		this.service.loadPeriod(period + "_z", List::of);
		for (String key : TestRedis.keys(PREFIX + period)) {
			assertThat(this.redis.pttl(key)).as(key).isPositive();
		}
	}

	private String stored(String period, String orderNo) {
		return this.redis.hget(PREFIX + period, orderNo);
	}

	private static String period(TestInfo test) {
		return test.getTestMethod().orElseThrow().getName();
	}

	/** An order with a version property. */
	public record Versioned(String periodNumber, String orderNo, long version, String status) {

		static Versioned of(String period, String orderNo, long version, String status) {
			return new Versioned(period, orderNo, version, status);
		}

	}

}
