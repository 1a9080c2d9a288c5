package io.fatamorgana.ordercache.sample.order;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A request for the cache while it is turned off with {@code ordercache.enabled=false}: answered
 * with 404, since there is no cache to show. Orders are still served, from the database.
 */
public final class CacheDisabledException extends ErrorResponseException {

	private static final long serialVersionUID = 1L;

	/** Creates the exception, a 404 problem saying that the cache is turned off. */
	public CacheDisabledException() {
		super(HttpStatus.NOT_FOUND, problem(), null);
	}

	private static ProblemDetail problem() {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
				"The order cache is disabled (ordercache.enabled=false); orders are served from the database");
		problem.setTitle("Cache disabled");
		return problem;
	}

}
