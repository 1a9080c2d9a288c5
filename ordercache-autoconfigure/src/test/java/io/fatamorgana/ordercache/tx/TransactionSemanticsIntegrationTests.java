package io.fatamorgana.ordercache.tx;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.aop.OrderCacheAdvisor;
import io.fatamorgana.ordercache.test.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.interceptor.TransactionInterceptor;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Proves the transaction semantics of issue 13 (cases 1 to 6 and 8) against a real Redis and H2:
 * every change an annotated method makes reaches Redis when, and only when, the transaction that
 * made it commits (its own for {@code REQUIRES_NEW}, none for {@code NOT_SUPPORTED} and
 * {@code NEVER}), also when the method throws after a commit or runs in an after-commit callback;
 * a load in a transaction that existed before the call is served but not cached; what is cached is
 * the object as the method returned it; a read after a change in the same transaction does not see
 * the cache's older state; and {@link OrderCacheService} follows the caller's transaction. The
 * ordercache advisor runs inside the transaction advisor.
 */
@SpringBootTest(classes = IntegrationTestApplication.class)
@Import({ TxOrders.class, TransactionSemanticsIntegrationTests.AfterCommitEvictions.class })
class TransactionSemanticsIntegrationTests {

	static final String PREFIX = TestRedis.uniquePrefix(TransactionSemanticsIntegrationTests.class);

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
	TxOrders orders;

	@Autowired
	OrderCacheService service;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Autowired
	ApplicationEventPublisher events;

	final RedisCommands<String, String> redis = TestRedis.commands();

	// Advisor order

	@Test
	void theOrdercacheAdvisorRunsInsideTheTransactionAdvisor() {
		List<Advisor> advisors = Arrays.asList(((Advised) this.orders).getAdvisors());
		int transaction = indexOf(advisors, (advisor) -> advisor.getAdvice() instanceof TransactionInterceptor);
		int ordercache = indexOf(advisors, OrderCacheAdvisor.class::isInstance);
		assertThat(transaction).as("the transaction advisor is applied").isNotNegative();
		assertThat(ordercache).as("the ordercache advisor (%s) comes after the transaction advisor, so runs inside it",
				advisors).isGreaterThan(transaction);
	}

	// Case 1: propagation

	@Test
	void requiresNewEvictionIsAppliedWhenItsOwnTransactionCommitsEvenIfTheOuterRollsBack(TestInfo test) {
		String period = period(test);
		cachedRow(period, "ORDER_1");
		transaction(TransactionDefinition.PROPAGATION_REQUIRED).executeWithoutResult((status) -> {
			assertThat(this.orders.deleteInNewTransaction(period, "ORDER_1")).isTrue();
			status.setRollbackOnly();
		});
		assertThat(this.orders.countRows(period, "ORDER_1")).as("the REQUIRES_NEW delete committed").isZero();
		assertThat(cached(period, "ORDER_1")).as("evicted when the REQUIRES_NEW transaction committed").isNull();
	}

	@Test
	void notSupportedEvictionIsAppliedAtOnceNotWhenTheOuterTransactionCommits(TestInfo test) {
		String period = period(test);
		cachedRow(period, "ORDER_1");
		transaction(TransactionDefinition.PROPAGATION_REQUIRED).executeWithoutResult((status) -> {
			assertThat(this.orders.deleteNotSupported(period, "ORDER_1")).isTrue();
			assertThat(cached(period, "ORDER_1")).as("evicted as soon as the NOT_SUPPORTED method returned").isNull();
			status.setRollbackOnly();
		});
		assertThat(this.orders.countRows(period, "ORDER_1")).isZero();
		assertThat(cached(period, "ORDER_1")).as("not undone by the outer rollback").isNull();
	}

	@Test
	void neverEvictionIsAppliedAtOnceAndNotDroppedWhenTheEnclosingScopeRollsBack(TestInfo test) {
		String period = period(test);
		cachedRow(period, "ORDER_1");
		// SUPPORTS without a transaction: synchronization is active, but no transaction exists
		transaction(TransactionDefinition.PROPAGATION_SUPPORTS).executeWithoutResult((status) -> {
			assertThat(this.orders.deleteNever(period, "ORDER_1")).isTrue();
			status.setRollbackOnly();
		});
		assertThat(this.orders.countRows(period, "ORDER_1")).as("the delete ran without a transaction").isZero();
		assertThat(cached(period, "ORDER_1")).as("evicted, there was no transaction to wait for").isNull();
	}

	// Case 2: the method commits, then throws

	@Test
	void evictOrderEvictsWhenTheMethodThrowsACheckedExceptionAndItsTransactionCommits(TestInfo test) {
		String period = period(test);
		cachedRow(period, "ORDER_1");
		assertThatExceptionOfType(TxOrders.OrderRejectedException.class)
			.isThrownBy(() -> this.orders.deleteThenReject(period, "ORDER_1"));
		assertThat(this.orders.countRows(period, "ORDER_1")).as("a checked exception commits").isZero();
		assertThat(cached(period, "ORDER_1")).as("evicted although the method threw").isNull();
	}

	@Test
	void cacheOrderEvictsTheOrderWhenTheMethodThrowsButItsTransactionCommits(TestInfo test) {
		String period = period(test);
		cachedRow(period, "ORDER_1");
		assertThat(cached(period, "ORDER_1")).contains("\"status\":\"pending\"");
		assertThatIllegalStateException()
			.isThrownBy(() -> this.orders.updateStatusThenFail(period, "ORDER_1", "paid"));
		assertThat(this.orders.countRows(period, "ORDER_1")).isOne();
		assertThat(cached(period, "ORDER_1")).as("the committed status is 'paid': the stale entry must be evicted")
			.isNull();
	}

	// Case 3: called from an after-commit callback

	/**
	 * Spring Framework 7 runs {@code AFTER_COMMIT} listeners from {@code afterCompletion}, when the
	 * synchronization is no longer active: this one guards the behaviour rather than reproducing a
	 * loss on today's code (the {@code afterCommit} callback below does).
	 */
	@Test
	void evictionFromATransactionalEventListenerAfterCommitIsApplied(TestInfo test) {
		String period = period(test);
		cachedRow(period, "ORDER_1");
		transaction(TransactionDefinition.PROPAGATION_REQUIRED)
			.executeWithoutResult((status) -> this.events.publishEvent(new OrderClosed(period, "ORDER_1")));
		assertThat(cached(period, "ORDER_1")).as("evicted by the AFTER_COMMIT listener").isNull();
	}

	@Test
	void evictionFromAnAfterCommitSynchronizationIsApplied(TestInfo test) {
		String period = period(test);
		cachedRow(period, "ORDER_1");
		TransactionSynchronization evictAfterCommit = new TransactionSynchronization() {

			@Override
			public void afterCommit() {
				TransactionSemanticsIntegrationTests.this.orders.evict(period, "ORDER_1");
			}

		};
		transaction(TransactionDefinition.PROPAGATION_REQUIRED).executeWithoutResult(
				(status) -> TransactionSynchronizationManager.registerSynchronization(evictAfterCommit));
		assertThat(cached(period, "ORDER_1")).as("evicted by the afterCommit callback").isNull();
	}

	// Case 4: a load in a transaction that already read

	@Test
	void cachedOrderLoadedInARepeatableReadTransactionThatAlreadyReadIsNotCached(TestInfo test) throws Exception {
		String period = period(test);
		this.orders.insert(TestOrder.of(period, "ORDER_1"));
		TransactionTemplate repeatableRead = transaction(TransactionDefinition.PROPAGATION_REQUIRED);
		repeatableRead.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
		repeatableRead.executeWithoutResult((status) -> {
			assertThat(this.orders.countRows(period)).as("the snapshot is fixed by this read").isOne();
			deleteInAnotherThread(period, "ORDER_1");
			assertThat(this.orders.find(period, "ORDER_1")).as("the snapshot still shows the deleted row").isPresent();
		});
		assertThat(this.orders.countRows(period, "ORDER_1")).isZero();
		assertThat(cached(period, "ORDER_1")).as("a row deleted (and evicted) before the load must not be cached")
			.isNull();
	}

	@Test
	void cachedPeriodLoadedInARepeatableReadTransactionThatAlreadyReadIsNotCached(TestInfo test) throws Exception {
		String period = period(test);
		this.orders.insert(TestOrder.of(period, "ORDER_1"));
		this.orders.insert(TestOrder.of(period, "ORDER_2"));
		TransactionTemplate repeatableRead = transaction(TransactionDefinition.PROPAGATION_REQUIRED);
		repeatableRead.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
		repeatableRead.executeWithoutResult((status) -> {
			assertThat(this.orders.countRows(period)).as("the snapshot is fixed by this read").isEqualTo(2);
			deleteInAnotherThread(period, "ORDER_1");
			assertThat(this.orders.findPeriod(period)).as("the snapshot still shows the deleted row").hasSize(2);
		});
		assertThat(cached(period, "ORDER_1")).as("a row deleted (and evicted) before the load must not be cached")
			.isNull();
		assertThat(this.service.isPeriodComplete(period)).isFalse();
	}

	@Test
	void cachedOrderServedFromThePersistenceContextOfAnEarlierReadIsNotCached(TestInfo test) throws Exception {
		String period = period(test);
		this.orders.insert(TestOrder.of(period, "ORDER_1"));
		transaction(TransactionDefinition.PROPAGATION_REQUIRED).executeWithoutResult((status) -> {
			this.orders.readIntoContext(period, "ORDER_1");
			deleteInAnotherThread(period, "ORDER_1");
			assertThat(this.orders.findInContext(period, "ORDER_1")).as("the entity the context holds").isPresent();
		});
		assertThat(this.orders.countRows(period, "ORDER_1")).isZero();
		assertThat(cached(period, "ORDER_1")).as("a row deleted (and evicted) before the load must not be cached")
			.isNull();
	}

	// Case 5: what is cached is the object as the method returned it

	@Test
	void loadedOrderIsCachedAsTheMethodReturnedItNotAsTheCallerChangedItAfterwards(TestInfo test) {
		String period = period(test);
		this.orders.insert(TestOrder.of(period, "ORDER_1"));
		// a transaction scope without a transaction: the load is cacheable, the caller goes on
		transaction(TransactionDefinition.PROPAGATION_SUPPORTS).executeWithoutResult((status) -> {
			TestOrder loaded = this.orders.find(period, "ORDER_1").orElseThrow();
			loaded.setUid("***");
		});
		assertThat(cached(period, "ORDER_1")).as("cached as loaded, not as masked by the caller")
			.contains("\"uid\":\"user123\"")
			.doesNotContain("***");
	}

	@Test
	void cacheOrderCachesTheOrderAsTheMethodReturnedItNotAsTheCallerChangedItBeforeCommit(TestInfo test) {
		String period = period(test);
		transaction(TransactionDefinition.PROPAGATION_REQUIRED).executeWithoutResult((status) -> {
			TestOrder created = this.orders.create(TestOrder.of(period, "ORDER_1"));
			created.setUid("***");
		});
		assertThat(cached(period, "ORDER_1")).as("cached as created, not as masked by the caller")
			.contains("\"uid\":\"user123\"")
			.doesNotContain("***");
	}

	// Case 6: a read after a change in the same transaction

	@Test
	void cachedOrderAfterAnEvictionInTheSameTransactionDoesNotReturnTheEvictedOrder(TestInfo test) {
		String period = period(test);
		cachedRow(period, "ORDER_1");
		transaction(TransactionDefinition.PROPAGATION_REQUIRED).executeWithoutResult((status) -> {
			assertThat(this.orders.delete(period, "ORDER_1")).isTrue();
			assertThat(this.orders.find(period, "ORDER_1")).as("deleted in this transaction").isEmpty();
		});
		assertThat(cached(period, "ORDER_1")).isNull();
	}

	@Test
	void cachedOrderAfterAWriteInTheSameTransactionReturnsTheWrittenState(TestInfo test) {
		String period = period(test);
		cachedRow(period, "ORDER_1");
		transaction(TransactionDefinition.PROPAGATION_REQUIRED).executeWithoutResult((status) -> {
			this.orders.updateStatus(period, "ORDER_1", "paid");
			assertThat(this.orders.find(period, "ORDER_1")).as("updated in this transaction")
				.get()
				.extracting(TestOrder::getStatus)
				.isEqualTo("paid");
		});
		assertThat(cached(period, "ORDER_1")).contains("\"status\":\"paid\"");
	}

	@Test
	void cachedPeriodAfterAnEvictionInTheSameTransactionDoesNotReturnTheEvictedOrder(TestInfo test) {
		String period = period(test);
		this.orders.insert(TestOrder.of(period, "ORDER_1"));
		this.orders.insert(TestOrder.of(period, "ORDER_2"));
		assertThat(this.orders.findPeriod(period)).hasSize(2);
		assertThat(this.service.isPeriodComplete(period)).as("the period is cached whole").isTrue();
		transaction(TransactionDefinition.PROPAGATION_REQUIRED).executeWithoutResult((status) -> {
			assertThat(this.orders.delete(period, "ORDER_1")).isTrue();
			assertThat(this.orders.findPeriod(period)).as("ORDER_1 was deleted in this transaction")
				.extracting(TestOrder::getOrderNo)
				.containsExactly("ORDER_2");
		});
		assertThat(cached(period, "ORDER_1")).isNull();
	}

	// Case 8: OrderCacheService inside a transaction

	@Test
	void serviceCacheOrderInsideATransactionThatRollsBackCachesNothing(TestInfo test) {
		String period = period(test);
		transaction(TransactionDefinition.PROPAGATION_REQUIRED).executeWithoutResult((status) -> {
			this.orders.insert(TestOrder.of(period, "ORDER_1"));
			this.service.cacheOrder(TestOrder.of(period, "ORDER_1"));
			status.setRollbackOnly();
		});
		assertThat(this.orders.countRows(period, "ORDER_1")).as("the insert rolled back").isZero();
		assertThat(cached(period, "ORDER_1")).as("an order that never committed is not cached").isNull();
	}

	@Test
	void serviceDeleteOrderInsideATransactionEvictsOnlyAfterCommit(TestInfo test) {
		String period = period(test);
		cachedRow(period, "ORDER_1");
		transaction(TransactionDefinition.PROPAGATION_REQUIRED).executeWithoutResult((status) -> {
			this.service.deleteOrder(period, "ORDER_1");
			assertThat(cached(period, "ORDER_1")).as("still cached before commit").isNotNull();
		});
		assertThat(cached(period, "ORDER_1")).as("evicted after commit").isNull();
	}

	/** Inserts a row and caches it outside any transaction. */
	private void cachedRow(String period, String orderNo) {
		TestOrder order = TestOrder.of(period, orderNo);
		this.orders.insert(order);
		this.service.cacheOrder(order);
		assertThat(cached(period, orderNo)).as("cached to begin with").isNotNull();
	}

	/** Deletes through {@code @EvictOrder} in another thread and transaction, and waits for it. */
	private void deleteInAnotherThread(String period, String orderNo) {
		ExecutorService thread = Executors.newSingleThreadExecutor();
		try {
			assertThat(CompletableFuture.supplyAsync(() -> this.orders.delete(period, orderNo), thread)
				.get(10, TimeUnit.SECONDS)).isTrue();
		}
		catch (Exception ex) {
			throw new IllegalStateException("the concurrent delete did not complete", ex);
		}
		finally {
			thread.shutdownNow();
		}
		assertThat(cached(period, orderNo)).as("the concurrent delete's eviction completed").isNull();
	}

	private TransactionTemplate transaction(int propagation) {
		TransactionTemplate template = new TransactionTemplate(this.transactionManager);
		template.setPropagationBehavior(propagation);
		return template;
	}

	private @Nullable String cached(String period, String orderNo) {
		return this.redis.hget(PREFIX + period, orderNo);
	}

	private static int indexOf(List<Advisor> advisors, Predicate<Advisor> advisor) {
		for (int i = 0; i < advisors.size(); i++) {
			if (advisor.test(advisors.get(i))) {
				return i;
			}
		}
		return -1;
	}

	private static String period(TestInfo test) {
		return test.getTestMethod().orElseThrow().getName();
	}

	/**
	 * An event published inside a transaction.
	 * @param period the period
	 * @param orderNo the order
	 */
	record OrderClosed(String period, String orderNo) {
	}

	/**
	 * Evicts after commit, as a user's listener would.
	 */
	static class AfterCommitEvictions {

		private final TxOrders orders;

		AfterCommitEvictions(TxOrders orders) {
			this.orders = orders;
		}

		@TransactionalEventListener
		void closed(OrderClosed event) {
			this.orders.evict(event.period(), event.orderNo());
		}

	}

}
