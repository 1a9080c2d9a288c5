package io.fatamorgana.ordercache.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fatamorgana.ordercache.key.OrderKeys;
import io.fatamorgana.ordercache.redis.CircuitBreaker;
import io.fatamorgana.ordercache.redis.OrderHashStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;

/**
 * Replays the evictions that could not reach Redis ({@link PendingEvictions}), oldest kind first:
 * everything, periods, then orders. "Everything" goes one SCAN page of hashes per round, so each
 * round does bounded work and reads stay misses until the last page. Orders go in pipelined
 * batches, at most {@value #MAX_PER_ROUND} evictions a round. Stops at the first failure; what is
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

	private final CircuitBreaker circuitBreaker;

	private final OrderCacheCounters counters;

	private final FailureLog failureLog;

	private final Duration tombstoneTtl;

	EvictionReplay(OrderHashStore store, OrderKeys keys, PendingEvictions pending, CircuitBreaker circuitBreaker,
			OrderCacheCounters counters, FailureLog failureLog, Duration tombstoneTtl) {
		this.store = store;
		this.keys = keys;
		this.pending = pending;
		this.circuitBreaker = circuitBreaker;
		this.counters = counters;
		this.failureLog = failureLog;
		this.tombstoneTtl = tombstoneTtl;
	}

	/**
	 * Sends one batch of order evictions (pipelined, one bulk timeout for all), then forgets those
	 * not recorded again meanwhile.
	 */
	private int replayBatch(List<Map.Entry<PendingEvictions.Order, Long>> batch) {
		if (batch.isEmpty()) {
			return 0;
		}
		this.store.evictAll(batch.stream()
			.map((entry) -> Map.entry(entry.getKey().key(), entry.getKey().field()))
			.toList(), this.tombstoneTtl);
		batch.forEach((entry) -> this.pending.replayed(entry.getKey(), entry.getValue()));
		int sent = batch.size();
		batch.clear();
		return sent;
	}

	int replay() {
		if (this.pending.isEmpty() || !this.circuitBreaker.allowsCalls()) {
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
				this.store.drop(period.getKey(), this.tombstoneTtl, false);
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
