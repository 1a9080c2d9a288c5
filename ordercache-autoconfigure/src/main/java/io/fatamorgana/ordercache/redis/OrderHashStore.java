package io.fatamorgana.ordercache.redis;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Storage of order JSON in one hash per period, in terms of keys, fields and bytes. Each method is
 * one round trip on one key, so every operation works unchanged on Redis Cluster. Failures surface as
 * Spring's {@link org.springframework.dao.DataAccessException}.
 */
public interface OrderHashStore {

	/**
	 * Sets fields of a hash and its time to live in one atomic round trip, so the key never exists
	 * without a TTL.
	 * @param key the period's key
	 * @param entries order number &rarr; JSON, at least one
	 * @param ttl the time to live of the whole hash
	 */
	void put(String key, Map<String, byte[]> entries, Duration ttl);

	/**
	 * Reads one field (HGET).
	 * @param key the period's key
	 * @param field the order number
	 * @return the stored JSON, or {@code null} if there is none
	 */
	byte @Nullable [] get(String key, String field);

	/**
	 * Reads the whole hash (HGETALL).
	 * @param key the period's key
	 * @return order number &rarr; JSON, empty when the key does not exist
	 */
	Map<String, byte[]> entries(String key);

	/**
	 * Counts the fields of a hash (HLEN).
	 * @param key the period's key
	 * @return the number of fields
	 */
	long size(String key);

	/**
	 * Tells whether a field exists (HEXISTS).
	 * @param key the period's key
	 * @param field the order number
	 * @return whether it exists
	 */
	boolean exists(String key, String field);

	/**
	 * Removes one field (HDEL); the hash keeps its TTL.
	 * @param key the period's key
	 * @param field the order number
	 * @return whether the field existed
	 */
	boolean delete(String key, String field);

	/**
	 * Removes a field only if it still holds the given value, so that repairing an unreadable entry
	 * cannot remove a good one written in the meantime.
	 * @param key the period's key
	 * @param field the order number
	 * @param expected the value that was read
	 * @return whether the field was removed
	 */
	boolean deleteIfEquals(String key, String field, byte[] expected);

	/**
	 * Removes the whole hash (UNLINK).
	 * @param key the period's key
	 * @return whether the key existed
	 */
	boolean deleteKey(String key);

}
