package io.fatamorgana.ordercache.warmup;

import org.jspecify.annotations.Nullable;

/**
 * How far the warm-up of one period has come.
 *
 * @param period the period number
 * @param state where it stands
 * @param written orders written so far
 * @param skipped orders that could not be cached
 * @param complete whether the period was marked complete
 * @param failure why it failed, without order contents, or {@code null}
 */
public record WarmUpProgress(String period, State state, long written, int skipped, boolean complete,
		@Nullable String failure) {

	/** Where a period's warm-up stands. */
	public enum State {

		/** Not started yet. */
		PENDING,

		/** Orders are being written. */
		RUNNING,

		/** Every order was read and written. */
		DONE,

		/** Reading or writing failed; the period is not complete. */
		FAILED

	}

}
