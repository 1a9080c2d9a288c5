package io.fatamorgana.ordercache.it;

import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Makes the change of a {@link ChangeRequest} published inside a transaction once that transaction
 * committed ({@code @TransactionalEventListener}, phase {@code AFTER_COMMIT}), through the annotated
 * service.
 */
public class ChangeListener {

	/**
	 * Runs the request.
	 * @param request the event
	 */
	@TransactionalEventListener
	public void on(ChangeRequest request) {
		request.run();
	}

}
