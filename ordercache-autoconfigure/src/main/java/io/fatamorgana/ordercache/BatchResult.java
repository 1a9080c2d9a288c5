package io.fatamorgana.ordercache;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What {@link OrderCacheService#batchCacheOrders} did.
 *
 * @param cached the number of orders written to Redis
 * @param skipped the orders that were not written, each with the reason
 */
public record BatchResult(int cached, List<Skipped> skipped) {

	/**
	 * Creates a result.
	 * @param cached the number of orders written to Redis
	 * @param skipped the orders that were not written
	 */
	public BatchResult {
		skipped = List.copyOf(skipped);
	}

	/**
	 * One order that a batch did not cache.
	 *
	 * @param index the position of the order in the batch, from 0
	 * @param orderNo the order number when it could be read, else {@code null}
	 * @param reason why the order was skipped
	 */
	public record Skipped(int index, @Nullable String orderNo, String reason) {
	}

}
