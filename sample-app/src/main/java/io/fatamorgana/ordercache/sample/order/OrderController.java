package io.fatamorgana.ordercache.sample.order;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import org.jspecify.annotations.Nullable;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The seed's order endpoints. Path variables and bodies are validated before anything is read or
 * written; see {@code ProblemDetailsAdvice} for the 400 answers.
 */
@RestController
class OrderController {

	private static final Comparator<Order> BY_ORDER_NO = Comparator.comparing(Order::orderNo);

	private final OrderService orders;

	OrderController(OrderService orders) {
		this.orders = orders;
	}

	@PostMapping("/create")
	ResponseEntity<Order> create(@Valid @RequestBody NewOrder request,
			@RequestHeader(name = "Idempotency-Key", required = false)
			@Pattern(regexp = "[A-Za-z0-9_:.-]{1,64}", message = "must be 1 to 64 characters from A-Z a-z 0-9 _ : . -")
			@Nullable String idempotencyKey) {
		Order order = this.orders.create(request, idempotencyKey);
		URI location = ServletUriComponentsBuilder.fromCurrentContextPath()
			.path("/orders/{period}/{orderNo}")
			.buildAndExpand(order.periodNumber(), order.orderNo())
			.toUri();
		return ResponseEntity.created(location).body(order);
	}

	@GetMapping("/orders/{period}")
	List<Order> period(@PathVariable @PeriodNumber String period) {
		// A period served from the cache comes in hash order: sort, so that every answer is the same.
		return this.orders.findByPeriod(period).stream().sorted(BY_ORDER_NO).toList();
	}

	@GetMapping("/orders/{period}/{orderNo}")
	Order order(@PathVariable @PeriodNumber String period, @PathVariable @OrderNumber String orderNo) {
		return this.orders.find(period, orderNo).orElseThrow(() -> new OrderNotFoundException(period, orderNo));
	}

	@PutMapping("/orders/{period}/{orderNo}/status")
	Order changeStatus(@PathVariable @PeriodNumber String period, @PathVariable @OrderNumber String orderNo,
			@Valid @RequestBody StatusChange change) {
		return this.orders.changeStatus(period, orderNo, Objects.requireNonNull(change.status()));
	}

	@DeleteMapping("/orders/{period}/{orderNo}")
	ResponseEntity<Void> delete(@PathVariable @PeriodNumber String period, @PathVariable @OrderNumber String orderNo) {
		this.orders.delete(period, orderNo);
		return ResponseEntity.noContent().build();
	}

}
