package io.fatamorgana.ordercache.support;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import io.fatamorgana.ordercache.BatchResult;
import io.fatamorgana.ordercache.CacheStatistics;
import io.fatamorgana.ordercache.OrderCacheException;
import io.fatamorgana.ordercache.OrderIdentity;
import io.fatamorgana.ordercache.OrderIdentityResolver;
import io.fatamorgana.ordercache.PeriodPage;
import io.fatamorgana.ordercache.PeriodStatistics;
import io.fatamorgana.ordercache.PeriodTooLargeException;
import io.fatamorgana.ordercache.codec.OrderCodec;
import io.fatamorgana.ordercache.codec.VersionFields;
import io.fatamorgana.ordercache.key.OrderKeys;
import io.fatamorgana.ordercache.redis.CircuitBreakers;
import io.fatamorgana.ordercache.redis.OrderHashStore;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The cache's one way of doing things, shared by {@link io.fatamorgana.ordercache.OrderCacheService}
 * and the annotations, along the storage protocol (docs/protocol.md): reads checked by
 * {@link StoredEntries}, orders encoded by {@link OrderEncoder}, writes, full loads and evictions by
 * {@link OrderWrites}, every store call through {@link StoreCalls}, evictions that could not reach
 * Redis remembered in {@link PendingEvictions} and replayed by {@link EvictionReplay}. Input is
 * checked completely before Redis is called.
 * <p>
 * Two kinds of writes: a <em>committed change</em> ({@link #write}) and a <em>load</em>
 * ({@link #writeLoaded}, {@link #writeLoadedPeriod}) of what a read found in the database, which
 * carries the load token read before loading (the period's epoch and eviction sequence): it is
 * refused whole if the period was dropped since, and for orders evicted since. A committed change
 * is refused for orders evicted less than a tombstone TTL ago. Both are refused for orders whose
 * cached copy is newer.
 */
public final class OrderCacheEngine {

	private final OrderHashStore store;

	private final OrderKeys keys;

	private final OrderIdentityResolver identityResolver;

	private final OrderCacheCounters counters;

	private final FailureLog failureLog;

	private final CircuitBreakers circuitBreakers;

	private final PendingEvictions pending;

	private final Settings settings;

	private final StoreCalls calls;

	private final OrderEncoder encoder;

	private final StoredEntries entries;

	private final EvictionReplay replay;

	private final OrderWrites writes;

	private final @Nullable DurablePendingEvictions durable;

	/**
	 * Creates the engine.
	 * @param store where hashes are stored
	 * @param codec the JSON conversion
	 * @param versionFields finds each order class's version
	 * @param keys key naming and validation
	 * @param identityResolver reads an order's period and order number
	 * @param counters the statistics to update
	 * @param failureLog where failures are reported
	 * @param circuitBreakers the breakers the store goes through
	 * @param settings TTLs and sizes
	 */
	public OrderCacheEngine(OrderHashStore store, OrderCodec codec, VersionFields versionFields, OrderKeys keys,
			OrderIdentityResolver identityResolver, OrderCacheCounters counters, FailureLog failureLog,
			CircuitBreakers circuitBreakers, Settings settings) {
		this(store, codec, versionFields, keys, identityResolver, counters, failureLog, circuitBreakers, settings, null);
	}

	/**
	 * Creates the engine, with pending evictions kept in a durable store as well as in memory.
	 * @param store where hashes are stored
	 * @param codec the JSON conversion
	 * @param versionFields finds each order class's version
	 * @param keys key naming and validation
	 * @param identityResolver reads an order's period and order number
	 * @param counters the statistics to update
	 * @param failureLog where failures are reported
	 * @param circuitBreakers the breakers the store goes through
	 * @param settings TTLs and sizes
	 * @param durableStore where pending evictions outlive this instance, or {@code null} for memory only
	 */
	public OrderCacheEngine(OrderHashStore store, OrderCodec codec, VersionFields versionFields, OrderKeys keys,
			OrderIdentityResolver identityResolver, OrderCacheCounters counters, FailureLog failureLog,
			CircuitBreakers circuitBreakers, Settings settings, @Nullable DurableStore durableStore) {
		this.store = store;
		this.keys = keys;
		this.identityResolver = identityResolver;
		this.counters = counters;
		this.failureLog = failureLog;
		this.circuitBreakers = circuitBreakers;
		this.settings = settings;
		this.pending = new PendingEvictions(settings.pendingEvictionCapacity());
		this.calls = new StoreCalls(store, counters, failureLog);
		this.encoder = new OrderEncoder(codec, versionFields, keys, identityResolver, counters,
				settings.maxEntrySize());
		this.entries = new StoredEntries(store, codec, keys, this.encoder, counters, failureLog,
				settings.orderNoJsonName());
		this.durable = (durableStore != null) ? new DurablePendingEvictions(durableStore.store(), this.pending,
				circuitBreakers, keys.prefix(), durableStore.pollInterval(), durableStore.writeWait(), failureLog) : null;
		this.writes = new OrderWrites(store, this.calls, this.encoder, keys, this.pending, this.durable, counters,
				settings);
		this.replay = new EvictionReplay(store, keys, this.pending, circuitBreakers, counters, failureLog,
				settings.tombstoneTtl());
	}

	/**
	 * Reads where an order lives from the order itself.
	 * @param order the order
	 * @return its identity
	 * @throws IllegalArgumentException if the order is null or its identity cannot be read
	 */
	public OrderIdentity identify(@Nullable Object order) {
		Assert.notNull(order, "order must not be null");
		return this.identityResolver.resolve(order);
	}

	/**
	 * Reads one order. Orders with a pending eviction are misses.
	 * @param period the period number
	 * @param orderNo the order number
	 * @param type the class to read it as
	 * @param <T> the order type
	 * @return the order if cached, and the token a load after a miss must carry ({@code null}: do not
	 * cache what is loaded)
	 */
	public <T> Lookup<T> lookup(String period, String orderNo, Class<T> type) {
		return lookup(orderKey(period, orderNo), type);
	}

	/**
	 * Reads one order whose key was already checked. Orders with a pending eviction are misses.
	 * @param where where the order lives, as {@link #orderKey} returned it
	 * @param type the class to read it as
	 * @param <T> the order type
	 * @return the order if cached, and the token a load after a miss must carry ({@code null}: do not
	 * cache what is loaded)
	 */
	public <T> Lookup<T> lookup(OrderKey where, Class<T> type) {
		String key = where.key();
		String field = where.field();
		Assert.notNull(type, "orderType must not be null");
		if (this.pending.covers(key, field)) {
			this.counters.miss();
			return new Lookup<>(null, null);
		}
		OrderHashStore.Lookup found = this.calls.call(key, () -> "Could not read order " + field + " in " + key,
				() -> this.store.get(key, field, this.settings.maxEntrySize()));
		if (found.removedSize() > 0) {
			this.entries.removedOversized(key, field, found.removedSize());
		}
		T order = (found.json() != null) ? this.entries.decode(key, field, found.json(), type) : null;
		if (order != null) {
			this.counters.hit();
		}
		else {
			this.counters.miss();
		}
		return new Lookup<>(order, found.loadToken());
	}

	/**
	 * Reads a whole period. Unreadable entries are evicted, which also makes the period incomplete.
	 * @param period the period number
	 * @param type the class to read each order as
	 * @param needComplete whether only a complete period counts as a hit
	 * @param <T> the order type
	 * @return the orders, whether they are the complete period, and the token a full load must carry
	 */
	public <T> PeriodLookup<T> lookupPeriod(String period, Class<T> type, boolean needComplete) {
		String key = this.keys.periodKey(period);
		Assert.notNull(type, "orderType must not be null");
		if (this.pending.coversPeriod(key)) {
			this.counters.miss();
			return new PeriodLookup<>(List.of(), false, null);
		}
		OrderHashStore.PeriodContent content = this.calls.call(key, () -> "Could not read " + key,
				() -> this.store.entries(key, this.settings.maxPeriodSize(), needComplete));
		if (content.oversized()) {
			if (needComplete) {
				// A full load may still fit, and then replaces whatever made the hash this large.
				this.counters.miss();
				return new PeriodLookup<>(List.of(), false, content.loadToken());
			}
			throw new PeriodTooLargeException(period, count(period), this.settings.maxPeriodSize());
		}
		List<T> orders = new ArrayList<>(content.orders().size());
		boolean complete = content.complete();
		for (Map.Entry<String, byte[]> entry : content.orders().entrySet()) {
			T order = this.entries.decode(key, entry.getKey(), entry.getValue(), type);
			if (order != null) {
				orders.add(order);
			}
			else {
				complete = false;
			}
		}
		if (needComplete ? complete : !orders.isEmpty()) {
			this.counters.hit();
		}
		else {
			this.counters.miss();
		}
		return new PeriodLookup<>(orders, complete, content.loadToken());
	}

	/**
	 * Tells whether a period of this many orders may be read whole.
	 * @param orders the number of orders
	 * @return whether it is within {@code ordercache.max-period-size}
	 */
	public boolean fitsWholePeriodRead(int orders) {
		return orders <= this.settings.maxPeriodSize();
	}

	/**
	 * Streams a period page by page (HSCAN).
	 * @param period the period number
	 * @param type the class to read each order as
	 * @param <T> the order type
	 * @return a lazy stream
	 */
	public <T> Stream<T> stream(String period, Class<T> type) {
		String key = this.keys.periodKey(period);
		Assert.notNull(type, "orderType must not be null");
		int pageSize = this.settings.batchChunkSize();
		Spliterator<T> pages = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.NONNULL) {

			private final Deque<T> buffer = new ArrayDeque<>();

			private @Nullable String cursor = "0";

			@Override
			public boolean tryAdvance(Consumer<? super T> action) {
				while (this.buffer.isEmpty() && this.cursor != null) {
					String at = this.cursor;
					OrderHashStore.HashPage page = OrderCacheEngine.this.calls.call(key, () -> "Could not stream " + key,
							() -> OrderCacheEngine.this.store.scanHash(key, at, pageSize));
					page.orders().forEach((field, json) -> {
						T order = OrderCacheEngine.this.entries.decode(key, field, json, type);
						if (order != null) {
							this.buffer.add(order);
						}
					});
					this.cursor = page.nextCursor();
				}
				T next = this.buffer.poll();
				if (next == null) {
					return false;
				}
				action.accept(next);
				return true;
			}

		};
		return StreamSupport.stream(pages, false);
	}

	/**
	 * Reads the load token of a period, for a full load that follows.
	 * @param period the period number
	 * @return the token
	 */
	public String loadToken(String period) {
		String key = this.keys.periodKey(period);
		return this.calls.call(key, () -> "Could not read the load token of " + key, () -> this.store.loadToken(key));
	}

	/**
	 * Counts the orders of a period.
	 * @param period the period number
	 * @return the count
	 */
	public long count(String period) {
		String key = this.keys.periodKey(period);
		return this.calls.call(key, () -> "Could not count the orders in " + key, () -> this.store.count(key));
	}

	/**
	 * Counts the cached periods with SCAN, stopping at a limit.
	 * @param limit the most periods to count
	 * @return how many were found, and whether that is all of them
	 */
	public PeriodCount countPeriods(int limit) {
		long counted = 0;
		String cursor = null;
		do {
			PeriodPage page = cachedPeriods(cursor, Math.min(1_000, limit));
			counted += page.periods().size();
			cursor = page.nextCursor();
		}
		while (cursor != null && counted < limit);
		return new PeriodCount(counted, cursor == null);
	}

	/**
	 * Describes what the cache holds for a period.
	 * @param period the period number
	 * @return its statistics
	 */
	public PeriodStatistics periodStatistics(String period) {
		String key = this.keys.periodKey(period);
		OrderHashStore.PeriodSummary summary = this.calls.call(key, () -> "Could not describe " + key,
				() -> this.store.summary(key));
		Duration ttl = (summary.ttlMillis() >= 0) ? Duration.ofMillis(summary.ttlMillis()) : null;
		Long memory = (ttl != null) ? this.store.memoryUsage(key) : null;
		return new PeriodStatistics(period, summary.orders(), ttl,
				summary.complete() && !this.pending.coversPeriod(key), memory);
	}

	/**
	 * Lists one page of the periods that have a hash.
	 * @param cursor the previous page's cursor, or {@code null}
	 * @param limit about how many periods per page
	 * @return the page
	 */
	public PeriodPage cachedPeriods(@Nullable String cursor, int limit) {
		Assert.isTrue(limit >= 1 && limit <= 10_000, () -> "limit must be between 1 and 10000 but was " + limit);
		String prefix = this.keys.prefix();
		OrderHashStore.KeyPage page = this.calls.call(prefix, () -> "Could not list the periods of " + prefix + "*",
				() -> this.store.scanPage(prefix, cursor, limit));
		List<String> periods = page.keys().stream().map((key) -> key.substring(prefix.length())).distinct().toList();
		return new PeriodPage(periods, page.nextCursor());
	}

	/**
	 * Tells whether an order is cached.
	 * @param period the period number
	 * @param orderNo the order number
	 * @return whether it is
	 */
	public boolean exists(String period, String orderNo) {
		String key = this.keys.periodKey(period);
		String field = this.keys.orderNo(orderNo);
		return !this.pending.covers(key, field)
				&& this.calls.call(key, () -> "Could not look up order " + field + " in " + key,
						() -> this.store.exists(key, field));
	}

	/**
	 * Tells whether a period is cached completely.
	 * @param period the period number
	 * @return whether a full load or warm-up filled it and nothing was evicted since
	 */
	public boolean isComplete(String period) {
		String key = this.keys.periodKey(period);
		return !this.pending.coversPeriod(key)
				&& this.calls.call(key, () -> "Could not read " + key, () -> this.store.exists(key, "!c"));
	}

	/**
	 * Checks an order's key and turns the order into the stored JSON, as it is now: what is
	 * written later (after commit) is this, whatever happens to the object meanwhile.
	 * @param period the period number
	 * @param orderNo the order number
	 * @param order the order
	 * @return the encoded order
	 * @throws IllegalArgumentException if the key is invalid or the order cannot be written as JSON
	 */
	public EncodedOrder encode(String period, String orderNo, Object order) {
		return this.encoder.encode(period, orderNo, order);
	}

	/**
	 * Turns an order into the stored JSON under the period and order number read from the order
	 * itself, as it is now.
	 * @param order the order
	 * @return the encoded order
	 * @throws IllegalArgumentException if the order's identity cannot be read or is invalid, or the
	 * order cannot be written as JSON
	 */
	public EncodedOrder encode(Object order) {
		return this.encoder.encode(order);
	}

	/**
	 * The order as its transaction committed it: a JPA entity encoded again after the flush at
	 * commit (which sets its {@code @Version}); any other order as it was first encoded.
	 * @param encoded the order as encoded when the method returned
	 * @param order the order object
	 * @return what to write
	 * @throws IllegalArgumentException if the entity can no longer be cached (too large, not writable)
	 */
	public EncodedOrder asCommitted(EncodedOrder encoded, Object order) {
		return this.encoder.asCommitted(encoded, order);
	}

	/**
	 * Reads a fresh copy of an encoded order, for a caller that must not share another's object.
	 * @param order the encoded order
	 * @param type the class to read it as
	 * @param <T> the order type
	 * @return a new object
	 */
	public <T> T copy(EncodedOrder order, Class<T> type) {
		return this.encoder.copy(order, type);
	}

	/**
	 * Checks an order's key.
	 * @param period the period number
	 * @param orderNo the order number
	 * @return the period's key and the order's field
	 * @throws IllegalArgumentException if either is invalid
	 */
	public OrderKey orderKey(String period, String orderNo) {
		return new OrderKey(this.keys.periodKey(period), this.keys.orderNo(orderNo));
	}

	/**
	 * Checks a period's key.
	 * @param period the period number
	 * @return the period's key
	 * @throws IllegalArgumentException if the period is invalid
	 */
	public String periodKey(String period) {
		return this.keys.periodKey(period);
	}

	/**
	 * Writes a committed change of an order. If Redis cannot be reached, the order is evicted as soon
	 * as it can, so that its older copy is never served.
	 * @param period the period number
	 * @param orderNo the order number
	 * @param order the order
	 */
	public void write(String period, String orderNo, Object order) {
		write(encode(period, orderNo, order));
	}

	/**
	 * Writes a committed change of an encoded order. If Redis cannot be reached, the order is
	 * evicted as soon as it can, so that its older copy is never served.
	 * @param order the encoded order
	 */
	public void write(EncodedOrder order) {
		this.writes.write(order);
	}

	/**
	 * Writes committed orders of any periods in chunks. Invalid orders are skipped and reported.
	 * @param orders the orders
	 * @return what was cached and skipped
	 */
	public BatchResult writeAll(Collection<?> orders) {
		return writeAll(encodeAll(orders));
	}

	/**
	 * Checks and encodes committed orders of any periods, for {@link #writeAll(EncodedBatch)} now or
	 * after commit. Invalid orders are skipped and reported.
	 * @param orders the orders
	 * @return the encoded orders by period key, and the skipped ones
	 */
	public EncodedBatch encodeAll(Collection<?> orders) {
		Assert.notNull(orders, "orders must not be null");
		List<BatchResult.Skipped> skipped = new ArrayList<>();
		Map<String, Map<String, byte[]>> byKey = this.encoder.encodeAll(orders, null, skipped);
		return new EncodedBatch(byKey, skipped, this.encoder.versions(orders));
	}

	/**
	 * A batch encoded when the method returned, as its transaction committed it: encoded again when
	 * an order is a JPA entity (the flush at commit set its {@code @Version}), else the same batch.
	 * @param batch the batch as encoded when the method returned
	 * @param orders the orders it was encoded from
	 * @return the batch to write after the commit
	 */
	public EncodedBatch asCommitted(EncodedBatch batch, Collection<?> orders) {
		return this.encoder.changedByCommit(orders) ? encodeAll(orders) : batch;
	}

	/**
	 * Writes encoded committed orders in chunks. A chunk that cannot reach Redis is remembered for
	 * eviction, and so is every chunk after it, which is not tried.
	 * @param batch the encoded orders
	 * @return what was cached and skipped
	 * @throws OrderCacheException if a chunk could not be written
	 */
	public BatchResult writeAll(EncodedBatch batch) {
		return this.writes.writeAll(batch);
	}

	/**
	 * Caches an order a read loaded from the database after a miss.
	 * @param period the period number
	 * @param orderNo the order number
	 * @param order the loaded order
	 * @param loadToken the token from the lookup that missed
	 */
	public void writeLoaded(String period, String orderNo, Object order, String loadToken) {
		writeLoaded(encode(period, orderNo, order), loadToken);
	}

	/**
	 * Caches an encoded order a read loaded from the database after a miss.
	 * @param order the encoded order
	 * @param loadToken the token from the lookup that missed
	 */
	public void writeLoaded(EncodedOrder order, String loadToken) {
		this.writes.writeLoaded(order, loadToken);
	}

	/**
	 * Checks and encodes every order of a period as loaded, for
	 * {@link #writeLoadedPeriod(EncodedPeriod, String)} after commit.
	 * @param period the period number
	 * @param orders every order of the period
	 * @return the encoded period
	 */
	public EncodedPeriod encodePeriod(String period, Collection<?> orders) {
		String key = this.keys.periodKey(period);
		Assert.notNull(orders, "orders must not be null");
		List<BatchResult.Skipped> skipped = new ArrayList<>();
		Map<String, byte[]> encoded = this.encoder.encodeAll(orders, period, skipped)
			.getOrDefault(key, new LinkedHashMap<>());
		return new EncodedPeriod(key, encoded, skipped, this.encoder.versions(orders));
	}

	/**
	 * Caches an encoded period and marks it complete, unless the period changed since the token
	 * was read or some of its orders could not be encoded.
	 * @param period the encoded period
	 * @param loadToken the token read before loading
	 * @return what was cached and skipped
	 */
	public BatchResult writeLoadedPeriod(EncodedPeriod period, String loadToken) {
		return this.writes.writeLoadedPeriod(period, loadToken);
	}

	/**
	 * Reads fresh copies of an encoded period, for a caller that must not share another's objects.
	 * @param period the encoded period
	 * @param type the class to read each order as
	 * @param <T> the order type
	 * @return new objects
	 */
	public <T> List<T> copy(EncodedPeriod period, Class<T> type) {
		List<T> copies = new ArrayList<>(period.orders().size());
		period.orders().values().forEach((json) -> copies.add(this.encoder.decode(json, type)));
		return copies;
	}

	/**
	 * Caches a whole period loaded from the database and marks it complete, unless the period was
	 * dropped since the token was read or some of its orders could not be cached.
	 * @param period the period number
	 * @param orders every order of the period
	 * @param loadToken the token read before loading
	 * @return what was cached and skipped
	 */
	public BatchResult writeLoadedPeriod(String period, Collection<?> orders, String loadToken) {
		Assert.notNull(orders, "orders must not be null");
		return writeLoadedPeriod(period, orders.iterator(), loadToken, (written) -> {
		});
	}

	/**
	 * Caches a whole period streamed from the database, chunk by chunk, and marks it complete with
	 * the last chunk unless the period was dropped since the token was read or some of its orders
	 * could not be cached. Never holds more than a chunk of the period's orders (and its order numbers).
	 * @param period the period number
	 * @param orders every order of the period
	 * @param loadToken the token read before loading
	 * @param progress told the number of orders written so far after each chunk
	 * @return what was cached and skipped
	 */
	public BatchResult writeLoadedPeriod(String period, Iterator<?> orders, String loadToken, LongConsumer progress) {
		return this.writes.writeLoadedPeriod(period, orders, loadToken, progress);
	}

	/**
	 * Removes an order after a committed change. If Redis cannot be reached, the eviction is kept
	 * and replayed.
	 * @param period the period number
	 * @param orderNo the order number
	 * @return whether the order was cached
	 */
	public boolean evict(String period, String orderNo) {
		return evict(orderKey(period, orderNo));
	}

	/**
	 * Removes an order after a committed change. If Redis cannot be reached, the eviction is kept
	 * and replayed.
	 * @param order where the order lives
	 * @return whether the order was cached
	 */
	public boolean evict(OrderKey order) {
		return this.writes.evict(order);
	}

	/**
	 * Drops a whole period. If Redis cannot be reached, the drop is kept and replayed.
	 * @param period the period number
	 * @return whether the period had cached orders
	 */
	public boolean drop(String period) {
		return dropKey(periodKey(period));
	}

	/**
	 * Drops a whole period by its key. If Redis cannot be reached, the drop is kept and replayed.
	 * @param key the period's key, as {@link #periodKey} returned it
	 * @return whether the period had cached orders
	 */
	public boolean dropKey(String key) {
		return this.writes.dropKey(key);
	}

	/**
	 * Replays evictions that failed (see {@link EvictionReplay}).
	 * @return how many evictions were replayed
	 */
	public int replayPendingEvictions() {
		return this.replay.replay();
	}

	/**
	 * Whether evictions wait to be replayed.
	 * @return {@code true} if some do
	 */
	public boolean hasPendingEvictions() {
		return !this.pending.isEmpty() || unreadRows() > 0;
	}

	/** One while the durable store holds rows this instance has not read yet (it cannot tell how many). */
	private int unreadRows() {
		return (this.durable != null && this.durable.holdsUnreadRows()) ? 1 : 0;
	}

	/**
	 * Says where evictions that could not reach Redis are kept.
	 * @return {@code memory}, or the durable store, such as {@code jdbc (table ordercache_pending_eviction)}
	 */
	public String pendingEvictionsStore() {
		return (this.durable != null) ? this.durable.describe() : "memory";
	}

	@Nullable DurablePendingEvictions durable() {
		return this.durable;
	}

	/**
	 * Reads the counters.
	 * @return a snapshot
	 */
	public CacheStatistics statistics() {
		return this.counters.snapshot(this.pending.size() + unreadRows(), this.circuitBreakers.anyOpen());
	}

	/**
	 * One order as read.
	 * @param order the order, or {@code null} on a miss
	 * @param loadToken the token a load after the miss must carry, or {@code null} if a load must not
	 * be cached
	 * @param <T> the order type
	 */
	public record Lookup<T>(@Nullable T order, @Nullable String loadToken) {
	}

	/**
	 * A period as read.
	 * @param orders the readable orders
	 * @param complete whether they are every order of the period
	 * @param loadToken the token a full load must carry, or {@code null} if a load must not be cached
	 * @param <T> the order type
	 */
	public record PeriodLookup<T>(List<T> orders, boolean complete, @Nullable String loadToken) {
	}

	/**
	 * An order checked and turned into its stored JSON.
	 * @param key the period's key
	 * @param field the order number
	 * @param json the stored JSON
	 * @param versionFields the JSON fields holding its version, comma separated
	 */
	public record EncodedOrder(String key, String field, byte[] json, String versionFields) {
	}

	/**
	 * Committed orders checked and encoded, by period key.
	 * @param byKey period key &rarr; order number &rarr; JSON
	 * @param skipped the orders that could not be encoded
	 * @param versionFields the JSON fields holding their version, comma separated
	 */
	public record EncodedBatch(Map<String, Map<String, byte[]>> byKey, List<BatchResult.Skipped> skipped,
			String versionFields) {
	}

	/**
	 * Every order of a period as loaded, checked and encoded.
	 * @param key the period's key
	 * @param orders order number &rarr; JSON
	 * @param skipped the orders that could not be encoded (the period is then not marked complete)
	 * @param versionFields the JSON fields holding their version, comma separated
	 */
	public record EncodedPeriod(String key, Map<String, byte[]> orders, List<BatchResult.Skipped> skipped,
			String versionFields) {
	}

	/**
	 * Where an order lives.
	 * @param key the period's key
	 * @param field the order number
	 */
	public record OrderKey(String key, String field) {
	}

	/**
	 * A count of cached periods.
	 * @param count the periods counted
	 * @param exact whether every period was counted, {@code false} when the limit stopped the scan
	 */
	public record PeriodCount(long count, boolean exact) {
	}

	/**
	 * Where pending evictions outlive the instance, and how it is used.
	 * @param store the store, in the application's database
	 * @param pollInterval how often each instance reads what the fleet stored, while its circuit is closed
	 * @param writeWait longest a business call waits for its failed eviction to be stored
	 */
	public record DurableStore(PendingEvictionStore store, Duration pollInterval, Duration writeWait) {
	}

	/**
	 * The engine's settings.
	 * @param ttl the time to live of a period's hash
	 * @param ttlJitter the share of the TTL taken off at random on each write, from 0 to 0.5
	 * @param tombstoneTtl how long an evicted order's older copies are refused and a dropped period's
	 * epoch is kept
	 * @param batchChunkSize the most orders one command writes
	 * @param pendingEvictionCapacity how many failed evictions are remembered one by one
	 * @param maxPeriodSize the most entries a whole-period read transfers
	 * @param orderNoJsonName the JSON name of the order number, to recognise an order's JSON that
	 * this class cannot read
	 * @param maxEntrySize the largest order JSON in bytes that is written or read
	 */
	public record Settings(Duration ttl, double ttlJitter, Duration tombstoneTtl, int batchChunkSize,
			int pendingEvictionCapacity, long maxPeriodSize, String orderNoJsonName, long maxEntrySize) {
	}

}
