package io.fatamorgana.ordercache.near;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import org.jspecify.annotations.Nullable;

/**
 * The orders held in the application's memory, and what this instance knows of each period's
 * token: the rules of docs/protocol.md, "Near cache", without Redis.
 * <p>
 * A value read from Redis is installed only if its token is at or above the highest token this
 * instance has seen for its period (from messages and reads), no change of the period was begun by
 * this instance meanwhile, and nothing was flushed meanwhile; the check is made again after the
 * value is put, and the value is taken out if it no longer holds. A message, a local change and a
 * flush each move what is checked first and remove entries after, so whichever order a message and
 * an install run in, no value older than a message applied survives it (the lettuce#3481 race,
 * closed by comparison rather than timing).
 */
final class NearEntries {

	/** Past this many periods known, the oldest knowledge is dropped with everything it guards. */
	static final int MAX_PERIODS = 100_000;

	private final Cache<Key, Entry> cache;

	private final Duration maximumAge;

	private final Map<String, PeriodState> periods = new ConcurrentHashMap<>();

	private final AtomicLong generation = new AtomicLong();

	private final LongAdder hits = new LongAdder();

	private final LongAdder misses = new LongAdder();

	private final LongAdder refusedInstalls = new LongAdder();

	private final LongAdder invalidatedByMessage = new LongAdder();

	private final LongAdder periodsDropped = new LongAdder();

	private final LongAdder gaps = new LongAdder();

	private final Map<FlushCause, LongAdder> flushes = new ConcurrentHashMap<>();

	NearEntries(long maximumSize, Duration maximumAge) {
		this.maximumAge = maximumAge;
		this.cache = Caffeine.newBuilder().maximumSize(maximumSize).expireAfter(new Expiry<Key, Entry>() {

			@Override
			public long expireAfterCreate(Key key, Entry entry, long currentTime) {
				return Math.max(0, entry.expiresAtNanos - currentTime);
			}

			@Override
			public long expireAfterUpdate(Key key, Entry entry, long currentTime, long currentDuration) {
				return expireAfterCreate(key, entry, currentTime);
			}

			@Override
			public long expireAfterRead(Key key, Entry entry, long currentTime, long currentDuration) {
				return currentDuration;
			}

		}).build();
	}

	/**
	 * The value held for an order, counting a hit or a miss.
	 * @param key the period's key
	 * @param field the order number
	 * @return the entry, or {@code null}
	 */
	@Nullable Entry find(String key, String field) {
		Entry entry = this.cache.getIfPresent(new Key(key, field));
		// Caffeine hides an entry past its expiry (the Expiry above) from the moment it expires.
		if (entry != null) {
			this.hits.increment();
			return entry;
		}
		this.misses.increment();
		return null;
	}

	/**
	 * What must not change while a read from Redis is on its way, for its value to be installed.
	 * Taken before the read is sent.
	 * @param key the period's key
	 * @return the snapshot
	 */
	ReadStart beforeRead(String key) {
		PeriodState state = state(key);
		return new ReadStart(state, state.localChanges.get(), this.generation.get(), System.nanoTime());
	}

	/**
	 * Installs a value read from Redis, unless a change of its period may have come after it.
	 * @param key the period's key
	 * @param field the order number
	 * @param json the value read, or {@code null} on a miss
	 * @param token the period's token read with it, {@code epoch.sequence}
	 * @param keyTtlMillis the key's time to live when read (an entry never outlives the key)
	 * @param start the snapshot taken before the read was sent
	 * @return whether it was installed
	 */
	boolean install(String key, String field, byte @Nullable [] json, String token, long keyTtlMillis,
			ReadStart start) {
		Token read = Token.parse(token);
		if (read == null) {
			return false;
		}
		start.state.read(read.epoch, read.sequence);
		if (json == null || keyTtlMillis <= 0) {
			return false;
		}
		if (!stillValid(start, read)) {
			this.refusedInstalls.increment();
			return false;
		}
		long expiresAt = start.nanos + Math.min(Duration.ofMillis(keyTtlMillis).toNanos(), this.maximumAge.toNanos());
		Entry entry = new Entry(json, token, expiresAt);
		Key entryKey = new Key(key, field);
		this.cache.put(entryKey, entry);
		if (!stillValid(start, read)) {
			this.cache.asMap().remove(entryKey, entry);
			this.refusedInstalls.increment();
			return false;
		}
		return true;
	}

	private boolean stillValid(ReadStart start, Token read) {
		return this.generation.get() == start.generation && start.state.localChanges.get() == start.localChanges
				&& start.state.isAtOrBelow(read.epoch, read.sequence) && this.periods.get(start.state.key) == start.state;
	}

	/**
	 * Applies a message about orders or a whole period.
	 * @param message the message
	 */
	void apply(NearMessage message) {
		PeriodState state = state(message.key());
		boolean wholePeriod = state.see(message.epoch(), message.sequence(), message.wholePeriod());
		if (wholePeriod) {
			if (!message.wholePeriod()) {
				this.gaps.increment();
			}
			dropPeriod(message.key());
			return;
		}
		for (String field : message.orders()) {
			if (this.cache.asMap().remove(new Key(message.key(), field)) != null) {
				this.invalidatedByMessage.increment();
			}
		}
	}

	/**
	 * Notes that this instance begins or ends a change of orders of a period, and removes them.
	 * Called before the change is sent and again after it returned (or failed): an install whose
	 * read may have crossed the change is refused.
	 * @param key the period's key
	 * @param fields the order numbers
	 */
	void changing(String key, Collection<String> fields) {
		state(key).localChanges.incrementAndGet();
		for (String field : fields) {
			this.cache.invalidate(new Key(key, field));
		}
	}

	/**
	 * Notes that this instance begins or ends a change of a whole period, and drops its orders.
	 * @param key the period's key
	 */
	void changingPeriod(String key) {
		state(key).localChanges.incrementAndGet();
		dropPeriod(key);
	}

	/**
	 * Forgets everything: entries and the tokens seen (counted when anything was held).
	 * @param cause why
	 */
	void flush(FlushCause cause) {
		boolean held = holdsAny();
		this.generation.incrementAndGet();
		this.periods.clear();
		this.cache.invalidateAll();
		if (held) {
			this.flushes.computeIfAbsent(cause, (c) -> new LongAdder()).increment();
		}
	}

	/**
	 * Tells whether any entry is held (estimated: entries may have expired).
	 * @return whether any may be
	 */
	boolean holdsAny() {
		return this.cache.estimatedSize() > 0;
	}

	private void dropPeriod(String key) {
		if (this.cache.asMap().keySet().removeIf((entryKey) -> entryKey.periodKey().equals(key))) {
			this.periodsDropped.increment();
		}
	}

	private PeriodState state(String key) {
		PeriodState state = this.periods.get(key);
		if (state != null) {
			return state;
		}
		if (this.periods.size() >= MAX_PERIODS) {
			flush(FlushCause.TOO_MANY_PERIODS);
		}
		return this.periods.computeIfAbsent(key, PeriodState::new);
	}

	NearCacheStatistics statistics() {
		return new NearCacheStatistics(this.cache.estimatedSize(), this.hits.sum(), this.misses.sum(),
				this.refusedInstalls.sum(), this.invalidatedByMessage.sum(), this.periodsDropped.sum(),
				this.gaps.sum(), flushes(FlushCause.CONNECTION), flushes(FlushCause.HEARTBEAT),
				flushes(FlushCause.CIRCUIT));
	}

	private long flushes(FlushCause cause) {
		LongAdder count = this.flushes.get(cause);
		return (count != null) ? count.sum() : 0;
	}

	/** Why everything was forgotten. */
	enum FlushCause {

		/** The channel's connection was lost or made again: messages may have been missed. */
		CONNECTION,

		/** No heartbeat came in time: the channel may deliver nothing. */
		HEARTBEAT,

		/** A circuit opened: this instance cannot hear of or make changes reliably. */
		CIRCUIT,

		/** More periods than {@link #MAX_PERIODS} were known. */
		TOO_MANY_PERIODS

	}

	/** An order's place. */
	record Key(String periodKey, String orderNo) {
	}

	/**
	 * A value held: the JSON as read (each hit decodes its own copy), the token read with it, and
	 * when it expires. Compared by identity, so that a refused install removes only itself.
	 */
	static final class Entry {

		final byte[] json;

		final String token;

		final long expiresAtNanos;

		Entry(byte[] json, String token, long expiresAtNanos) {
			this.json = json;
			this.token = token;
			this.expiresAtNanos = expiresAtNanos;
		}

	}

	/** What a read from Redis started from. */
	record ReadStart(PeriodState state, long localChanges, long generation, long nanos) {
	}

	/** A period's token, {@code epoch.sequence}. */
	record Token(long epoch, long sequence) {

		static @Nullable Token parse(String token) {
			int dot = token.indexOf('.');
			try {
				return (dot > 0) ? new Token(Long.parseLong(token, 0, dot, 10),
						Long.parseLong(token, dot + 1, token.length(), 10)) : null;
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}

	}

	/**
	 * What this instance knows of a period: the highest token seen (from messages and reads), the
	 * highest token after which the next message must follow (from messages and reads, to find a
	 * missed one), and how many changes it began itself.
	 */
	static final class PeriodState {

		final String key;

		final AtomicLong localChanges = new AtomicLong();

		private long highestEpoch = -1;

		private long highestSequence = -1;

		private long messageEpoch = -1;

		private long messageSequence = -1;

		PeriodState(String key) {
			this.key = key;
		}

		synchronized void raise(long epoch, long sequence) {
			if (epoch > this.highestEpoch || (epoch == this.highestEpoch && sequence > this.highestSequence)) {
				this.highestEpoch = epoch;
				this.highestSequence = sequence;
			}
		}

		/**
		 * Takes in a read's token: the period had every change up to it, so the next message must
		 * carry the next sequence, or a message was missed (a period only read, never told of a
		 * change, still finds its first lost message).
		 */
		synchronized void read(long epoch, long sequence) {
			follow(epoch, sequence);
			raise(epoch, sequence);
		}

		/** Moves on the token after which the next message must follow, never back. */
		private void follow(long epoch, long sequence) {
			if (this.messageEpoch < 0 || epoch > this.messageEpoch
					|| (epoch == this.messageEpoch && sequence > this.messageSequence)) {
				this.messageEpoch = epoch;
				this.messageSequence = sequence;
			}
		}

		synchronized boolean isAtOrBelow(long epoch, long sequence) {
			return epoch > this.highestEpoch || (epoch == this.highestEpoch && sequence >= this.highestSequence);
		}

		/**
		 * Takes in a message's token.
		 * @return whether every entry of the period must go: the message says so, the epoch moved,
		 * or a message was missed (its sequence is not the next of the last one in the same epoch)
		 */
		synchronized boolean see(long epoch, long sequence, boolean wholePeriod) {
			boolean known = this.messageEpoch >= 0;
			boolean laterEpoch = known && epoch > this.messageEpoch;
			boolean gap = known && epoch == this.messageEpoch && sequence > this.messageSequence + 1;
			follow(epoch, sequence);
			raise(epoch, sequence);
			return wholePeriod || gap || laterEpoch;
		}

	}

}
