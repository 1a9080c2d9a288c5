package io.fatamorgana.ordercache.it;

import java.util.Optional;

import io.fatamorgana.ordercache.it.History.Kind;
import org.jspecify.annotations.Nullable;

/**
 * A change to make after a transaction committed, from a {@code @TransactionalEventListener} (it is
 * the event) or a {@code TransactionSynchronization.afterCommit} callback, and what came of it.
 */
public final class ChangeRequest {

	private final ShapedOrders target;

	private final boolean requiresNew;

	private final Kind kind;

	private final String period;

	private final String orderNo;

	private final String status;

	private final long opId;

	private volatile OrderStore.@Nullable Change change;

	private volatile @Nullable Throwable error;

	/**
	 * Creates a request.
	 * @param target the annotated service (its proxy) to call
	 * @param requiresNew whether to call its {@code REQUIRES_NEW} method, else the one without
	 * {@code @Transactional} (which opens a new transaction inside)
	 * @param kind the change
	 * @param period the period
	 * @param orderNo the order
	 * @param status the status to write
	 * @param opId the operation's id
	 */
	public ChangeRequest(ShapedOrders target, boolean requiresNew, Kind kind, String period, String orderNo,
			String status, long opId) {
		this.target = target;
		this.requiresNew = requiresNew;
		this.kind = kind;
		this.period = period;
		this.orderNo = orderNo;
		this.status = status;
		this.opId = opId;
	}

	/** Makes the change through the annotated service and keeps what came of it. */
	public void run() {
		try {
			if (this.kind == Kind.DELETE) {
				long revision = this.requiresNew ? this.target.deleteRequiresNew(this.period, this.orderNo, this.opId)
						: this.target.deleteNoTransaction(this.period, this.orderNo, this.opId);
				this.change = (revision >= 0) ? new OrderStore.Change(revision, null) : OrderStore.Change.NONE;
			}
			else {
				Optional<Order> order = this.requiresNew
						? this.target.writeRequiresNew(this.kind, this.period, this.orderNo, this.status, this.opId)
						: this.target.writeNoTransaction(this.kind, this.period, this.orderNo, this.status, this.opId);
				this.change = order.map((written) -> new OrderStore.Change(written.version(), written.status()))
					.orElse(OrderStore.Change.NONE);
			}
		}
		catch (Throwable ex) {
			this.error = ex;
		}
	}

	/**
	 * What the change committed, once it ran.
	 * @return the change, or {@code null} if it did not run or threw
	 */
	public OrderStore.@Nullable Change change() {
		return this.change;
	}

	/**
	 * What the change threw.
	 * @return the exception, if any
	 */
	public @Nullable Throwable error() {
		return this.error;
	}

	/**
	 * The operation's id.
	 * @return the id
	 */
	public long opId() {
		return this.opId;
	}

	/**
	 * The service the change goes through.
	 * @return the annotated service
	 */
	public ShapedOrders target() {
		return this.target;
	}

}
