package io.fatamorgana.ordercache.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * round does bounded work and reads stay misses until the last page. Orders go in pipelined
 * batches, at most {@value #MAX_PER_ROUND} evictions a round. An eviction whose Redis node's circuit
 * is open is skipped (the other nodes' go on); the replay stops at the first failure, and what is
 * left waits for the next round.
 */
final class EvictionReplay {

	// Paced: a round sends at most this many evictions, in pipelined batches each awaited before the
	// next, so that replaying thousands neither floods a Redis that has just come back (its traffic
	// goes on between batches) nor makes a slow reply count as one failure per order.
	static final int BATCH = 100;

	static final int MAX_PER_ROUND = 2_000;

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

	/**
	 * Sends one batch of order evictions (pipelined, one bulk timeout for each node's share), then
	 * forgets those sent that were not recorded again meanwhile.
	 */
	private int replayBatch(List<Map.Entry<PendingEvictions.Order, Long>> batch) {
		if (batch.isEmpty()) {
			return 0;
		}
		Set<Map.Entry<String, String>> notSent = new HashSet<>(this.store.evictAll(batch.stream()
			.map((entry) -> Map.entry(entry.getKey().key(), entry.getKey().field()))
			.toList(), this.tombstoneTtl));
		int sent = 0;
		for (Map.Entry<PendingEvictions.Order, Long> entry : batch) {
			// Skipped for an open circuit: it waits for its node's probe.
			if (!notSent.contains(Map.entry(entry.getKey().key(), entry.getKey().field()))) {
				this.pending.replayed(entry.getKey(), entry.getValue());
				sent++;
			}
		}
		batch.clear();
		return sent;
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
			for (Map.Entry<String, Long> period : this.pending.periods().entrySet()) {
				if (replayed >= MAX_PER_ROUND) {
					return replayed;
				}
				try {
					this.store.drop(period.getKey(), this.tombstoneTtl, false);
				}
				catch (CacheUnavailableException ex) {
					// Its node's circuit is open: it waits for the node's probe, the other nodes' go on.
					continue;
				}
				this.pending.replayed(period.getKey(), period.getValue());
				replayed++;
			}
			List<Map.Entry<PendingEvictions.Order, Long>> batch = new ArrayList<>(BATCH);
			for (Map.Entry<PendingEvictions.Order, Long> entry : this.pending.orders().entrySet()) {
				if (replayed + batch.size() >= MAX_PER_ROUND) {
					break;
				}
				batch.add(entry);
				if (batch.size() == BATCH) {
					replayed += replayBatch(batch);
				}
			}
			replayed += replayBatch(batch);
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
