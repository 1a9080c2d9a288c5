package io.fatamorgana.ordercache.aop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.fatamorgana.ordercache.CacheStatistics;
import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.test.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Every annotation path against a real Redis, with commit and rollback on a real database (H2).
 */
@SpringBootTest(classes = IntegrationTestApplication.class)
@Import(AnnotatedOrders.class)
class AnnotationIntegrationTests {

	static final String PREFIX = TestRedis.uniquePrefix(AnnotationIntegrationTests.class);

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
	AnnotatedOrders orders;

	@Autowired
	OrderCacheService service;

	@Autowired
	TransactionTemplate transaction;

	final RedisCommands<String, String> redis = TestRedis.commands();

	@Test
	void theServiceIsProxied() {
		assertThat(AopUtils.isAopProxy(this.orders)).isTrue();
	}

	@Test
	void cacheOrderCachesTheReturnedOrderWithTtl(TestInfo test) {
		String period = period(test);
		this.orders.create(TestOrder.of(period, "ORDER_1"));
		assertThat(this.redis.hget(PREFIX + period, "ORDER_1")).contains("\"order_no\":\"ORDER_1\"");
		assertThat(this.redis.ttl(PREFIX + period)).isBetween(1L, 86_400L);
	}

	@Test
	void cacheOrderUnwrapsOptionalAndIgnoresEmpty(TestInfo test) {
		String period = period(test);
		this.orders.save(TestOrder.of(period, "ORDER_1"));
		this.orders.updateStatus(period, "ORDER_1", "paid");
		assertThat(this.redis.hget(PREFIX + period, "ORDER_1")).contains("\"status\":\"paid\"");
		assertThat(this.orders.updateStatus(period, "MISSING", "paid")).isEmpty();
		assertThat(this.redis.hexists(PREFIX + period, "MISSING")).isFalse();
	}

	@Test
	void cacheOrderTakesAnArgumentAndAnExplicitIdentityOnlyIfTheOrderAgrees(TestInfo test) {
		String period = period(test);
		this.orders.save(TestOrder.of(period, "ORDER_1"));
		assertThat(this.orders.copyInto(period + "_copies", TestOrder.of(period, "ORDER_2")).getOrderNo())
			.isEqualTo("ORDER_2");
		assertThat(orderFields(period)).containsExactly("ORDER_1");
		assertThat(orderFields(period + "_copies"))
			.as("an order cached under another identity would be served as another order").isEmpty();
	}

	@Test
	void aMethodThatThrowsCachesNothing(TestInfo test) {
		String period = period(test);
		assertThatIllegalStateException().isThrownBy(() -> this.orders.failing(TestOrder.of(period, "ORDER_1")))
			.withMessage("order service failed");
		assertThat(this.redis.exists(PREFIX + period)).isZero();
	}

	@Test
	void evictOrderRemovesOneOrderByKeysOrByOrder(TestInfo test) {
		String period = period(test);
		this.orders.save(TestOrder.of(period, "A"));
		this.orders.save(TestOrder.of(period, "B"));
		this.orders.save(TestOrder.of(period, "C"));
		assertThat(this.orders.delete(period, "A")).isTrue();
		this.orders.remove(TestOrder.of(period, "B"));
		assertThat(orderFields(period)).containsExactly("C");
	}

	@Test
	void evictOrderAllInPeriodRemovesTheHash(TestInfo test) {
		String period = period(test);
		this.orders.save(TestOrder.of(period, "A"));
		this.orders.closePeriod(period);
		assertThat(orderFields(period)).isEmpty();
		assertThat(this.redis.hkeys(PREFIX + period)).as("only bookkeeping stays: the epoch, the tombstones").contains("!e")
			.allMatch((field) -> field.startsWith("!"));
	}

	@Test
	void cachedOrderLoadsOnMissAndAnswersHitsWithoutCallingTheMethod(TestInfo test) {
		String period = period(test);
		TestOrder order = TestOrder.of(period, "ORDER_1");
		this.orders.put(order);
		int loads = this.orders.loads();
		assertThat(this.orders.find(period, "ORDER_1")).get().usingRecursiveComparison().isEqualTo(order);
		assertThat(this.orders.loads()).isEqualTo(loads + 1);
		assertThat(this.redis.hexists(PREFIX + period, "ORDER_1")).isTrue();
		assertThat(this.orders.find(period, "ORDER_1")).get().usingRecursiveComparison().isEqualTo(order);
		assertThat(this.orders.get(period, "ORDER_1")).usingRecursiveComparison().isEqualTo(order);
		assertThat(this.orders.loads()).as("hits do not call the method").isEqualTo(loads + 1);
	}

	@Test
	void cachedOrderDoesNotCacheAbsentOrders(TestInfo test) {
		String period = period(test);
		int loads = this.orders.loads();
		assertThat(this.orders.find(period, "NONE")).isEmpty();
		assertThat(this.orders.get(period, "NONE")).isNull();
		assertThat(this.orders.find(period, "NONE")).isEmpty();
		assertThat(this.orders.loads()).isEqualTo(loads + 3);
		assertThat(this.redis.exists(PREFIX + period)).isZero();
	}

	@Test
	void cachedOrderServesCachedOrdersWrittenByTheService(TestInfo test) {
		String period = period(test);
		this.service.cacheOrder(TestOrder.of(period, "ORDER_1").withStatus("paid"));
		int loads = this.orders.loads();
		assertThat(this.orders.find(period, "ORDER_1")).get().extracting(TestOrder::getStatus).isEqualTo("paid");
		assertThat(this.orders.loads()).isEqualTo(loads);
	}

	@Test
	void cachedOrderTreatsAnUnreadableEntryAsMissAndRepairsIt(TestInfo test) {
		String period = period(test);
		this.orders.put(TestOrder.of(period, "ORDER_1"));
		this.redis.hset(PREFIX + period, "ORDER_1", "{\"amount\": \"not a number\"");
		assertThat(this.orders.find(period, "ORDER_1")).isPresent();
		assertThat(this.redis.hget(PREFIX + period, "ORDER_1")).contains("\"amount\":100.00");
	}

	@Test
	void invalidKeysOnAnnotatedMethodsSkipTheCacheNotTheMethod(TestInfo test) {
		CacheStatistics before = this.service.statistics();
		TestOrder bad = TestOrder.of("bad period*", "ORDER_1");
		assertThat(this.orders.create(bad)).isSameAs(bad);
		assertThat(this.orders.countRows("bad period*", "ORDER_1")).isEqualTo(1);
		this.orders.put(TestOrder.of("bad period*", "ORDER_2"));
		assertThat(this.orders.find("bad period*", "ORDER_2")).isPresent();
		assertThat(this.orders.delete("bad period*", "ORDER_2")).isTrue();
		assertThat(TestRedis.keys(PREFIX + "bad")).isEmpty();
		assertThat(this.service.statistics().failures() - before.failures())
			.as("create, read (so the loaded order is not cached), evict").isEqualTo(3);
	}

	@Test
	void writesInsideATransactionWaitForCommit(TestInfo test) {
		String period = period(test);
		this.transaction.executeWithoutResult((status) -> {
			this.orders.create(TestOrder.of(period, "ORDER_TX"));
			assertThat(this.redis.exists(PREFIX + period)).as("not before commit").isZero();
		});
		assertThat(this.redis.hexists(PREFIX + period, "ORDER_TX")).isTrue();
	}

	@Test
	void rollbackCachesNothing(TestInfo test) {
		String period = period(test);
		this.transaction.executeWithoutResult((status) -> {
			this.orders.create(TestOrder.of(period, "ORDER_RB"));
			status.setRollbackOnly();
		});
		assertThat(this.orders.countRows(period, "ORDER_RB")).isZero();
		assertThat(this.redis.exists(PREFIX + period)).isZero();
	}

	@Test
	void aTransactionalMethodThatThrowsRollsBackAndCachesNothing(TestInfo test) {
		String period = period(test);
		assertThatIllegalStateException()
			.isThrownBy(() -> this.orders.createThenFail(TestOrder.of(period, "ORDER_FAIL")));
		assertThat(this.orders.countRows(period, "ORDER_FAIL")).isZero();
		assertThat(this.redis.exists(PREFIX + period)).isZero();
	}

	@Test
	void evictionsWaitForCommitAndAreDroppedOnRollback(TestInfo test) {
		String period = period(test);
		this.orders.create(TestOrder.of(period, "ORDER_1"));
		this.transaction.executeWithoutResult((status) -> {
			this.orders.delete(period, "ORDER_1");
			status.setRollbackOnly();
		});
		assertThat(this.orders.countRows(period, "ORDER_1")).isEqualTo(1);
		assertThat(this.redis.hexists(PREFIX + period, "ORDER_1")).as("kept on rollback").isTrue();
		this.transaction.executeWithoutResult((status) -> {
			this.orders.delete(period, "ORDER_1");
			assertThat(this.redis.hexists(PREFIX + period, "ORDER_1")).as("kept until commit").isTrue();
		});
		assertThat(this.redis.hexists(PREFIX + period, "ORDER_1")).isFalse();
	}

	@Test
	void readThroughInsideAnExistingTransactionIsServedButNotCached(TestInfo test) {
		String period = period(test);
		this.orders.put(TestOrder.of(period, "ORDER_1"));
		this.transaction.executeWithoutResult((status) -> {
			assertThat(this.orders.find(period, "ORDER_1")).isPresent();
			assertThat(this.redis.exists(PREFIX + period)).as("nothing before commit").isZero();
		});
		assertThat(this.redis.exists(PREFIX + period))
			.as("the transaction may have read before the load token: its load is not cached").isZero();
	}

	@Test
	void readThroughInItsOwnTransactionCachesAfterCommitOnly(TestInfo test) {
		String period = period(test);
		this.orders.put(TestOrder.of(period, "ORDER_1"));
		assertThat(this.orders.findInOwnTransaction(period, "ORDER_1", true)).isPresent();
		assertThat(this.redis.exists(PREFIX + period)).as("rolled back: nothing cached").isZero();
		assertThat(this.orders.findInOwnTransaction(period, "ORDER_1", false)).isPresent();
		assertThat(this.redis.hexists(PREFIX + period, "ORDER_1")).isTrue();
	}

	@Test
	void optionalHitsAreReturnedAsOptional(TestInfo test) {
		String period = period(test);
		this.service.cacheOrder(TestOrder.of(period, "ORDER_1"));
		Optional<TestOrder> hit = this.orders.find(period, "ORDER_1");
		assertThat(hit).isPresent();
	}

	@Test
	void cachedPeriodServesOnlyACompletePeriodAndLoadsItOtherwise(TestInfo test) {
		String period = period(test);
		this.orders.put(TestOrder.of(period, "A"));
		this.orders.put(TestOrder.of(period, "B"));
		int loads = this.orders.periodLoads();
		assertThat(this.orders.findPeriod(period)).extracting(TestOrder::getOrderNo).containsExactlyInAnyOrder("A", "B");
		assertThat(this.orders.findPeriod(period)).extracting(TestOrder::getOrderNo).containsExactlyInAnyOrder("A", "B");
		assertThat(this.orders.periodLoads()).as("the second read is served from the complete hash").isEqualTo(loads + 1);
		this.orders.create(TestOrder.of(period, "C"));
		assertThat(this.orders.findPeriod(period)).extracting(TestOrder::getOrderNo)
			.containsExactlyInAnyOrder("A", "B", "C");
		assertThat(this.orders.periodLoads()).as("a cached create keeps the period complete").isEqualTo(loads + 1);
		this.orders.delete(period, "A");
		assertThat(this.orders.findPeriod(period)).extracting(TestOrder::getOrderNo).containsExactlyInAnyOrder("B", "C");
		assertThat(this.orders.periodLoads()).as("an eviction makes it incomplete").isEqualTo(loads + 2);
		assertThat(this.orders.findPeriod(period)).hasSize(2);
		assertThat(this.orders.periodLoads()).isEqualTo(loads + 2);
	}

	@Test
	void cachedPeriodDoesNotServeAPeriodFilledOrderByOrder(TestInfo test) {
		String period = period(test);
		this.orders.save(TestOrder.of(period, "A"));
		this.orders.put(TestOrder.of(period, "B"));
		int loads = this.orders.periodLoads();
		assertThat(this.orders.findPeriod(period)).extracting(TestOrder::getOrderNo).containsExactlyInAnyOrder("A", "B");
		assertThat(this.orders.periodLoads()).isEqualTo(loads + 1);
	}

	@Test
	void concurrentMissesOfTheSameCallLoadOnce(TestInfo test) throws Exception {
		String period = period(test);
		this.orders.put(TestOrder.of(period, "A"));
		CountDownLatch release = new CountDownLatch(1);
		int loads = this.orders.loads();
		ExecutorService threads = Executors.newFixedThreadPool(8);
		try {
			List<Future<Optional<TestOrder>>> results = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				results.add(threads.submit(() -> this.orders.findSlowly(period, "A", release)));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> this.orders.loads() == loads + 1);
			await().atMost(Duration.ofSeconds(10)).until(() -> waitingLoaders() == 8);
			release.countDown();
			for (Future<Optional<TestOrder>> result : results) {
				assertThat(result.get(10, TimeUnit.SECONDS)).get().extracting(TestOrder::getOrderNo).isEqualTo("A");
			}
			assertThat(this.orders.loads()).isEqualTo(loads + 1);
		}
		finally {
			threads.shutdownNow();
		}
	}

	private static long waitingLoaders() {
		return Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.getState() == Thread.State.WAITING || thread.getState() == Thread.State.TIMED_WAITING)
			.filter((thread) -> Arrays.stream(thread.getStackTrace())
				.anyMatch((frame) -> frame.getMethodName().equals("findSlowly") || frame.getMethodName().equals("loadOnce")))
			.count();
	}

	private List<String> orderFields(String period) {
		return this.redis.hkeys(PREFIX + period).stream().filter((field) -> !field.startsWith("!")).toList();
	}

	private static String period(TestInfo test) {
		return test.getTestMethod().orElseThrow().getName();
	}

}
