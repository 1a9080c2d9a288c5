package io.fatamorgana.ordercache.near;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

import io.fatamorgana.ordercache.redis.CircuitBreakers;
import io.fatamorgana.ordercache.redis.OrderHashStore;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * The near cache (opt-in, {@code ordercache.near-cache.enabled}): its entries, its channel and the
 * store in front of Redis that the cache engine reads and writes through. Coherent across instances
 * by the messages the scripts publish (docs/protocol.md, "Near cache"); used only while the channel
 * is trusted and every circuit is closed, and emptied whenever either stops being so.
 */
public final class NearCache implements SmartLifecycle {

	private final NearEntries entries;

	private final NearCacheChannel channel;

	private final CircuitBreakers circuitBreakers;

	private final NearCacheStore store;

	private final Duration heartbeatInterval;

	private volatile @Nullable ScheduledExecutorService scheduler;

	private volatile long openingsSeen;

	private final AtomicBoolean lapsed = new AtomicBoolean();

	/**
	 * Creates the near cache.
	 * @param store the store in front of which it works; it must support channels
	 * @param circuitBreakers the store's breakers: an open circuit turns the near cache off
	 * @param settings sizes and timings
	 */
	public NearCache(OrderHashStore store, CircuitBreakers circuitBreakers, Settings settings) {
		Assert.notNull(store, "store must not be null");
		Assert.notNull(circuitBreakers, "circuitBreakers must not be null");
		this.entries = new NearEntries(settings.maximumSize(), settings.maximumAge());
		this.channel = new NearCacheChannel(store, this.entries, settings.channel(),
				UUID.randomUUID().toString(), settings.heartbeatTimeout());
		this.circuitBreakers = circuitBreakers;
		this.heartbeatInterval = settings.heartbeatInterval();
		this.openingsSeen = circuitBreakers.openings();
		this.store = new NearCacheStore(store, this.entries, settings.channel(), this::trusted, this::distrusted);
	}

	/**
	 * The store to read and write through: the near cache in front of the store given.
	 * @return the store
	 */
	public OrderHashStore store() {
		return this.store;
	}

	/**
	 * Whether reads are answered from the near cache now: its channel is subscribed and heartbeats
	 * arrive, and every circuit is closed.
	 * @return whether they are
	 */
	public boolean trusted() {
		long openings = this.circuitBreakers.openings();
		if (openings != this.openingsSeen) {
			// A circuit opened since the last look, even if it closed again meanwhile: what this
			// instance could not send or hear then may be missing from what it holds.
			this.openingsSeen = openings;
			this.entries.flush(NearEntries.FlushCause.CIRCUIT);
			return false;
		}
		boolean trusted = this.channel.trusted() && !this.circuitBreakers.anyOpen();
		if (trusted && this.lapsed.get()) {
			this.lapsed.set(false);
		}
		return trusted;
	}

	/**
	 * Whether the channel's subscription is confirmed now.
	 * @return whether it is
	 */
	public boolean subscribed() {
		return this.channel.isSubscribed();
	}

	/**
	 * Empties the near cache at the first sign of distrust after trust, held entries or not: a read
	 * that left while it was trusted must not install what it brings back.
	 */
	private void distrusted() {
		if (this.lapsed.compareAndSet(false, true) || this.entries.holdsAny()) {
			this.entries.flush(this.channel.trusted() ? NearEntries.FlushCause.CIRCUIT : NearEntries.FlushCause.HEARTBEAT);
		}
	}

	/**
	 * What the near cache did since startup.
	 * @return its statistics
	 */
	public NearCacheStatistics statistics() {
		return this.entries.statistics();
	}

	/**
	 * Sets who is told how long this instance's own heartbeat took to come back through the channel
	 * (its delivery delay).
	 * @param lagObserver takes the delay in nanoseconds
	 */
	public void setLagObserver(LongConsumer lagObserver) {
		this.channel.setLagObserver(lagObserver);
	}

	@Override
	public void start() {
		ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "ordercache-near-cache");
			thread.setDaemon(true);
			return thread;
		});
		long millis = Math.max(1, this.heartbeatInterval.toMillis());
		started.scheduleWithFixedDelay(this::tickSafely, 0, millis, TimeUnit.MILLISECONDS);
		this.scheduler = started;
	}

	private void tickSafely() {
		try {
			this.channel.tick();
			if (!trusted()) {
				distrusted();
			}
		}
		catch (Throwable ex) {
			// The next tick tries again; a dead tick would leave the channel untrusted, never stale.
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService running = this.scheduler;
		this.scheduler = null;
		if (running != null) {
			running.shutdownNow();
		}
		this.channel.close();
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	/**
	 * The near cache's sizes and timings.
	 * @param channel the channel the scripts publish on ({@code <key-prefix>!near})
	 * @param maximumSize the most orders held
	 * @param maximumAge the longest an order is held (whatever the messages say)
	 * @param heartbeatInterval how often each instance publishes its heartbeat
	 * @param heartbeatTimeout how long without a heartbeat before the near cache is turned off
	 */
	public record Settings(String channel, long maximumSize, Duration maximumAge, Duration heartbeatInterval,
			Duration heartbeatTimeout) {
	}

}
