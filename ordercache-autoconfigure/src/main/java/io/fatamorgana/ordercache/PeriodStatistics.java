package io.fatamorgana.ordercache;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * What the cache holds for one period.
 *
 * @param period the period number
 * @param orders the number of cached orders
 * @param ttl the time left before the period's hash expires, or {@code null} when it does not exist
 * @param complete whether the hash holds every order of the period (filled by a full load or
 * warm-up, nothing evicted since), so that period reads are served from it
 * @param memoryBytes the memory the hash takes in Redis (MEMORY USAGE), or {@code null} when Redis
 * does not allow the command or the key does not exist
 */
public record PeriodStatistics(String period, long orders, @Nullable Duration ttl, boolean complete,
		@Nullable Long memoryBytes) {
}
