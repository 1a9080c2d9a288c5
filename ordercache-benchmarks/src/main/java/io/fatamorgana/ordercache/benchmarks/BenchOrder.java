package io.fatamorgana.ordercache.benchmarks;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * An order shaped like the design document's example: the same fields, types and sizes (about 330
 * bytes of JSON).
 *
 * @param orderNo the order number
 * @param uid the user
 * @param periodNumber the sales period
 * @param amount the amount
 * @param profitAmount the profit
 * @param likeCount likes
 * @param shareCount shares
 * @param followCount follows
 * @param favoriteCount favorites
 * @param status the status
 * @param expireTime when an unpaid order expires
 * @param createdAt when it was created
 * @param updatedAt when it last changed (the version ordercache compares)
 */
public record BenchOrder(String orderNo, String uid, String periodNumber, BigDecimal amount, BigDecimal profitAmount,
		int likeCount, int shareCount, int followCount, int favoriteCount, String status, Instant expireTime,
		Instant createdAt, Instant updatedAt) {

	private static final Instant CREATED = Instant.parse("2024-12-01T10:00:00Z");

	/**
	 * The example order of the design document, in another period and with another number.
	 * @param period the period number
	 * @param index the order's index in its period, part of its number
	 * @return the order
	 */
	public static BenchOrder of(String period, int index) {
		return new BenchOrder("ORDER_" + period + "_" + String.format("%06d", index), "user" + (index % 1000), period,
				new BigDecimal("100.00"), new BigDecimal("5.00"), 10, 5, 3, 2, "pending", CREATED.plusSeconds(300),
				CREATED, CREATED.plusMillis(index));
	}

}
