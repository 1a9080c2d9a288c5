package io.fatamorgana.ordercache.benchmarks;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * What a run of the suite works with.
 *
 * @param quick whether this is the quick run (fewer and shorter iterations, under 8 minutes)
 * @param redisUrl the Redis the benchmarks use ({@code BENCH_REDIS_URL}, or one started for the run)
 * @param sampleAppJar the sample app's executable jar, for the HTTP benchmark; {@code null} to skip it
 * @param workDirectory where benchmarks may write scratch files
 */
public record BenchSettings(boolean quick, String redisUrl, @Nullable Path sampleAppJar, Path workDirectory) {

	/**
	 * Picks the quick or the full value.
	 * @param quickValue the value of the quick run
	 * @param fullValue the value of the full run
	 * @return the one for this run
	 */
	public int pick(int quickValue, int fullValue) {
		return this.quick ? quickValue : fullValue;
	}

}
