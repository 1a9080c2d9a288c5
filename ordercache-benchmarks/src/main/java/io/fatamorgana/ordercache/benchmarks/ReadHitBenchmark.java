package io.fatamorgana.ordercache.benchmarks;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.fatamorgana.ordercache.OrderCacheService;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Benchmark 2: a cache hit of one order, through {@code @CachedOrder}, through Spring's
 * {@code @Cacheable} on a {@code RedisCacheManager}, and by raw Lettuce {@code HGET} plus Jackson.
 * The same order JSON in each; a miss fails the benchmark.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ReadHitBenchmark {

	private static final String PERIOD = "20241201_802";

	private final BenchOrder order = BenchOrder.of(PERIOD, 1);

	private final byte[] rawKey = Orders.bytes(BenchApplication.KEY_PREFIX + "raw_" + PERIOD);

	private final byte[] rawField = Orders.bytes(this.order.orderNo());

	private ConfigurableApplicationContext context;

	private AnnotatedOrders annotated;

	private SpringCachedOrders spring;

	private BenchRedis redis;

	private long hitsBefore;

	@Setup
	public void start() {
		this.context = BenchApplication.start(BenchRedis.url(), false, Map.of());
		this.annotated = this.context.getBean(AnnotatedOrders.class);
		this.spring = this.context.getBean(SpringCachedOrders.class);
		this.redis = new BenchRedis(BenchRedis.url());
		this.annotated.save(this.order);
		this.spring.store(this.order);
		this.spring.find(PERIOD, this.order.orderNo());
		this.redis.sync().hset(this.rawKey, this.rawField, Orders.WRITER.writeValueAsBytes(this.order));
		this.hitsBefore = this.context.getBean(OrderCacheService.class).statistics().hits();
	}

	@TearDown
	public void stop() {
		long hits = this.context.getBean(OrderCacheService.class).statistics().hits() - this.hitsBefore;
		long misses = this.annotated.loads() + this.spring.loads() - 1;
		this.redis.deleteKeys(BenchApplication.KEY_PREFIX);
		this.redis.deleteKeys(BenchApplication.SPRING_CACHE);
		this.redis.close();
		this.context.close();
		if (misses > 0) {
			throw new IllegalStateException(misses + " calls missed the cache (" + hits + " hits)");
		}
	}

	/**
	 * ordercache: {@code @CachedOrder} hit.
	 * @return the order
	 */
	@Benchmark
	public BenchOrder ordercache() {
		return this.annotated.find(PERIOD, this.order.orderNo());
	}

	/**
	 * Spring's {@code @Cacheable} hit on {@code RedisCacheManager}.
	 * @return the order
	 */
	@Benchmark
	public BenchOrder springCacheable() {
		return this.spring.find(PERIOD, this.order.orderNo());
	}

	/**
	 * Raw Lettuce {@code HGET} and Jackson decode.
	 * @return the order
	 */
	@Benchmark
	public BenchOrder rawHget() {
		return Orders.READER.readValue(this.redis.sync().hget(this.rawKey, this.rawField));
	}

	/**
	 * Raw Lettuce {@code HGET} and ordercache's own decoder.
	 * @return the order
	 */
	@Benchmark
	public BenchOrder rawHgetSameDecoder() {
		return Orders.CODEC.decode(this.redis.sync().hget(this.rawKey, this.rawField), BenchOrder.class);
	}

}
