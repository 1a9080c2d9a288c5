package io.fatamorgana.ordercache.sample.order;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The life cycle of an order, written in JSON and in the database in lower case, as in the seed.
 */
public enum OrderStatus {

	/** Created and waiting for payment. */
	PENDING,

	/** Paid. */
	PAID,

	/** Cancelled by the customer or refunded after payment; final. */
	CANCELLED,

	/** Not paid in time; final. */
	EXPIRED;

	private static final String NAMES = Arrays.stream(values())
		.map(OrderStatus::value)
		.collect(Collectors.joining(", "));

	/**
	 * The status as written in JSON and in the database.
	 * @return the lower-case name, such as {@code pending}
	 */
	@JsonValue
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Tells whether an order in this status may move to another one.
	 * @param next the requested status
	 * @return whether the transition makes sense
	 */
	public boolean canChangeTo(OrderStatus next) {
		return successors().contains(next);
	}

	private Set<OrderStatus> successors() {
		switch (this) {
			case PENDING:
				return EnumSet.of(PAID, CANCELLED, EXPIRED);
			case PAID:
				return EnumSet.of(CANCELLED);
			default:
				return EnumSet.noneOf(OrderStatus.class);
		}
	}

	/**
	 * Reads a status as written in JSON or in the database.
	 * @param value the lower-case name
	 * @return the status
	 * @throws IllegalArgumentException if the value is not a status
	 */
	@JsonCreator
	public static OrderStatus of(String value) {
		for (OrderStatus status : values()) {
			if (status.value().equals(value)) {
				return status;
			}
		}
		throw new IllegalArgumentException("unknown status; expected one of " + NAMES);
	}

}
