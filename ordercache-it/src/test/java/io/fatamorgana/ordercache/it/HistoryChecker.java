package io.fatamorgana.ordercache.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.fatamorgana.ordercache.it.History.Op;
import io.fatamorgana.ordercache.it.History.Outcome;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks a {@link History} the way Jepsen checks one, per order (every change of one order is
 * serialized by a row lock and numbered by the order's revision, so the states of an order are
 * totally ordered):
 * <ul>
 * <li><b>STALE</b>: a read that returned version {@code v} although a change with a higher revision
 * had been acknowledged (its call returned) before the read was invoked.</li>
 * <li><b>NEVER_COMMITTED</b>: a read that returned a state no committed change produced (unknown
 * version, a deleted version, or another status).</li>
 * <li><b>FUTURE</b>: a read that returned a state whose change was invoked after the read
 * completed.</li>
 * <li><b>EMPTY_AFTER_ACK</b>: a read that found nothing although the latest change acknowledged
 * before it was invoked was a create or update, and no committed delete with a higher revision was
 * invoked before the read completed.</li>
 * </ul>
 * A period read is checked as a read of every order of the period (an order missing from the list
 * is an empty read of it). A read concurrent with a change may return either state. A change that
 * rolled back, or did nothing, is no change. With the database's change log (every committed change
 * writes its revision and operation id there in its own transaction) the client's record of every
 * change is first compared with what really committed: a disagreement is a bug of the test, reported
 * as such. Violations found on a read that this thread's own database read produced are also bugs of
 * the test or the checker (the database is never stale), and are reported apart.
 * <p>
 * Every STALE read is classified by what the read's instance (application context) knew: it made
 * the newer change itself (an acknowledged change with a higher revision ran on it), or it saw it (a
 * read of one order through the cache on it had returned a higher version before the read was
 * invoked): a <b>same-instance</b> stale read; else a <b>cross-instance</b> stale read, whose
 * staleness is the time from the first acknowledgement of a version newer than the one returned to
 * the read's invocation. By default every stale read is a violation. A checker made with a
 * cross-instance bound (a near cache, which hears of other instances' changes through a channel,
 * {@link #HistoryChecker(History, long, Duration)}) accepts cross-instance stale reads up to the
 * bound, counts them and reports their largest staleness; a same-instance stale read, one beyond the
 * bound, and one produced by the thread's own database read stay violations (STALE_SAME_INSTANCE,
 * STALE_BEYOND_BOUND, STALE). With a bound, EMPTY_AFTER_ACK is judged the same way, as a stale read
 * of the absent state (the last delete, or none yet): an instance that reaches Redis again before
 * another may serve a complete period without an order the other created meanwhile, until the
 * other's pending eviction is replayed (docs/consistency.md); EMPTY_AFTER_ACK_SAME_INSTANCE and
 * EMPTY_AFTER_ACK_BEYOND_BOUND stay violations. NEVER_COMMITTED, FUTURE and the quiescence rules
 * are the same with or without a bound.
 * <p>
 * {@link #checkQuiescence} checks the cache against the database once nothing runs.
 */
public final class HistoryChecker {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final History history;

	private final long seed;

	/** The cross-instance stale reads accepted, in nanoseconds of staleness; -1: none. */
	private final long crossInstanceBoundNanos;

	/**
	 * Creates a checker for which every stale read is a violation.
	 * @param history the history, for readable times
	 * @param seed the seed that produced it, for the report
	 */
	public HistoryChecker(History history, long seed) {
		this.history = history;
		this.seed = seed;
		this.crossInstanceBoundNanos = -1;
	}

	/**
	 * Creates a checker that accepts a stale read of a change made by another instance, which the
	 * read's instance had not seen either, when the read was invoked at most {@code crossInstanceBound}
	 * after a newer version was first acknowledged.
	 * @param history the history, for readable times
	 * @param seed the seed that produced it, for the report
	 * @param crossInstanceBound the delivery bound
	 */
	public HistoryChecker(History history, long seed, Duration crossInstanceBound) {
		this.history = history;
		this.seed = seed;
		this.crossInstanceBoundNanos = crossInstanceBound.toNanos();
	}

	/**
	 * Checks the history's operations.
	 * @param log every committed change as the database recorded it, or {@code null} to trust the
	 * client's record alone
	 * @return the result
	 */
	public Result check(@Nullable List<LogEntry> log) {
		return check(this.history.operations(), log);
	}

	/**
	 * Checks operations.
	 * @param ops the operations
	 * @param log every committed change as the database recorded it, or {@code null} to trust the
	 * client's record alone
	 * @return the result
	 */
	public Result check(List<Op> ops, @Nullable List<LogEntry> log) {
		Result result = new Result(this.seed);
		Map<Long, Op> byId = new HashMap<>();
		ops.forEach((op) -> byId.put(op.id(), op));
		Map<String, NavigableMap<Long, LogEntry>> states = new HashMap<>();
		if (log != null) {
			Map<Long, LogEntry> byOp = new HashMap<>();
			for (LogEntry entry : log) {
				states.computeIfAbsent(key(entry.period(), entry.orderNo()), (k) -> new TreeMap<>()).put(entry.revision(),
						entry);
				byOp.put(entry.opId(), entry);
				if (!byId.containsKey(entry.opId())) {
					result.orphans++;
				}
			}
			for (Op op : ops) {
				if (!op.kind().isChange()) {
					continue;
				}
				LogEntry entry = byOp.get(op.id());
				if (op.outcome() == Outcome.COMMITTED) {
					if (entry == null || entry.revision() != op.revision() || !Objects.equals(entry.status(), op.status())
							|| !entry.period().equals(op.period()) || !entry.orderNo().equals(op.orderNo())) {
						result.add(new Violation("TEST_BUG", "the client recorded " + op.describe(this.history)
								+ " but the change log has " + entry, op.shape(), op.shape(), true, List.of(op)));
					}
				}
				else if (op.outcome() == Outcome.NOT_COMMITTED && entry != null) {
					result.add(new Violation("TEST_BUG", "the client recorded " + op.describe(this.history)
							+ " but the change log has " + entry, op.shape(), op.shape(), true, List.of(op)));
				}
				else if (op.outcome() == Outcome.UNKNOWN) {
					result.unknown++;
					if (entry != null) {
						result.unknownCommitted++;
					}
				}
			}
		}
		else {
			for (Op op : ops) {
				if (op.acknowledgedChange()) {
					LogEntry previous = states.computeIfAbsent(key(op.period(), Objects.requireNonNull(op.orderNo())),
							(k) -> new TreeMap<>())
						.put(op.revision(), new LogEntry(op.period(), op.orderNo(), op.revision(), op.status(), op.id()));
					if (previous != null) {
						result.add(new Violation("TEST_BUG", "two changes committed revision " + op.revision() + ": op#"
								+ previous.opId() + " and " + op.describe(this.history), op.shape(), op.shape(), true,
								List.of(op)));
					}
				}
			}
		}
		Map<String, List<Op>> acknowledged = new HashMap<>();
		Map<String, List<Op>> orderReads = new HashMap<>();
		for (Op op : ops) {
			if (op.kind() == History.Kind.READ && op.outcome() == Outcome.OK && op.orders().size() == 1) {
				orderReads.computeIfAbsent(key(op.period(), Objects.requireNonNull(op.orderNo())), (k) -> new ArrayList<>())
					.add(op);
			}
			if (op.kind().isChange()) {
				result.changes.merge(op.variant() + " " + op.shape() + " " + op.outcome(), 1, Integer::sum);
			}
			else {
				result.others.merge(op.variant() + " " + op.shape() + " " + op.kind() + " " + op.outcome(), 1,
						Integer::sum);
			}
			if (op.acknowledgedChange()) {
				acknowledged.computeIfAbsent(key(op.period(), Objects.requireNonNull(op.orderNo())), (k) -> new ArrayList<>())
					.add(op);
			}
		}
		Context context = new Context(byId, states, acknowledged, orderReads, result);
		for (Op op : ops) {
			if (!op.kind().isRead() || op.outcome() != Outcome.OK) {
				continue;
			}
			if (op.kind().isPeriodRead()) {
				Map<String, Order> returned = new LinkedHashMap<>();
				for (Order order : op.orders()) {
					if (!order.periodNumber().equals(op.period())) {
						result.add(violation(op, "WRONG_ORDER", op.describe(this.history) + " returned " + order
								+ " of another period", null));
					}
					else if (returned.put(order.orderNo(), order) != null) {
						result.add(violation(op, "DUPLICATE", op.describe(this.history) + " returned " + order.orderNo()
								+ " twice", null));
					}
				}
				Set<String> universe = new TreeSet<>(returned.keySet());
				states.keySet().stream().filter((key) -> key.startsWith(op.period() + "/"))
					.forEach((key) -> universe.add(key.substring(op.period().length() + 1)));
				for (String orderNo : universe) {
					observe(context, op, key(op.period(), orderNo), Optional.ofNullable(returned.get(orderNo)));
				}
			}
			else {
				Optional<Order> returned = op.orders().stream().findFirst();
				if (returned.isPresent() && (!returned.get().periodNumber().equals(op.period())
						|| !returned.get().orderNo().equals(op.orderNo()))) {
					result.add(violation(op, "WRONG_ORDER", op.describe(this.history) + " returned another order", null));
					continue;
				}
				observe(context, op, key(op.period(), Objects.requireNonNull(op.orderNo())), returned);
			}
		}
		return result;
	}

	private void observe(Context context, Op read, String key, Optional<Order> returned) {
		context.result.readsChecked++;
		NavigableMap<Long, LogEntry> states = context.states.getOrDefault(key, new TreeMap<>());
		Op latest = null;
		for (Op change : context.acknowledged.getOrDefault(key, List.of())) {
			if (change.completed() < read.invoked() && (latest == null || change.revision() > latest.revision())) {
				latest = change;
			}
		}
		if (returned.isPresent()) {
			Order order = returned.get();
			LogEntry state = states.get(order.version());
			if (state == null || state.status() == null || !state.status().equals(order.status())) {
				context.result.add(violation(read, "NEVER_COMMITTED", describe(read, key) + " returned " + order
						+ ", a state no committed change produced (committed: " + states.values() + ")", null));
			}
			else {
				Op producer = context.byId.get(state.opId());
				if (producer != null && producer.invoked() > read.completed()) {
					context.result.add(violation(read, "FUTURE", describe(read, key) + " returned " + order
							+ " which " + producer.describe(this.history) + " produced after the read completed", producer));
				}
			}
			if (latest != null && latest.revision() > order.version()) {
				Map.Entry<Long, LogEntry> next = states.higherEntry(order.version());
				Op suspect = (next != null) ? context.byId.get(next.getValue().opId()) : null;
				Staleness staleness = staleness(context, read, key, order.version(), false);
				judge(context, read, "STALE", describe(read, key) + " returned " + order + " although "
						+ latest.describe(this.history) + " was acknowledged before the read was invoked"
						+ ((suspect != null) ? "; the first committed change after v" + order.version() + " was "
								+ suspect.describe(this.history) : "")
						+ "; " + staleness.describe(this.history), staleness, suspect);
			}
		}
		else if (latest != null && latest.status() != null) {
			long after = latest.revision();
			boolean deleted = states.tailMap(after, false).values().stream()
				.anyMatch((state) -> state.status() == null && invokedBefore(context, state, read.completed()));
			if (!deleted) {
				// The absent state it returned: the last delete before the acknowledged state, or none yet.
				long absent = states.headMap(after, false).descendingMap().values().stream()
					.filter((state) -> state.status() == null).mapToLong(LogEntry::revision).findFirst().orElse(0);
				Staleness staleness = staleness(context, read, key, absent, true);
				judge(context, read, "EMPTY_AFTER_ACK", describe(read, key) + " found nothing although "
						+ latest.describe(this.history) + " was acknowledged before the read was invoked and no"
						+ " committed delete of the order was invoked before the read completed; "
						+ staleness.describe(this.history), staleness, latest);
			}
		}
	}

	/**
	 * Counts a stale read, and adds it as a violation unless the checker has a bound, the read's
	 * instance neither made nor saw a newer version, it is within the bound, and the read's own
	 * database read did not produce it.
	 * @param rule the rule it breaks without a bound ({@code STALE}, {@code EMPTY_AFTER_ACK})
	 */
	private void judge(Context context, Op read, String rule, String text, Staleness staleness, @Nullable Op suspect) {
		context.result.stale(staleness);
		if (this.crossInstanceBoundNanos < 0 || read.fromDatabase()) {
			context.result.add(violation(read, rule, text, suspect));
		}
		else if (staleness.staleClass() != StaleClass.CROSS_INSTANCE) {
			context.result.add(violation(read, rule + "_SAME_INSTANCE", text, suspect));
		}
		else if (staleness.nanos() > this.crossInstanceBoundNanos) {
			context.result.add(violation(read, rule + "_BEYOND_BOUND",
					text + " (bound " + this.crossInstanceBoundNanos / 1_000_000 + " ms)", suspect));
		}
		else {
			context.result.bounded(staleness, text);
		}
	}

	/**
	 * What the read's instance knew of the versions newer than the one it returned, and how long the
	 * first of them had been acknowledged when the read was invoked.
	 * @param version the revision of the state the read returned (for an empty read: of the delete
	 * that made the order absent, 0 if it never existed before)
	 * @param absent whether the read found nothing
	 */
	private static Staleness staleness(Context context, Op read, String key, long version, boolean absent) {
		Op first = null;
		Op made = null;
		for (Op change : context.acknowledged.getOrDefault(key, List.of())) {
			if (change.revision() > version && change.completed() < read.invoked()) {
				if (first == null || change.completed() < first.completed()) {
					first = change;
				}
				if (change.process() == read.process() && (made == null || change.completed() < made.completed())) {
					made = change;
				}
			}
		}
		Op first0 = Objects.requireNonNull(first);
		long nanos = read.invoked() - first0.completed();
		if (made != null) {
			return new Staleness(StaleClass.SAME_INSTANCE_MADE, nanos, read, first0, made, absent);
		}
		for (Op seen : context.orderReads.getOrDefault(key, List.of())) {
			if (seen.process() == read.process() && seen.completed() < read.invoked() && seen.id() != read.id()
					&& seen.orders().get(0).version() > version) {
				return new Staleness(StaleClass.SAME_INSTANCE_SAW, nanos, read, first0, seen, absent);
			}
		}
		return new Staleness(StaleClass.CROSS_INSTANCE, nanos, read, first0, null, absent);
	}

	private String describe(Op read, String key) {
		return read.describe(this.history) + "; for " + key + " it";
	}

	private static boolean invokedBefore(Context context, LogEntry state, long time) {
		Op producer = context.byId.get(state.opId());
		return producer == null || producer.invoked() < time;
	}

	private Violation violation(Op read, String rule, String text, @Nullable Op suspect) {
		List<Op> ops = (suspect != null) ? List.of(read, suspect) : List.of(read);
		return new Violation(rule, text, read.variant() + " " + read.shape(),
				(suspect != null) ? suspect.variant() + " " + suspect.shape() : "-", read.fromDatabase(), ops);
	}

	/**
	 * Checks the cache once nothing runs: every cached order equals its committed row (same version
	 * and status), no deleted order is cached, a period marked complete ({@code !c}) holds exactly the
	 * committed orders of the period, and every key has a TTL.
	 * @param hashes every period hash found under the key prefix, by period (bookkeeping fields
	 * starting with {@code !} included)
	 * @param pttls the PTTL of each of those keys, by period
	 * @param rows every committed order row
	 * @return the result
	 */
	public Result checkQuiescence(Map<String, Map<String, String>> hashes, Map<String, Long> pttls,
			Collection<Order> rows) {
		Result result = new Result(this.seed);
		Map<String, Order> committed = rows.stream()
			.collect(Collectors.toMap((row) -> key(row.periodNumber(), row.orderNo()), (row) -> row));
		for (Map.Entry<String, Map<String, String>> hash : new TreeMap<>(hashes).entrySet()) {
			String period = hash.getKey();
			Set<String> cachedOrders = new TreeSet<>();
			for (Map.Entry<String, String> field : new TreeMap<>(hash.getValue()).entrySet()) {
				if (field.getKey().startsWith("!")) {
					continue;
				}
				result.cachedChecked++;
				cachedOrders.add(field.getKey());
				Order row = committed.get(key(period, field.getKey()));
				Order cached;
				try {
					cached = parse(field.getValue());
				}
				catch (RuntimeException ex) {
					result.add(quiescence("UNREADABLE", period + "/" + field.getKey() + " holds " + field.getValue()));
					continue;
				}
				if (row == null) {
					result.add(quiescence("CACHED_DELETED", period + "/" + field.getKey() + " is cached as " + cached
							+ " but has no committed row"));
				}
				else if (!row.equals(cached)) {
					result.add(quiescence("CACHED_DIFFERS", period + "/" + field.getKey() + " is cached as " + cached
							+ " but the committed row is " + row));
				}
			}
			if (hash.getValue().containsKey("!c")) {
				Set<String> expected = committed.values().stream().filter((row) -> row.periodNumber().equals(period))
					.map(Order::orderNo).collect(Collectors.toCollection(TreeSet::new));
				if (!expected.equals(cachedOrders)) {
					Set<String> missing = new TreeSet<>(expected);
					missing.removeAll(cachedOrders);
					Set<String> extra = new TreeSet<>(cachedOrders);
					extra.removeAll(expected);
					result.add(quiescence("COMPLETE_MISMATCH", "period " + period + " is marked complete but misses "
							+ missing + " and holds " + extra + " that are not committed"));
				}
			}
			Long pttl = pttls.get(period);
			if (pttl == null || pttl == -1) {
				result.add(quiescence("NO_TTL", "the key of period " + period + " has no TTL (PTTL " + pttl + ")"));
			}
		}
		return result;
	}

	private static Order parse(String value) {
		JsonNode node = json.readTree(value);
		return new Order(node.get("period_number").asString(), node.get("order_no").asString(),
				node.get("status").asString(), node.get("version").asLong());
	}

	private static Violation quiescence(String rule, String text) {
		return new Violation(rule, "at quiescence: " + text, "-", "-", false, List.of());
	}

	private static String key(String period, String orderNo) {
		return period + "/" + orderNo;
	}

	/**
	 * A committed change as the database's change log holds it.
	 *
	 * @param period the period
	 * @param orderNo the order
	 * @param revision the revision it committed
	 * @param status the status it committed, {@code null} for a delete
	 * @param opId the operation that made it
	 */
	public record LogEntry(String period, String orderNo, long revision, @Nullable String status, long opId) {

		@Override
		public String toString() {
			return "rev " + this.revision + " " + ((this.status != null) ? this.status : "(deleted)") + " by op#"
					+ this.opId;
		}

	}

	/** Whom a newer version than the one a stale read returned had reached before the read. */
	public enum StaleClass {

		/** The read's instance made an acknowledged change with a higher revision before the read. */
		SAME_INSTANCE_MADE,

		/** A read of the order through the cache on the read's instance returned a higher version before. */
		SAME_INSTANCE_SAW,

		/** Only other instances made or saw a newer version. */
		CROSS_INSTANCE

	}

	/**
	 * A stale read, classified.
	 *
	 * @param staleClass what the read's instance knew
	 * @param nanos from the first acknowledgement of a newer version to the read's invocation
	 * @param read the stale read
	 * @param firstAcknowledged the change whose acknowledgement was the first of a newer version
	 * @param evidence the change the read's instance made, or its read that saw a newer version
	 * @param absent whether the read found nothing (an order created or re-created by then)
	 */
	public record Staleness(StaleClass staleClass, long nanos, Op read, Op firstAcknowledged, @Nullable Op evidence,
			boolean absent) {

		/**
		 * Readable text.
		 * @param history the history, for relative times
		 * @return the class, the staleness, and the evidence
		 */
		public String describe(History history) {
			return String.format(Locale.ROOT, "%s stale read, %.3f ms after a newer version was first"
					+ " acknowledged (%s)%s", this.staleClass, this.nanos / 1e6, this.firstAcknowledged.describe(history),
					(this.evidence != null) ? "; the read's instance " + ((this.staleClass == StaleClass.SAME_INSTANCE_MADE)
							? "made " : "saw a newer version in ") + this.evidence.describe(history) : "");
		}

	}

	/**
	 * One violation.
	 *
	 * @param rule which rule it breaks
	 * @param text readable text with the operations involved
	 * @param readShape the variant and shape of the read that saw it
	 * @param suspectShape the variant and shape of the change that should have been seen (for
	 * STALE: the first committed change after the version returned)
	 * @param testBug whether the violation can only be a bug of the test or the checker
	 * @param ops the operations involved
	 */
	public record Violation(String rule, String text, String readShape, String suspectShape, boolean testBug,
			List<Op> ops) {
	}

	private record Context(Map<Long, Op> byId, Map<String, NavigableMap<Long, LogEntry>> states,
			Map<String, List<Op>> acknowledged, Map<String, List<Op>> orderReads, Result result) {
	}

	/**
	 * What a check found.
	 */
	public static final class Result {

		private final long seed;

		private final List<Violation> violations = new ArrayList<>();

		private final Map<String, Integer> changes = new TreeMap<>();

		private final Map<String, Integer> others = new TreeMap<>();

		private int readsChecked;

		private int cachedChecked;

		private int unknown;

		private int unknownCommitted;

		private int orphans;

		private final Map<StaleClass, Integer> staleReads = new EnumMap<>(StaleClass.class);

		private final Map<StaleClass, Long> maxStaleness = new EnumMap<>(StaleClass.class);

		private final List<Staleness> bounded = new ArrayList<>();

		private final List<String> boundedTexts = new ArrayList<>();

		Result(long seed) {
			this.seed = seed;
		}

		void add(Violation violation) {
			this.violations.add(violation);
		}

		void stale(Staleness staleness) {
			this.staleReads.merge(staleness.staleClass(), 1, Integer::sum);
			this.maxStaleness.merge(staleness.staleClass(), staleness.nanos(), Math::max);
		}

		void bounded(Staleness staleness, String text) {
			this.bounded.add(staleness);
			this.boundedTexts.add(text);
		}

		/**
		 * Every stale read found (accepted or not), by class.
		 * @return the counts
		 */
		public Map<StaleClass, Integer> staleReads() {
			return Map.copyOf(this.staleReads);
		}

		/**
		 * The largest staleness of the stale reads of a class, accepted or not.
		 * @param staleClass the class
		 * @return nanoseconds, 0 when there was none
		 */
		public long maxStalenessNanos(StaleClass staleClass) {
			return this.maxStaleness.getOrDefault(staleClass, 0L);
		}

		/**
		 * The cross-instance stale reads accepted within the checker's bound.
		 * @return them, in the order the reads were checked
		 */
		public List<Staleness> boundedStaleReads() {
			return List.copyOf(this.bounded);
		}

		/**
		 * Every violation found.
		 * @return the violations
		 */
		public List<Violation> violations() {
			return this.violations;
		}

		/**
		 * The violations that are bugs of the test or the checker.
		 * @return those violations
		 */
		public List<Violation> testBugs() {
			return this.violations.stream().filter(Violation::testBug).toList();
		}

		/**
		 * How many order observations were checked (a period read counts once per order).
		 * @return the count
		 */
		public int readsChecked() {
			return this.readsChecked;
		}

		/**
		 * A readable report: counts, and the first violations.
		 * @param name what was checked
		 * @param limit how many violations to print in full
		 * @return the report
		 */
		public String report(String name, int limit) {
			StringBuilder text = new StringBuilder();
			text.append(name).append(" (seed ").append(this.seed).append(", rerun with -Dordercache.seed=")
				.append(this.seed).append("): ");
			if (this.readsChecked > 0 || !this.changes.isEmpty()) {
				text.append(this.readsChecked).append(" reads checked, ");
			}
			if (this.cachedChecked > 0) {
				text.append(this.cachedChecked).append(" cached orders checked, ");
			}
			if (this.unknown > 0 || this.orphans > 0) {
				text.append(this.unknown).append(" changes of unknown outcome (").append(this.unknownCommitted)
					.append(" committed by the log), ").append(this.orphans).append(" log entries without an operation, ");
			}
			text.append(this.violations.size()).append(" violations (").append(testBugs().size())
				.append(" of them bugs of the test)\n");
			if (!this.staleReads.isEmpty()) {
				text.append("  stale reads by class: ");
				this.staleReads.forEach((staleClass, count) -> text.append(staleClass).append('=').append(count)
					.append(String.format(Locale.ROOT, " (max %.3f ms) ", maxStalenessNanos(staleClass) / 1e6)));
				long absent = this.bounded.stream().filter(Staleness::absent).count();
				text.append("; accepted within the cross-instance bound: ").append(this.bounded.size())
					.append((absent > 0) ? " (" + absent + " of them found nothing)" : "").append('\n');
				for (int i = 0; i < Math.min(limit, this.boundedTexts.size()); i++) {
					text.append("  - accepted: ").append(this.boundedTexts.get(i)).append('\n');
				}
			}
			if (!this.changes.isEmpty()) {
				text.append("  changes per variant, shape and outcome: ").append(this.changes).append('\n');
			}
			if (!this.others.isEmpty()) {
				text.append("  other operations: ").append(this.others).append('\n');
			}
			if (!this.violations.isEmpty()) {
				text.append("  violations per rule: ").append(count(Violation::rule)).append('\n');
				text.append("  violations per read shape: ").append(count(Violation::readShape)).append('\n');
				text.append("  violations per suspect change shape: ").append(count(Violation::suspectShape))
					.append('\n');
				Map<String, Violation> firstPerSuspect = new LinkedHashMap<>();
				this.violations.forEach((violation) -> firstPerSuspect
					.putIfAbsent(violation.rule() + " " + violation.readShape() + " / " + violation.suspectShape(),
							violation));
				int printed = 0;
				for (Violation violation : firstPerSuspect.values()) {
					if (printed++ == limit) {
						break;
					}
					text.append("  - ").append(violation.testBug() ? "TEST BUG " : "").append(violation.rule())
						.append(": ").append(violation.text()).append('\n');
				}
			}
			return text.toString();
		}

		private Map<String, Long> count(java.util.function.Function<Violation, String> by) {
			return this.violations.stream().collect(Collectors.groupingBy(by, TreeMap::new, Collectors.counting()));
		}

	}

}
