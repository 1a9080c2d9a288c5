/**
 * Benchmarks of ordercache against the limit of the machine (raw Lettuce, {@code redis-benchmark})
 * and against what a Spring user would use instead ({@code @Cacheable} with
 * {@code RedisCacheManager}), run by {@code bench/run.sh} through {@link BenchmarkSuite}, which
 * writes {@code docs/benchmarks.md}.
 */
@NullMarked
package io.fatamorgana.ordercache.benchmarks;

import org.jspecify.annotations.NullMarked;
