package io.fatamorgana.ordercache.sample.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A database server the suites run against when it answers: each test class gets a schema of its
 * own, created before its context starts and dropped after it, so no other data is touched.
 */
public enum TestDatabase {

	/** PostgreSQL on 127.0.0.1:5432, user postgres, database test; one schema per test class. */
	POSTGRESQL("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "postgres") {

		@Override
		String url(String schema) {
			return base() + "?currentSchema=" + schema;
		}

		@Override
		String create(String schema) {
			return "CREATE SCHEMA " + schema;
		}

		@Override
		String drop(String schema) {
			return "DROP SCHEMA IF EXISTS " + schema + " CASCADE";
		}

	},

	/** MariaDB on 127.0.0.1:3306, user root; one database per test class. */
	MARIADB("jdbc:mariadb://127.0.0.1:3306/test", "root", "mariadb") {

		@Override
		String url(String schema) {
			return "jdbc:mariadb://127.0.0.1:3306/" + schema;
		}

		@Override
		String create(String schema) {
			return "CREATE DATABASE " + schema;
		}

		@Override
		String drop(String schema) {
			return "DROP DATABASE IF EXISTS " + schema;
		}

	};

	private final String url;

	private final String username;

	private final String profile;

	TestDatabase(String url, String username, String profile) {
		this.url = url;
		this.username = username;
		this.profile = profile;
	}

	/** The sample's Spring profile for this database: {@code postgres} or {@code mariadb}. */
	public String profile() {
		return this.profile;
	}

	String base() {
		return this.url;
	}

	abstract String url(String schema);

	abstract String create(String schema);

	abstract String drop(String schema);

	/** Whether the server accepts a connection now. */
	public boolean answers() {
		DriverManager.setLoginTimeout(3);
		try (Connection connection = connect()) {
			return connection.isValid(3);
		}
		catch (SQLException ex) {
			return false;
		}
	}

	/** A new schema name for a test class, such as {@code ordercache_sample_postgresordertests_1a2b3}. */
	public String newSchema(Class<?> testClass) {
		return "ordercache_sample_" + testClass.getSimpleName().toLowerCase(Locale.ROOT) + "_"
				+ Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
	}

	/** Creates the schema and points the application's data source and Flyway at it. */
	public void useNewSchema(String schema, DynamicPropertyRegistry registry) {
		createSchema(schema);
		properties(schema).forEach((name, value) -> registry.add(name, () -> value));
	}

	/** Creates a schema (a database on MariaDB) named by {@link #newSchema}. */
	public void createSchema(String schema) {
		execute(create(schema));
	}

	/**
	 * The properties that point the application's data source and Flyway at a schema, for an
	 * application started in another JVM.
	 */
	public Map<String, String> properties(String schema) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.datasource.url", url(schema));
		properties.put("spring.datasource.username", this.username);
		properties.put("spring.datasource.password", "");
		properties.put("spring.flyway.default-schema", schema);
		return properties;
	}

	/**
	 * Runs a query in a schema and hands each row to a consumer.
	 * @param schema the schema
	 * @param sql the query
	 * @param row called with the result set positioned on each row
	 */
	public void query(String schema, String sql, RowConsumer row) {
		try (Connection connection = DriverManager.getConnection(url(schema), this.username, "");
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			while (result.next()) {
				row.accept(result);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run '" + sql + "' on " + url(schema), ex);
		}
	}

	/** Drops a schema made by {@link #useNewSchema}, with everything in it. */
	public void dropSchema(String schema) {
		execute(drop(schema));
	}

	private void execute(String sql) {
		try (Connection connection = connect(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run '" + sql + "' on " + this.url, ex);
		}
	}

	private Connection connect() throws SQLException {
		return DriverManager.getConnection(this.url, this.username, "");
	}

	/** What {@link #query} does with each row. */
	@FunctionalInterface
	public interface RowConsumer {

		void accept(ResultSet row) throws SQLException;

	}

}
