package io.fatamorgana.ordercache.sample.test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Counts the SQL statements the application prepares, by wrapping its {@link DataSource}: a read
 * "served without a database query" is one during which the count does not move. The order cache's
 * own table of pending evictions, which it polls in the background, is left out.
 */
public final class StatementCounter {

	private static final Set<String> STATEMENT_METHODS = Set.of("createStatement", "prepareStatement", "prepareCall");

	private final AtomicLong count = new AtomicLong();

	/** Sets the count to zero. */
	public void reset() {
		this.count.set(0);
	}

	/** The statements prepared since the last reset. */
	public long count() {
		return this.count.get();
	}

	DataSource wrap(DataSource dataSource) {
		return new DelegatingDataSource(dataSource) {

			@Override
			public Connection getConnection() throws SQLException {
				return counting(super.getConnection());
			}

			@Override
			public Connection getConnection(String username, String password) throws SQLException {
				return counting(super.getConnection(username, password));
			}

		};
	}

	private Connection counting(Connection connection) {
		return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
				new Class<?>[] { Connection.class }, (proxy, method, args) -> {
					if (STATEMENT_METHODS.contains(method.getName()) && !isPendingEvictions(args)) {
						this.count.incrementAndGet();
					}
					try {
						return method.invoke(connection, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getTargetException();
					}
				});
	}

	private static boolean isPendingEvictions(Object[] args) {
		return args != null && args.length > 0 && args[0] instanceof String sql
				&& sql.contains("ordercache_pending_eviction");
	}

	/**
	 * Registers the counter and wraps the application's data source with it.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	public static class Configuration {

		@Bean
		StatementCounter statementCounter() {
			return new StatementCounter();
		}

		@Bean
		static BeanPostProcessor statementCountingDataSource(ObjectProvider<StatementCounter> counter) {
			return new BeanPostProcessor() {
				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) {
					return (bean instanceof DataSource dataSource && !(bean instanceof DelegatingDataSource))
							? counter.getObject().wrap(dataSource) : bean;
				}
			};
		}

	}

}
