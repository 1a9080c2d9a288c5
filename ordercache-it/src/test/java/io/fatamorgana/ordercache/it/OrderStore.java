package io.fatamorgana.ordercache.it;

import java.util.List;
import java.util.Optional;

import io.fatamorgana.ordercache.it.History.Kind;
import org.jspecify.annotations.Nullable;

/**
 * The data access of the services under test, once with JDBC and once with JPA. Every change
 * first locks the order's row in {@code oc_revisions} ({@code SELECT ... FOR UPDATE}), which
 * serializes all changes of one order, then raises its revision by one, writes the order with
 * {@code version} = the new revision, and logs the change with the operation's id in
 * {@code oc_changes}, all in the caller's transaction. A create of an existing order, and an update
 * or delete of a missing one, change nothing.
 */
public interface OrderStore {

	/**
	 * The data access variant's name.
	 * @return {@code JDBC} or {@code JPA}
	 */
	String variant();

	/**
	 * Changes an order inside the current transaction.
	 * @param kind create, update or delete
	 * @param period the period
	 * @param orderNo the order
	 * @param status the status to write (not used by a delete)
	 * @param opId the operation's id for the change log
	 * @return what was committed (if the transaction commits)
	 */
	Change change(Kind kind, String period, String orderNo, String status, long opId);

	/**
	 * Reads an order.
	 * @param period the period
	 * @param orderNo the order
	 * @return the order, if it exists
	 */
	Optional<Order> find(String period, String orderNo);

	/**
	 * Reads every order of a period.
	 * @param period the period
	 * @return its orders
	 */
	List<Order> findPeriod(String period);

	/**
	 * Writes an audit row in the current transaction, so that an outer transaction has done
	 * something of its own.
	 * @param opId the operation's id
	 */
	void audit(long opId);

	/**
	 * What a change did.
	 *
	 * @param revision the revision it wrote, -1 if it changed nothing
	 * @param status the status it wrote, {@code null} for a delete or no change
	 */
	record Change(long revision, @Nullable String status) {

		static final Change NONE = new Change(-1, null);

		/**
		 * The order as the change left it.
		 * @param period the period
		 * @param orderNo the order
		 * @return the order, empty for a delete or no change
		 */
		Optional<Order> order(String period, String orderNo) {
			return (this.revision >= 0 && this.status != null)
					? Optional.of(new Order(period, orderNo, this.status, this.revision)) : Optional.empty();
		}

	}

}
