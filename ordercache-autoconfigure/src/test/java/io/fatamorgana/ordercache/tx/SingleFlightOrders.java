package io.fatamorgana.ordercache.tx;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.annotation.CachedOrder;
import io.fatamorgana.ordercache.annotation.EvictOrder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.annotation.Transactional;

/**
 * A user's order service on an H2 table whose read-through load can be paused after it read the
 * database, and can call itself again with the same arguments.
 */
public class SingleFlightOrders {

	private static final RowMapper<TestOrder> ROW = (rs, i) -> TestOrder
		.of(rs.getString("period_number"), rs.getString("order_no"))
		.withStatus(rs.getString("status"));

	private final JdbcTemplate jdbc;

	private final ObjectProvider<SingleFlightOrders> self;

	private final Map<String, Pause> pauses = new ConcurrentHashMap<>();

	private final ThreadLocal<Boolean> reentered = ThreadLocal.withInitial(() -> false);

	private final AtomicInteger loads = new AtomicInteger();

	public SingleFlightOrders(JdbcTemplate jdbc, ObjectProvider<SingleFlightOrders> self) {
		this.jdbc = jdbc;
		this.self = self;
		jdbc.execute("CREATE TABLE IF NOT EXISTS flight_orders (period_number VARCHAR(128), order_no VARCHAR(128),"
				+ " status VARCHAR(16), PRIMARY KEY (period_number, order_no))");
	}

	public void insert(String period, String orderNo, String status) {
		this.jdbc.update("INSERT INTO flight_orders VALUES (?, ?, ?)", period, orderNo, status);
	}

	/**
	 * Makes the next load of the order pause after it read the database.
	 * @return the pause: {@code read} counts down when the load has read, the load goes on when
	 * {@code release} is counted down
	 */
	public Pause pauseNextLoad(String period, String orderNo) {
		Pause pause = new Pause(new CountDownLatch(1), new CountDownLatch(1));
		this.pauses.put(period + "/" + orderNo, pause);
		return pause;
	}

	@CachedOrder(period = "#period", orderNo = "#orderNo")
	public Optional<TestOrder> find(String period, String orderNo) throws InterruptedException {
		this.loads.incrementAndGet();
		Optional<TestOrder> order = select(period, orderNo);
		Pause pause = this.pauses.remove(period + "/" + orderNo);
		if (pause != null) {
			pause.read().countDown();
			pause.release().await(60, TimeUnit.SECONDS);
		}
		return order;
	}

	/** Calls itself once, through the proxy, with the same arguments, as a recursive service may. */
	@CachedOrder(period = "#period", orderNo = "#orderNo")
	public Optional<TestOrder> findReentrant(String period, String orderNo) {
		this.loads.incrementAndGet();
		if (!this.reentered.get()) {
			this.reentered.set(true);
			try {
				this.self.getObject().findReentrant(period, orderNo);
			}
			finally {
				this.reentered.set(false);
			}
		}
		return select(period, orderNo);
	}

	@EvictOrder(period = "#period", orderNo = "#orderNo")
	@Transactional
	public void updateStatus(String period, String orderNo, String status) {
		this.jdbc.update("UPDATE flight_orders SET status = ? WHERE period_number = ? AND order_no = ?", status,
				period, orderNo);
	}

	public int loads() {
		return this.loads.get();
	}

	private Optional<TestOrder> select(String period, String orderNo) {
		return this.jdbc.query("SELECT * FROM flight_orders WHERE period_number = ? AND order_no = ?", ROW, period,
				orderNo).stream().findFirst();
	}

	/**
	 * A paused load.
	 * @param read counted down when the load has read the database
	 * @param release count down to let the load return
	 */
	public record Pause(CountDownLatch read, CountDownLatch release) {
	}

}
