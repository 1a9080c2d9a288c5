package io.fatamorgana.ordercache.it;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * A thread-safe record of every operation a randomized test made: when it was invoked and when it
 * completed ({@link System#nanoTime()}), what it was (kind, transaction shape, data access variant,
 * application context, period and order) and how it ended: for a change, the revision it committed
 * or that it committed nothing (or that the client could not tell); for a read, what it returned and
 * whether this thread's own database read produced it.
 * <p>
 * Invoke with {@link #invoke}, then complete the returned {@link Pending} exactly once. Operations
 * are kept in the order they completed; {@link #operations()} sorts them by id (invocation order).
 */
public final class History {

	private final long origin = System.nanoTime();

	private final AtomicLong ids = new AtomicLong();

	private final ConcurrentLinkedQueue<Op> completed = new ConcurrentLinkedQueue<>();

	/**
	 * Records that an operation begins, now.
	 * @param process the application context (0, 1, ...) that runs it
	 * @param variant the data access variant ({@code JDBC}, {@code JPA})
	 * @param shape the transaction shape
	 * @param kind what the operation does
	 * @param period the period
	 * @param orderNo the order, {@code null} for period-wide operations
	 * @return the handle to complete
	 */
	public Pending invoke(int process, String variant, String shape, Kind kind, String period,
			@Nullable String orderNo) {
		return new Pending(this.ids.incrementAndGet(), process, variant, shape, kind, period, orderNo,
				System.nanoTime());
	}

	/**
	 * Adds a completed operation as it is, for tests of the checker.
	 * @param op the operation
	 * @return the operation
	 */
	public Op add(Op op) {
		this.completed.add(op);
		return op;
	}

	/**
	 * Every completed operation, by id.
	 * @return a snapshot
	 */
	public List<Op> operations() {
		List<Op> ops = new ArrayList<>(this.completed);
		ops.sort(Comparator.comparingLong(Op::id));
		return ops;
	}

	/**
	 * Milliseconds since this history began, for reports.
	 * @param nanoTime a {@link System#nanoTime()} value
	 * @return readable relative time
	 */
	public String relative(long nanoTime) {
		return String.format(Locale.ROOT, "+%.3fms", (nanoTime - this.origin) / 1e6);
	}

	/** What an operation does. */
	public enum Kind {

		/** Creates an order (a no-op when it exists). */
		CREATE,

		/** Changes the status of an order (a no-op when it does not exist). */
		UPDATE,

		/** Deletes an order (a no-op when it does not exist). */
		DELETE,

		/** Reads one order through {@code @CachedOrder}. */
		READ,

		/** Reads a period through {@code @CachedPeriod}. */
		READ_PERIOD,

		/** Reads one order straight from the database (a check of the checker: never stale). */
		DB_READ,

		/** Reads a period straight from the database (a check of the checker: never stale). */
		DB_READ_PERIOD,

		/** Drops a period from the cache ({@code @EvictOrder(allInPeriod = true)}); no data change. */
		DROP;

		/**
		 * Whether operations of this kind change the database.
		 * @return {@code true} for creates, updates and deletes
		 */
		public boolean isChange() {
			return this == CREATE || this == UPDATE || this == DELETE;
		}

		/**
		 * Whether operations of this kind read orders.
		 * @return {@code true} for reads
		 */
		public boolean isRead() {
			return this == READ || this == READ_PERIOD || this == DB_READ || this == DB_READ_PERIOD;
		}

		/**
		 * Whether operations of this kind read a whole period.
		 * @return {@code true} for period reads
		 */
		public boolean isPeriodRead() {
			return this == READ_PERIOD || this == DB_READ_PERIOD;
		}

	}

	/** How an operation ended. */
	public enum Outcome {

		/** A change that committed a revision. */
		COMMITTED,

		/** A change that committed nothing: rolled back, or a no-op. */
		NOT_COMMITTED,

		/** A change whose client cannot tell whether it committed (resolved from the change log). */
		UNKNOWN,

		/** A read or drop that returned normally. */
		OK,

		/** A read or drop that threw: nothing is checked about it. */
		FAILED

	}

	/**
	 * One completed operation.
	 *
	 * @param id unique, in invocation order
	 * @param process the application context that ran it
	 * @param variant the data access variant
	 * @param shape the transaction shape
	 * @param kind what it did
	 * @param period the period
	 * @param orderNo the order, {@code null} for period-wide operations
	 * @param invoked when it was invoked ({@link System#nanoTime()})
	 * @param completed when it completed (returned or threw)
	 * @param outcome how it ended
	 * @param revision the revision a {@link Outcome#COMMITTED} change committed, else -1
	 * @param status the status it committed, {@code null} for a delete
	 * @param orders what a read returned (one order at most for an order read; empty = not found)
	 * @param fromDatabase whether this thread's own database read produced what a read returned
	 * (otherwise a cache hit or a single-flight follower)
	 * @param error what it threw, if anything
	 */
	public record Op(long id, int process, String variant, String shape, Kind kind, String period,
			@Nullable String orderNo, long invoked, long completed, Outcome outcome, long revision,
			@Nullable String status, List<Order> orders, boolean fromDatabase, @Nullable String error) {

		/**
		 * Whether the client knows this change committed: it completed with the revision in hand.
		 * @return whether it is an acknowledged committed change
		 */
		public boolean acknowledgedChange() {
			return this.kind.isChange() && this.outcome == Outcome.COMMITTED;
		}

		/**
		 * A one-line description, times relative to the history's origin.
		 * @param history the history, for relative times
		 * @return readable text
		 */
		public String describe(History history) {
			StringBuilder text = new StringBuilder();
			text.append("op#").append(this.id).append(" [ctx").append(this.process).append(' ').append(this.variant)
				.append(' ').append(this.shape).append("] ").append(this.kind).append(' ').append(this.period);
			if (this.orderNo != null) {
				text.append('/').append(this.orderNo);
			}
			text.append(" invoked ").append(history.relative(this.invoked)).append(" completed ")
				.append(history.relative(this.completed)).append(": ");
			switch (this.outcome) {
				case COMMITTED -> text.append("committed rev ").append(this.revision)
					.append((this.status != null) ? " (" + this.status + ")" : " (deleted)");
				case NOT_COMMITTED -> text.append("committed nothing");
				case UNKNOWN -> text.append("outcome unknown to the client");
				case OK -> {
					if (this.kind.isRead()) {
						text.append("returned ").append(this.orders.isEmpty() ? "nothing" : this.orders.size() == 1
								&& !this.kind.isPeriodRead() ? this.orders.get(0) : this.orders)
							.append(this.fromDatabase ? " (own database read)" : " (cache hit or single-flight follower)");
					}
					else {
						text.append("done");
					}
				}
				case FAILED -> text.append("failed");
			}
			if (this.error != null) {
				text.append(", threw ").append(this.error);
			}
			return text.toString();
		}

	}

	/**
	 * An operation invoked and not yet completed. Complete it exactly once.
	 */
	public final class Pending {

		private final long id;

		private final int process;

		private final String variant;

		private final String shape;

		private final Kind kind;

		private final String period;

		private final @Nullable String orderNo;

		private final long invoked;

		Pending(long id, int process, String variant, String shape, Kind kind, String period,
				@Nullable String orderNo, long invoked) {
			this.id = id;
			this.process = process;
			this.variant = variant;
			this.shape = shape;
			this.kind = kind;
			this.period = period;
			this.orderNo = orderNo;
			this.invoked = invoked;
		}

		/**
		 * The operation's id, which a change also writes to the change log.
		 * @return the id
		 */
		public long id() {
			return this.id;
		}

		/**
		 * The change committed a revision.
		 * @param revision the revision
		 * @param status the status committed, {@code null} for a delete
		 * @param error what the method threw after its commit, if it did
		 */
		public void committed(long revision, @Nullable String status, @Nullable Throwable error) {
			complete(Outcome.COMMITTED, revision, status, List.of(), false, error);
		}

		/**
		 * The change committed nothing (a no-op, or rolled back).
		 * @param error what rolled it back, if anything
		 */
		public void notCommitted(@Nullable Throwable error) {
			complete(Outcome.NOT_COMMITTED, -1, null, List.of(), false, error);
		}

		/**
		 * The client cannot tell whether the change committed.
		 * @param error what was thrown
		 */
		public void unknown(Throwable error) {
			complete(Outcome.UNKNOWN, -1, null, List.of(), false, error);
		}

		/**
		 * An order read returned.
		 * @param order what it returned
		 * @param fromDatabase whether this thread's own database read produced it
		 */
		public void returned(Optional<Order> order, boolean fromDatabase) {
			complete(Outcome.OK, -1, null, order.map(List::of).orElse(List.of()), fromDatabase, null);
		}

		/**
		 * A period read returned.
		 * @param orders what it returned
		 * @param fromDatabase whether this thread's own database read produced it
		 */
		public void returnedPeriod(List<Order> orders, boolean fromDatabase) {
			complete(Outcome.OK, -1, null, List.copyOf(orders), fromDatabase, null);
		}

		/** A drop returned. */
		public void done() {
			complete(Outcome.OK, -1, null, List.of(), false, null);
		}

		/**
		 * A read or drop threw: it is not checked.
		 * @param error what it threw
		 */
		public void failed(Throwable error) {
			complete(Outcome.FAILED, -1, null, List.of(), false, error);
		}

		private void complete(Outcome outcome, long revision, @Nullable String status, List<Order> orders,
				boolean fromDatabase, @Nullable Throwable error) {
			long now = System.nanoTime();
			History.this.completed.add(new Op(this.id, this.process, this.variant, this.shape, this.kind, this.period,
					this.orderNo, this.invoked, now, outcome, revision, status, orders, fromDatabase,
					(error != null) ? error.getClass().getSimpleName() + ": " + error.getMessage() : null));
		}

	}

}
