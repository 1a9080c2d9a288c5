package io.fatamorgana.ordercache.benchmarks;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks of one class in a forked JVM each, with the quick or the full run's
 * iterations, and hands back the results by method name.
 */
final class JmhRuns {

	private JmhRuns() {
	}

	/**
	 * Runs every benchmark method of a class.
	 * @param benchmark the class
	 * @param settings the run's settings
	 * @param allocation whether to measure allocation (JMH's GC profiler)
	 * @return method name &rarr; result
	 * @throws RunnerException if JMH fails
	 */
	static Map<String, RunResult> run(Class<?> benchmark, BenchSettings settings, boolean allocation)
			throws RunnerException {
		ChainedOptionsBuilder options = new OptionsBuilder().include("^" + Pattern.quote(benchmark.getName()) + "\\.")
			.forks(1)
			.warmupIterations(settings.pick(1, 3))
			.warmupTime(TimeValue.seconds(settings.pick(1, 3)))
			.measurementIterations(settings.pick(2, 5))
			.measurementTime(TimeValue.seconds(settings.pick(1, 3)))
			.jvmArgsAppend("-D" + BenchRedis.URL_PROPERTY + "=" + settings.redisUrl(), "-Xms1g", "-Xmx1g")
			.shouldFailOnError(true);
		if (allocation) {
			options.addProfiler(GCProfiler.class);
		}
		Collection<RunResult> results = new Runner(options.build()).run();
		Map<String, RunResult> byMethod = new LinkedHashMap<>();
		for (RunResult result : results) {
			String label = result.getParams().getBenchmark();
			byMethod.put(label.substring(label.lastIndexOf('.') + 1), result);
		}
		return byMethod;
	}

	/**
	 * The score of a result.
	 * @param result the result
	 * @return its primary score, in the benchmark's unit
	 */
	static double score(RunResult result) {
		return result.getPrimaryResult().getScore();
	}

	/**
	 * The error of a result, at 99.9%.
	 * @param result the result
	 * @return its primary score's error, or NaN with too few iterations
	 */
	static double error(RunResult result) {
		return result.getPrimaryResult().getScoreError();
	}

	/**
	 * The allocation per operation measured by the GC profiler.
	 * @param result the result
	 * @return bytes per operation, or NaN without the profiler
	 */
	static double allocatedBytes(RunResult result) {
		for (Map.Entry<String, Result> secondary : result.getSecondaryResults().entrySet()) {
			if (secondary.getKey().endsWith("gc.alloc.rate.norm")) {
				return secondary.getValue().getScore();
			}
		}
		return Double.NaN;
	}

}
