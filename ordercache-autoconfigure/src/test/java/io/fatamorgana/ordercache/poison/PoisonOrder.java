package io.fatamorgana.ordercache.poison;

/**
 * An order with a version column and an enum, as a user's record would be. Its compact constructor
 * validates the user id and puts the rejected value in its message, as validation code often does:
 * a stored JSON with a bad {@code uid} cannot be read, and the message carries order data.
 *
 * @param periodNumber the period
 * @param orderNo the order number
 * @param uid the user, {@code u} followed by digits
 * @param status the status
 * @param version the row version, moved on by every update
 */
public record PoisonOrder(String periodNumber, String orderNo, String uid, Status status, long version) {

	public PoisonOrder {
		if (uid == null || !uid.matches("u[0-9]+")) {
			throw new IllegalArgumentException("bad uid " + uid);
		}
	}

	static PoisonOrder of(String period, String orderNo, String uid, Status status, long version) {
		return new PoisonOrder(period, orderNo, uid, status, version);
	}

	/** The statuses this version of the application knows. */
	public enum Status {

		PENDING, PAID, CANCELLED

	}

}
