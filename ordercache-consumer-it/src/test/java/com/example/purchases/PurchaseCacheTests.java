package com.example.purchases;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.test.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Redis holds after the purchase service's calls commit or roll back, and that a read of a
 * cached purchase does not reach the database. Redis is the tests' shared one; every purchase of
 * this class is in a sales period of its own, under the key prefix of application.yml.
 */
@SpringBootTest(properties = "spring.jpa.properties.hibernate.session_factory.statement_inspector"
		+ "=com.example.purchases.SqlStatements")
class PurchaseCacheTests {

	/** application.yml's {@code ordercache.key-prefix}. */
	private static final String KEY_PREFIX = "purchases_";

	/** This run's periods start with it, so that their keys are this run's only. */
	private static final String RUN = "it" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));

	private static final TestDatabase database = TestDatabase.pick();

	private static final RedisCommands<String, String> redis = TestRedis.commands();

	@Autowired
	private PurchaseService purchases;

	@Autowired
	private PurchaseRepository repository;

	@Autowired
	private OrderCacheService cache;

	@Autowired
	private PlatformTransactionManager transactionManager;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		database.register(registry);
		registry.add("spring.data.redis.url", TestRedis::url);
	}

	@AfterAll
	static void cleanUp() {
		TestRedis.deleteKeys(KEY_PREFIX + RUN);
		database.drop();
	}

	@Test
	void afterCommitThePurchaseIsInItsPeriodsHashWithTheTtlOfApplicationYml() {
		String period = RUN + "_2026-11";
		TransactionTemplate transaction = new TransactionTemplate(this.transactionManager);
		Purchase created = transaction.execute((status) -> {
			Purchase purchase = this.purchases.create(period, "alice", new BigDecimal("12.50"));
			assertThat(redis.hget(KEY_PREFIX + period, purchase.getPurchaseId())).as("before the commit").isNull();
			return purchase;
		});

		assertThat(redis.hget(KEY_PREFIX + period, created.getPurchaseId())).as("after the commit")
			.contains("\"purchase_id\":\"" + created.getPurchaseId() + "\"", "\"sales_period\":\"" + period + "\"",
					"\"buyer\":\"alice\"", "\"amount\":12.50", "\"status\":\"NEW\"", "\"version\":0");
		// ordercache.ttl is 2h; each write takes up to ttl-jitter (5 %) off it.
		assertThat(redis.pttl(KEY_PREFIX + period)).isBetween(Duration.ofMinutes(113).toMillis(),
				Duration.ofHours(2).toMillis());
	}

	@Test
	void aCommittedUpdateReplacesTheCachedCopyWithTheNewVersion() {
		String period = RUN + "_2026-10";
		Purchase created = this.purchases.create(period, "alice", new BigDecimal("12.50"));
		this.purchases.changeStatus(created.getPurchaseId(), "PAID");
		// A plain save(): the @Version is set by the flush at commit, after the method returned; the
		// cache writes the entity as committed, so its copy never names an older version than the row.
		assertThat(redis.hget(KEY_PREFIX + period, created.getPurchaseId())).contains("\"status\":\"PAID\"",
				"\"version\":1");
		this.purchases.changeStatus(created.getPurchaseId(), "SHIPPED");
		assertThat(redis.hget(KEY_PREFIX + period, created.getPurchaseId())).contains("\"status\":\"SHIPPED\"",
				"\"version\":2");
		assertThat(this.purchases.find(period, created.getPurchaseId())).get()
			.extracting(Purchase::getStatus, Purchase::getVersion).containsExactly("SHIPPED", 2L);
	}

	@Test
	void aBatchOfEntitiesChangedInATransactionIsCachedAsCommitted() {
		String period = RUN + "_2026-11";
		Purchase first = this.purchases.create(period, "dave", new BigDecimal("1.00"));
		Purchase second = this.purchases.create(period, "erin", new BigDecimal("2.00"));
		new TransactionTemplate(this.transactionManager).executeWithoutResult((status) -> {
			List<Purchase> changed = new ArrayList<>();
			for (Purchase purchase : List.of(first, second)) {
				Purchase loaded = this.repository.findById(purchase.getPurchaseId()).orElseThrow();
				loaded.setStatus("PAID");
				// A plain save(): the flush at commit sets the @Version, after batchCacheOrders returned.
				changed.add(this.repository.save(loaded));
			}
			this.cache.batchCacheOrders(changed);
		});
		for (Purchase purchase : List.of(first, second)) {
			assertThat(redis.hget(KEY_PREFIX + period, purchase.getPurchaseId())).as(purchase.getBuyer())
				.contains("\"status\":\"PAID\"", "\"version\":1");
		}
	}

	@Test
	void aRollbackCachesNothingAndLeavesTheCachedCopyAsItWas() {
		String period = RUN + "_2026-12";
		Purchase kept = this.purchases.create(period, "bob", new BigDecimal("20.00"));
		String cachedCopy = redis.hget(KEY_PREFIX + period, kept.getPurchaseId());
		assertThat(cachedCopy).contains("\"status\":\"NEW\"");

		TransactionTemplate transaction = new TransactionTemplate(this.transactionManager);
		String rolledBack = transaction.execute((status) -> {
			Purchase other = this.purchases.create(period, "carol", new BigDecimal("5.00"));
			this.purchases.changeStatus(kept.getPurchaseId(), "PAID");
			status.setRollbackOnly();
			return other.getPurchaseId();
		});

		assertThat(this.repository.findById(rolledBack)).isEmpty();
		assertThat(redis.hget(KEY_PREFIX + period, rolledBack)).isNull();
		assertThat(this.repository.findById(kept.getPurchaseId())).map(Purchase::getStatus).hasValue("NEW");
		assertThat(redis.hget(KEY_PREFIX + period, kept.getPurchaseId())).isEqualTo(cachedCopy);
	}

	@Test
	void aReadOfACachedPurchaseDoesNotReachTheDatabase() {
		String period = RUN + "_2027-01";
		Purchase created = this.purchases.create(period, "dave", new BigDecimal("7.25"));

		SqlStatements.reset();
		Optional<Purchase> read = this.purchases.find(period, created.getPurchaseId());
		assertThat(read).map(Purchase::getBuyer).hasValue("dave");
		assertThat(read).map(Purchase::getAmount).hasValue(new BigDecimal("7.25"));
		assertThat(SqlStatements.count()).as("statements of a read after the commit").isZero();

		// Evicted, the next read goes to the database and caches what it read; the one after is a hit.
		this.cache.deleteOrder(period, created.getPurchaseId());
		SqlStatements.reset();
		assertThat(this.purchases.find(period, created.getPurchaseId())).isPresent();
		assertThat(SqlStatements.count()).as("statements of a read that missed").isPositive();
		SqlStatements.reset();
		assertThat(this.purchases.find(period, created.getPurchaseId())).map(Purchase::getBuyer).hasValue("dave");
		assertThat(SqlStatements.count()).as("statements of the read after it").isZero();
	}

}
