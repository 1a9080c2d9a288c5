package io.fatamorgana.ordercache.it;

/**
 * Tells a test whether the current thread's own database read produced what an annotated read
 * returned: the stores mark every read, the test resets the mark before the call and looks after
 * it. Unmarked, the result was a cache hit or a single-flight follower's copy of another thread's
 * load.
 */
public final class DatabaseReads {

	private static final ThreadLocal<Boolean> marked = ThreadLocal.withInitial(() -> false);

	private DatabaseReads() {
	}

	/** Records that this thread read the database. */
	static void mark() {
		marked.set(true);
	}

	/** Forgets earlier reads of this thread. */
	public static void reset() {
		marked.set(false);
	}

	/**
	 * Whether this thread read the database since the last {@link #reset()}.
	 * @return whether it did
	 */
	public static boolean happened() {
		return marked.get();
	}

}
