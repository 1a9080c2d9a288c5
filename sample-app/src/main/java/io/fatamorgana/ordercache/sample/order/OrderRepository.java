package io.fatamorgana.ordercache.sample.order;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code orders} table, with plain SQL that runs unchanged on H2, PostgreSQL and MariaDB.
 * Timestamps are stored as UTC date-times without a zone, so no driver or session time zone can
 * shift them.
 */
@Repository
class OrderRepository {

	private static final String COLUMNS = "order_no, uid, period_number, amount, profit_amount, like_count, "
			+ "share_count, follow_count, favorite_count, status, expire_time, created_at, updated_at, version";

	private final JdbcClient jdbc;

	OrderRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	Optional<Order> find(String period, String orderNo) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM orders WHERE period_number = ? AND order_no = ?")
			.params(period, orderNo)
			.query(OrderRepository::order)
			.optional();
	}

	Optional<Order> findByIdempotencyKey(String idempotencyKey) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM orders WHERE idempotency_key = ?")
			.param(idempotencyKey)
			.query(OrderRepository::order)
			.optional();
	}

	Stream<Order> streamByPeriod(String period) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM orders WHERE period_number = ?")
			.param(period)
			.query(OrderRepository::order)
			.stream();
	}

	List<Order> findByPeriod(String period) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM orders WHERE period_number = ? ORDER BY order_no")
			.param(period)
			.query(OrderRepository::order)
			.list();
	}

	void insert(Order order, @Nullable String idempotencyKey) {
		this.jdbc.sql("INSERT INTO orders (" + COLUMNS + ", idempotency_key) "
				+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			.params(order.orderNo(), order.uid(), order.periodNumber(), order.amount(), order.profitAmount(),
					order.likeCount(), order.shareCount(), order.followCount(), order.favoriteCount(),
					order.status().value(), utc(order.expireTime()), utc(order.createdAt()), utc(order.updatedAt()),
					order.version(), idempotencyKey)
			.update();
	}

	/**
	 * Writes a changed status if the row is still at the version it was read at.
	 * @return whether the row was updated; {@code false} if another change came first
	 */
	boolean updateStatus(Order changed, long readVersion) {
		return this.jdbc.sql("UPDATE orders SET status = ?, updated_at = ?, version = ? "
				+ "WHERE order_no = ? AND version = ?")
			.params(changed.status().value(), utc(changed.updatedAt()), changed.version(), changed.orderNo(),
					readVersion)
			.update() == 1;
	}

	boolean delete(String period, String orderNo) {
		return this.jdbc.sql("DELETE FROM orders WHERE period_number = ? AND order_no = ?")
			.params(period, orderNo)
			.update() == 1;
	}

	private static Order order(ResultSet rs, int row) throws SQLException {
		return new Order(rs.getString("order_no"), rs.getString("uid"), rs.getString("period_number"),
				rs.getBigDecimal("amount"), rs.getBigDecimal("profit_amount"), rs.getLong("like_count"),
				rs.getLong("share_count"), rs.getLong("follow_count"), rs.getLong("favorite_count"),
				OrderStatus.of(rs.getString("status")), instant(rs, "expire_time"), instant(rs, "created_at"),
				instant(rs, "updated_at"), rs.getLong("version"));
	}

	private static LocalDateTime utc(Instant instant) {
		return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		return rs.getObject(column, LocalDateTime.class).toInstant(ZoneOffset.UTC);
	}

}
