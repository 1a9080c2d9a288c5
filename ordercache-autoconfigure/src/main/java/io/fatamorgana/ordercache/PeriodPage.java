package io.fatamorgana.ordercache;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One page of the periods that have a hash in Redis, found by SCAN.
 *
 * @param periods the period numbers of this page
 * @param nextCursor the cursor to ask for the next page with, or {@code null} after the last page
 */
public record PeriodPage(List<String> periods, @Nullable String nextCursor) {

	/**
	 * Creates a page.
	 * @param periods the period numbers
	 * @param nextCursor the next cursor
	 */
	public PeriodPage {
		periods = List.copyOf(periods);
	}

}
