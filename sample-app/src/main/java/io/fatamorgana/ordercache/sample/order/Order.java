package io.fatamorgana.ordercache.sample.order;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * An order with the seed's fields, plus the version that the database uses for optimistic locking.
 * It is what the HTTP API returns and what the cache stores, both as snake_case JSON.
 *
 * @param orderNo the order number, unique, such as {@code ORDER_20241201_001_001}
 * @param uid the customer
 * @param periodNumber the sales period, such as {@code 20241201_001}
 * @param amount the amount paid, exact to the cent
 * @param profitAmount the profit, exact to the cent
 * @param likeCount likes
 * @param shareCount shares
 * @param followCount follows
 * @param favoriteCount favorites
 * @param status the status
 * @param expireTime when a pending order expires
 * @param createdAt when the order was created
 * @param updatedAt when the order last changed
 * @param version incremented by every change
 */
public record Order(String orderNo, String uid, String periodNumber, BigDecimal amount, BigDecimal profitAmount,
		long likeCount, long shareCount, long followCount, long favoriteCount, OrderStatus status,
		Instant expireTime, Instant createdAt, Instant updatedAt, long version) {

	/**
	 * The order after a status change.
	 * @param next the new status
	 * @param now the time of the change
	 * @return a copy with the status, {@code updatedAt} and the next version
	 */
	Order withStatus(OrderStatus next, Instant now) {
		return new Order(this.orderNo, this.uid, this.periodNumber, this.amount, this.profitAmount, this.likeCount,
				this.shareCount, this.followCount, this.favoriteCount, next, this.expireTime, this.createdAt, now,
				this.version + 1);
	}

}
