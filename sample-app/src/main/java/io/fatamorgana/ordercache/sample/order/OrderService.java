package io.fatamorgana.ordercache.sample.order;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.fatamorgana.ordercache.annotation.CacheOrder;
import io.fatamorgana.ordercache.annotation.CachedOrder;
import io.fatamorgana.ordercache.annotation.CachedPeriod;
import io.fatamorgana.ordercache.annotation.EvictOrder;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The order use cases. The database is the source of truth; the cache annotations keep the period
 * hashes in step with it, after commit, and a Redis failure never fails a use case.
 */
@Service
class OrderService {

	private final OrderRepository repository;

	private final OrderNumbers orderNumbers;

	private final SampleProperties properties;

	private final Clock clock;

	OrderService(OrderRepository repository, OrderNumbers orderNumbers, SampleProperties properties) {
		this.repository = repository;
		this.orderNumbers = orderNumbers;
		this.properties = properties;
		this.clock = Clock.systemUTC();
	}

	/**
	 * Creates a pending order with a new order number and caches it. The INSERT is one statement,
	 * atomic on its own, so the cache write that follows the return is after its commit.
	 * @param request the validated request
	 * @param idempotencyKey the client's key for this request, when it sent one
	 * @return the order as stored
	 * @throws OrderConflictException if an order was already created with the key
	 */
	@CacheOrder
	public Order create(NewOrder request, @Nullable String idempotencyKey) {
		if (idempotencyKey != null) {
			Optional<Order> existing = this.repository.findByIdempotencyKey(idempotencyKey);
			if (existing.isPresent()) {
				throw OrderConflictException.duplicate(idempotencyKey, existing.get(), null);
			}
		}
		String orderNo = this.orderNumbers.next(Objects.requireNonNull(request.periodNumber()));
		Order order = request.toOrder(orderNo, now(), this.properties.orders().paymentWindow());
		try {
			this.repository.insert(order, idempotencyKey);
		}
		catch (DuplicateKeyException ex) {
			// Only the idempotency key can collide: order numbers come from the counter.
			String key = (idempotencyKey != null) ? idempotencyKey : "";
			throw OrderConflictException.duplicate(key, this.repository.findByIdempotencyKey(key).orElse(null), ex);
		}
		return order;
	}

	/**
	 * Reads one order through the cache: a hit answers without touching the database.
	 * @param period the period number
	 * @param orderNo the order number
	 * @return the order, or empty if the period has no such order
	 */
	@CachedOrder(period = "#period", orderNo = "#orderNo")
	public Optional<Order> find(String period, String orderNo) {
		return this.repository.find(period, orderNo);
	}

	/**
	 * Reads every order of a period through the cache. A period whose hash is complete (filled by a
	 * read of the whole period or the warm-up, and no order evicted since) is answered from Redis
	 * without touching the database; otherwise the period is read from the database, and the hash is
	 * filled with it and marked complete. Creates and status changes keep a complete period complete;
	 * a delete makes it incomplete until the next read.
	 * @param period the period number
	 * @return the orders, in no particular order (the cache does not keep one); empty if the period
	 * has none
	 */
	@CachedPeriod(period = "#period")
	public List<Order> findByPeriod(String period) {
		return this.repository.findByPeriod(period);
	}

	/**
	 * Changes an order's status with optimistic locking; the cache gets the new version after
	 * commit. Asking for the status the order already has changes nothing.
	 * @param period the period number
	 * @param orderNo the order number
	 * @param status the requested status
	 * @return the order as stored
	 * @throws OrderNotFoundException if there is no such order
	 * @throws OrderConflictException if the transition makes no sense or another change came first
	 */
	@CacheOrder
	@Transactional
	public Order changeStatus(String period, String orderNo, OrderStatus status) {
		Order current = this.repository.find(period, orderNo)
			.orElseThrow(() -> new OrderNotFoundException(period, orderNo));
		if (current.status() == status) {
			return current;
		}
		if (!current.status().canChangeTo(status)) {
			throw OrderConflictException.transition(current, status);
		}
		Order changed = current.withStatus(status, now());
		if (!this.repository.updateStatus(changed, current.version())) {
			throw OrderConflictException.concurrentUpdate(current);
		}
		return changed;
	}

	/**
	 * Deletes an order; its field leaves the period's hash after commit.
	 * @param period the period number
	 * @param orderNo the order number
	 * @throws OrderNotFoundException if there is no such order
	 */
	@EvictOrder(period = "#period", orderNo = "#orderNo")
	@Transactional
	public void delete(String period, String orderNo) {
		if (!this.repository.delete(period, orderNo)) {
			throw new OrderNotFoundException(period, orderNo);
		}
	}

	// Milliseconds are what every database here stores exactly, so the returned, cached and stored
	// orders are the same.
	private Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.MILLIS);
	}

}
