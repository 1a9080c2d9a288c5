package io.fatamorgana.ordercache.aop;

import java.util.List;
import java.util.Optional;

import io.fatamorgana.ordercache.annotation.CacheOrder;
import io.fatamorgana.ordercache.annotation.CachedOrder;
import io.fatamorgana.ordercache.annotation.CachedPeriod;
import io.fatamorgana.ordercache.annotation.EvictOrder;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.annotation.Transactional;

/**
 * A user's order service on a real table with a version column, as the concurrency and fault
 * tests drive it.
 */
public class JdbcOrders {

	private static final RowMapper<Row> ROW = (rs, i) -> new Row(rs.getString("period_number"),
			rs.getString("order_no"), rs.getString("status"), rs.getLong("version"));

	private final JdbcTemplate jdbc;

	public JdbcOrders(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
		jdbc.execute("CREATE TABLE IF NOT EXISTS versioned_orders (period_number VARCHAR(64), order_no VARCHAR(64),"
				+ " status VARCHAR(16), version BIGINT, PRIMARY KEY (period_number, order_no))");
	}

	@CacheOrder
	@Transactional
	public Optional<Row> create(String period, String orderNo) {
		try {
			this.jdbc.update("INSERT INTO versioned_orders VALUES (?, ?, 'pending', 0)", period, orderNo);
		}
		catch (DuplicateKeyException ex) {
			return Optional.empty();
		}
		return Optional.of(new Row(period, orderNo, "pending", 0));
	}

	@CacheOrder
	@Transactional
	public Optional<Row> update(String period, String orderNo, String status) {
		int updated = this.jdbc.update("UPDATE versioned_orders SET status = ?, version = version + 1"
				+ " WHERE period_number = ? AND order_no = ?", status, period, orderNo);
		return (updated == 0) ? Optional.empty() : select(period, orderNo);
	}

	@EvictOrder(period = "#period", orderNo = "#orderNo")
	@Transactional
	public boolean delete(String period, String orderNo) {
		return this.jdbc.update("DELETE FROM versioned_orders WHERE period_number = ? AND order_no = ?", period,
				orderNo) > 0;
	}

	@EvictOrder(period = "#period", allInPeriod = true)
	public void dropPeriodCache(String period) {
	}

	@CachedOrder(period = "#period", orderNo = "#orderNo")
	@Transactional(readOnly = true)
	public Optional<Row> find(String period, String orderNo) {
		return select(period, orderNo);
	}

	@CachedPeriod(period = "#period")
	@Transactional(readOnly = true)
	public List<Row> findPeriod(String period) {
		return this.jdbc.query("SELECT * FROM versioned_orders WHERE period_number = ?", ROW, period);
	}

	public List<Row> all() {
		return this.jdbc.query("SELECT * FROM versioned_orders", ROW);
	}

	private Optional<Row> select(String period, String orderNo) {
		return this.jdbc.query("SELECT * FROM versioned_orders WHERE period_number = ? AND order_no = ?", ROW,
				period, orderNo).stream().findFirst();
	}

	/** An order row. */
	public record Row(String periodNumber, String orderNo, String status, long version) {
	}

}
