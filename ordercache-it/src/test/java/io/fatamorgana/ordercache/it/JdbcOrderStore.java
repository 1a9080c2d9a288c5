package io.fatamorgana.ordercache.it;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fatamorgana.ordercache.it.History.Kind;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * {@link OrderStore} on a {@link JdbcTemplate}.
 */
public class JdbcOrderStore implements OrderStore {

	private static final RowMapper<Order> ORDER = (rs, i) -> new Order(rs.getString("period_number"),
			rs.getString("order_no"), rs.getString("status"), rs.getLong("version"));

	private final JdbcTemplate jdbc;

	/**
	 * Creates the store.
	 * @param jdbc the template
	 */
	public JdbcOrderStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public String variant() {
		return "JDBC";
	}

	@Override
	public Change change(Kind kind, String period, String orderNo, String status, long opId) {
		Assert.state(TransactionSynchronizationManager.isActualTransactionActive(), "a change needs a transaction");
		Map<String, Object> current = this.jdbc.queryForMap(
				"SELECT rev, status FROM oc_revisions WHERE period_number = ? AND order_no = ? FOR UPDATE", period,
				orderNo);
		long revision = ((Number) current.get("rev")).longValue() + 1;
		boolean exists = current.get("status") != null;
		String written = (kind == Kind.DELETE) ? null : status;
		if ((kind == Kind.CREATE) == exists) {
			return Change.NONE;
		}
		this.jdbc.update("UPDATE oc_revisions SET rev = rev + 1, status = ? WHERE period_number = ? AND order_no = ?",
				written, period, orderNo);
		switch (kind) {
			case CREATE -> this.jdbc.update("INSERT INTO oc_orders (period_number, order_no, status, version)"
					+ " VALUES (?, ?, ?, ?)", period, orderNo, status, revision);
			case UPDATE -> this.jdbc.update("UPDATE oc_orders SET status = ?, version = ?"
					+ " WHERE period_number = ? AND order_no = ?", status, revision, period, orderNo);
			case DELETE -> this.jdbc.update("DELETE FROM oc_orders WHERE period_number = ? AND order_no = ?", period,
					orderNo);
			default -> throw new IllegalArgumentException(kind.toString());
		}
		this.jdbc.update("INSERT INTO oc_changes (period_number, order_no, rev, status, op_id) VALUES (?, ?, ?, ?, ?)",
				period, orderNo, revision, written, opId);
		return new Change(revision, written);
	}

	@Override
	public Optional<Order> find(String period, String orderNo) {
		DatabaseReads.mark();
		return this.jdbc.query("SELECT * FROM oc_orders WHERE period_number = ? AND order_no = ?", ORDER, period,
				orderNo).stream().findFirst();
	}

	@Override
	public List<Order> findPeriod(String period) {
		DatabaseReads.mark();
		return this.jdbc.query("SELECT * FROM oc_orders WHERE period_number = ?", ORDER, period);
	}

	@Override
	public void audit(long opId) {
		this.jdbc.update("INSERT INTO oc_audit (id, note) VALUES (?, ?)", opId, "jdbc");
	}

}
