package io.fatamorgana.ordercache.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.fatamorgana.ordercache.BatchResult;
import io.fatamorgana.ordercache.OrderCacheService;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Benchmark 1: writing 10,000 orders into one empty period, by ordercache's batch and per-order
 * operations and by raw pipelined Lettuce (the limit of a client on this machine). One operation
 * is all 10,000 orders; the period's hash is deleted before each.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class BatchWriteBenchmark {

	/** Orders per operation. */
	public static final int ORDERS = 10_000;

	private static final String PERIOD = "20241201_801";

	private static final long TTL_MILLIS = TimeUnit.HOURS.toMillis(24);

	private final byte[] cacheKey = Orders.bytes(BenchApplication.KEY_PREFIX + PERIOD);

	private final byte[] rawKey = Orders.bytes(BenchApplication.KEY_PREFIX + "raw_" + PERIOD);

	private ConfigurableApplicationContext context;

	private OrderCacheService service;

	private BenchRedis redis;

	private List<BenchOrder> orders;

	private Map<byte[], byte[]> encoded;

	@Setup
	public void start() {
		this.context = BenchApplication.start(BenchRedis.url(), false, Map.of());
		this.service = this.context.getBean(OrderCacheService.class);
		this.redis = new BenchRedis(BenchRedis.url());
		this.orders = Orders.period(PERIOD, ORDERS);
		this.encoded = Orders.encoded(this.orders);
	}

	@Setup(Level.Invocation)
	public void emptyPeriod() {
		this.redis.sync().del(this.cacheKey, this.rawKey);
	}

	@TearDown
	public void stop() {
		long written = this.redis.sync().hlen(this.cacheKey) + this.redis.sync().hlen(this.rawKey);
		this.redis.sync().del(this.cacheKey, this.rawKey);
		this.redis.close();
		this.context.close();
		if (written == 0) {
			throw new IllegalStateException("Nothing was written");
		}
	}

	/**
	 * ordercache: {@code batchCacheOrders}, JSON encoding included.
	 * @return what was cached
	 */
	@Benchmark
	public BatchResult batchCacheOrders() {
		BatchResult result = this.service.batchCacheOrders(this.orders);
		if (result.cached() != ORDERS) {
			throw new IllegalStateException("Cached " + result.cached() + " of " + ORDERS);
		}
		return result;
	}

	/** ordercache: one {@code cacheOrder} after the other. */
	@Benchmark
	public void cacheOrderLoop() {
		for (BenchOrder order : this.orders) {
			this.service.cacheOrder(order);
		}
	}

	/** The limit: one HSET per order, pipelined, of JSON encoded beforehand. */
	@Benchmark
	public void rawPipelinedHset() {
		this.redis.pipelinedHset(this.rawKey, this.encoded, TTL_MILLIS);
	}

	/** Raw pipelined HSET per order, JSON encoding included, as ordercache's figure is. */
	@Benchmark
	public void rawPipelinedHsetWithEncoding() {
		this.redis.pipelinedHset(this.rawKey, Orders.encoded(this.orders), TTL_MILLIS);
	}

	/** Raw HSET of 500 fields per command, pipelined, JSON encoding included. */
	@Benchmark
	public void rawPipelinedMultiFieldHsetWithEncoding() {
		this.redis.pipelinedMultiHset(this.rawKey, Orders.encoded(this.orders), 500, TTL_MILLIS);
	}

}
