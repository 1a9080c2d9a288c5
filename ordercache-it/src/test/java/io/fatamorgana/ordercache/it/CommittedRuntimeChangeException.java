package io.fatamorgana.ordercache.it;

/**
 * A runtime exception a service declares in {@code noRollbackFor} and throws after its change: the
 * change commits, and the exception carries it.
 */
public class CommittedRuntimeChangeException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient OrderStore.Change change;

	CommittedRuntimeChangeException(OrderStore.Change change) {
		super("thrown after revision " + change.revision() + ", not rolled back");
		this.change = change;
	}

	/**
	 * What was committed.
	 * @return the change
	 */
	public OrderStore.Change change() {
		return this.change;
	}

}
