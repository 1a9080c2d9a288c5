package io.fatamorgana.ordercache.it;

import java.util.List;
import java.util.Optional;

import io.fatamorgana.ordercache.annotation.CacheOrder;
import io.fatamorgana.ordercache.annotation.CachedOrder;
import io.fatamorgana.ordercache.annotation.CachedPeriod;
import io.fatamorgana.ordercache.annotation.EvictOrder;
import io.fatamorgana.ordercache.it.History.Kind;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A user's order service, annotated the way applications annotate theirs, with one method per
 * transaction shape. Writes ({@code create}/{@code update}) return the order as committed and are
 * {@code @CacheOrder}; deletes return the revision they committed (-1: nothing) and are
 * {@code @EvictOrder}. The same class serves the JDBC and the JPA variant through its
 * {@link OrderStore}.
 */
public class ShapedOrders {

	private final OrderStore store;

	private final TransactionTemplate newTransaction;

	private final ApplicationEventPublisher publisher;

	/**
	 * Creates the service.
	 * @param store the data access
	 * @param transactionManager for the methods that open their own transaction in code
	 * @param publisher publishes {@link ChangeRequest}s
	 */
	public ShapedOrders(OrderStore store, PlatformTransactionManager transactionManager,
			ApplicationEventPublisher publisher) {
		this.store = store;
		this.newTransaction = new TransactionTemplate(transactionManager);
		this.newTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.publisher = publisher;
	}

	/**
	 * The data access variant.
	 * @return the store
	 */
	public OrderStore store() {
		return this.store;
	}

	// ---- plain @Transactional

	@CacheOrder
	@Transactional
	public Optional<Order> write(Kind kind, String period, String orderNo, String status, long op) {
		return this.store.change(kind, period, orderNo, status, op).order(period, orderNo);
	}

	@EvictOrder(period = "#period", orderNo = "#orderNo")
	@Transactional
	public long delete(String period, String orderNo, long op) {
		return this.store.change(Kind.DELETE, period, orderNo, "", op).revision();
	}

	// ---- REQUIRES_NEW (called from an outer transaction that commits or rolls back, or after commit)

	@CacheOrder
	@Transactional(propagation = Propagation.REQUIRES_NEW)
	public Optional<Order> writeRequiresNew(Kind kind, String period, String orderNo, String status, long op) {
		return this.store.change(kind, period, orderNo, status, op).order(period, orderNo);
	}

	@EvictOrder(period = "#period", orderNo = "#orderNo")
	@Transactional(propagation = Propagation.REQUIRES_NEW)
	public long deleteRequiresNew(String period, String orderNo, long op) {
		return this.store.change(Kind.DELETE, period, orderNo, "", op).revision();
	}

	// ---- NOT_SUPPORTED: no transaction at the annotated method; the data access opens its own inside

	@CacheOrder
	@Transactional(propagation = Propagation.NOT_SUPPORTED)
	public Optional<Order> writeNotSupported(Kind kind, String period, String orderNo, String status, long op) {
		return inNewTransaction(kind, period, orderNo, status, op).order(period, orderNo);
	}

	@EvictOrder(period = "#period", orderNo = "#orderNo")
	@Transactional(propagation = Propagation.NOT_SUPPORTED)
	public long deleteNotSupported(String period, String orderNo, long op) {
		return inNewTransaction(Kind.DELETE, period, orderNo, "", op).revision();
	}

	// ---- no @Transactional at all; the data access opens its own transaction inside

	@CacheOrder
	public Optional<Order> writeNoTransaction(Kind kind, String period, String orderNo, String status, long op) {
		return inNewTransaction(kind, period, orderNo, status, op).order(period, orderNo);
	}

	@EvictOrder(period = "#period", orderNo = "#orderNo")
	public long deleteNoTransaction(String period, String orderNo, long op) {
		return inNewTransaction(Kind.DELETE, period, orderNo, "", op).revision();
	}

	// ---- commits, then throws a checked exception (identity from the parameters)

	@CacheOrder(period = "#period", orderNo = "#orderNo")
	@Transactional
	public Optional<Order> writeThenThrow(Kind kind, String period, String orderNo, String status, long op)
			throws CommittedChangeException {
		throw new CommittedChangeException(this.store.change(kind, period, orderNo, status, op));
	}

	@EvictOrder(period = "#period", orderNo = "#orderNo")
	@Transactional
	public long deleteThenThrow(String period, String orderNo, long op) throws CommittedChangeException {
		throw new CommittedChangeException(this.store.change(Kind.DELETE, period, orderNo, "", op));
	}

	// ---- throws a runtime exception declared in noRollbackFor: commits

	@CacheOrder(period = "#period", orderNo = "#orderNo")
	@Transactional(noRollbackFor = CommittedRuntimeChangeException.class)
	public Optional<Order> writeNoRollbackFor(Kind kind, String period, String orderNo, String status, long op) {
		throw new CommittedRuntimeChangeException(this.store.change(kind, period, orderNo, status, op));
	}

	@EvictOrder(period = "#period", orderNo = "#orderNo")
	@Transactional(noRollbackFor = CommittedRuntimeChangeException.class)
	public long deleteNoRollbackFor(String period, String orderNo, long op) {
		throw new CommittedRuntimeChangeException(this.store.change(Kind.DELETE, period, orderNo, "", op));
	}

	// ---- throws a runtime exception: rolls back, nothing happened

	@CacheOrder(period = "#period", orderNo = "#orderNo")
	@Transactional
	public Optional<Order> writeThenRollBack(Kind kind, String period, String orderNo, String status, long op) {
		this.store.change(kind, period, orderNo, status, op);
		throw new RolledBackChangeException();
	}

	@EvictOrder(period = "#period", orderNo = "#orderNo")
	@Transactional
	public long deleteThenRollBack(String period, String orderNo, long op) {
		this.store.change(Kind.DELETE, period, orderNo, "", op);
		throw new RolledBackChangeException();
	}

	// ---- after commit: an event for a @TransactionalEventListener, or an afterCommit callback

	/**
	 * Publishes the request in a transaction of its own; its listener makes the change after commit.
	 * @param request the change
	 */
	@Transactional
	public void publish(ChangeRequest request) {
		this.store.audit(request.opId());
		this.publisher.publishEvent(request);
	}

	/**
	 * Registers the request as an {@code afterCommit} callback of a transaction of its own.
	 * @param request the change
	 */
	@Transactional
	public void changeAfterCommit(ChangeRequest request) {
		this.store.audit(request.opId());
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void afterCommit() {
				request.run();
			}

		});
	}

	// ---- reads

	@CachedOrder(period = "#period", orderNo = "#orderNo")
	@Transactional(readOnly = true)
	public Optional<Order> find(String period, String orderNo) {
		return this.store.find(period, orderNo);
	}

	@CachedOrder(period = "#period", orderNo = "#orderNo")
	public Optional<Order> findNoTransaction(String period, String orderNo) {
		return this.store.find(period, orderNo);
	}

	@CachedPeriod(period = "#period")
	@Transactional(readOnly = true)
	public List<Order> findPeriod(String period) {
		return this.store.findPeriod(period);
	}

	@EvictOrder(period = "#period", allInPeriod = true)
	public void dropPeriod(String period) {
	}

	private OrderStore.Change inNewTransaction(Kind kind, String period, String orderNo, String status, long op) {
		OrderStore.Change change = this.newTransaction
			.execute((transaction) -> this.store.change(kind, period, orderNo, status, op));
		return (change != null) ? change : OrderStore.Change.NONE;
	}

}
