package io.fatamorgana.ordercache.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Benchmark 2 again, the readers taking turns call after call in one JVM. JMH measures each
 * reader in a fork of its own, minutes apart, and this machine's loopback round trip drifts by more
 * between forks (JMH's error column) than the readers differ; taking turns exposes every reader to
 * the same moments, so their ratio holds still.
 */
final class InterleavedHits {

	/** The readers, in the order of the results. */
	static final List<String> READERS = List.of("ordercache `@CachedOrder`", "Spring `@Cacheable` + `RedisCacheManager`",
			"raw Lettuce `HGET` + Jackson", "raw Lettuce `HGET` + ordercache's decoder",
			"ordercache `@CachedOrder`, near cache on");

	/** The index of the near cache's reader in {@link #READERS}. */
	static final int NEAR_CACHE = 4;

	private InterleavedHits() {
	}

	/**
	 * Measures every reader.
	 * @param settings the run's settings
	 * @return the latencies of each reader, in the order of {@link #READERS}
	 */
	static Result run(BenchSettings settings) {
		int warmUp = settings.pick(5_000, 20_000);
		int rounds = settings.pick(20_000, 100_000);
		try (HitReaders readers = new HitReaders(settings.redisUrl())) {
			List<Supplier<BenchOrder>> calls = List.of(readers::ordercache, readers::springCacheable, readers::rawHget,
					readers::rawHgetSameDecoder, readers::ordercacheNearCache);
			long[][] nanos = new long[calls.size()][rounds];
			for (int round = 0; round < warmUp + rounds; round++) {
				for (int turn = 0; turn < calls.size(); turn++) {
					// Each round starts with another reader, so that none always follows the same one.
					int reader = (round + turn) % calls.size();
					long start = System.nanoTime();
					BenchOrder order = calls.get(reader).get();
					long took = System.nanoTime() - start;
					if (order == null) {
						throw new IllegalStateException(READERS.get(reader) + " returned no order");
					}
					if (round >= warmUp) {
						nanos[reader][round - warmUp] = took;
					}
				}
			}
			for (long[] latencies : nanos) {
				Arrays.sort(latencies);
			}
			return new Result(rounds, nanos);
		}
	}

	/**
	 * What each reader took per call.
	 * @param rounds calls measured per reader
	 * @param nanos per reader, every call's latency, sorted
	 */
	record Result(int rounds, long[][] nanos) {

		double mean(int reader) {
			return Arrays.stream(this.nanos[reader]).average().orElse(Double.NaN);
		}

		long percentile(int reader, double percentile) {
			return Format.percentile(this.nanos[reader], percentile);
		}

	}

}
