package io.fatamorgana.ordercache.support;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.aop.AnnotatedOrders;
import io.fatamorgana.ordercache.jdbc.JdbcPendingEvictionStore;
import io.fatamorgana.ordercache.test.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.awaitility.Awaitility.await;

/**
 * Evictions that cannot reach Redis (a Redis process this test stops) are written to the table
 * outside the caller's transaction, and a table that refuses them costs the caller nothing.
 */
class PendingEvictionsTableIntegrationTests {

	static final RedisProcess REDIS = RedisProcess.start();

	private ConfigurableApplicationContext context;

	private FlakyStore store;

	private JdbcTemplate jdbc;

	@BeforeEach
	void startWithRedisGone() {
		if (!REDIS.isRunning()) {
			REDIS.restart();
		}
		this.context = new SpringApplicationBuilder(IntegrationTestApplication.class, AnnotatedOrders.class,
				StoreConfiguration.class)
			.web(WebApplicationType.NONE)
			.properties(Map.of("spring.data.redis.url", REDIS.url(), "ordercache.key-prefix", "pending_table_",
					"ordercache.resilience.command-timeout", "200ms", "spring.data.redis.timeout", "1s",
					"spring.data.redis.connect-timeout", "500ms", "ordercache.resilience.maintenance-interval", "1h",
					"ordercache.pending-evictions.jdbc.write-wait", "10s"))
			.run();
		this.store = this.context.getBean(FlakyStore.class);
		this.jdbc = this.context.getBean(JdbcTemplate.class);
		this.context.getBean(AnnotatedOrders.class).create(TestOrder.of("P1", "A"));
		REDIS.kill();
	}

	@AfterEach
	void close() {
		this.context.close();
	}

	@AfterAll
	static void stopRedis() {
		REDIS.close();
	}

	@Test
	void anEvictionThatFailsAfterCommitIsStoredOutsideTheTransactionAndSurvivesTheCallersRollback() {
		PlatformTransactionManager transactions = this.context.getBean(PlatformTransactionManager.class);
		TransactionTemplate outer = new TransactionTemplate(transactions);
		TransactionTemplate inner = new TransactionTemplate(transactions);
		inner.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		AnnotatedOrders orders = this.context.getBean(AnnotatedOrders.class);
		outer.executeWithoutResult((status) -> {
			// Its eviction runs, and fails, in the afterCompletion of the inner transaction, while
			// that transaction's connection is still bound to the thread.
			inner.executeWithoutResult((innerStatus) -> orders.delete("P1", "A"));
			status.setRollbackOnly();
		});
		assertThat(rows()).containsExactly("pending_table_P1 A");
		assertThat(TransactionSynchronizationManager.getResourceMap()).as("nothing left bound to the thread")
			.isEmpty();
	}

	@Test
	void whenTheTableRefusesTheEvictionTheCallStillSucceedsAndThisInstanceStillMissesTheOrder() {
		OrderCacheService service = this.context.getBean(OrderCacheService.class);
		AnnotatedOrders orders = this.context.getBean(AnnotatedOrders.class);
		this.store.down.set(true);
		assertThatNoException().isThrownBy(() -> orders.delete("P1", "A"));
		assertThat(service.statistics().pendingEvictions()).isEqualTo(1);
		assertThat(service.isOrderCached("P1", "A")).as("a miss without asking Redis").isFalse();
		assertThat(rows()).isEmpty();
		this.store.down.set(false);
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(rows()).as("owed: the drop of every period of the prefix")
				.containsExactly("pending_table_* null"));
	}

	private List<String> rows() {
		return this.jdbc.queryForList("SELECT period_key, order_no FROM ordercache_pending_eviction ORDER BY id")
			.stream()
			.map((row) -> row.get("PERIOD_KEY") + " " + row.get("ORDER_NO"))
			.toList();
	}

	@Configuration(proxyBeanMethods = false)
	static class StoreConfiguration {

		@Bean
		FlakyStore flakyPendingEvictionStore(DataSource dataSource) {
			return new FlakyStore(new JdbcPendingEvictionStore(dataSource, JdbcPendingEvictionStore.DEFAULT_TABLE_NAME,
					Duration.ofSeconds(2)));
		}

	}

	/** The real table, and a switch that makes it refuse everything as a database that went away. */
	static final class FlakyStore implements PendingEvictionStore {

		final AtomicBoolean down = new AtomicBoolean();

		private final JdbcPendingEvictionStore table;

		FlakyStore(JdbcPendingEvictionStore table) {
			this.table = table;
		}

		@Override
		public void add(List<Eviction> evictions) {
			check();
			this.table.add(evictions);
		}

		@Override
		public List<Stored> oldest(String keyPrefix, int max) {
			check();
			return this.table.oldest(keyPrefix, max);
		}

		@Override
		public void remove(Collection<Long> ids) {
			check();
			this.table.remove(ids);
		}

		@Override
		public String describe() {
			return this.table.describe();
		}

		private void check() {
			if (this.down.get()) {
				throw new DataAccessResourceFailureException("database down (test)");
			}
		}

	}

}
