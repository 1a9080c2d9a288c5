package io.fatamorgana.ordercache.sample.order;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /create}. The server chooses the order number, the status and the
 * timestamps; counters and the profit default to zero, the expiry to the payment window.
 *
 * @param uid the customer
 * @param periodNumber the sales period
 * @param amount the amount, positive, at most two decimals
 * @param profitAmount the profit, at most two decimals
 * @param likeCount likes
 * @param shareCount shares
 * @param followCount follows
 * @param favoriteCount favorites
 * @param expireTime when the order expires unless paid
 */
record NewOrder(@NotBlank @Size(max = 64) @Nullable String uid, @NotNull @PeriodNumber @Nullable String periodNumber,
		@NotNull @Positive @Digits(integer = 17, fraction = 2) @Nullable BigDecimal amount,
		@PositiveOrZero @Digits(integer = 17, fraction = 2) @Nullable BigDecimal profitAmount,
		@PositiveOrZero @Nullable Long likeCount, @PositiveOrZero @Nullable Long shareCount,
		@PositiveOrZero @Nullable Long followCount, @PositiveOrZero @Nullable Long favoriteCount,
		@Future @Nullable Instant expireTime) {

	/**
	 * The order this request creates; call only after validation.
	 * @param orderNo the order number chosen by the server
	 * @param now the creation time
	 * @param paymentWindow how long a pending order lives when the request names no expiry
	 * @return a pending order at version 0
	 */
	Order toOrder(String orderNo, Instant now, Duration paymentWindow) {
		return new Order(orderNo, Objects.requireNonNull(this.uid), Objects.requireNonNull(this.periodNumber),
				cents(Objects.requireNonNull(this.amount)), cents(this.profitAmount),
				zeroIfNull(this.likeCount), zeroIfNull(this.shareCount), zeroIfNull(this.followCount),
				zeroIfNull(this.favoriteCount), OrderStatus.PENDING,
				(this.expireTime != null) ? this.expireTime.truncatedTo(ChronoUnit.MILLIS) : now.plus(paymentWindow),
				now, now, 0);
	}

	// The database keeps two decimals; returning the same scale makes the response, the cache and
	// the row identical.
	private static BigDecimal cents(@Nullable BigDecimal value) {
		return ((value != null) ? value : BigDecimal.ZERO).setScale(2, RoundingMode.UNNECESSARY);
	}

	private static long zeroIfNull(@Nullable Long value) {
		return (value != null) ? value : 0;
	}

}
