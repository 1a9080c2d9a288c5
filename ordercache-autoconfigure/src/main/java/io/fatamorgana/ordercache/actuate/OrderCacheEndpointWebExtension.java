package io.fatamorgana.ordercache.actuate;

import java.util.function.Supplier;

import io.fatamorgana.ordercache.OrderCacheException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.util.MimeType;

/**
 * The {@code ordercache} endpoint over HTTP: the same operations as {@link OrderCacheEndpoint}, whose
 * failures are answered with a problem body (RFC 9457 fields) instead of an error page and a stack
 * trace in the log: 400 naming what was wrong with the request, 503 when Redis did not answer.
 */
@EndpointWebExtension(endpoint = OrderCacheEndpoint.class)
public final class OrderCacheEndpointWebExtension {

	private static final MimeType PROBLEM_JSON = MimeType.valueOf("application/problem+json");

	private final OrderCacheEndpoint endpoint;

	/**
	 * Creates the extension.
	 * @param endpoint the endpoint whose operations it answers
	 */
	public OrderCacheEndpointWebExtension(OrderCacheEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	/**
	 * Reports the counters and one page of cached periods.
	 * @param cursor the cursor of the page, from the previous answer
	 * @param limit about how many periods to list (default 100, at most 1000)
	 * @return the report, or a problem
	 */
	@ReadOperation
	public WebEndpointResponse<Object> cache(@Nullable String cursor, @Nullable Integer limit) {
		return answer(() -> this.endpoint.cache(cursor, limit));
	}

	/**
	 * Reports one period.
	 * @param period the period number
	 * @return its statistics, or a problem
	 */
	@ReadOperation
	public WebEndpointResponse<Object> period(@Selector String period) {
		return answer(() -> this.endpoint.period(period));
	}

	/**
	 * Drops one period's hash; reachable only when write access to the endpoint is granted.
	 * @param period the period number
	 * @return whether it held orders, or a problem
	 */
	@DeleteOperation
	public WebEndpointResponse<Object> drop(@Selector String period) {
		return answer(() -> this.endpoint.drop(period));
	}

	private static WebEndpointResponse<Object> answer(Supplier<Object> operation) {
		try {
			return new WebEndpointResponse<>(operation.get());
		}
		catch (InvalidEndpointRequestException ex) {
			return problem(WebEndpointResponse.STATUS_BAD_REQUEST, "Invalid request", ex.getReason());
		}
		catch (OrderCacheException ex) {
			// The cache has already counted and (rate-limited) logged the failure.
			return problem(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE, "Cache unavailable",
					"Redis did not answer; orders are still served from the database");
		}
	}

	private static WebEndpointResponse<Object> problem(int status, String title, String detail) {
		return new WebEndpointResponse<>(new Problem("about:blank", title, status, detail), status,
				PROBLEM_JSON);
	}

	/**
	 * A problem answer, with the fields of RFC 9457.
	 * @param type the problem type
	 * @param title a short summary
	 * @param status the HTTP status
	 * @param detail what was wrong, naming the offending value
	 */
	public record Problem(String type, String title, int status, String detail) {
	}

}
