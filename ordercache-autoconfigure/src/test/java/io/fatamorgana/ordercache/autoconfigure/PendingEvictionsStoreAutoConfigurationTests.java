package io.fatamorgana.ordercache.autoconfigure;

import io.fatamorgana.ordercache.actuate.OrderCacheHealthIndicator;
import io.fatamorgana.ordercache.jdbc.JdbcPendingEvictionStore;
import io.fatamorgana.ordercache.redis.CircuitBreakers;
import io.fatamorgana.ordercache.redis.OrderHashStore;
import io.fatamorgana.ordercache.support.OrderCacheEngine;
import io.fatamorgana.ordercache.support.PendingEvictionStore;
import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Which pending evictions store the auto-configuration chooses, and what a missing table says at
 * startup.
 */
@ExtendWith(OutputCaptureExtension.class)
class PendingEvictionsStoreAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
					OrderCacheAutoConfiguration.class));

	private final ApplicationContextRunner withDataSource = this.contextRunner
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class));

	@Test
	void withoutADataSourcePendingEvictionsAreKeptInMemory() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(PendingEvictionStore.class);
			assertThat(context.getBean(OrderCacheEngine.class).pendingEvictionsStore()).isEqualTo("memory");
		});
	}

	@Test
	void withADataSourceTheyAreKeptInItsDatabaseWhoseEmbeddedTableIsCreatedAtStartup() {
		this.withDataSource.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(JdbcPendingEvictionStore.class);
			OrderCacheEngine engine = context.getBean(OrderCacheEngine.class);
			assertThat(engine.pendingEvictionsStore()).isEqualTo("jdbc (table ordercache_pending_eviction)");
			Health health = new OrderCacheHealthIndicator(mock(OrderHashStore.class), engine, false,
					context.getBean(CircuitBreakers.class)).health(true);
			assertThat(health.getDetails()).containsEntry("pendingEvictionsStore",
					"jdbc (table ordercache_pending_eviction)");
		});
	}

	@Test
	void storeMemoryKeepsThemInMemoryEvenWithADataSource() {
		this.withDataSource.withPropertyValues("ordercache.pending-evictions.store=memory").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(PendingEvictionStore.class);
			assertThat(context.getBean(OrderCacheEngine.class).pendingEvictionsStore()).isEqualTo("memory");
		});
	}

	@Test
	void storeJdbcWithoutADataSourceFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("ordercache.pending-evictions.store=jdbc").run((context) -> {
			assertThat(context).hasFailed();
			Throwable root = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure());
			assertThat(root).isInstanceOf(InvalidOrderCachePropertyException.class)
				.hasMessageContaining("ordercache.pending-evictions.store")
				.hasMessageContaining("needs one DataSource bean");
		});
	}

	@Test
	void aMissingTableChosenAutomaticallyLeavesThemInMemoryAndSaysHowToKeepThemInTheDatabase(CapturedOutput output) {
		this.withDataSource.withPropertyValues("ordercache.pending-evictions.jdbc.initialize-schema=never")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(OrderCacheEngine.class).pendingEvictionsStore()).isEqualTo("memory");
				assertThat(output).contains("Order cache keeps evictions that could not reach Redis in memory only:"
						+ " the table ordercache_pending_eviction is not in the application's database. Create it with"
						+ " classpath:io/fatamorgana/ordercache/jdbc/schema-h2.sql");
			});
	}

	@Test
	void aMissingTableAskedForFailsTheStartupNamingTheTableTheScriptAndTheAlternatives() {
		this.withDataSource
			.withPropertyValues("ordercache.pending-evictions.jdbc.initialize-schema=never",
					"ordercache.pending-evictions.store=jdbc")
			.run((context) -> {
				assertThat(context).hasFailed();
				MissingPendingEvictionTableException missing = find(context.getStartupFailure());
				FailureAnalysis analysis = new MissingPendingEvictionTableFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(missing).isNotNull();
				assertThat(analysis.getDescription()).contains("'ordercache_pending_eviction'")
					.contains("ordercache.pending-evictions.store is jdbc");
				assertThat(analysis.getAction())
					.contains("classpath:io/fatamorgana/ordercache/jdbc/schema-h2.sql")
					.contains("Flyway or Liquibase migration")
					.contains("ordercache.pending-evictions.jdbc.initialize-schema=always")
					.contains("ordercache.pending-evictions.store=memory");
			});
	}

	@Test
	void aTableNameThatIsNoSqlNameFailsNamingTheProperty() {
		this.withDataSource.withPropertyValues("ordercache.pending-evictions.jdbc.table-name=evictions; DROP TABLE x")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
					.isInstanceOf(InvalidOrderCachePropertyException.class)
					.hasMessageContaining("ordercache.pending-evictions.jdbc.table-name");
			});
	}

	@Test
	void theIntervalsAreBoundFromTheirProperties() {
		this.withDataSource
			.withPropertyValues("ordercache.pending-evictions.jdbc.poll-interval=3s",
					"ordercache.pending-evictions.jdbc.write-wait=50ms")
			.run((context) -> {
				OrderCacheEngine.DurableStore durable = context.getBean(OrderCacheEngine.DurableStore.class);
				assertThat(durable.pollInterval()).hasSeconds(3);
				assertThat(durable.writeWait()).hasMillis(50);
				assertThat(durable.store()).isSameAs(context.getBean(PendingEvictionStore.class));
			});
	}

	private static MissingPendingEvictionTableException find(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof MissingPendingEvictionTableException missing) {
				return missing;
			}
		}
		return null;
	}

}
