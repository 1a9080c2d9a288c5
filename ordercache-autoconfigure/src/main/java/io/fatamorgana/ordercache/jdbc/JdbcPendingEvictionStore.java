package io.fatamorgana.ordercache.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

import javax.sql.DataSource;

import io.fatamorgana.ordercache.support.PendingEvictionStore;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.jdbc.support.SQLExceptionSubclassTranslator;
import org.springframework.jdbc.support.SQLExceptionTranslator;
import org.springframework.util.Assert;

/**
 * Keeps pending evictions in a table of the application's database (schema:
 * {@code io/fatamorgana/ordercache/jdbc/schema-<platform>.sql}). Every statement runs on a
 * connection taken from the {@link DataSource} itself and committed at once, never through Spring's
 * transaction synchronization: evictions fail in the {@code afterCompletion} of the caller's
 * transaction, where {@code DataSourceUtils} would still hand out the finished transaction's
 * connection, whose writes are never committed.
 */
public final class JdbcPendingEvictionStore implements PendingEvictionStore {

	/** The table's name unless configured otherwise. */
	public static final String DEFAULT_TABLE_NAME = "ordercache_pending_eviction";

	private static final int DELETE_CHUNK = 500;

	private final DataSource dataSource;

	private final String tableName;

	private final int queryTimeoutSeconds;

	private final SQLExceptionTranslator translator = new SQLExceptionSubclassTranslator();

	private final String insert;

	private final String select;

	/**
	 * Creates a store on a table.
	 * @param dataSource the application's data source
	 * @param tableName the table, created by one of the shipped scripts
	 * @param queryTimeout how long one statement may take, rounded up to whole seconds
	 */
	public JdbcPendingEvictionStore(DataSource dataSource, String tableName, Duration queryTimeout) {
		Assert.notNull(dataSource, "dataSource must not be null");
		Assert.hasText(tableName, "tableName must not be empty");
		this.dataSource = (dataSource instanceof TransactionAwareDataSourceProxy proxy
				&& proxy.getTargetDataSource() != null) ? proxy.getTargetDataSource() : dataSource;
		this.tableName = tableName;
		this.queryTimeoutSeconds = (int) Math.max(1, (queryTimeout.toMillis() + 999) / 1000);
		this.insert = "INSERT INTO " + tableName + " (period_key, order_no) VALUES (?, ?)";
		// LIKE with an escape rather than vendor syntax: '_' in a key prefix is a LIKE wildcard.
		this.select = "SELECT id, period_key, order_no FROM " + tableName
				+ " WHERE period_key LIKE ? ESCAPE '!' ORDER BY id";
	}

	/**
	 * Checks that the table exists with the expected columns, with one query that reads no row.
	 * @throws DataAccessException if it does not, or the database cannot be reached
	 */
	public void checkTable() {
		run("checking " + this.tableName, (connection) -> {
			try (PreparedStatement statement = connection.prepareStatement(
					"SELECT id, period_key, order_no, created_at FROM " + this.tableName + " WHERE 1 = 0")) {
				statement.setQueryTimeout(this.queryTimeoutSeconds);
				statement.executeQuery().close();
			}
			return null;
		});
	}

	@Override
	public void add(List<Eviction> evictions) {
		run("inserting into " + this.tableName, (connection) -> {
			try (PreparedStatement statement = connection.prepareStatement(this.insert)) {
				statement.setQueryTimeout(this.queryTimeoutSeconds);
				for (Eviction eviction : evictions) {
					statement.setString(1, eviction.key());
					if (eviction.field() != null) {
						statement.setString(2, eviction.field());
					}
					else {
						statement.setNull(2, Types.VARCHAR);
					}
					statement.addBatch();
				}
				statement.executeBatch();
			}
			return null;
		});
	}

	@Override
	public List<Stored> oldest(String keyPrefix, int max) {
		String pattern = keyPrefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
		return run("reading " + this.tableName, (connection) -> {
			try (PreparedStatement statement = connection.prepareStatement(this.select)) {
				statement.setQueryTimeout(this.queryTimeoutSeconds);
				statement.setMaxRows(max);
				statement.setString(1, pattern);
				List<Stored> rows = new ArrayList<>();
				try (ResultSet result = statement.executeQuery()) {
					while (result.next() && rows.size() < max) {
						rows.add(new Stored(result.getLong(1), new Eviction(result.getString(2), result.getString(3))));
					}
				}
				return rows;
			}
		});
	}

	@Override
	public void remove(Collection<Long> ids) {
		if (ids.isEmpty()) {
			return;
		}
		List<Long> all = new ArrayList<>(ids);
		run("deleting from " + this.tableName, (connection) -> {
			for (int from = 0; from < all.size(); from += DELETE_CHUNK) {
				List<Long> chunk = all.subList(from, Math.min(all.size(), from + DELETE_CHUNK));
				String sql = "DELETE FROM " + this.tableName + " WHERE id IN ("
						+ String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")";
				try (PreparedStatement statement = connection.prepareStatement(sql)) {
					statement.setQueryTimeout(this.queryTimeoutSeconds);
					for (int i = 0; i < chunk.size(); i++) {
						statement.setLong(i + 1, chunk.get(i));
					}
					statement.executeUpdate();
				}
			}
			return null;
		});
	}

	@Override
	public String describe() {
		return "jdbc (table " + this.tableName + ")";
	}

	/**
	 * The table's name.
	 * @return the name
	 */
	public String tableName() {
		return this.tableName;
	}

	private <T> T run(String task, ConnectionCallback<T> callback) {
		try (Connection connection = this.dataSource.getConnection()) {
			boolean autoCommit = connection.getAutoCommit();
			try {
				T result = callback.doInConnection(connection);
				if (!autoCommit) {
					connection.commit();
				}
				return result;
			}
			catch (SQLException | RuntimeException ex) {
				if (!autoCommit) {
					connection.rollback();
				}
				throw ex;
			}
		}
		catch (SQLException ex) {
			DataAccessException translated = this.translator.translate(task, null, ex);
			throw (translated != null) ? translated
					: new UncategorizedSQLException(task, null, ex);
		}
	}

	@FunctionalInterface
	private interface ConnectionCallback<T> {

		T doInConnection(Connection connection) throws SQLException;

	}

}
