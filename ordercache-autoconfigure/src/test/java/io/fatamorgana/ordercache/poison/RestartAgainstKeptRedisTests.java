package io.fatamorgana.ordercache.poison;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.poison.PoisonOrder.Status;
import io.fatamorgana.ordercache.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application restarts on an empty in-memory database against a Redis that kept its data: the
 * new database assigns the same order numbers again, with lower versions. The first write of each
 * order number replaces the previous run's copy, so that reads answer the new rows and the hash
 * becomes the database after at most one write or load; the previous run's orders are never served
 * again (issue 14, item 2, with item 3 for the order the new run has not created yet).
 */
@SpringBootTest(classes = IntegrationTestApplication.class,
		properties = { "ordercache.consistency.tombstone-ttl=2s", "ordercache.failure-log-interval=0s" })
@Import(PoisonOrders.class)
class RestartAgainstKeptRedisTests {

	static final String PREFIX = TestRedis.uniquePrefix(RestartAgainstKeptRedisTests.class);

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

	CacheAndDatabase cache;

	@BeforeEach
	void compare() {
		this.cache = new CacheAndDatabase(PREFIX, this.orders);
	}

	@Test
	void afterARestartOnAnEmptyDatabaseReadsAnswerTheNewRowsNeverThePreviousRunsOrders(TestInfo test) {
		String period = test.getTestMethod().orElseThrow().getName();
		this.orders.create(PoisonOrder.of(period, "ORDER_1", "u101", Status.PENDING, 1));
		this.orders.updateStatus(period, "ORDER_1", Status.PAID);
		this.orders.updateStatus(period, "ORDER_1", Status.CANCELLED);
		this.orders.create(PoisonOrder.of(period, "ORDER_2", "u102", Status.PENDING, 1));
		this.orders.updateStatus(period, "ORDER_2", Status.PAID);
		this.orders.create(PoisonOrder.of(period, "ORDER_3", "u103", Status.PAID, 1));
		assertThat(this.orders.findPeriod(period)).hasSize(3);
		assertThat(this.service.isPeriodComplete(period)).as("setup: the previous run read the whole period")
			.isTrue();
		Map<String, PoisonOrder> previousRun = this.cache.database(period);
		assertThat(this.cache.cached(period)).as("setup: the previous run's cache").isEqualTo(previousRun);

		this.orders.wipe();
		PoisonOrder first = this.orders.create(PoisonOrder.of(period, "ORDER_1", "u201", Status.PENDING, 1));
		PoisonOrder second = this.orders.create(PoisonOrder.of(period, "ORDER_2", "u202", Status.PENDING, 1));
		this.cache.assertCachedCopyAgreesWithDatabase(period, "ORDER_1");
		this.cache.assertCachedCopyAgreesWithDatabase(period, "ORDER_2");

		List<PoisonOrder> served = new ArrayList<>();
		served.add(this.orders.find(period, "ORDER_1").orElseThrow());
		served.add(this.orders.find(period, "ORDER_2").orElseThrow());
		assertThat(served).containsExactly(first, second);
		Optional<PoisonOrder> single = this.service.getOrder(period, "ORDER_1", PoisonOrder.class);
		single.ifPresent(served::add);
		this.cache.assertMissOrDatabase("getOrder", single, period, "ORDER_1");
		this.cache.assertCompleteOnlyIfDatabase("getCompletePeriod",
				this.service.getCompletePeriod(period, PoisonOrder.class), period);
		List<PoisonOrder> period1 = this.orders.findPeriod(period);
		served.addAll(period1);
		assertThat(period1).as("@CachedPeriod").containsExactlyInAnyOrder(first, second);
		this.cache.assertCacheEqualsDatabase(period);
		List<PoisonOrder> cachedPeriod = this.service.getOrdersByPeriod(period, PoisonOrder.class);
		served.addAll(cachedPeriod);
		this.cache.assertOnlyDatabaseRows("getOrdersByPeriod after the period load", cachedPeriod, period);

		PoisonOrder third = this.orders.create(PoisonOrder.of(period, "ORDER_3", "u203", Status.PENDING, 1));
		served.add(this.orders.find(period, "ORDER_3").orElseThrow());
		assertThat(served).last().isEqualTo(third);
		served.addAll(this.orders.findPeriod(period));
		this.cache.assertCacheEqualsDatabase(period);
		assertThat(served).as("everything read after the restart").doesNotContainAnyElementsOf(previousRun.values());
	}

	@Test
	void afterARestartTheNewRunsChangeOfAnOrderReplacesThePreviousRunsNewerCopy(TestInfo test) {
		String period = test.getTestMethod().orElseThrow().getName();
		this.orders.create(PoisonOrder.of(period, "ORDER_1", "u101", Status.PENDING, 1));
		for (int i = 0; i < 4; i++) {
			this.orders.updateStatus(period, "ORDER_1", (i % 2 == 0) ? Status.PAID : Status.PENDING);
		}
		Collection<PoisonOrder> previousRun = this.cache.database(period).values();

		this.orders.wipe();
		this.orders.insert(PoisonOrder.of(period, "ORDER_1", "u201", Status.PENDING, 1));
		PoisonOrder changed = this.orders.updateStatus(period, "ORDER_1", Status.CANCELLED).orElseThrow();
		this.cache.assertCacheAgreesWithDatabase(period);
		assertThat(this.orders.find(period, "ORDER_1")).contains(changed);
		this.cache.assertCacheEqualsDatabase(period);
		assertThat(this.orders.findPeriod(period)).containsExactly(changed)
			.doesNotContainAnyElementsOf(previousRun);
	}

}
