package io.fatamorgana.ordercache.benchmarks;

import java.util.Locale;

/**
 * How figures read in the report: durations with their unit, rates with thousands separators,
 * ratios to two decimals.
 */
final class Format {

	private Format() {
	}

	/**
	 * A duration in nanoseconds, in the unit that reads best.
	 * @param nanos the duration
	 * @return such as {@code 850 ns}, {@code 12.3 µs}, {@code 4.56 ms}, {@code 1.23 s}
	 */
	static String nanos(double nanos) {
		if (Double.isNaN(nanos)) {
			return "n/a";
		}
		double abs = Math.abs(nanos);
		if (abs < 1_000) {
			return String.format(Locale.ROOT, "%.0f ns", nanos);
		}
		if (abs < 1_000_000) {
			return String.format(Locale.ROOT, "%.2f µs", nanos / 1e3);
		}
		if (abs < 1_000_000_000) {
			return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
		}
		return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
	}

	/**
	 * A count or rate with thousands separators.
	 * @param value the value
	 * @return such as {@code 283,412}
	 */
	static String count(double value) {
		return String.format(Locale.ROOT, "%,.0f", value);
	}

	/**
	 * A ratio.
	 * @param ratio the ratio
	 * @return such as {@code 0.71×}
	 */
	static String ratio(double ratio) {
		return String.format(Locale.ROOT, "%.2f×", ratio);
	}

	/**
	 * A ratio far below 1, with the third decimal that tells it from a target such as 0.05×.
	 * @param ratio the ratio
	 * @return such as {@code 0.034×}
	 */
	static String fineRatio(double ratio) {
		return String.format(Locale.ROOT, "%.3f×", ratio);
	}

	/**
	 * Bytes in the unit that reads best.
	 * @param bytes the amount
	 * @return such as {@code 3.4 MB}
	 */
	static String bytes(double bytes) {
		if (Double.isNaN(bytes)) {
			return "n/a";
		}
		if (bytes < 10_000) {
			return String.format(Locale.ROOT, "%.0f B", bytes);
		}
		if (bytes < 10_000_000) {
			return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
		}
		return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
	}

	/**
	 * A percentile of latencies, by nearest rank: the smallest value that at least that share of the
	 * values do not exceed.
	 * @param sortedNanos latencies, sorted
	 * @param percentile such as 99.0
	 * @return the latency at that percentile
	 */
	static long percentile(long[] sortedNanos, double percentile) {
		if (sortedNanos.length == 0) {
			return 0;
		}
		int index = (int) Math.ceil(percentile / 100.0 * sortedNanos.length) - 1;
		return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))];
	}

}
