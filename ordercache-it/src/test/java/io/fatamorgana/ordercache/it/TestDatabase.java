package io.fatamorgana.ordercache.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A database the randomized suites run against, with a schema (or database) of its own per run,
 * created before the contexts start and dropped after: H2 in memory always; PostgreSQL
 * ({@code 127.0.0.1:5432}, user postgres, database test) and MariaDB ({@code 127.0.0.1:3306}, user
 * root) when they answer.
 */
public enum TestDatabase {

	/** H2 in memory, one named database per run, shared by every context of this JVM. */
	H2("jdbc:h2:mem:bootstrap", "sa") {

		@Override
		String url(String schema) {
			return "jdbc:h2:mem:" + schema + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=20000";
		}

		@Override
		String create(String schema) {
			return "";
		}

		@Override
		String drop(String schema) {
			return "";
		}

		@Override
		public boolean answers() {
			return true;
		}

		@Override
		public void dropSchema(String schema) {
			try (Connection connection = DriverManager.getConnection(url(schema), username(), "");
					Statement statement = connection.createStatement()) {
				statement.execute("SHUTDOWN");
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Could not shut down " + schema, ex);
			}
		}

	},

	/** PostgreSQL, one schema per run. */
	POSTGRESQL("jdbc:postgresql://127.0.0.1:5432/test", "postgres") {

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

	/** MariaDB, one database per run. */
	MARIADB("jdbc:mariadb://127.0.0.1:3306/test", "root") {

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

	private static final List<String> TABLES = List.of(
			"CREATE TABLE oc_revisions (period_number VARCHAR(32) NOT NULL, order_no VARCHAR(32) NOT NULL,"
					+ " rev BIGINT NOT NULL, status VARCHAR(16), PRIMARY KEY (period_number, order_no))",
			"CREATE TABLE oc_orders (period_number VARCHAR(32) NOT NULL, order_no VARCHAR(32) NOT NULL,"
					+ " status VARCHAR(16) NOT NULL, version BIGINT NOT NULL, PRIMARY KEY (period_number, order_no))",
			"CREATE TABLE oc_changes (period_number VARCHAR(32) NOT NULL, order_no VARCHAR(32) NOT NULL,"
					+ " rev BIGINT NOT NULL, status VARCHAR(16), op_id BIGINT NOT NULL,"
					+ " PRIMARY KEY (period_number, order_no, rev))",
			"CREATE TABLE oc_audit (id BIGINT NOT NULL PRIMARY KEY, note VARCHAR(16))");

	private final String url;

	private final String username;

	TestDatabase(String url, String username) {
		this.url = url;
		this.username = username;
	}

	String base() {
		return this.url;
	}

	String username() {
		return this.username;
	}

	abstract String url(String schema);

	abstract String create(String schema);

	abstract String drop(String schema);

	/**
	 * Whether the server accepts a connection now.
	 * @return whether it does
	 */
	public boolean answers() {
		DriverManager.setLoginTimeout(3);
		try (Connection connection = DriverManager.getConnection(this.url, this.username, "")) {
			return connection.isValid(3);
		}
		catch (SQLException ex) {
			return false;
		}
	}

	/**
	 * Where the server is, for skip messages.
	 * @return the bootstrap URL
	 */
	public String where() {
		return this.url;
	}

	/**
	 * A new schema name for a run.
	 * @return a name such as {@code ordercache_it_1a2b3}
	 */
	public String newSchema() {
		return "ordercache_it_" + name().toLowerCase(Locale.ROOT) + "_"
				+ Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
	}

	/**
	 * Creates the schema, its tables, and a revision row (revision 0, no order) for every order the
	 * run may touch.
	 * @param schema the schema
	 * @param orders the order numbers, by period
	 */
	public void createSchema(String schema, Map<String, List<String>> orders) {
		if (!create(schema).isEmpty()) {
			try (Connection connection = DriverManager.getConnection(this.url, this.username, "");
					Statement statement = connection.createStatement()) {
				statement.execute(create(schema));
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Could not create " + schema + " on " + this.url, ex);
			}
		}
		try (Connection connection = connect(schema)) {
			try (Statement statement = connection.createStatement()) {
				for (String table : TABLES) {
					statement.execute(table);
				}
			}
			try (PreparedStatement insert = connection
				.prepareStatement("INSERT INTO oc_revisions (period_number, order_no, rev) VALUES (?, ?, 0)")) {
				for (Map.Entry<String, List<String>> period : orders.entrySet()) {
					for (String orderNo : period.getValue()) {
						insert.setString(1, period.getKey());
						insert.setString(2, orderNo);
						insert.addBatch();
					}
				}
				insert.executeBatch();
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not create the tables in " + schema, ex);
		}
	}

	/**
	 * The JDBC URL of a schema.
	 * @param schema the schema
	 * @return the URL
	 */
	public String jdbcUrl(String schema) {
		return url(schema);
	}

	/**
	 * Every committed order row.
	 * @param schema the schema
	 * @return the rows
	 */
	public List<Order> rows(String schema) {
		List<Order> rows = new ArrayList<>();
		query(schema, "SELECT period_number, order_no, status, version FROM oc_orders",
				(rs) -> rows.add(new Order(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4))));
		return rows;
	}

	/**
	 * The change log: every committed change.
	 * @param schema the schema
	 * @return the entries
	 */
	public List<HistoryChecker.LogEntry> changeLog(String schema) {
		List<HistoryChecker.LogEntry> log = new ArrayList<>();
		query(schema, "SELECT period_number, order_no, rev, status, op_id FROM oc_changes",
				(rs) -> log.add(new HistoryChecker.LogEntry(rs.getString(1), rs.getString(2), rs.getLong(3),
						rs.getString(4), rs.getLong(5))));
		return log;
	}

	/**
	 * Drops a schema made by {@link #createSchema}, with everything in it.
	 * @param schema the schema
	 */
	public void dropSchema(String schema) {
		try (Connection connection = DriverManager.getConnection(this.url, this.username, "");
				Statement statement = connection.createStatement()) {
			statement.execute(drop(schema));
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not drop " + schema + " on " + this.url, ex);
		}
	}

	private void query(String schema, String sql, RowHandler handler) {
		try (Connection connection = connect(schema); Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			while (rs.next()) {
				handler.handle(rs);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run '" + sql + "' in " + schema, ex);
		}
	}

	private Connection connect(String schema) throws SQLException {
		return DriverManager.getConnection(url(schema), this.username, "");
	}

	private interface RowHandler {

		void handle(ResultSet rs) throws SQLException;

	}

}
