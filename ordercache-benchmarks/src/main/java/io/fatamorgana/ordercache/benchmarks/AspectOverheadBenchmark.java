package io.fatamorgana.ordercache.benchmarks;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.fatamorgana.ordercache.codec.OrderCodec;
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
 * Benchmark 3: what the annotations cost around a call with Redis taken out (a store in this JVM's
 * memory instead): each annotated method against the same method without annotation on the same
 * proxy, and the JSON conversion alone, which is part of the annotated figure.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AspectOverheadBenchmark {

	private static final String PERIOD = "20241201_803";

	private final BenchOrder order = BenchOrder.of(PERIOD, 1);

	private ConfigurableApplicationContext context;

	private AnnotatedOrders annotated;

	private OrderCodec codec;

	private byte[] json;

	@Setup
	public void start() {
		this.context = BenchApplication.start(BenchRedis.url(), true, Map.of());
		this.annotated = this.context.getBean(AnnotatedOrders.class);
		this.codec = this.context.getBean(OrderCodec.class);
		this.annotated.save(this.order);
		this.json = this.codec.encode(this.order);
	}

	@TearDown
	public void stop() {
		long loads = this.annotated.loads();
		this.context.close();
		if (loads > 0) {
			throw new IllegalStateException(loads + " @CachedOrder calls missed the in-memory store");
		}
	}

	/**
	 * {@code @CachedOrder} hit: expressions, key checks, lookup, JSON decode, counters.
	 * @return the order
	 */
	@Benchmark
	public BenchOrder cachedOrderHit() {
		return this.annotated.find(PERIOD, this.order.orderNo());
	}

	/**
	 * The same read without annotation.
	 * @return the order
	 */
	@Benchmark
	public BenchOrder readWithoutAnnotation() {
		return this.annotated.findWithoutCache(PERIOD, this.order.orderNo());
	}

	/**
	 * {@code @CacheOrder}: identity, key checks, JSON encode, write, counters.
	 * @return the order
	 */
	@Benchmark
	public BenchOrder cacheOrderWrite() {
		return this.annotated.save(this.order);
	}

	/**
	 * The same save without annotation.
	 * @return the order
	 */
	@Benchmark
	public BenchOrder saveWithoutAnnotation() {
		return this.annotated.saveWithoutCache(this.order);
	}

	/**
	 * JSON decode of the order alone.
	 * @return the order
	 */
	@Benchmark
	public BenchOrder jsonDecode() {
		return this.codec.decode(this.json, BenchOrder.class);
	}

	/**
	 * JSON encode of the order alone.
	 * @return the JSON
	 */
	@Benchmark
	public byte[] jsonEncode() {
		return this.codec.encode(this.order);
	}

}
