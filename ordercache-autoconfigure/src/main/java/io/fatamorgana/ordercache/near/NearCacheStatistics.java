package io.fatamorgana.ordercache.near;

/**
 * What the near cache did since startup.
 * @param size about how many orders it holds
 * @param hits reads answered from it
 * @param misses reads that went to Redis while it was trusted
 * @param refusedInstalls values read from Redis not kept because a change of their period may have
 * come after them
 * @param invalidations orders removed by a message
 * @param periodDrops times every order of a period was removed (a drop, a missed message, a new epoch)
 * @param gaps messages found missing (each dropped a period)
 * @param connectionFlushes times everything was forgotten because the channel's connection was lost
 * or made again
 * @param heartbeatFlushes times everything was forgotten because no heartbeat came in time
 * @param circuitFlushes times everything was forgotten because a circuit opened
 */
public record NearCacheStatistics(long size, long hits, long misses, long refusedInstalls, long invalidations,
		long periodDrops, long gaps, long connectionFlushes, long heartbeatFlushes, long circuitFlushes) {
}
