package io.fatamorgana.ordercache.aop;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.annotation.CacheOrder;
import io.fatamorgana.ordercache.annotation.CachedOrder;
import io.fatamorgana.ordercache.annotation.CachedPeriod;
import io.fatamorgana.ordercache.annotation.EvictOrder;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.interceptor.TransactionAspectSupport;

/**
 * A user's order service: a table in H2 for what must really commit or roll back, and a map for
 * what the read-through methods load.
 */
public class AnnotatedOrders {

	private final Map<String, TestOrder> database = new ConcurrentHashMap<>();

	private final AtomicInteger loads = new AtomicInteger();

	private final AtomicInteger periodLoads = new AtomicInteger();

	private final JdbcTemplate jdbc;

	public AnnotatedOrders(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
		jdbc.execute("CREATE TABLE IF NOT EXISTS orders (period_number VARCHAR(128), order_no VARCHAR(128), status VARCHAR(16), "
				+ "PRIMARY KEY (period_number, order_no))");
	}

	@CacheOrder
	@Transactional
	public TestOrder create(TestOrder order) {
		this.jdbc.update("INSERT INTO orders (period_number, order_no, status) VALUES (?, ?, ?)",
				order.getPeriodNumber(), order.getOrderNo(), order.getStatus());
		put(order);
		return order;
	}

	@CacheOrder
	@Transactional
	public TestOrder createThenFail(TestOrder order) {
		this.jdbc.update("INSERT INTO orders (period_number, order_no, status) VALUES (?, ?, ?)",
				order.getPeriodNumber(), order.getOrderNo(), order.getStatus());
		throw new IllegalStateException("payment refused");
	}

	@CacheOrder
	public Optional<TestOrder> updateStatus(String period, String orderNo, String status) {
		return Optional.ofNullable(this.database.computeIfPresent(key(period, orderNo),
				(key, order) -> order.withStatus(status)));
	}

	@CacheOrder(order = "#order")
	public void save(TestOrder order) {
		put(order);
	}

	@CacheOrder(period = "#period", orderNo = "#order.orderNo + '_COPY'")
	public TestOrder copyInto(String period, TestOrder order) {
		return order;
	}

	@EvictOrder(period = "#period", orderNo = "#orderNo")
	@Transactional
	public boolean delete(String period, String orderNo) {
		this.jdbc.update("DELETE FROM orders WHERE period_number = ? AND order_no = ?", period, orderNo);
		return this.database.remove(key(period, orderNo)) != null;
	}

	@EvictOrder(order = "#order")
	public void remove(TestOrder order) {
		this.database.remove(key(order.getPeriodNumber(), order.getOrderNo()));
	}

	@EvictOrder(period = "#p0", allInPeriod = true)
	public void closePeriod(String period) {
	}

	@CachedOrder(period = "#period", orderNo = "#orderNo")
	public Optional<TestOrder> find(String period, String orderNo) {
		this.loads.incrementAndGet();
		return Optional.ofNullable(this.database.get(key(period, orderNo)));
	}

	@CachedOrder(period = "#period", orderNo = "#orderNo")
	public TestOrder get(String period, String orderNo) {
		this.loads.incrementAndGet();
		return this.database.get(key(period, orderNo));
	}

	@CachedOrder(period = "#period", orderNo = "#orderNo")
	@Transactional(readOnly = true)
	public Optional<TestOrder> findInOwnTransaction(String period, String orderNo, boolean rollBack) {
		this.loads.incrementAndGet();
		if (rollBack) {
			TransactionAspectSupport.currentTransactionStatus().setRollbackOnly();
		}
		return Optional.ofNullable(this.database.get(key(period, orderNo)));
	}

	@CachedPeriod(period = "#period")
	public List<TestOrder> findPeriod(String period) {
		this.periodLoads.incrementAndGet();
		return this.database.values().stream().filter((order) -> order.getPeriodNumber().equals(period)).toList();
	}

	@CachedOrder(period = "#period", orderNo = "#orderNo")
	public Optional<TestOrder> findSlowly(String period, String orderNo, CountDownLatch release)
			throws InterruptedException {
		this.loads.incrementAndGet();
		release.await(30, TimeUnit.SECONDS);
		return Optional.ofNullable(this.database.get(key(period, orderNo)));
	}

	@CacheOrder
	public TestOrder failing(TestOrder order) {
		throw new IllegalStateException("order service failed");
	}

	public int countRows(String period, String orderNo) {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM orders WHERE period_number = ? AND order_no = ?",
				Integer.class, period, orderNo);
	}

	public int loads() {
		return this.loads.get();
	}

	public int periodLoads() {
		return this.periodLoads.get();
	}

	public void put(TestOrder order) {
		this.database.put(key(order.getPeriodNumber(), order.getOrderNo()), order);
	}

	private static String key(String period, String orderNo) {
		return period + "/" + orderNo;
	}

}
