package io.fatamorgana.ordercache.it;

/**
 * A runtime exception a service throws after its change, which rolls the change back.
 */
public class RolledBackChangeException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	RolledBackChangeException() {
		super("thrown after a change, which rolls it back");
	}

}
