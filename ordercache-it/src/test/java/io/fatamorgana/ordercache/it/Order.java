package io.fatamorgana.ordercache.it;

/**
 * An order as the services under test return it and the cache stores it: its {@code version} is
 * the order's revision, which every committed create, update and delete of the order raises by one,
 * so a version names exactly one committed state, also across a delete and a re-create.
 *
 * @param periodNumber the period
 * @param orderNo the order number
 * @param status the status
 * @param version the revision that produced this state
 */
public record Order(String periodNumber, String orderNo, String status, long version) {

	@Override
	public String toString() {
		return this.periodNumber + "/" + this.orderNo + " v" + this.version + " " + this.status;
	}

}
