package io.fatamorgana.ordercache.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Benchmark 2: a cache hit of one order, through {@code @CachedOrder}, through Spring's
 * {@code @Cacheable} on a {@code RedisCacheManager}, by raw Lettuce {@code HGET} plus Jackson, and
 * through {@code @CachedOrder} with the near cache on ({@link HitReaders}). The same order JSON in
 * each; a miss fails the benchmark, and so does a near-cache read not answered from memory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ReadHitBenchmark {

	private HitReaders readers;

	@Setup
	public void start() {
		this.readers = new HitReaders(BenchRedis.url());
	}

	@TearDown
	public void stop() {
		this.readers.close();
	}

	/**
	 * ordercache: {@code @CachedOrder} hit.
	 * @return the order
	 */
	@Benchmark
	public BenchOrder ordercache() {
		return this.readers.ordercache();
	}

	/**
	 * ordercache: {@code @CachedOrder} hit with the near cache on, answered from memory.
	 * @return the order
	 */
	@Benchmark
	public BenchOrder ordercacheNearCache() {
		return this.readers.ordercacheNearCache();
	}

	/**
	 * Spring's {@code @Cacheable} hit on {@code RedisCacheManager}.
	 * @return the order
	 */
	@Benchmark
	public BenchOrder springCacheable() {
		return this.readers.springCacheable();
	}

	/**
	 * Raw Lettuce {@code HGET} and Jackson decode.
	 * @return the order
	 */
	@Benchmark
	public BenchOrder rawHget() {
		return this.readers.rawHget();
	}

	/**
	 * Raw Lettuce {@code HGET} and ordercache's own decoder.
	 * @return the order
	 */
	@Benchmark
	public BenchOrder rawHgetSameDecoder() {
		return this.readers.rawHgetSameDecoder();
	}

}
