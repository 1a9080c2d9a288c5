package io.fatamorgana.ordercache.autoconfigure;

import java.time.Duration;
import java.util.regex.Pattern;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.init.DatabaseInitializationProperties;

/**
 * Configuration of the table that keeps pending evictions beyond the life of an instance
 * ({@code ordercache.pending-evictions.store=jdbc}), under {@code ordercache.pending-evictions.jdbc}.
 * Schema initialization as in Spring Session JDBC: {@code initialize-schema} is {@code embedded} by
 * default, so a production database needs the table from a migration or the shipped script.
 */
@ConfigurationProperties("ordercache.pending-evictions.jdbc")
public class PendingEvictionsJdbcProperties extends DatabaseInitializationProperties implements InitializingBean {

	/** Where the shipped schema scripts are, one per platform. */
	static final String SCHEMA_LOCATION = "classpath:io/fatamorgana/ordercache/jdbc/schema-@@platform@@.sql";

	private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	/**
	 * Name of the table, optionally qualified by its schema. The shipped scripts create
	 * ordercache_pending_eviction; at schema initialization they are run with this name instead.
	 */
	private String tableName = "ordercache_pending_eviction";

	/**
	 * How often each instance, while Redis answers it, reads the evictions the fleet stored. An
	 * instance that saw no failure may serve an older copy for up to this long after Redis answers
	 * again.
	 */
	private Duration pollInterval = Duration.ofSeconds(1);

	/**
	 * Longest a business call waits for its failed eviction to be written to the table; the row is
	 * still written in the background after that.
	 */
	private Duration writeWait = Duration.ofMillis(200);

	@Override
	public String getDefaultSchemaLocation() {
		// Optional: on a platform without a script the startup check names the table to create.
		return "optional:" + SCHEMA_LOCATION;
	}

	public String getTableName() {
		return this.tableName;
	}

	public void setTableName(String tableName) {
		this.tableName = tableName;
	}

	public Duration getPollInterval() {
		return this.pollInterval;
	}

	public void setPollInterval(Duration pollInterval) {
		this.pollInterval = pollInterval;
	}

	public Duration getWriteWait() {
		return this.writeWait;
	}

	public void setWriteWait(Duration writeWait) {
		this.writeWait = writeWait;
	}

	@Override
	public void afterPropertiesSet() {
		if (!TABLE_NAME.matcher(this.tableName).matches()) {
			throw new InvalidOrderCachePropertyException("ordercache.pending-evictions.jdbc.table-name", this.tableName,
					"must be an SQL name (letters, digits, _), optionally schema.table");
		}
		if (this.pollInterval.isNegative() || this.pollInterval.toMillis() == 0) {
			throw new InvalidOrderCachePropertyException("ordercache.pending-evictions.jdbc.poll-interval",
					this.pollInterval, "must be at least 1ms");
		}
		if (this.writeWait.isNegative()) {
			throw new InvalidOrderCachePropertyException("ordercache.pending-evictions.jdbc.write-wait",
					this.writeWait, "must not be negative");
		}
	}

}
