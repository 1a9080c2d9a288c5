package io.fatamorgana.ordercache.autoconfigure;

import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import io.fatamorgana.ordercache.jdbc.JdbcPendingEvictionStore;
import io.fatamorgana.ordercache.support.FailureLog;
import io.fatamorgana.ordercache.support.OrderCacheEngine;
import io.fatamorgana.ordercache.support.PendingEvictionStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.jdbc.init.PlatformPlaceholderDatabaseDriverResolver;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.BadSqlGrammarException;

/**
 * Pending evictions kept in a table of the application's database as well as in memory, when
 * {@code ordercache.pending-evictions.store} is {@code jdbc}, or {@code auto} (the default), the
 * application has one {@link DataSource} and the table exists. The table is created at startup as
 * {@code initialize-schema} says (Boot's database initialization: embedded databases by default),
 * then checked with one query: missing, it stops the startup with an explanation when {@code jdbc}
 * was asked for, and leaves pending evictions in memory with an INFO line when {@code auto} chose.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ DataSourceScriptDatabaseInitializer.class, DependsOnDatabaseInitialization.class })
@ConditionalOnSingleCandidate(DataSource.class)
@Conditional(OrderCachePendingEvictionsConfiguration.JdbcStoreCondition.class)
@EnableConfigurationProperties(PendingEvictionsJdbcProperties.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
class OrderCachePendingEvictionsConfiguration {

	private static final Log logger = LogFactory.getLog("io.fatamorgana.ordercache");

	/** How long one statement on the table may take. */
	static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);

	@Bean
	@ConditionalOnMissingBean
	PendingEvictionsDataSourceScriptDatabaseInitializer orderCachePendingEvictionsDataSourceScriptDatabaseInitializer(
			DataSource dataSource, PendingEvictionsJdbcProperties properties) {
		return new PendingEvictionsDataSourceScriptDatabaseInitializer(dataSource, properties);
	}

	@Bean
	@ConditionalOnMissingBean(PendingEvictionStore.class)
	@DependsOnDatabaseInitialization
	JdbcPendingEvictionStore orderCachePendingEvictionStore(DataSource dataSource,
			PendingEvictionsJdbcProperties properties) {
		return new JdbcPendingEvictionStore(dataSource, properties.getTableName(), QUERY_TIMEOUT);
	}

	/**
	 * The table, once checked with one query. Missing, it stops the startup when the application
	 * asked for it ({@code store=jdbc}); chosen automatically, the cache keeps its pending evictions
	 * in memory and says at INFO how to keep them in the database.
	 */
	@Bean
	OrderCacheEngine.@Nullable DurableStore orderCacheDurablePendingEvictions(PendingEvictionStore store,
			DataSource dataSource, PendingEvictionsJdbcProperties properties, OrderCacheProperties cacheProperties) {
		if (store instanceof JdbcPendingEvictionStore jdbc) {
			try {
				jdbc.checkTable();
			}
			catch (BadSqlGrammarException ex) {
				String script = script(dataSource, properties);
				if (cacheProperties.getPendingEvictions().getStore() == OrderCacheProperties.PendingEvictions.Store.JDBC) {
					throw new MissingPendingEvictionTableException(properties.getTableName(), script, ex);
				}
				logger.info("Order cache keeps evictions that could not reach Redis in memory only: the table "
						+ properties.getTableName() + " is not in the application's database. Create it with "
						+ script + " (as a Flyway or Liquibase migration) so that they outlive this instance;"
						+ " ordercache.pending-evictions.store=memory says memory is meant");
				return null;
			}
			catch (DataAccessException ex) {
				// Not a missing table: the database may come later; writes fall back to memory meanwhile.
				logger.warn("Order cache could not check its pending evictions table " + properties.getTableName()
						+ " at startup: " + FailureLog.describe(ex));
			}
		}
		return new OrderCacheEngine.DurableStore(store, properties.getPollInterval(), properties.getWriteWait());
	}

	private static String script(DataSource dataSource, PendingEvictionsJdbcProperties properties) {
		String location = properties.getSchema().replaceFirst("^optional:", "");
		try {
			List<String> resolved = (properties.getPlatform() != null)
					? new PlatformPlaceholderDatabaseDriverResolver().resolveAll(properties.getPlatform(), location)
					: new PlatformPlaceholderDatabaseDriverResolver().resolveAll(dataSource, location);
			return resolved.get(0);
		}
		catch (RuntimeException ex) {
			return location + " (@@platform@@: postgresql, mysql, mariadb or h2)";
		}
	}

	/** {@code store=jdbc}, or {@code store=auto} (or unset). */
	static final class JdbcStoreCondition extends AnyNestedCondition {

		JdbcStoreCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty(name = "ordercache.pending-evictions.store", havingValue = "jdbc")
		static final class Explicit {

		}

		@ConditionalOnProperty(name = "ordercache.pending-evictions.store", havingValue = "auto",
				matchIfMissing = true)
		static final class Automatic {

		}

	}

}
