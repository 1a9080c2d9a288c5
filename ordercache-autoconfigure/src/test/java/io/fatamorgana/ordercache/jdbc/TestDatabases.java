package io.fatamorgana.ordercache.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * The databases the pending evictions table is tested on, each test in a database (or schema) of
 * its own: H2 in memory always; PostgreSQL ({@code 127.0.0.1:5432}, user postgres, database test) and
 * MariaDB ({@code 127.0.0.1:3306}, user root) when they answer.
 */
public enum TestDatabases {

	/** H2 in memory, a named database kept until dropped. */
	H2("jdbc:h2:mem:bootstrap", "sa") {

		@Override
		public String url(String schema) {
			return "jdbc:h2:mem:" + schema + ";DB_CLOSE_DELAY=-1";
		}

		@Override
		public boolean answers() {
			return true;
		}

		@Override
		void create(String schema) {
		}

		@Override
		public void drop(String schema) {
			execute(url(schema), "SHUTDOWN");
		}

	},

	/** PostgreSQL, a schema per test. */
	POSTGRESQL("jdbc:postgresql://127.0.0.1:5432/test", "postgres") {

		@Override
		public String url(String schema) {
			return base() + "?currentSchema=" + schema;
		}

		@Override
		void create(String schema) {
			execute(base(), "CREATE SCHEMA " + schema);
		}

		@Override
		public void drop(String schema) {
			execute(base(), "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
		}

	},

	/** MariaDB, a database per test. */
	MARIADB("jdbc:mariadb://127.0.0.1:3306/test", "root") {

		@Override
		public String url(String schema) {
			return "jdbc:mariadb://127.0.0.1:3306/" + schema;
		}

		@Override
		void create(String schema) {
			execute(base(), "CREATE DATABASE " + schema);
		}

		@Override
		public void drop(String schema) {
			execute(base(), "DROP DATABASE IF EXISTS " + schema);
		}

	};

	private final String base;

	private final String username;

	TestDatabases(String base, String username) {
		this.base = base;
		this.username = username;
	}

	String base() {
		return this.base;
	}

	/** The user to connect as. */
	public String username() {
		return this.username;
	}

	/** The JDBC URL of a schema made by {@link #newSchema}. */
	public abstract String url(String schema);

	abstract void create(String schema);

	/** Drops a schema made by {@link #newSchema}, with everything in it. */
	public abstract void drop(String schema);

	/** Whether the server accepts a connection now. */
	public boolean answers() {
		DriverManager.setLoginTimeout(3);
		try (Connection connection = DriverManager.getConnection(this.base, this.username, "")) {
			return connection.isValid(3);
		}
		catch (SQLException ex) {
			return false;
		}
	}

	/** The databases that answer now. */
	public static List<TestDatabases> answering() {
		List<TestDatabases> answering = new ArrayList<>();
		for (TestDatabases database : values()) {
			if (database.answers()) {
				answering.add(database);
			}
		}
		return answering;
	}

	/**
	 * Creates a new, empty schema for one test.
	 * @param owner the test class
	 * @return its name
	 */
	public String newSchema(Class<?> owner) {
		String schema = "oc_" + owner.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") + "_"
				+ Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
		create(schema);
		return schema;
	}

	/** A data source on a schema, without a pool. */
	public DataSource dataSource(String schema) {
		return new SimpleDriverDataSource(driver(), url(schema), this.username, "");
	}

	/** The properties that point Spring Boot's data source at a schema. */
	public Map<String, Object> properties(String schema) {
		return Map.of("spring.datasource.url", url(schema), "spring.datasource.username", this.username,
				"spring.datasource.password", "");
	}

	/** Runs one statement on a schema. */
	public void update(String schema, String sql) {
		execute(url(schema), sql);
	}

	/** Counts the rows a query finds, with a connection of its own. */
	public long count(String schema, String sql) {
		try (Connection connection = DriverManager.getConnection(url(schema), this.username, "");
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getLong(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run '" + sql + "' on " + this, ex);
		}
	}

	private java.sql.Driver driver() {
		try {
			return DriverManager.getDriver(this.base);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("No driver for " + this.base, ex);
		}
	}

	void execute(String url, String sql) {
		try (Connection connection = DriverManager.getConnection(url, this.username, "");
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run '" + sql + "' on " + url, ex);
		}
	}

}
