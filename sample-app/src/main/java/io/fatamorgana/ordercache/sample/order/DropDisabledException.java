package io.fatamorgana.ordercache.sample.order;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A drop of a cached period over HTTP while {@code sample.cache.drop-enabled} is off (the default):
 * answered with 403, since the sample has no authentication and anyone who can reach it could drop
 * periods. Nothing is dropped.
 */
final class DropDisabledException extends ErrorResponseException {

	private static final long serialVersionUID = 1L;

	DropDisabledException() {
		super(HttpStatus.FORBIDDEN, problem(), null);
	}

	private static ProblemDetail problem() {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN,
				"Dropping cached periods over HTTP is turned off; start the sample with"
						+ " --sample.cache.drop-enabled=true to allow it (a demo operation: there is no authentication)");
		problem.setTitle("Drop disabled");
		return problem;
	}

}
