package io.fatamorgana.ordercache.benchmarks;

import java.util.List;

/**
 * One benchmark's part of {@code docs/benchmarks.md}: its tables and the targets it checks.
 *
 * @param title the heading
 * @param markdown what was measured, how, and the tables with ratios
 * @param targets the targets of the issue this benchmark checks
 */
public record Section(String title, String markdown, List<Target> targets) {

	/**
	 * A target and whether this run met it.
	 *
	 * @param benchmark the benchmark, as in the summary table
	 * @param goal the target, such as {@code ≤ 1.2× raw}
	 * @param measured what this run measured, such as {@code 1.07× raw}
	 * @param met whether the target was met
	 */
	public record Target(String benchmark, String goal, String measured, boolean met) {

		/** The goal of a figure the issue sets no target for: reported, not judged. */
		public static final String NONE = "none set (reported)";

	}

}
