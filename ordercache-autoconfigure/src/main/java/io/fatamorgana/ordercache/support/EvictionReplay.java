package io.fatamorgana.ordercache.support;

import java.time.Duration;

import io.fatamorgana.ordercache.key.OrderKeys;
import io.fatamorgana.ordercache.redis.CacheUnavailableException;
import io.fatamorgana.ordercache.redis.CircuitBreakers;
import io.fatamorgana.ordercache.redis.OrderHashStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;

/**
 * Replays the evictions that could not reach Redis ({@link PendingEvictions}), oldest kind first:
 * everything, periods, then orders. "Everything" goes one SCAN page of hashes per round, so each
 * round does bounded work and reads stay misses until the last page. An eviction whose Redis node's
 * circuit is open is skipped (the others' go on); the replay stops at the first failure, and what is
 * left waits for the next round.
 */
final class EvictionReplay {

	private static final Log logger = LogFactory.getLog("io.fatamorgana.ordercache");

	private final OrderHashStore store;

	private final OrderKeys keys;

	private final PendingEvictions pending;

	private final CircuitBreakers circuitBreakers;

	private final OrderCacheCounters counters;

	private final FailureLog failureLog;

	private final Duration tombstoneTtl;

	EvictionReplay(OrderHashStore store, OrderKeys keys, PendingEvictions pending, CircuitBreakers circuitBreakers,
			OrderCacheCounters counters, FailureLog failureLog, Duration tombstoneTtl) {
		this.store = store;
		this.keys = keys;
		this.pending = pending;
		this.circuitBreakers = circuitBreakers;
		this.counters = counters;
		this.failureLog = failureLog;
		this.tombstoneTtl = tombstoneTtl;
	}

	int replay() {
		if (this.pending.isEmpty() || this.circuitBreakers.allOpen()) {
			return 0;
		}
		int replayed = 0;
		try {
			if (this.pending.everything()) {
				PendingEvictions.Position from = this.pending.everythingPosition();
				OrderHashStore.KeyPage page = this.store.scanPage(this.keys.prefix(), from.cursor(), 1_000);
				for (String key : page.keys()) {
					this.store.drop(key, this.tombstoneTtl, true);
					replayed++;
				}
				this.pending.replayedEverythingUpTo(from, page.nextCursor());
				if (this.pending.everything()) {
					return replayed;
				}
			}
			for (String key : this.pending.periods()) {
				try {
					this.store.drop(key, this.tombstoneTtl, false);
				}
				catch (CacheUnavailableException ex) {
					// Its node's circuit is open: it waits for the node's probe, the other nodes' go on.
					continue;
				}
				this.pending.replayed(key);
				replayed++;
			}
			for (PendingEvictions.Order order : this.pending.orders()) {
				try {
					this.store.evict(order.key(), order.field(), this.tombstoneTtl);
				}
				catch (CacheUnavailableException ex) {
					continue;
				}
				this.pending.replayed(order);
				replayed++;
			}
		}
		catch (CacheUnavailableException ex) {
			// A node on the way of "everything" is skipped: the replay waits for its probe.
		}
		catch (DataAccessException ex) {
			this.counters.failed(StoreCalls.failure(ex));
			this.failureLog.warn("replay", "replaying evictions (" + this.pending.size() + " still pending)", ex);
		}
		if (replayed > 0) {
			logger.info("Order cache replayed " + replayed + " evictions that had failed; " + this.pending.size()
					+ " still pending");
		}
		return replayed;
	}

}
