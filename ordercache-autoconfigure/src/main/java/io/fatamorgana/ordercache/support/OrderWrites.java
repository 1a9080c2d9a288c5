package io.fatamorgana.ordercache.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongConsumer;

import io.fatamorgana.ordercache.BatchResult;
import io.fatamorgana.ordercache.OrderCacheException;
import io.fatamorgana.ordercache.key.OrderKeys;
import io.fatamorgana.ordercache.redis.OrderHashStore;
import io.fatamorgana.ordercache.redis.OrderHashStore.FullLoad;
import io.fatamorgana.ordercache.support.PendingEvictionStore.Eviction;
import org.jspecify.annotations.Nullable;

/**
 * The writing half of the protocol (docs/protocol.md, "Operations"): committed changes, loads and
 * full loads in chunks, evictions and drops, each one store call per period and chunk with the TTL
 * (minus jitter) in the same round trip. A change that cannot reach Redis is remembered in
 * {@link PendingEvictions}, so that its older copy is never served.
 */
final class OrderWrites {

	private final OrderHashStore store;

	private final StoreCalls calls;

	private final OrderEncoder encoder;

	private final OrderKeys keys;

	private final PendingEvictions pending;

	private final OrderCacheCounters counters;

	private final OrderCacheEngine.Settings settings;

	private final @Nullable DurablePendingEvictions durable;

	OrderWrites(OrderHashStore store, StoreCalls calls, OrderEncoder encoder, OrderKeys keys, PendingEvictions pending,
			@Nullable DurablePendingEvictions durable, OrderCacheCounters counters,
			OrderCacheEngine.Settings settings) {
		this.store = store;
		this.calls = calls;
		this.encoder = encoder;
		this.keys = keys;
		this.pending = pending;
		this.durable = durable;
		this.counters = counters;
		this.settings = settings;
	}

	void write(OrderCacheEngine.EncodedOrder order) {
		String key = order.key();
		String field = order.field();
		try {
			count(this.calls.call(key, () -> "Could not cache order " + field + " in " + key,
					() -> this.store.write(key, Map.of(field, order.json()), order.versionFields(), ttl(),
							this.settings.tombstoneTtl(), null,
							FullLoad.NONE)));
		}
		catch (OrderCacheException ex) {
			remember(List.of(new Eviction(key, field)));
			throw ex;
		}
	}

	BatchResult writeAll(OrderCacheEngine.EncodedBatch batch) {
		int cached = 0;
		OrderCacheException failure = null;
		List<Eviction> failed = new ArrayList<>();
		for (Map.Entry<String, Map<String, byte[]>> period : batch.byKey().entrySet()) {
			String key = period.getKey();
			for (Map<String, byte[]> chunk : chunks(period.getValue())) {
				if (failure != null) {
					chunk.keySet().forEach((field) -> failed.add(new Eviction(key, field)));
					continue;
				}
				try {
					cached += count(this.calls.call(key,
							() -> "Could not cache a batch of " + chunk.size() + " orders in " + key,
							() -> this.store.write(key, chunk, batch.versionFields(), ttl(),
									this.settings.tombstoneTtl(), null,
									FullLoad.NONE)));
				}
				catch (OrderCacheException ex) {
					chunk.keySet().forEach((field) -> failed.add(new Eviction(key, field)));
					failure = ex;
				}
			}
		}
		if (failure != null) {
			remember(failed);
			throw failure;
		}
		return new BatchResult(cached, batch.skipped());
	}

	void writeLoaded(OrderCacheEngine.EncodedOrder order, String loadToken) {
		String key = order.key();
		String field = order.field();
		count(this.calls.call(key, () -> "Could not cache loaded order " + field + " in " + key,
				() -> this.store.write(key, Map.of(field, order.json()), order.versionFields(), ttl(),
						this.settings.tombstoneTtl(),
						loadToken, FullLoad.NONE)));
	}

	BatchResult writeLoadedPeriod(OrderCacheEngine.EncodedPeriod period, String loadToken) {
		String key = period.key();
		List<Map<String, byte[]>> chunks = chunks(period.orders());
		int cached = 0;
		long id = ThreadLocalRandom.current().nextLong(Long.MAX_VALUE);
		for (int i = 0; i < chunks.size(); i++) {
			Map<String, byte[]> chunk = chunks.get(i);
			// The first write removes what the load did not find; the last marks the period complete.
			boolean last = i == chunks.size() - 1;
			boolean complete = last && period.skipped().isEmpty();
			FullLoad part = (i == 0) ? new FullLoad(true, complete, id, period.orders().keySet())
					: new FullLoad(false, complete, id, List.of());
			OrderHashStore.WriteResult result = this.calls.call(key,
					() -> "Could not cache a loaded chunk of " + chunk.size() + " orders in " + key,
					() -> this.store.write(key, chunk, period.versionFields(), ttl(), this.settings.tombstoneTtl(),
							loadToken, part));
			if (!result.applied()) {
				break;
			}
			cached += count(result);
		}
		return new BatchResult(cached, period.skipped());
	}

	BatchResult writeLoadedPeriod(String period, Iterator<?> orders, String loadToken, LongConsumer progress) {
		String key = this.keys.periodKey(period);
		List<BatchResult.Skipped> skipped = new ArrayList<>();
		int cached = 0;
		int index = 0;
		boolean more = true;
		long id = ThreadLocalRandom.current().nextLong(Long.MAX_VALUE);
		Set<String> found = new HashSet<>();
		while (more) {
			List<Object> chunk = new ArrayList<>(this.settings.batchChunkSize());
			while (chunk.size() < this.settings.batchChunkSize() && orders.hasNext()) {
				chunk.add(orders.next());
			}
			more = orders.hasNext();
			List<BatchResult.Skipped> chunkSkipped = new ArrayList<>();
			Map<String, byte[]> encoded = this.encoder.encodeAll(chunk, period, chunkSkipped)
				.getOrDefault(key, Map.of());
			for (BatchResult.Skipped skip : chunkSkipped) {
				skipped.add(new BatchResult.Skipped(index + skip.index(), skip.orderNo(), skip.reason()));
			}
			index += chunk.size();
			// Streamed: the order numbers are all known only at the last write, which removes what the
			// load did not find and marks the period complete.
			found.addAll(encoded.keySet());
			FullLoad part = more ? FullLoad.NONE : new FullLoad(true, skipped.isEmpty(), id, found);
			OrderHashStore.WriteResult result = this.calls.call(key,
					() -> "Could not cache a loaded chunk of " + encoded.size() + " orders in " + key,
					() -> this.store.write(key, encoded, this.encoder.versions(chunk), ttl(),
							this.settings.tombstoneTtl(), loadToken, part));
			if (!result.applied()) {
				break;
			}
			cached += count(result);
			progress.accept(cached);
		}
		return new BatchResult(cached, skipped);
	}

	boolean evict(OrderCacheEngine.OrderKey order) {
		String key = order.key();
		String field = order.field();
		try {
			boolean removed = this.calls.call(key, () -> "Could not evict order " + field + " from " + key,
					() -> this.store.evict(key, field, this.settings.tombstoneTtl()));
			this.counters.evicted();
			return removed;
		}
		catch (OrderCacheException ex) {
			remember(List.of(new Eviction(key, field)));
			throw ex;
		}
	}

	boolean dropKey(String key) {
		try {
			long dropped = this.calls.call(key, () -> "Could not drop " + key,
					() -> this.store.drop(key, this.settings.tombstoneTtl(), false));
			this.counters.evicted();
			return dropped > 0;
		}
		catch (OrderCacheException ex) {
			remember(List.of(new Eviction(key, null)));
			throw ex;
		}
	}

	/**
	 * Remembers changes that could not reach Redis: in this JVM for its own reads, and in the
	 * durable store, if there is one, for every instance and beyond this one's life.
	 */
	private void remember(List<Eviction> evictions) {
		for (Eviction eviction : evictions) {
			String field = eviction.field();
			if (field != null) {
				this.pending.order(eviction.key(), field);
			}
			else {
				this.pending.period(eviction.key());
			}
		}
		if (this.durable != null && !evictions.isEmpty()) {
			this.durable.record(evictions);
		}
	}

	private int count(OrderHashStore.WriteResult result) {
		this.counters.written(result.written());
		this.counters.refused(result.refused());
		return result.written();
	}
	private List<Map<String, byte[]>> chunks(Map<String, byte[]> entries) {
		int size = this.settings.batchChunkSize();
		if (entries.size() <= size) {
			return List.of(entries);
		}
		List<Map<String, byte[]>> chunks = new ArrayList<>();
		Map<String, byte[]> chunk = new LinkedHashMap<>();
		for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
			chunk.put(entry.getKey(), entry.getValue());
			if (chunk.size() == size) {
				chunks.add(chunk);
				chunk = new LinkedHashMap<>();
			}
		}
		if (!chunk.isEmpty()) {
			chunks.add(chunk);
		}
		return chunks;
	}
	private Duration ttl() {
		Duration ttl = this.settings.ttl();
		long jitter = (long) (ttl.toMillis() * this.settings.ttlJitter());
		return (jitter > 0) ? ttl.minusMillis(ThreadLocalRandom.current().nextLong(jitter + 1)) : ttl;
	}
}
