package io.fatamorgana.ordercache.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fatamorgana.ordercache.OrderCacheException;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.near.NearCacheStatistics;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One thread that changes orders through instance A (one order per round, in turn, to status
 * {@code V<n>} with {@code n} growing per order) and reads every order through instance B after
 * each change, checking every read of B as it returns: it must not return a version older than the
 * last one A's {@code cacheOrder} acknowledged more than the allowed delay before the read began
 * (invariant 3 with the near cache's delivery delay). A change that failed is not acknowledged; a
 * read that failed returns nothing and is not checked; a read that finds the order absent is a
 * miss, after which the caller reads the database, so it is never too old (a committed change is
 * refused, and the order removed, while the order is tombstoned, for example after the eviction a
 * failed change leaves behind). All are counted.
 */
final class NearCacheStalenessCheck {

	private static final Pattern STATUS = Pattern.compile("\"status\":\"([^\"]*)\"");

	private final OrderCacheService a;

	private final OrderCacheService b;

	private final List<Order> orders;

	private final long allowedNanos;

	/** Per order, the versions A acknowledged and when (oldest first). */
	private final Map<Order, List<long[]>> acknowledged = new ConcurrentHashMap<>();

	private final Map<Order, Long> nextVersion = new ConcurrentHashMap<>();

	private final List<String> violations = new CopyOnWriteArrayList<>();

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final AtomicLong rounds = new AtomicLong();

	private final AtomicLong writes = new AtomicLong();

	private final AtomicLong failedWrites = new AtomicLong();

	private final AtomicLong reads = new AtomicLong();

	private final AtomicLong failedReads = new AtomicLong();

	private final AtomicLong tooOld = new AtomicLong();

	private final AtomicLong absent = new AtomicLong();

	private final AtomicReference<Throwable> crash = new AtomicReference<>();

	private final Thread thread;

	private final long startNanos = System.nanoTime();

	private final List<String> events = new CopyOnWriteArrayList<>();

	/** Changes acknowledged from this time to {@link #mayBeLostTo} are not required (Redis may lose them). */
	private volatile long mayBeLostFrom = Long.MAX_VALUE;

	private volatile long mayBeLostTo = Long.MAX_VALUE;

	private final Supplier<NearCacheStatistics> nearOfB;

	private final Function<Order, String> inRedis;

	private NearCacheStalenessCheck(OrderCacheService a, OrderCacheService b, List<Order> orders, Duration allowed,
			Supplier<NearCacheStatistics> nearOfB, Function<Order, String> inRedis) {
		this.a = a;
		this.b = b;
		this.orders = List.copyOf(orders);
		this.allowedNanos = allowed.toNanos();
		this.nearOfB = nearOfB;
		this.inRedis = inRedis;
		this.thread = new Thread(this::run, "near-cache-staleness-check");
		this.thread.setDaemon(true);
	}

	/**
	 * Caches version 0 of every order through A, then starts the loop.
	 * @param a the writing instance's service
	 * @param b the reading instance's service
	 * @param orders the orders
	 * @param allowed how long after A acknowledged a version B may still return an older one
	 * @param nearOfB B's near cache statistics (to tell whether a read too old came from memory)
	 * @param inRedis reads an order's status straight from Redis (to tell what Redis held when a
	 * read was too old)
	 * @return the running check
	 */
	static NearCacheStalenessCheck start(OrderCacheService a, OrderCacheService b, List<Order> orders,
			Duration allowed, Supplier<NearCacheStatistics> nearOfB, Function<Order, String> inRedis) {
		NearCacheStalenessCheck check = new NearCacheStalenessCheck(a, b, orders, allowed, nearOfB, inRedis);
		for (Order order : check.orders) {
			check.nextVersion.put(order, 0L);
			check.acknowledged.put(order, new ArrayList<>());
			check.change(order);
		}
		check.thread.start();
		return check;
	}

	/**
	 * Waits until the loop made some more rounds.
	 * @param more how many
	 */
	void awaitRounds(long more) {
		long target = this.rounds.get() + more;
		await().atMost(Duration.ofMinutes(2)).until(() -> this.rounds.get() >= target || this.crash.get() != null);
		assertThat(this.crash.get()).as("the check's thread failed").isNull();
	}

	/**
	 * Waits until some more changes of A were acknowledged.
	 * @param more how many
	 */
	void awaitWrites(long more) {
		long target = this.writes.get() + more;
		await().atMost(Duration.ofMinutes(2)).until(() -> this.writes.get() >= target || this.crash.get() != null);
		assertThat(this.crash.get()).as("the check's thread failed").isNull();
	}

	/**
	 * Notes an event (a failover began, ended) on the check's clock, for the report of reads too old.
	 * @param event what happened
	 */
	void mark(String event) {
		this.events.add(event + " at " + millis(System.nanoTime()) + " ms");
	}

	/**
	 * From now on (and for a margin before), until {@link #acknowledgedChangesAreKeptAgain()}, changes
	 * A's {@code cacheOrder} acknowledged may be lost by Redis itself, as on a Sentinel failover
	 * (asynchronous replication: the former primary goes on acknowledging writes until Sentinel
	 * makes it a replica, and they are gone when it resynchronizes from the promoted one). They are
	 * not required of B's reads; changes acknowledged before and after still are.
	 * @param margin how long before now changes may not have reached the replica yet
	 */
	void acknowledgedChangesMayBeLost(Duration margin) {
		this.mayBeLostTo = Long.MAX_VALUE;
		this.mayBeLostFrom = System.nanoTime() - margin.toNanos();
		mark("acknowledged changes may be lost from " + millis(this.mayBeLostFrom) + " ms");
	}

	/** Ends what {@link #acknowledgedChangesMayBeLost(Duration)} began. */
	void acknowledgedChangesAreKeptAgain() {
		this.mayBeLostTo = System.nanoTime();
		mark("acknowledged changes are kept again");
	}

	private long millis(long nanos) {
		return Duration.ofNanos(nanos - this.startNanos).toMillis();
	}

	/**
	 * Stops the loop and asserts that no read of B was older than allowed.
	 * @return what it did, to print
	 */
	String stop() {
		this.running.set(false);
		await().atMost(Duration.ofMinutes(1)).until(() -> !this.thread.isAlive());
		assertThat(this.crash.get()).as("the check's thread failed").isNull();
		String summary = this.rounds.get() + " rounds, " + this.writes.get() + " changes acknowledged ("
				+ this.failedWrites.get() + " failed), " + this.reads.get() + " reads of B checked ("
				+ this.failedReads.get() + " failed, " + this.absent.get() + " absent), " + this.tooOld.get() + " too old";
		assertThat(this.violations).as("reads of B older than A's change acknowledged more than %d ms before; %s; "
				+ "events: %s", Duration.ofNanos(this.allowedNanos).toMillis(), summary, this.events)
			.isEmpty();
		return summary;
	}

	private void run() {
		try {
			int turn = 0;
			while (this.running.get()) {
				change(this.orders.get(turn++ % this.orders.size()));
				for (Order order : this.orders) {
					read(order);
				}
				this.rounds.incrementAndGet();
			}
		}
		catch (Throwable ex) {
			this.crash.set(ex);
		}
	}

	private void change(Order order) {
		long version = this.nextVersion.merge(order, 1L, Long::sum) - 1;
		try {
			this.a.cacheOrder(TestOrder.of(order.period(), order.orderNo()).withStatus("V" + version));
		}
		catch (OrderCacheException ex) {
			this.failedWrites.incrementAndGet();
			return;
		}
		List<long[]> acks = this.acknowledged.get(order);
		synchronized (acks) {
			acks.add(new long[] { version, System.nanoTime() });
		}
		this.writes.incrementAndGet();
	}

	private void read(Order order) {
		long hits = this.nearOfB.get().hits();
		long began = System.nanoTime();
		Optional<TestOrder> found;
		try {
			found = this.b.getOrder(order.period(), order.orderNo(), TestOrder.class);
		}
		catch (OrderCacheException ex) {
			this.failedReads.incrementAndGet();
			return;
		}
		long ended = System.nanoTime();
		this.reads.incrementAndGet();
		if (found.isEmpty()) {
			this.absent.incrementAndGet();
			return;
		}
		long version = Long.parseLong(found.get().getStatus().substring(1));
		long required = -1;
		long requiredAt = 0;
		long[] latest;
		List<long[]> acks = this.acknowledged.get(order);
		synchronized (acks) {
			latest = acks.isEmpty() ? new long[] { -1, began } : acks.get(acks.size() - 1);
			long lostFrom = this.mayBeLostFrom;
			long lostTo = this.mayBeLostTo;
			for (int i = acks.size() - 1; i >= 0; i--) {
				long at = acks.get(i)[1];
				if (began - at > this.allowedNanos && (at < lostFrom || at > lostTo)) {
					required = acks.get(i)[0];
					requiredAt = acks.get(i)[1];
					break;
				}
			}
		}
		if (version < required && this.tooOld.incrementAndGet() <= 20) {
			NearCacheStatistics near = this.nearOfB.get();
			String source = (near.hits() > hits) ? "from B's memory" : "from Redis";
			String redis;
			try {
				redis = this.inRedis.apply(order);
			}
			catch (RuntimeException ex) {
				redis = ex.toString();
			}
			this.violations.add(order + ": read V" + version + " " + source + " at " + millis(began) + "-"
					+ millis(ended) + " ms, but V" + required + " was acknowledged at " + millis(requiredAt)
					+ " ms; last acknowledged V" + latest[0] + " at " + millis(latest[1]) + " ms; Redis holds "
					+ redis + "; B's near cache: " + near);
		}
	}

	/**
	 * The status in an order's JSON as stored in Redis.
	 * @param json the JSON, or {@code null}
	 * @return the status, or {@code absent}
	 */
	static String statusOf(@Nullable String json) {
		if (json == null) {
			return "absent";
		}
		Matcher matcher = STATUS.matcher(json);
		return matcher.find() ? matcher.group(1) : json;
	}

	/** An order of a period. */
	record Order(String period, String orderNo) {

		@Override
		public String toString() {
			return this.period + "/" + this.orderNo;
		}

	}

}
