package io.fatamorgana.ordercache.tx;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.annotation.CacheOrder;
import io.fatamorgana.ordercache.annotation.CachedOrder;
import io.fatamorgana.ordercache.annotation.CachedPeriod;
import io.fatamorgana.ordercache.annotation.EvictOrder;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A user's order service on an H2 table, with one method per propagation and failure shape the
 * transaction tests need. Every read builds a new {@link TestOrder} from its row, as a repository
 * would.
 */
public class TxOrders {

	private static final RowMapper<TestOrder> ROW = (rs, i) -> {
		TestOrder order = TestOrder.of(rs.getString("period_number"), rs.getString("order_no"))
			.withStatus(rs.getString("status"));
		order.setUid(rs.getString("uid"));
		return order;
	};

	private final JdbcTemplate jdbc;

	private final AtomicInteger loads = new AtomicInteger();

	public TxOrders(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
		jdbc.execute("CREATE TABLE IF NOT EXISTS tx_orders (period_number VARCHAR(128), order_no VARCHAR(128),"
				+ " status VARCHAR(16), uid VARCHAR(32), PRIMARY KEY (period_number, order_no))");
	}

	/** Inserts a row without touching the cache. */
	public void insert(TestOrder order) {
		this.jdbc.update("INSERT INTO tx_orders (period_number, order_no, status, uid) VALUES (?, ?, ?, ?)",
				order.getPeriodNumber(), order.getOrderNo(), order.getStatus(), order.getUid());
	}

	@CacheOrder
	@Transactional
	public TestOrder create(TestOrder order) {
		insert(order);
		return order;
	}

	@CacheOrder
	@Transactional
	public Optional<TestOrder> updateStatus(String period, String orderNo, String status) {
		updateRow(period, orderNo, status);
		return select(period, orderNo);
	}

	/** Commits the new status, then throws an unchecked exception that is declared not to roll back. */
	@CacheOrder(period = "#period", orderNo = "#orderNo")
	@Transactional(noRollbackFor = IllegalStateException.class)
	public TestOrder updateStatusThenFail(String period, String orderNo, String status) {
		updateRow(period, orderNo, status);
		throw new IllegalStateException("notification failed after the update");
	}

	@EvictOrder(period = "#period", orderNo = "#orderNo")
	@Transactional
	public boolean delete(String period, String orderNo) {
		return deleteRow(period, orderNo);
	}

	@EvictOrder(period = "#period", orderNo = "#orderNo")
	@Transactional(propagation = Propagation.REQUIRES_NEW)
	public boolean deleteInNewTransaction(String period, String orderNo) {
		return deleteRow(period, orderNo);
	}

	@EvictOrder(period = "#period", orderNo = "#orderNo")
	@Transactional(propagation = Propagation.NOT_SUPPORTED)
	public boolean deleteNotSupported(String period, String orderNo) {
		return deleteRow(period, orderNo);
	}

	@EvictOrder(period = "#period", orderNo = "#orderNo")
	@Transactional(propagation = Propagation.NEVER)
	public boolean deleteNever(String period, String orderNo) {
		return deleteRow(period, orderNo);
	}

	/** Deletes, then throws a checked exception: the transaction commits by default. */
	@EvictOrder(period = "#period", orderNo = "#orderNo")
	@Transactional
	public void deleteThenReject(String period, String orderNo) throws OrderRejectedException {
		deleteRow(period, orderNo);
		throw new OrderRejectedException("deleted, but the refund was rejected");
	}

	/** An eviction with no database work, as an after-commit callback would call it. */
	@EvictOrder(period = "#period", orderNo = "#orderNo")
	public void evict(String period, String orderNo) {
	}

	@CachedOrder(period = "#period", orderNo = "#orderNo")
	public Optional<TestOrder> find(String period, String orderNo) {
		this.loads.incrementAndGet();
		return select(period, orderNo);
	}

	@CachedPeriod(period = "#period")
	public List<TestOrder> findPeriod(String period) {
		this.loads.incrementAndGet();
		return this.jdbc.query("SELECT * FROM tx_orders WHERE period_number = ? ORDER BY order_no", ROW, period);
	}

	/**
	 * Reads like {@code EntityManager.find}: what the current transaction's persistence context already
	 * holds is returned without asking the database.
	 */
	@CachedOrder(period = "#period", orderNo = "#orderNo")
	public Optional<TestOrder> findInContext(String period, String orderNo) {
		this.loads.incrementAndGet();
		return Optional.ofNullable(persistenceContext().computeIfAbsent(period + "/" + orderNo,
				(key) -> select(period, orderNo).orElse(null)));
	}

	/** Reads a row into the current transaction's persistence context, without the cache. */
	public void readIntoContext(String period, String orderNo) {
		select(period, orderNo).ifPresent((order) -> persistenceContext().put(period + "/" + orderNo, order));
	}

	public int countRows(String period) {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM tx_orders WHERE period_number = ?", Integer.class,
				period);
	}

	public int countRows(String period, String orderNo) {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM tx_orders WHERE period_number = ? AND order_no = ?",
				Integer.class, period, orderNo);
	}

	public int loads() {
		return this.loads.get();
	}

	private Optional<TestOrder> select(String period, String orderNo) {
		return this.jdbc.query("SELECT * FROM tx_orders WHERE period_number = ? AND order_no = ?", ROW, period,
				orderNo).stream().findFirst();
	}

	private void updateRow(String period, String orderNo, String status) {
		this.jdbc.update("UPDATE tx_orders SET status = ? WHERE period_number = ? AND order_no = ?", status, period,
				orderNo);
	}

	private boolean deleteRow(String period, String orderNo) {
		return this.jdbc.update("DELETE FROM tx_orders WHERE period_number = ? AND order_no = ?", period,
				orderNo) > 0;
	}

	/**
	 * The entities the current transaction has read, bound to it like a JPA persistence context and
	 * unbound when it completes.
	 */
	@SuppressWarnings("unchecked")
	private static Map<String, @Nullable TestOrder> persistenceContext() {
		Object key = PersistenceContextKey.INSTANCE;
		Object bound = TransactionSynchronizationManager.getResource(key);
		if (bound != null) {
			return (Map<String, @Nullable TestOrder>) bound;
		}
		Map<String, @Nullable TestOrder> context = new HashMap<>();
		TransactionSynchronizationManager.bindResource(key, context);
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void afterCompletion(int status) {
				TransactionSynchronizationManager.unbindResourceIfPossible(key);
			}

		});
		return context;
	}

	private enum PersistenceContextKey {

		INSTANCE

	}

	/** A checked exception thrown after the database work: the transaction still commits. */
	public static class OrderRejectedException extends Exception {

		private static final long serialVersionUID = 1L;

		OrderRejectedException(String message) {
			super(message);
		}

	}

}
