package com.example.purchases;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The database a test class runs against, picked when the class starts: PostgreSQL
 * ({@code 127.0.0.1:5432}, user postgres, database test) in a schema of the class's own when it
 * answers, else the in-memory H2 that Spring Boot starts by itself.
 */
final class TestDatabase {

	private static final String POSTGRESQL = "jdbc:postgresql://127.0.0.1:5432/test";

	private final @Nullable String schema;

	private TestDatabase(@Nullable String schema) {
		this.schema = schema;
	}

	/** PostgreSQL with a new schema when it answers, else H2. */
	static TestDatabase pick() {
		if (!postgresqlAnswers()) {
			return new TestDatabase(null);
		}
		String schema = "purchases_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
		execute("CREATE SCHEMA " + schema);
		return new TestDatabase(schema);
	}

	/** Points the application at the database picked. */
	void register(DynamicPropertyRegistry registry) {
		if (this.schema != null) {
			registry.add("spring.datasource.url", () -> POSTGRESQL + "?currentSchema=" + this.schema);
			registry.add("spring.datasource.username", () -> "postgres");
			registry.add("spring.jpa.hibernate.ddl-auto", () -> "create");
		}
	}

	/** Drops the PostgreSQL schema with everything in it; H2 goes with the JVM. */
	void drop() {
		if (this.schema != null) {
			execute("DROP SCHEMA IF EXISTS " + this.schema + " CASCADE");
		}
	}

	private static boolean postgresqlAnswers() {
		DriverManager.setLoginTimeout(3);
		try (Connection connection = DriverManager.getConnection(POSTGRESQL, "postgres", "")) {
			return connection.isValid(3);
		}
		catch (SQLException ex) {
			return false;
		}
	}

	private static void execute(String sql) {
		try (Connection connection = DriverManager.getConnection(POSTGRESQL, "postgres", "");
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run '" + sql + "' on " + POSTGRESQL, ex);
		}
	}

}
