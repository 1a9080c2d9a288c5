package io.fatamorgana.ordercache.it;

/**
 * A checked exception a service throws after its change committed (checked exceptions do not roll
 * back): it carries what was committed.
 */
public class CommittedChangeException extends Exception {

	private static final long serialVersionUID = 1L;

	private final transient OrderStore.Change change;

	CommittedChangeException(OrderStore.Change change) {
		super("thrown after committing revision " + change.revision());
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
