package io.fatamorgana.ordercache.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.fatamorgana.ordercache.redis.OrderHashStore;
import org.jspecify.annotations.Nullable;

/**
 * An {@link OrderHashStore} without Redis: hashes in a map of this JVM, so that a benchmark through
 * it measures everything ordercache does around a Redis round trip (aspect, expressions, key
 * checks, JSON, counters) and nothing of the round trip itself.
 */
final class NoRedisStore implements OrderHashStore {

	private final ConcurrentMap<String, ConcurrentMap<String, byte[]>> hashes = new ConcurrentHashMap<>();

	private Map<String, byte[]> hash(String key) {
		return this.hashes.computeIfAbsent(key, (k) -> new ConcurrentHashMap<>());
	}

	@Override
	public Lookup get(String key, String field, long maxBytes) {
		return new Lookup(hash(key).get(field), "0.0", 0);
	}

	@Override
	public String loadToken(String key) {
		return "0.0";
	}

	@Override
	public PeriodContent entries(String key, long maxFields, boolean onlyIfComplete) {
		return new PeriodContent(Map.copyOf(hash(key)), "0.0", false, false);
	}

	@Override
	public HashPage scanHash(String key, String cursor, int count) {
		return new HashPage(Map.copyOf(hash(key)), null);
	}

	@Override
	public long count(String key) {
		return hash(key).size();
	}

	@Override
	public PeriodSummary summary(String key) {
		return new PeriodSummary(hash(key).size(), -1, false);
	}

	@Override
	public boolean exists(String key, String field) {
		return hash(key).containsKey(field);
	}

	@Override
	public WriteResult write(String key, Map<String, byte[]> orders, String versionFields, Duration ttl,
			Duration tombstoneTtl, @Nullable String loadToken,
			FullLoad fullLoad) {
		hash(key).putAll(orders);
		return new WriteResult(orders.size(), 0, true, false);
	}

	@Override
	public boolean evict(String key, String field, Duration tombstoneTtl) {
		return hash(key).remove(field) != null;
	}

	@Override
	public long drop(String key, Duration tombstoneTtl, boolean hashesOnly) {
		Map<String, byte[]> dropped = this.hashes.remove(key);
		return (dropped != null) ? dropped.size() : 0;
	}

	@Override
	public boolean deleteIfEquals(String key, String field, byte[] expected) {
		return hash(key).computeIfPresent(field, (f, value) -> Arrays.equals(value, expected) ? null : value) == null;
	}

	@Override
	public boolean repair(String key) {
		return false;
	}

	@Override
	public KeyPage scanPage(String prefix, @Nullable String cursor, int count) {
		return new KeyPage(this.hashes.keySet().stream().filter((key) -> key.startsWith(prefix)).toList(), null);
	}

	@Override
	public @Nullable Long memoryUsage(String key) {
		return null;
	}

	@Override
	public void ping() {
	}


}
