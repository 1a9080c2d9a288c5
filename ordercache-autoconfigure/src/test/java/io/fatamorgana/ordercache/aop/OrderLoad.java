package io.fatamorgana.ordercache.aop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.PeriodPage;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Business calls through the annotated {@link JdbcOrders} from 4 threads, as the fault and
 * failover tests run them while they break Redis, and the checks they make afterwards.
 */
public final class OrderLoad {

	private final JdbcOrders orders;

	private final List<String> periods;

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final AtomicInteger calls = new AtomicInteger();

	private final AtomicReference<Throwable> failure = new AtomicReference<>();

	private final ExecutorService threads = Executors.newFixedThreadPool(4);

	private final List<Future<?>> workers = new ArrayList<>();

	private OrderLoad(JdbcOrders orders, List<String> periods) {
		this.orders = orders;
		this.periods = periods;
	}

	/**
	 * Starts creates, updates, deletes, order and period reads on 12 orders of each period.
	 * @param orders the annotated service
	 * @param periods the periods to work on
	 * @param name what to print the seed with
	 * @return the running load
	 */
	public static OrderLoad start(JdbcOrders orders, List<String> periods, String name) {
		OrderLoad load = new OrderLoad(orders, periods);
		long seed = System.nanoTime();
		System.out.println(name + " load seed: " + seed);
		for (int t = 0; t < 4; t++) {
			Random random = new Random(seed + t);
			load.workers.add(load.threads.submit(() -> {
				while (load.running.get()) {
					try {
						load.step(random);
						load.calls.incrementAndGet();
					}
					catch (Throwable ex) {
						load.failure.compareAndSet(null, ex);
					}
				}
			}));
		}
		return load;
	}

	/**
	 * Waits until some more business calls have returned.
	 * @param more how many
	 */
	public void awaitCalls(int more) {
		int target = this.calls.get() + more;
		await().atMost(Duration.ofMinutes(1)).until(() -> this.calls.get() >= target);
	}

	/**
	 * Stops the load and asserts that no business call failed.
	 * @return how many business calls returned
	 */
	public int stop() {
		this.running.set(false);
		await().atMost(Duration.ofMinutes(1)).until(() -> this.workers.stream().allMatch(Future::isDone));
		this.threads.shutdownNow();
		try {
			this.threads.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		assertThat(this.failure.get()).as("business calls that failed").isNull();
		return this.calls.get();
	}

	/**
	 * Asserts that every order cached for the periods equals its committed row and that every
	 * period key has a TTL.
	 * @param orders the service whose table is the truth
	 * @param prefix the cache's key prefix
	 * @param periods the periods to check
	 * @param redis a raw client of the Redis (standalone or Cluster) the cache uses
	 * @return how many cached orders were compared
	 */
	public static int assertCacheEqualsDatabase(JdbcOrders orders, String prefix, List<String> periods,
			RedisClusterCommands<String, String> redis) {
		Map<String, JdbcOrders.Row> committed = orders.all().stream()
			.collect(Collectors.toMap((row) -> row.periodNumber() + "/" + row.orderNo(), Function.identity()));
		JsonMapper json = JsonMapper.builder().build();
		int cached = 0;
		for (String period : periods) {
			String key = prefix + period;
			if (redis.exists(key) == 0) {
				continue;
			}
			assertThat(redis.pttl(key)).as("TTL of " + key).isPositive();
			for (Map.Entry<String, String> field : redis.hgetall(key).entrySet()) {
				if (!field.getKey().startsWith("!")) {
					cached++;
					JdbcOrders.Row stored = json.readValue(field.getValue(), StoredRow.class).toRow();
					assertThat(stored).as("cached " + period + "/" + field.getKey())
						.isEqualTo(committed.get(period + "/" + field.getKey()));
				}
			}
		}
		assertThat(cached).as("cached orders compared").isPositive();
		return cached;
	}

	/**
	 * Lists every cached period, two per page so that the cursor is exercised.
	 * @param service the cache service
	 * @return the periods found
	 */
	public static List<String> cachedPeriods(OrderCacheService service) {
		List<String> found = new ArrayList<>();
		String cursor = null;
		do {
			PeriodPage page = service.cachedPeriods(cursor, 2);
			found.addAll(page.periods());
			cursor = page.nextCursor();
		}
		while (cursor != null);
		return found;
	}

	private void step(Random random) {
		String period = this.periods.get(random.nextInt(this.periods.size()));
		String orderNo = "O" + random.nextInt(12);
		int dice = random.nextInt(100);
		if (dice < 40) {
			this.orders.find(period, orderNo);
		}
		else if (dice < 50) {
			this.orders.findPeriod(period);
		}
		else if (dice < 80) {
			this.orders.update(period, orderNo, List.of("pending", "paid", "cancelled").get(random.nextInt(3)));
		}
		else if (dice < 92) {
			this.orders.create(period, orderNo);
		}
		else {
			this.orders.delete(period, orderNo);
		}
	}

	/**
	 * A {@link JdbcOrders.Row} as the cache stores it (snake_case JSON), read back with a raw client.
	 * @param period_number the period
	 * @param order_no the order number
	 * @param status the status
	 * @param version the version
	 */
	public record StoredRow(String period_number, String order_no, String status, long version) {

		/**
		 * The row this stored order is.
		 * @return the row
		 */
		public JdbcOrders.Row toRow() {
			return new JdbcOrders.Row(this.period_number, this.order_no, this.status, this.version);
		}

	}

}
