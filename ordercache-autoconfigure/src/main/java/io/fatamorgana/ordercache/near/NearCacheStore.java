package io.fatamorgana.ordercache.near;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.fatamorgana.ordercache.redis.OrderHashStore;
import org.jspecify.annotations.Nullable;

/**
 * The near cache in front of a store: reads of one order are answered from {@link NearEntries}
 * while the channel is trusted, and fill it from Redis through {@link OrderHashStore#getWatched};
 * every change this instance makes removes its orders from the near cache before it is sent and
 * again after it returned, so that read-your-writes within one instance never waits for the
 * channel. Everything else goes to the store unchanged.
 */
final class NearCacheStore implements OrderHashStore {

	private final OrderHashStore store;

	private final NearEntries entries;

	private final String channel;

	private final BooleanSupplier trusted;

	private final Runnable distrusted;

	/**
	 * @param store the store behind
	 * @param entries the near cache's entries
	 * @param channel the channel the scripts publish changes on
	 * @param trusted whether the near cache may be used now
	 * @param distrusted called when a read found it may not (flushes what is held)
	 */
	NearCacheStore(OrderHashStore store, NearEntries entries, String channel, BooleanSupplier trusted,
			Runnable distrusted) {
		this.store = store;
		this.entries = entries;
		this.channel = channel;
		this.trusted = trusted;
		this.distrusted = distrusted;
	}

	@Override
	public Lookup get(String key, String field, long maxBytes) {
		if (!this.trusted.getAsBoolean()) {
			this.distrusted.run();
			return this.store.get(key, field, maxBytes);
		}
		NearEntries.Entry held = this.entries.find(key, field);
		if (held != null) {
			return new Lookup(held.json, held.token, 0);
		}
		NearEntries.ReadStart start = this.entries.beforeRead(key);
		WatchedLookup read = this.store.getWatched(key, field, maxBytes, this.channel);
		Lookup lookup = read.lookup();
		this.entries.install(key, field, lookup.json(), lookup.loadToken(), read.keyTtlMillis(), start);
		return lookup;
	}

	@Override
	public WriteResult write(String key, Map<String, byte[]> orders, String versionFields, Duration ttl,
			Duration tombstoneTtl, @Nullable String loadToken, FullLoad fullLoad) {
		if (fullLoad.replace()) {
			// A full load removes orders it did not find: any of the period's.
			return changingPeriod(key,
					() -> this.store.write(key, orders, versionFields, ttl, tombstoneTtl, loadToken, fullLoad));
		}
		return changing(key, orders.keySet(),
				() -> this.store.write(key, orders, versionFields, ttl, tombstoneTtl, loadToken, fullLoad));
	}

	@Override
	public boolean evict(String key, String field, Duration tombstoneTtl) {
		return changing(key, List.of(field), () -> this.store.evict(key, field, tombstoneTtl));
	}

	@Override
	public List<Map.Entry<String, String>> evictAll(List<Map.Entry<String, String>> orders, Duration tombstoneTtl) {
		orders.forEach((order) -> this.entries.changing(order.getKey(), List.of(order.getValue())));
		try {
			return this.store.evictAll(orders, tombstoneTtl);
		}
		finally {
			orders.forEach((order) -> this.entries.changing(order.getKey(), List.of(order.getValue())));
		}
	}

	@Override
	public long drop(String key, Duration tombstoneTtl, boolean hashesOnly) {
		return changingPeriod(key, () -> this.store.drop(key, tombstoneTtl, hashesOnly));
	}

	@Override
	public boolean deleteIfEquals(String key, String field, byte[] expected) {
		return changing(key, List.of(field), () -> this.store.deleteIfEquals(key, field, expected));
	}

	@Override
	public boolean repair(String key) {
		return changingPeriod(key, () -> this.store.repair(key));
	}

	private <T> T changing(String key, Collection<String> fields, Supplier<T> change) {
		this.entries.changing(key, fields);
		try {
			return change.get();
		}
		finally {
			this.entries.changing(key, fields);
		}
	}

	private <T> T changingPeriod(String key, Supplier<T> change) {
		this.entries.changingPeriod(key);
		try {
			return change.get();
		}
		finally {
			this.entries.changingPeriod(key);
		}
	}

	@Override
	public String loadToken(String key) {
		return this.store.loadToken(key);
	}

	@Override
	public PeriodContent entries(String key, long maxFields, boolean onlyIfComplete) {
		return this.store.entries(key, maxFields, onlyIfComplete);
	}

	@Override
	public HashPage scanHash(String key, String cursor, int count) {
		return this.store.scanHash(key, cursor, count);
	}

	@Override
	public long count(String key) {
		return this.store.count(key);
	}

	@Override
	public PeriodSummary summary(String key) {
		return this.store.summary(key);
	}

	@Override
	public boolean exists(String key, String field) {
		return this.store.exists(key, field);
	}

	@Override
	public KeyPage scanPage(String prefix, @Nullable String cursor, int count) {
		return this.store.scanPage(prefix, cursor, count);
	}

	@Override
	public @Nullable Long memoryUsage(String key) {
		return this.store.memoryUsage(key);
	}

	@Override
	public void ping() {
		this.store.ping();
	}

	@Override
	public void ping(String node) {
		this.store.ping(node);
	}

	@Override
	public void whenConnected(Runnable listener) {
		this.store.whenConnected(listener);
	}

	@Override
	public WatchedLookup getWatched(String key, String field, long maxBytes, String channel) {
		return this.store.getWatched(key, field, maxBytes, channel);
	}

	@Override
	public void publish(String channel, String message) {
		this.store.publish(channel, message);
	}

	@Override
	public Subscription subscribe(String channel, ChannelListener listener) {
		return this.store.subscribe(channel, listener);
	}

}
