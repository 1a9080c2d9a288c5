package io.fatamorgana.ordercache.poison;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.fatamorgana.ordercache.annotation.CacheOrder;
import io.fatamorgana.ordercache.annotation.CachedOrder;
import io.fatamorgana.ordercache.annotation.CachedPeriod;
import io.fatamorgana.ordercache.annotation.EvictOrder;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.annotation.Transactional;

/**
 * A user's order service on an H2 table with a version column: every update moves the version on,
 * as JPA's {@code @Version} would. The methods without annotations work on the table alone, to
 * restore a backup or simulate a fresh database.
 */
public class PoisonOrders {

	private static final RowMapper<PoisonOrder> ROW = (rs, i) -> PoisonOrder.of(rs.getString("period_number"),
			rs.getString("order_no"), rs.getString("uid"), PoisonOrder.Status.valueOf(rs.getString("status")),
			rs.getLong("version"));

	private final JdbcTemplate jdbc;

	private final AtomicInteger loads = new AtomicInteger();

	private final AtomicInteger periodLoads = new AtomicInteger();

	public PoisonOrders(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
		jdbc.execute("CREATE TABLE IF NOT EXISTS poison_orders (period_number VARCHAR(128), order_no VARCHAR(128),"
				+ " uid VARCHAR(64) NOT NULL, status VARCHAR(16) NOT NULL, version BIGINT NOT NULL,"
				+ " PRIMARY KEY (period_number, order_no))");
	}

	@CacheOrder
	@Transactional
	public PoisonOrder create(PoisonOrder order) {
		insert(order);
		return order;
	}

	@CacheOrder
	@Transactional
	public Optional<PoisonOrder> updateStatus(String period, String orderNo, PoisonOrder.Status status) {
		this.jdbc.update("UPDATE poison_orders SET status = ?, version = version + 1 WHERE period_number = ?"
				+ " AND order_no = ?", status.name(), period, orderNo);
		return row(period, orderNo);
	}

	@EvictOrder(period = "#period", orderNo = "#orderNo")
	@Transactional
	public boolean delete(String period, String orderNo) {
		return this.jdbc.update("DELETE FROM poison_orders WHERE period_number = ? AND order_no = ?", period,
				orderNo) > 0;
	}

	@CachedOrder(period = "#period", orderNo = "#orderNo")
	public Optional<PoisonOrder> find(String period, String orderNo) {
		this.loads.incrementAndGet();
		return row(period, orderNo);
	}

	@CachedPeriod(period = "#period")
	public List<PoisonOrder> findPeriod(String period) {
		this.periodLoads.incrementAndGet();
		return rows(period);
	}

	/** Inserts a row without the cache. */
	public void insert(PoisonOrder order) {
		this.jdbc.update("INSERT INTO poison_orders (period_number, order_no, uid, status, version)"
				+ " VALUES (?, ?, ?, ?, ?)", order.periodNumber(), order.orderNo(), order.uid(), order.status().name(),
				order.version());
	}

	/** Puts a row back as a backup had it, without the cache. */
	public void restore(PoisonOrder order) {
		this.jdbc.update("UPDATE poison_orders SET uid = ?, status = ?, version = ? WHERE period_number = ?"
				+ " AND order_no = ?", order.uid(), order.status().name(), order.version(), order.periodNumber(),
				order.orderNo());
	}

	/** Empties the table, as a fresh in-memory database after a restart would be. */
	public void wipe() {
		this.jdbc.update("DELETE FROM poison_orders");
	}

	/** Reads a row without the cache. */
	public Optional<PoisonOrder> row(String period, String orderNo) {
		return this.jdbc.query("SELECT * FROM poison_orders WHERE period_number = ? AND order_no = ?", ROW, period,
				orderNo).stream().findFirst();
	}

	/** Reads a period without the cache. */
	public List<PoisonOrder> rows(String period) {
		return this.jdbc.query("SELECT * FROM poison_orders WHERE period_number = ? ORDER BY order_no", ROW, period);
	}

	public int loads() {
		return this.loads.get();
	}

	public int periodLoads() {
		return this.periodLoads.get();
	}

}
