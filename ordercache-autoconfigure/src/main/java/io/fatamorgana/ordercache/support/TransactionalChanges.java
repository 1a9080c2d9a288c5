package io.fatamorgana.ordercache.support;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.fatamorgana.ordercache.OrderCacheException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Holds the cache changes made inside the current transaction until it completes, the way Spring's
 * resource holders are kept: one {@link TransactionSynchronization} per transaction, bound to the
 * thread with {@link TransactionSynchronizationManager#bindResource}, unbound while the transaction
 * is suspended ({@code REQUIRES_NEW}, {@code NOT_SUPPORTED}) so that an inner transaction keeps its
 * own changes. On commit the changes run in the order they were made; on rollback they are dropped;
 * when the outcome is unknown every change becomes an eviction, which is always safe. Where there
 * is no actual transaction, or it is already completing (a change made from an after-commit
 * callback), a change runs at once. Also tells reads whether the current transaction changed an
 * order, so that they bypass the cache instead of answering with what the transaction replaced.
 * See docs/protocol.md, "Transactions".
 */
public final class TransactionalChanges {

	private final OrderCacheCounters counters;

	private final FailureLog failureLog;

	/**
	 * Creates the holder of deferred changes.
	 * @param counters counts changes that fail for other reasons than Redis
	 * @param failureLog where changes that fail after commit are reported
	 */
	public TransactionalChanges(OrderCacheCounters counters, FailureLog failureLog) {
		this.counters = counters;
		this.failureLog = failureLog;
	}

	/**
	 * Applies a change now, and reports its failure instead of throwing it: for callers whose own
	 * outcome must not depend on the cache.
	 * @param change the change
	 */
	public void applyFailOpen(Change change) {
		try {
			change.committed();
		}
		catch (RuntimeException ex) {
			failed(change, ex);
		}
	}

	private void failed(Change change, RuntimeException failure) {
		if (!(failure instanceof OrderCacheException)) {
			this.counters.failed(OrderCacheCounters.Failure.INVALID);
		}
		this.failureLog.warn(change.description(), change.action() + " (the method's result is unaffected)", failure);
	}

	/**
	 * Defers a change to the completion of the current actual transaction.
	 * @param change the change
	 * @return {@code false} if there is no transaction to wait for: the caller runs the change now
	 */
	public boolean defer(Change change) {
		if (!defers()) {
			return false;
		}
		Pending pending = current();
		if (pending == null) {
			pending = new Pending();
			TransactionSynchronizationManager.bindResource(this, pending);
			TransactionSynchronizationManager.registerSynchronization(pending);
		}
		pending.add(change);
		return true;
	}

	/**
	 * Tells whether changes made now wait for a transaction: there is an actual transaction with
	 * synchronization, not yet completing.
	 * @return {@code true} if {@link #defer} would defer
	 */
	public boolean defers() {
		return TransactionSynchronizationManager.isSynchronizationActive()
				&& TransactionSynchronizationManager.isActualTransactionActive();
	}

	/**
	 * Tells whether the current transaction changed an order, or its whole period, in a way the
	 * cache does not show yet.
	 * @param key the period's key
	 * @param field the order number, or {@code null} for any change of the period
	 * @return whether a change waits for the transaction's commit
	 */
	public boolean changedInTransaction(String key, @Nullable String field) {
		Pending pending = current();
		return pending != null && pending.touches(key, field);
	}

	private @Nullable Pending current() {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			return null;
		}
		Object bound = TransactionSynchronizationManager.getResource(this);
		if (bound instanceof Pending pending && !pending.completed) {
			return pending;
		}
		if (bound != null) {
			// Left behind by a transaction that never called us back; never reuse it.
			TransactionSynchronizationManager.unbindResource(this);
		}
		return null;
	}

	/**
	 * A change of the cache made inside a transaction.
	 */
	public interface Change {

		/**
		 * The period's key it changes.
		 * @return the key
		 */
		String key();

		/**
		 * The order it changes.
		 * @return the order number, or {@code null} for the whole period (a drop)
		 */
		@Nullable String field();

		/**
		 * Whether it reflects a change of the database (a write of a committed change, an eviction,
		 * a drop), rather than a load of what the database holds.
		 * @return {@code true} for changes that reads inside the transaction must not see around
		 */
		boolean modifies();

		/**
		 * What to name in a log when it fails.
		 * @return the annotation and method, or the API operation
		 */
		String description();

		/**
		 * What it does, for a log.
		 * @return for example "evicting"
		 */
		String action();

		/** Applies the change after a commit. */
		void committed();

		/** Makes the cache safe when the transaction's outcome is unknown: evicts, never writes. */
		void unknown();

	}

	/** The changes of one transaction, and its synchronization. */
	private final class Pending implements TransactionSynchronization {

		private final List<Change> changes = new ArrayList<>();

		private final Set<String> periods = new HashSet<>();

		private final Set<String> orders = new HashSet<>();

		private final Set<String> dropped = new HashSet<>();

		private volatile boolean completed;

		void add(Change change) {
			this.changes.add(change);
			if (change.modifies()) {
				this.periods.add(change.key());
				if (change.field() == null) {
					this.dropped.add(change.key());
				}
				else {
					this.orders.add(change.key() + "\n" + change.field());
				}
			}
		}

		boolean touches(String key, @Nullable String field) {
			if (field == null) {
				return this.periods.contains(key);
			}
			return this.dropped.contains(key) || this.orders.contains(key + "\n" + field);
		}

		@Override
		public int getOrder() {
			// Before AFTER_COMMIT event listeners (LOWEST_PRECEDENCE): they read the cache as changed.
			return Ordered.HIGHEST_PRECEDENCE + 1000;
		}

		@Override
		public void suspend() {
			if (TransactionSynchronizationManager.getResource(TransactionalChanges.this) == this) {
				TransactionSynchronizationManager.unbindResource(TransactionalChanges.this);
			}
		}

		@Override
		public void resume() {
			if (!this.completed && TransactionSynchronizationManager.getResource(TransactionalChanges.this) == null) {
				TransactionSynchronizationManager.bindResource(TransactionalChanges.this, this);
			}
		}

		@Override
		public void afterCompletion(int status) {
			this.completed = true;
			if (TransactionSynchronizationManager.getResource(TransactionalChanges.this) == this) {
				TransactionSynchronizationManager.unbindResource(TransactionalChanges.this);
			}
			if (status == STATUS_ROLLED_BACK) {
				return;
			}
			for (Change change : this.changes) {
				try {
					if (status == STATUS_COMMITTED) {
						change.committed();
					}
					else {
						change.unknown();
					}
				}
				catch (RuntimeException ex) {
					failed(change, ex);
				}
			}
		}

	}

}
