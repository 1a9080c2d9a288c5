package io.fatamorgana.ordercache.poison;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.PeriodTooLargeException;
import io.fatamorgana.ordercache.autoconfigure.OrderCacheAutoConfiguration;
import io.fatamorgana.ordercache.poison.PoisonOrder.Status;
import io.fatamorgana.ordercache.test.TestRedis;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Whatever Redis holds under a period's key (another order's JSON, a newer version than a restored
 * database, ghosts, garbage, JSON of another shape, a type hint, a key of another type, a huge
 * hash), the cache never answers with a wrong order: an annotated read and
 * {@code OrderCacheService} answer what the database holds, or miss; and after at most one write or
 * load, the hash (HGETALL minus the '!' fields) is the database. Also the tombstone and TTL rules
 * that keep such states from living on, and no order data in the warnings (issue 14).
 * <p>
 * Every poisoned state is written with raw commands. Where a step removes the poison, it is written
 * again before the next step, so that each API meets it.
 */
@SpringBootTest(classes = IntegrationTestApplication.class,
		properties = { "ordercache.consistency.tombstone-ttl=2s", "ordercache.failure-log-interval=0s",
				"ordercache.ttl-jitter=0" })
@Import(PoisonOrders.class)
@ExtendWith(OutputCaptureExtension.class)
class PoisonedStateIntegrationTests {

	static final String PREFIX = TestRedis.uniquePrefix(PoisonedStateIntegrationTests.class);

	static final Duration TOMBSTONE_TTL = Duration.ofSeconds(2);

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
	PoisonOrders orders;

	@Autowired
	OrderCacheService service;

	final RedisCommands<String, String> redis = TestRedis.commands();

	CacheAndDatabase cache;

	@BeforeEach
	void compare() {
		this.cache = new CacheAndDatabase(PREFIX, this.orders);
	}

	// Identity (issue 14, item 1)

	@Test
	void anotherOrdersJsonUnderAnOrderFieldIsNeverServed(TestInfo test) {
		String period = period(test);
		this.orders.create(PoisonOrder.of(period, "A", "u1", Status.PENDING, 1));
		String foreign = CacheAndDatabase.json(PoisonOrder.of(period, "B", "u2", Status.PAID, 9));
		assertServedFromDatabase(period, "A", () -> this.cache.poison(period, Map.of("A", foreign, "!c", "1")));
	}

	@Test
	void aJsonNamingAnotherPeriodThanItsKeyIsNeverServed(TestInfo test) {
		String period = period(test);
		this.orders.create(PoisonOrder.of(period, "A", "u1", Status.PENDING, 1));
		String otherPeriod = CacheAndDatabase.json(PoisonOrder.of(period + "_other", "A", "u2", Status.PAID, 9));
		assertServedFromDatabase(period, "A", () -> this.cache.poison(period, Map.of("A", otherPeriod, "!c", "1")));
	}

	// The database wins (issue 14, item 2)

	@Test
	void aCachedVersionAboveTheRestoredDatabaseGivesWayToTheNextCommittedChange(TestInfo test) {
		String period = period(test);
		PoisonOrder backup = this.orders.create(PoisonOrder.of(period, "A", "u1", Status.PENDING, 1));
		this.orders.updateStatus(period, "A", Status.PAID);
		this.orders.updateStatus(period, "A", Status.CANCELLED);
		assertThat(this.cache.cached(period)).as("setup: version 3 cached")
			.containsEntry("A", PoisonOrder.of(period, "A", "u1", Status.CANCELLED, 3));
		this.orders.restore(backup);
		PoisonOrder changed = this.orders.updateStatus(period, "A", Status.PAID).orElseThrow();
		assertThat(changed.version()).as("the restored database's next version").isEqualTo(2);
		this.cache.assertCacheAgreesWithDatabase(period);
		this.cache.assertMissOrDatabase("getOrder", this.service.getOrder(period, "A", PoisonOrder.class), period,
				"A");
		assertThat(this.orders.find(period, "A")).contains(changed);
		this.cache.assertCacheEqualsDatabase(period);
	}

	@Test
	void aCacheOrderCallRefusedByAHigherCachedVersionRemovesTheCachedCopy(TestInfo test) {
		String period = period(test);
		PoisonOrder row = PoisonOrder.of(period, "A", "u1", Status.PAID, 2);
		this.orders.insert(row);
		this.cache.poison(period,
				Map.of("A", CacheAndDatabase.json(PoisonOrder.of(period, "A", "u7", Status.CANCELLED, 7))));
		this.service.cacheOrder(row);
		this.cache.assertCacheAgreesWithDatabase(period);
		this.cache.assertMissOrDatabase("getOrder", this.service.getOrder(period, "A", PoisonOrder.class), period,
				"A");
		assertThat(this.orders.find(period, "A")).contains(row);
		this.cache.assertCacheEqualsDatabase(period);
	}

	@Test
	void anEntryOfAnOrderMissingFromTheDatabaseGivesWayToAPeriodLoadAndToItsFirstCreate(TestInfo test) {
		String period = period(test);
		this.orders.create(PoisonOrder.of(period, "A", "u1", Status.PENDING, 1));
		Runnable poison = () -> this.cache.poison(period,
				Map.of("G", CacheAndDatabase.json(PoisonOrder.of(period, "G", "u9", Status.PAID, 9))));
		poison.run();
		assertThat(this.orders.findPeriod(period)).containsExactlyInAnyOrderElementsOf(this.orders.rows(period));
		this.cache.assertCacheEqualsDatabase(period);
		poison.run();
		PoisonOrder created = this.orders.create(PoisonOrder.of(period, "G", "u10", Status.PENDING, 1));
		this.cache.assertCacheAgreesWithDatabase(period);
		assertThat(this.orders.find(period, "G")).contains(created);
		this.cache.assertMissOrDatabase("getOrder", this.service.getOrder(period, "G", PoisonOrder.class), period,
				"G");
		this.cache.assertCompleteOnlyIfDatabase("getCompletePeriod",
				this.service.getCompletePeriod(period, PoisonOrder.class), period);
		this.cache.assertCacheEqualsDatabase(period);
	}

	// Full loads remove ghosts (issue 14, item 3)

	@Test
	void aFullPeriodLoadRemovesGhostsAndThePeriodServedCompleteIsTheDatabase(TestInfo test) {
		String period = period(test);
		this.orders.create(PoisonOrder.of(period, "A", "u1", Status.PENDING, 1));
		this.orders.create(PoisonOrder.of(period, "B", "u2", Status.PAID, 1));
		this.orders.create(PoisonOrder.of(period, "C", "u3", Status.PAID, 1));
		assertThat(this.orders.findPeriod(period)).hasSize(3);
		this.cache.poison(period, Map.of("G1", CacheAndDatabase.json(PoisonOrder.of(period, "G1", "u8", Status.PAID, 1)),
				"G2", CacheAndDatabase.json(PoisonOrder.of(period, "G2", "u9", Status.PAID, 4))));
		this.orders.delete(period, "C");
		assertThat(this.orders.findPeriod(period)).containsExactlyInAnyOrderElementsOf(this.orders.rows(period));
		this.cache.assertCacheEqualsDatabase(period);
		assertThat(this.service.getCompletePeriod(period, PoisonOrder.class)).as("the period after a full load")
			.hasValueSatisfying((served) -> assertThat(served)
				.containsExactlyInAnyOrderElementsOf(this.orders.rows(period)));
	}

	@Test
	void loadPeriodRemovesGhostsOfOrdersNotInTheDatabase(TestInfo test) {
		String period = period(test);
		this.orders.insert(PoisonOrder.of(period, "A", "u1", Status.PENDING, 1));
		this.cache.poison(period, Map.of("G1", CacheAndDatabase.json(PoisonOrder.of(period, "G1", "u8", Status.PAID, 1)),
				"G2", CacheAndDatabase.json(PoisonOrder.of(period, "G2", "u9", Status.PAID, 4))));
		this.service.loadPeriod(period, () -> this.orders.rows(period));
		if (this.service.isPeriodComplete(period)) {
			this.cache.assertCacheEqualsDatabase(period);
		}
		this.cache.assertCompleteOnlyIfDatabase("getCompletePeriod",
				this.service.getCompletePeriod(period, PoisonOrder.class), period);
		assertThat(this.orders.findPeriod(period)).containsExactlyInAnyOrderElementsOf(this.orders.rows(period));
		this.cache.assertCacheEqualsDatabase(period);
	}

	@Test
	void aPeriodFilledOrderByOrderWithAGhostIsReadFromTheDatabase(TestInfo test) {
		String period = period(test);
		this.orders.create(PoisonOrder.of(period, "A", "u1", Status.PENDING, 1));
		this.orders.create(PoisonOrder.of(period, "B", "u2", Status.PAID, 1));
		this.cache.poison(period,
				Map.of("G", CacheAndDatabase.json(PoisonOrder.of(period, "G", "u9", Status.PAID, 1))));
		assertThat(this.service.getCompletePeriod(period, PoisonOrder.class)).as("filled order by order").isEmpty();
		int periodLoads = this.orders.periodLoads();
		assertThat(this.orders.findPeriod(period)).containsExactlyInAnyOrderElementsOf(this.orders.rows(period));
		assertThat(this.orders.periodLoads()).as("the period read went to the database").isEqualTo(periodLoads + 1);
		this.cache.assertCacheEqualsDatabase(period);
		this.cache.assertCompleteOnlyIfDatabase("getCompletePeriod",
				this.service.getCompletePeriod(period, PoisonOrder.class), period);
	}

	// Completeness (issue 14, item 4)

	@Test
	void removingAnUnreadableEntryMakesThePeriodIncomplete(TestInfo test) {
		String period = period(test);
		this.orders.create(PoisonOrder.of(period, "A", "u1", Status.PENDING, 1));
		this.orders.create(PoisonOrder.of(period, "B", "u2", Status.PAID, 1));
		assertThat(this.orders.findPeriod(period)).hasSize(2);
		assertThat(this.service.isPeriodComplete(period)).as("setup: a full load").isTrue();
		this.redis.hset(this.cache.key(period), "B", "{\"order_no\":\"B\",");
		assertThat(this.service.getOrder(period, "B", PoisonOrder.class)).isEmpty();
		assertThat(this.redis.hexists(this.cache.key(period), "B")).as("garbage is removed").isFalse();
		assertThat(this.redis.hexists(this.cache.key(period), "!c")).as("!c after removing an entry").isFalse();
		assertThat(this.service.isPeriodComplete(period)).isFalse();
		this.cache.assertCompleteOnlyIfDatabase("getCompletePeriod",
				this.service.getCompletePeriod(period, PoisonOrder.class), period);
		assertThat(this.orders.findPeriod(period)).containsExactlyInAnyOrderElementsOf(this.orders.rows(period));
		this.cache.assertCacheEqualsDatabase(period);
	}

	// Tombstones and TTLs (issue 14, items 5 and 7)

	@Test
	void aKeyCreatedByAnEvictionLivesATombstoneTtlAfterTheSecondEviction(TestInfo test) {
		String period = period(test);
		String key = this.cache.key(period);
		long firstEviction = System.nanoTime();
		this.orders.delete(period, "A");
		assertThat(this.redis.pttl(key)).as("created by the first eviction").isBetween(1L, TOMBSTONE_TTL.toMillis());
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> this.redis.pttl(key) <= TOMBSTONE_TTL.toMillis() / 2);
		this.orders.delete(period, "B");
		assertThat(this.redis.pttl(key)).as("PTTL just after the second eviction")
			.isGreaterThan(TOMBSTONE_TTL.toMillis() - 500);
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> System.nanoTime() - firstEviction > TOMBSTONE_TTL.plusMillis(200).toNanos());
		assertThat(this.redis.exists(key)).as("alive after the first eviction's tombstone TTL").isEqualTo(1);
		this.service.cacheOrder(PoisonOrder.of(period, "B", "u2", Status.PAID, 1));
		assertThat(this.redis.hexists(key, "B")).as("B's tombstone still refuses an older copy").isFalse();
	}

	@Test
	void aTtlShorterThanTheTombstoneTtlFailsAtStartup() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataRedisAutoConfiguration.class, OrderCacheAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.url=" + TestRedis.url(), "ordercache.key-prefix=" + PREFIX,
					"ordercache.ttl=1s", "ordercache.consistency.tombstone-ttl=2s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(messages(context.getStartupFailure())).containsAnyOf("ordercache.ttl",
						"ordercache.consistency.tombstone-ttl");
			});
	}

	@Test
	void laterWritesDoNotRenewThePeriodsTtl(TestInfo test) {
		String period = period(test);
		String key = this.cache.key(period);
		this.orders.create(PoisonOrder.of(period, "A", "u1", Status.PENDING, 1));
		long first = this.redis.pttl(key);
		assertThat(first).isPositive();
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> this.redis.pttl(key) <= first - 500);
		long beforeWrites = this.redis.pttl(key);
		this.orders.create(PoisonOrder.of(period, "B", "u2", Status.PENDING, 1));
		this.orders.updateStatus(period, "A", Status.PAID);
		this.service.cacheOrder(PoisonOrder.of(period, "C", "u3", Status.PAID, 1));
		assertThat(this.redis.pttl(key)).as("PTTL after later writes, against %d ms before them", beforeWrites)
			.isLessThanOrEqualTo(beforeWrites + 50);
	}

	// Entries this version cannot read (issue 14, item 9)

	@Test
	void garbageIsAMissAndIsRemoved(TestInfo test) {
		String period = period(test);
		this.orders.create(PoisonOrder.of(period, "A", "u1", Status.PENDING, 1));
		String garbage = "\u0001\u00ff garbage {\"order_no\":";
		this.cache.poison(period, Map.of("A", garbage));
		assertThat(this.service.getOrder(period, "A", PoisonOrder.class)).isEmpty();
		assertThat(this.redis.hget(this.cache.key(period), "A")).as("garbage is removed").isNull();
		assertServedFromDatabase(period, "A", () -> this.cache.poison(period, Map.of("A", garbage, "!c", "1")));
	}

	@Test
	void theJsonNullIsNeverServed(TestInfo test) {
		String period = period(test);
		this.orders.create(PoisonOrder.of(period, "A", "u1", Status.PENDING, 1));
		assertServedFromDatabase(period, "A", () -> this.cache.poison(period, Map.of("A", "null", "!c", "1")));
	}

	@Test
	void aJsonArrayIsNeverServed(TestInfo test) {
		String period = period(test);
		PoisonOrder a = this.orders.create(PoisonOrder.of(period, "A", "u1", Status.PENDING, 1));
		String array = "[" + CacheAndDatabase.json(a) + "]";
		assertServedFromDatabase(period, "A", () -> this.cache.poison(period, Map.of("A", array, "!c", "1")));
	}

	@Test
	void validJsonWithAnUnknownEnumValueIsAMissButIsKept(TestInfo test) {
		String period = period(test);
		PoisonOrder a = this.orders.create(PoisonOrder.of(period, "A", "u1", Status.PENDING, 1));
		String newer = "{\"period_number\":\"" + period + "\",\"order_no\":\"A\",\"uid\":\"u1\","
				+ "\"status\":\"REFUNDED\",\"version\":1}";
		assertMissButKept(period, a, newer);
	}

	@Test
	void validJsonOfAnotherShapeIsAMissButIsKept(TestInfo test) {
		String period = period(test);
		PoisonOrder a = this.orders.create(PoisonOrder.of(period, "A", "u1", Status.PENDING, 1));
		String newer = "{\"period_number\":\"" + period + "\",\"order_no\":\"A\",\"uid\":\"u1\","
				+ "\"status\":{\"code\":\"PENDING\",\"since\":\"2024-12-01T10:00:00Z\"},\"version\":1}";
		assertMissButKept(period, a, newer);
	}

	@Test
	void aClassHintIsIgnoredAndNeverInstantiated(TestInfo test) {
		String period = period(test);
		PoisonOrder a = this.orders.create(PoisonOrder.of(period, "A", "u1", Status.PENDING, 1));
		String order = CacheAndDatabase.json(a);
		String hinted = "{\"@class\":\"" + Planted.class.getName() + "\"," + order.substring(1);
		this.cache.poison(period, Map.of("A", hinted));
		assertThat(this.service.getOrder(period, "A", PoisonOrder.class)).as("the hint is an unknown property")
			.contains(a);
		assertServedFromDatabase(period, "A", () -> this.cache.poison(period, Map.of("A", hinted, "!c", "1")));
		String wrapped = "[\"" + Planted.class.getName() + "\"," + order + "]";
		assertServedFromDatabase(period, "A", () -> this.cache.poison(period, Map.of("A", wrapped, "!c", "1")));
		assertThat(Planted.INSTANCES).as("instances of the hinted class").hasValue(0);
	}

	// Foreign data at the key (docs/protocol.md, "foreign data at the key")

	@ParameterizedTest
	@ValueSource(strings = { "string", "list", "set", "zset" })
	void aKeyOfAnotherTypeIsAMissAndIsReplaced(String type, TestInfo test) {
		String period = period(test) + "_" + type;
		String key = this.cache.key(period);
		this.orders.create(PoisonOrder.of(period, "A", "u1", Status.PENDING, 1));
		assertServedFromDatabase(period, "A", () -> {
			this.redis.unlink(key);
			switch (type) {
				case "string" -> this.redis.set(key, "A");
				case "list" -> this.redis.rpush(key, "A", "B");
				case "set" -> this.redis.sadd(key, "A", "B");
				default -> this.redis.zadd(key, 1.0, "A");
			}
			this.redis.pexpire(key, 3_600_000);
		});
	}

	// A period too large to transfer (issue 14, items 3 and 11)

	@Test
	void aHashOfAHundredThousandFieldsIsNeverServedAsComplete(TestInfo test) {
		String period = period(test);
		String key = this.cache.key(period);
		this.orders.create(PoisonOrder.of(period, "A", "u1", Status.PENDING, 1));
		long fields = this.redis.eval("""
				for i = 1, tonumber(ARGV[2]) do
				  redis.call('HSET', KEYS[1], 'G' .. i, '{"period_number":"' .. ARGV[1] .. '","order_no":"G' .. i
				    .. '","uid":"u' .. i .. '","status":"PAID","version":1}')
				end
				redis.call('HSET', KEYS[1], '!c', '1')
				redis.call('PEXPIRE', KEYS[1], 3600000)
				return redis.call('HLEN', KEYS[1])
				""", ScriptOutputType.INTEGER, new String[] { key }, period, "100000");
		try {
			assertThat(fields).isGreaterThan(100_000);
			this.cache.assertCompleteOnlyIfDatabase("getCompletePeriod",
					this.service.getCompletePeriod(period, PoisonOrder.class), period);
			int periodLoads = this.orders.periodLoads();
			assertThat(this.orders.findPeriod(period)).containsExactlyInAnyOrderElementsOf(this.orders.rows(period));
			assertThat(this.orders.periodLoads()).as("the period read went to the database").isEqualTo(periodLoads + 1);
			this.cache.assertCompleteOnlyIfDatabase("getCompletePeriod",
					this.service.getCompletePeriod(period, PoisonOrder.class), period);
			try {
				this.cache.assertOnlyDatabaseRows("getOrdersByPeriod",
						this.service.getOrdersByPeriod(period, PoisonOrder.class), period);
			}
			catch (PeriodTooLargeException ex) {
				// refusing the transfer is an answer too
			}
			if (this.service.isPeriodComplete(period)) {
				this.cache.assertCacheEqualsDatabase(period);
			}
		}
		finally {
			this.redis.unlink(key);
		}
	}

	// No order data in the warnings (issue 14, item 10)

	@Test
	void anOrderFailingItsOwnValidationLeavesNoOrderDataInTheWarnings(TestInfo test, CapturedOutput output) {
		String period = period(test);
		PoisonOrder a = this.orders.create(PoisonOrder.of(period, "A", "u1", Status.PENDING, 1));
		String secret = "alice.liddell@example.com";
		String invalid = "{\"period_number\":\"" + period + "\",\"order_no\":\"A\",\"uid\":\"" + secret
				+ "\",\"status\":\"PENDING\",\"version\":1}";
		Runnable poison = () -> this.cache.poison(period, Map.of("A", invalid, "!c", "1"));
		poison.run();
		assertThat(this.service.getOrder(period, "A", PoisonOrder.class)).isEmpty();
		poison.run();
		this.cache.assertOnlyDatabaseRows("getOrdersByPeriod",
				this.service.getOrdersByPeriod(period, PoisonOrder.class), period);
		poison.run();
		assertThat(this.orders.findPeriod(period)).containsExactly(a);
		poison.run();
		assertThat(this.orders.find(period, "A")).contains(a);
		assertThat(output.getAll().lines().filter((line) -> line.contains(secret)).toList())
			.as("logged lines carrying the order's uid").isEmpty();
	}

	/**
	 * Poisons the period again before each API: a single read, a period read and a complete-period
	 * read of {@code OrderCacheService} answer the database or miss; {@code @CachedPeriod} and
	 * {@code @CachedOrder} answer the database, and after either (one load) the hash is the database.
	 */
	private void assertServedFromDatabase(String period, String orderNo, Runnable poison) {
		poison.run();
		this.cache.assertMissOrDatabase("getOrder", this.service.getOrder(period, orderNo, PoisonOrder.class),
				period, orderNo);
		poison.run();
		this.cache.assertOnlyDatabaseRows("getOrdersByPeriod",
				this.service.getOrdersByPeriod(period, PoisonOrder.class), period);
		poison.run();
		this.cache.assertCompleteOnlyIfDatabase("getCompletePeriod",
				this.service.getCompletePeriod(period, PoisonOrder.class), period);
		poison.run();
		assertThat(this.orders.findPeriod(period)).as("@CachedPeriod")
			.containsExactlyInAnyOrderElementsOf(this.orders.rows(period));
		this.cache.assertCacheEqualsDatabase(period);
		poison.run();
		assertThat(this.orders.find(period, orderNo)).as("@CachedOrder").isEqualTo(this.orders.row(period, orderNo));
		this.cache.assertCacheEqualsDatabase(period);
	}

	/**
	 * An entry another version of the application could read: every read misses and leaves it in
	 * place; the annotated read answers the database, and the next committed change replaces it.
	 */
	private void assertMissButKept(String period, PoisonOrder order, String entry) {
		String key = this.cache.key(period);
		this.cache.poison(period, Map.of(order.orderNo(), entry, "!c", "1"));
		assertThat(this.service.getOrder(period, order.orderNo(), PoisonOrder.class)).as("getOrder").isEmpty();
		assertThat(this.redis.hget(key, order.orderNo())).as("kept after getOrder").isEqualTo(entry);
		assertThat(this.service.getOrdersByPeriod(period, PoisonOrder.class)).as("getOrdersByPeriod").isEmpty();
		this.cache.assertCompleteOnlyIfDatabase("getCompletePeriod",
				this.service.getCompletePeriod(period, PoisonOrder.class), period);
		assertThat(this.redis.hget(key, order.orderNo())).as("kept after period reads").isEqualTo(entry);
		assertThat(this.orders.find(period, order.orderNo())).as("@CachedOrder").contains(order);
		this.cache.poison(period, Map.of(order.orderNo(), entry));
		assertThat(this.orders.findPeriod(period)).as("@CachedPeriod").containsExactly(order);
		this.cache.poison(period, Map.of(order.orderNo(), entry));
		this.orders.updateStatus(period, order.orderNo(), Status.PAID);
		this.cache.assertCacheEqualsDatabase(period);
	}

	private static String messages(Throwable failure) {
		List<String> messages = new ArrayList<>();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			messages.add(String.valueOf(cause.getMessage()));
		}
		return String.join("\n", messages);
	}

	private static String period(TestInfo test) {
		return test.getTestMethod().orElseThrow().getName();
	}

	/** A class named by a planted type hint; nothing may ever create one. */
	public static class Planted {

		static final AtomicInteger INSTANCES = new AtomicInteger();

		public Planted() {
			INSTANCES.incrementAndGet();
		}

	}

}
