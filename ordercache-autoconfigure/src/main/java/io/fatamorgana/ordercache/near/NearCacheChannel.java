package io.fatamorgana.ordercache.near;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

import io.fatamorgana.ordercache.redis.OrderHashStore;
import org.jspecify.annotations.Nullable;

/**
 * The near cache's channel: subscribes to it (again, whenever the subscription cannot be made),
 * applies its messages to the entries, publishes this instance's heartbeat, and says whether the
 * channel can be trusted now: subscribed, and a heartbeat received since the subscription and less
 * than the heartbeat timeout ago. A lost or re-made subscription flushes the entries; so does the
 * first read that finds the channel untrusted (docs/protocol.md, "Near cache").
 */
final class NearCacheChannel implements OrderHashStore.ChannelListener {

	private final OrderHashStore store;

	private final NearEntries entries;

	private final String channel;

	private final String instance;

	private final long heartbeatTimeoutNanos;

	private volatile OrderHashStore.@Nullable Subscription subscription;

	private volatile boolean subscribed;

	private volatile boolean heartbeatSeen;

	private volatile long lastHeartbeatNanos;

	private volatile long subscribedNanos;

	private volatile LongConsumer lagObserver = (nanos) -> {
	};

	private final AtomicBoolean closed = new AtomicBoolean();

	NearCacheChannel(OrderHashStore store, NearEntries entries, String channel, String instance,
			Duration heartbeatTimeout) {
		this.store = store;
		this.entries = entries;
		this.channel = channel;
		this.instance = instance;
		this.heartbeatTimeoutNanos = heartbeatTimeout.toNanos();
	}

	/**
	 * Subscribes if not subscribed, and publishes a heartbeat. Run every heartbeat interval; failures
	 * are left to the next run (a Redis that does not answer makes the channel untrusted by itself;
	 * {@link NearCache} empties the entries when it finds the channel untrusted).
	 */
	void tick() {
		if (this.closed.get()) {
			return;
		}
		if (this.subscription == null) {
			try {
				this.subscription = this.store.subscribe(this.channel, this);
			}
			catch (RuntimeException ex) {
				// Redis does not answer: tried again at the next tick.
			}
		}
		try {
			this.store.publish(this.channel, NearMessage.heartbeat(this.instance, System.nanoTime()));
		}
		catch (RuntimeException ex) {
			// No heartbeat: the channel becomes untrusted after the timeout.
		}
	}

	/**
	 * Whether the channel can be trusted now.
	 * @return whether it can
	 */
	boolean trusted() {
		return this.subscribed && this.heartbeatSeen
				&& System.nanoTime() - this.lastHeartbeatNanos < this.heartbeatTimeoutNanos;
	}

	/**
	 * Whether the subscription is confirmed now (whatever the heartbeats).
	 * @return whether it is
	 */
	boolean isSubscribed() {
		return this.subscribed;
	}

	@Override
	public void subscribed() {
		// Messages may have been missed since the connection was lost (or before it was first made).
		this.heartbeatSeen = false;
		this.entries.flush(NearEntries.FlushCause.CONNECTION);
		this.subscribedNanos = System.nanoTime();
		this.subscribed = true;
	}

	@Override
	public void disconnected() {
		this.subscribed = false;
		this.heartbeatSeen = false;
		this.entries.flush(NearEntries.FlushCause.CONNECTION);
	}

	@Override
	public void message(String text) {
		NearMessage message = NearMessage.parse(text);
		if (message == null) {
			return;
		}
		if (message.isHeartbeat()) {
			long now = System.nanoTime();
			if (this.heartbeatSeen && now - this.lastHeartbeatNanos >= this.heartbeatTimeoutNanos) {
				// The channel was silent too long, and no read or tick noticed it in time: messages of
				// that silence may be lost, whatever is held now goes before the channel is trusted again.
				this.entries.flush(NearEntries.FlushCause.HEARTBEAT);
			}
			this.lastHeartbeatNanos = now;
			this.heartbeatSeen = true;
			if (this.instance.equals(message.instance()) && message.sentNanos() - this.subscribedNanos >= 0) {
				// A heartbeat sent before this subscription waited in the client's queue for Redis to
				// come back: its round trip measures the outage, not the channel.
				this.lagObserver.accept(now - message.sentNanos());
			}
			return;
		}
		this.entries.apply(message);
	}

	void setLagObserver(LongConsumer lagObserver) {
		this.lagObserver = lagObserver;
	}

	void close() {
		this.closed.set(true);
		OrderHashStore.Subscription current = this.subscription;
		if (current != null) {
			current.close();
		}
		this.subscribed = false;
		this.entries.flush(NearEntries.FlushCause.CONNECTION);
	}

}
