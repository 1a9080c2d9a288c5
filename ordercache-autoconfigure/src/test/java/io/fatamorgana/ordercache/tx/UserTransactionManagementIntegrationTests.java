package io.fatamorgana.ordercache.tx;

import java.util.Arrays;
import java.util.List;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.aop.OrderCacheAdvisor;
import io.fatamorgana.ordercache.test.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.interceptor.TransactionInterceptor;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves that the ordercache advisor still runs inside the transaction advisor when the
 * application declares its own {@code @EnableTransactionManagement} instead of relying on Spring
 * Boot's: a {@code REQUIRES_NEW} eviction is applied when its own transaction commits, although the
 * outer transaction rolls back.
 */
@SpringBootTest(classes = IntegrationTestApplication.class)
@Import(UserTransactionManagementIntegrationTests.UserTransactionConfiguration.class)
class UserTransactionManagementIntegrationTests {

	static final String PREFIX = TestRedis.uniquePrefix(UserTransactionManagementIntegrationTests.class);

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
	TransactionTemplate transaction;

	final RedisCommands<String, String> redis = TestRedis.commands();

	@Test
	void theOrdercacheAdvisorRunsInsideTheApplicationsTransactionAdvisor() {
		List<Advisor> advisors = Arrays.asList(((Advised) this.orders).getAdvisors());
		List<String> kinds = advisors.stream()
			.map((advisor) -> (advisor instanceof OrderCacheAdvisor) ? "ordercache"
					: (advisor.getAdvice() instanceof TransactionInterceptor) ? "transaction" : "other")
			.filter((kind) -> !kind.equals("other"))
			.toList();
		assertThat(kinds).as("outermost first").containsExactly("transaction", "ordercache");
	}

	@Test
	void requiresNewEvictionIsAppliedWhenItsOwnTransactionCommitsEvenIfTheOuterRollsBack() {
		String period = "requiresNewEviction";
		TestOrder order = TestOrder.of(period, "ORDER_1");
		this.orders.insert(order);
		this.service.cacheOrder(order);
		assertThat(this.redis.hget(PREFIX + period, "ORDER_1")).isNotNull();
		this.transaction.executeWithoutResult((status) -> {
			assertThat(this.orders.deleteInNewTransaction(period, "ORDER_1")).isTrue();
			status.setRollbackOnly();
		});
		assertThat(this.orders.countRows(period, "ORDER_1")).as("the REQUIRES_NEW delete committed").isZero();
		assertThat(this.redis.hget(PREFIX + period, "ORDER_1"))
			.as("evicted when the REQUIRES_NEW transaction committed")
			.isNull();
	}

	/**
	 * The application's own transaction management, as many applications declare it.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	@Import(TxOrders.class)
	static class UserTransactionConfiguration {

	}

}
