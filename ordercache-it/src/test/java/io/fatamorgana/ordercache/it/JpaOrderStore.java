package io.fatamorgana.ordercache.it;

import java.util.List;
import java.util.Optional;

import io.fatamorgana.ordercache.it.History.Kind;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Query;

import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * {@link OrderStore} on JPA (Hibernate): entities for the order and its revision, a pessimistic
 * lock on the revision, JPQL for updates, deletes and reads.
 */
public class JpaOrderStore implements OrderStore {

	@PersistenceContext
	private EntityManager entityManager;

	@Override
	public String variant() {
		return "JPA";
	}

	@Override
	public Change change(Kind kind, String period, String orderNo, String status, long opId) {
		Assert.state(TransactionSynchronizationManager.isActualTransactionActive(), "a change needs a transaction");
		RevisionEntity current = this.entityManager.find(RevisionEntity.class, new OrderKey(period, orderNo),
				LockModeType.PESSIMISTIC_WRITE);
		Assert.state(current != null, () -> "no revision row for " + period + "/" + orderNo);
		if ((kind == Kind.CREATE) == current.exists()) {
			return Change.NONE;
		}
		String written = (kind == Kind.DELETE) ? null : status;
		long revision = current.next(written);
		switch (kind) {
			case CREATE -> this.entityManager.persist(new OrderEntity(period, orderNo, status, revision));
			case UPDATE -> this.entityManager
				.createQuery("update OrderEntity o set o.status = :status, o.version = :version"
						+ " where o.periodNumber = :period and o.orderNo = :orderNo")
				.setParameter("status", status).setParameter("version", revision).setParameter("period", period)
				.setParameter("orderNo", orderNo).executeUpdate();
			case DELETE -> this.entityManager
				.createQuery("delete from OrderEntity o where o.periodNumber = :period and o.orderNo = :orderNo")
				.setParameter("period", period).setParameter("orderNo", orderNo).executeUpdate();
			default -> throw new IllegalArgumentException(kind.toString());
		}
		// A literal NULL for a delete: an untyped null parameter is not bound alike by every driver.
		Query query = this.entityManager.createNativeQuery((written != null)
				? "INSERT INTO oc_changes (period_number, order_no, rev, status, op_id) VALUES (?, ?, ?, ?, ?)"
				: "INSERT INTO oc_changes (period_number, order_no, rev, status, op_id) VALUES (?, ?, ?, NULL, ?)")
			.setParameter(1, period).setParameter(2, orderNo).setParameter(3, revision);
		if (written != null) {
			query.setParameter(4, written).setParameter(5, opId);
		}
		else {
			query.setParameter(4, opId);
		}
		query.executeUpdate();
		this.entityManager.flush();
		return new Change(revision, written);
	}

	@Override
	public Optional<Order> find(String period, String orderNo) {
		DatabaseReads.mark();
		return Optional.ofNullable(this.entityManager.find(OrderEntity.class, new OrderKey(period, orderNo)))
			.map(OrderEntity::toOrder);
	}

	@Override
	public List<Order> findPeriod(String period) {
		DatabaseReads.mark();
		return this.entityManager
			.createQuery("select o from OrderEntity o where o.periodNumber = :period", OrderEntity.class)
			.setParameter("period", period).getResultList().stream().map(OrderEntity::toOrder).toList();
	}

	@Override
	public void audit(long opId) {
		this.entityManager.createNativeQuery("INSERT INTO oc_audit (id, note) VALUES (?, ?)").setParameter(1, opId)
			.setParameter(2, "jpa").executeUpdate();
	}

}
