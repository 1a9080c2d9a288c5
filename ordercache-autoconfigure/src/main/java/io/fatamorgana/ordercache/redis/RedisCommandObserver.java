package io.fatamorgana.ordercache.redis;

/**
 * Told about every round trip the cache makes to Redis, for timers. Implementations must be fast
 * and must not throw.
 */
@FunctionalInterface
public interface RedisCommandObserver {

	/** An observer that does nothing. */
	RedisCommandObserver NONE = (command, nanos, success) -> {
	};

	/**
	 * Records one round trip.
	 * @param command the cache operation, such as {@code get} or {@code write}
	 * @param nanos how long it took, in nanoseconds
	 * @param success whether Redis answered (an error reply such as WRONGTYPE is an answer); {@code false}
	 * when it timed out, the connection failed or the call was skipped
	 */
	void observe(String command, long nanos, boolean success);

}
