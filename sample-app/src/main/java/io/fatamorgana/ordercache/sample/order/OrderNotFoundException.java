package io.fatamorgana.ordercache.sample.order;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * No order has this number in this period: answered with 404.
 */
final class OrderNotFoundException extends ErrorResponseException {

	private static final long serialVersionUID = 1L;

	OrderNotFoundException(String period, String orderNo) {
		super(HttpStatus.NOT_FOUND, problem(period, orderNo), null);
	}

	private static ProblemDetail problem(String period, String orderNo) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
				"Order " + orderNo + " does not exist in period " + period);
		problem.setTitle("Order not found");
		problem.setProperty("period", period);
		problem.setProperty("order_no", orderNo);
		return problem;
	}

}
