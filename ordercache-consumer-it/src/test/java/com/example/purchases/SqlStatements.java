package com.example.purchases;

import java.util.concurrent.atomic.AtomicInteger;

import org.hibernate.resource.jdbc.spi.StatementInspector;

/**
 * Counts the SQL statements Hibernate sends, so that a test can tell that a read was answered
 * without the database. Registered with
 * {@code spring.jpa.properties.hibernate.session_factory.statement_inspector}.
 */
public final class SqlStatements implements StatementInspector {

	private static final AtomicInteger count = new AtomicInteger();

	@Override
	public String inspect(String sql) {
		count.incrementAndGet();
		return sql;
	}

	/** Sets the count to zero. */
	static void reset() {
		count.set(0);
	}

	/** The statements sent since the last reset. */
	static int count() {
		return count.get();
	}

}
