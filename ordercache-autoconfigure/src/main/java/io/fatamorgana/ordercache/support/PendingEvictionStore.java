package io.fatamorgana.ordercache.support;

import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;

/**
 * Where evictions that could not reach Redis are kept beyond the life of the instance that made
 * them, so that whichever instance reaches Redis first replays them. A store only stores: when to
 * write, read and delete is decided by the cache (docs/consistency.md, "Failed evictions are not
 * forgotten"). Rows are never updated; the same eviction may be stored twice (replaying it twice is
 * harmless), and a row is deleted only after its eviction reached Redis.
 */
public interface PendingEvictionStore {

	/**
	 * Stores evictions, all of them or none.
	 * @param evictions the evictions
	 * @throws DataAccessException if they could not be stored
	 */
	void add(List<Eviction> evictions);

	/**
	 * Reads the oldest evictions of one key prefix.
	 * @param keyPrefix the cache's key prefix; only evictions of keys starting with it are read
	 * @param max the most evictions to read
	 * @return the evictions, oldest first
	 * @throws DataAccessException if they could not be read
	 */
	List<Stored> oldest(String keyPrefix, int max);

	/**
	 * Deletes evictions whose replay reached Redis.
	 * @param ids their ids
	 * @throws DataAccessException if they could not be deleted
	 */
	void remove(Collection<Long> ids);

	/**
	 * Says where evictions are kept, for the health and endpoint details.
	 * @return such as {@code jdbc (table ordercache_pending_eviction)}
	 */
	String describe();

	/**
	 * One eviction: an order, a whole period, or every period of a key prefix.
	 * @param key the period's key, or the key prefix followed by {@value #EVERYTHING} for every period
	 * of the prefix
	 * @param field the order number, or {@code null} to drop the whole period
	 */
	record Eviction(String key, @Nullable String field) {

		/** Ends the key of an eviction of every period of a key prefix; no period key contains it. */
		public static final String EVERYTHING = "*";

		/**
		 * The eviction of every period of a key prefix.
		 * @param keyPrefix the key prefix
		 * @return the eviction
		 */
		public static Eviction everything(String keyPrefix) {
			return new Eviction(keyPrefix + EVERYTHING, null);
		}

		/**
		 * Whether this is the eviction of every period of its key prefix.
		 * @return whether it is
		 */
		public boolean isEverything() {
			return this.key.endsWith(EVERYTHING);
		}

	}

	/**
	 * An eviction as stored.
	 * @param id its id in the store, increasing with the order of writing
	 * @param eviction the eviction
	 */
	record Stored(long id, Eviction eviction) {
	}

}
