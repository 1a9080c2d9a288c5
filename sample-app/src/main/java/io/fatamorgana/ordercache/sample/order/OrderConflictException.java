package io.fatamorgana.ordercache.sample.order;

import java.net.URI;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A request that conflicts with the order's current state: answered with 409.
 */
final class OrderConflictException extends ErrorResponseException {

	private static final long serialVersionUID = 1L;

	private OrderConflictException(ProblemDetail problem, @Nullable Throwable cause) {
		super(HttpStatus.CONFLICT, problem, cause);
	}

	static OrderConflictException duplicate(String idempotencyKey, @Nullable Order existing,
			@Nullable Throwable cause) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
				"An order was already created with this Idempotency-Key");
		problem.setTitle("Duplicate order");
		problem.setProperty("idempotency_key", idempotencyKey);
		OrderConflictException exception = new OrderConflictException(problem, cause);
		if (existing != null) {
			problem.setProperty("order_no", existing.orderNo());
			exception.getHeaders().setLocation(location(existing));
		}
		return exception;
	}

	static OrderConflictException transition(Order order, OrderStatus requested) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "Order " + order.orderNo()
				+ " is " + order.status().value() + " and cannot become " + requested.value());
		problem.setTitle("Status change not allowed");
		problem.setProperty("field", "status");
		problem.setProperty("current_status", order.status().value());
		return new OrderConflictException(problem, null);
	}

	static OrderConflictException concurrentUpdate(Order order) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
				"Order " + order.orderNo() + " was changed by another request; read it again and retry");
		problem.setTitle("Concurrent update");
		return new OrderConflictException(problem, null);
	}

	static URI location(Order order) {
		return URI.create("/orders/" + order.periodNumber() + "/" + order.orderNo());
	}

}
