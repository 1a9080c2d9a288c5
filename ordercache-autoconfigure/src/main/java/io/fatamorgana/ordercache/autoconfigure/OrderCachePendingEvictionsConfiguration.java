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
 * {@code ordercache.pending-evictions.store} is {@code jdbc}, or {@code auto} (the default) and the
 * application has one {@link DataSource}. The table is created at startup as
 * {@code initialize-schema} says (Boot's database initialization, after which Flyway and Liquibase
 * run too), then checked with one query: a missing table stops the startup with an explanation.
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
			PendingEvictionsJdbcProperties properties, OrderCacheProperties cacheProperties) {
		JdbcPendingEvictionStore store = new JdbcPendingEvictionStore(dataSource, properties.getTableName(),
				QUERY_TIMEOUT);
		try {
			store.checkTable();
		}
		catch (BadSqlGrammarException ex) {
			throw new MissingPendingEvictionTableException(properties.getTableName(), script(dataSource, properties),
					cacheProperties.getPendingEvictions().getStore() == OrderCacheProperties.PendingEvictions.Store.AUTO,
					ex);
		}
		catch (DataAccessException ex) {
			// Not a missing table: the database may come later; writes fall back to memory meanwhile.
			logger.warn("Order cache could not check its pending evictions table " + properties.getTableName()
					+ " at startup: " + FailureLog.describe(ex));
		}
		return store;
	}

	@Bean
	OrderCacheEngine.DurableStore orderCacheDurablePendingEvictions(PendingEvictionStore store,
			PendingEvictionsJdbcProperties properties) {
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
