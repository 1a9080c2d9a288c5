package io.fatamorgana.ordercache.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.fatamorgana.ordercache.it.History.Kind;
import io.fatamorgana.ordercache.it.History.Op;
import io.fatamorgana.ordercache.it.History.Outcome;
import io.fatamorgana.ordercache.it.HistoryChecker.LogEntry;
import io.fatamorgana.ordercache.it.HistoryChecker.Result;
import io.fatamorgana.ordercache.it.HistoryChecker.StaleClass;
import io.fatamorgana.ordercache.it.HistoryChecker.Staleness;
import io.fatamorgana.ordercache.it.HistoryChecker.Violation;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link HistoryChecker} on hand-made histories (no Spring, no Redis): it flags what
 * breaks the rules and accepts what concurrency allows.
 */
class HistoryCheckerTests {

	private final History history = new History();

	private final AtomicLong ids = new AtomicLong();

	private final HistoryChecker checker = new HistoryChecker(this.history, 42);

	@Test
	void flagsAStaleRead() {
		change(Kind.CREATE, 0, 10, 1, "pending");
		Op update = change(Kind.UPDATE, 11, 20, 2, "paid");
		read(30, 31, order(1, "pending"));
		Result result = this.checker.check(null);
		assertThat(rules(result)).containsExactly("STALE");
		assertThat(result.violations().get(0).text()).contains("returned P1/O1 v1 pending", "op#" + update.id());
		assertThat(result.report("stale", 5)).contains("seed 42", "STALE");
	}

	@Test
	void flagsAStaleReadAfterAnAcknowledgedDelete() {
		change(Kind.CREATE, 0, 10, 1, "pending");
		change(Kind.DELETE, 11, 20, 2, null);
		read(30, 31, order(1, "pending"));
		assertThat(rules(this.checker.check(null))).containsExactly("STALE");
	}

	@Test
	void flagsAnEmptyReadAfterAnAcknowledgedCreate() {
		change(Kind.CREATE, 0, 10, 1, "pending");
		read(20, 30, null);
		assertThat(rules(this.checker.check(null))).containsExactly("EMPTY_AFTER_ACK");
	}

	@Test
	void flagsAReadOfANeverCommittedVersion() {
		change(Kind.CREATE, 0, 10, 1, "pending");
		add(Kind.UPDATE, 11, 20, Outcome.NOT_COMMITTED, -1, null, List.of());
		read(30, 40, order(2, "paid"));
		assertThat(rules(this.checker.check(null))).containsExactly("NEVER_COMMITTED");
	}

	@Test
	void flagsAReadOfACommittedVersionWithAnotherStatus() {
		change(Kind.CREATE, 0, 10, 1, "pending");
		read(30, 40, order(1, "paid"));
		assertThat(rules(this.checker.check(null))).containsExactly("NEVER_COMMITTED");
	}

	@Test
	void flagsAReadFromTheFuture() {
		read(0, 10, order(1, "pending"));
		change(Kind.CREATE, 20, 30, 1, "pending");
		assertThat(rules(this.checker.check(null))).containsExactly("FUTURE");
	}

	@Test
	void acceptsAReadConcurrentWithAChange() {
		change(Kind.CREATE, 0, 10, 1, "pending");
		change(Kind.UPDATE, 15, 40, 2, "paid");
		read(20, 30, order(1, "pending"));
		read(20, 30, order(2, "paid"));
		read(41, 50, order(2, "paid"));
		Result result = this.checker.check(null);
		assertThat(result.violations()).isEmpty();
		assertThat(result.readsChecked()).isEqualTo(3);
	}

	@Test
	void acceptsAnEmptyReadConcurrentWithADelete() {
		change(Kind.CREATE, 0, 10, 1, "pending");
		change(Kind.DELETE, 25, 40, 2, null);
		read(20, 30, null);
		read(20, 30, order(1, "pending"));
		assertThat(this.checker.check(null).violations()).isEmpty();
	}

	@Test
	void acceptsAnEmptyReadBeforeACreateAndAReadOfItWhileItRuns() {
		read(0, 5, null);
		change(Kind.CREATE, 10, 40, 1, "pending");
		read(20, 30, null);
		read(20, 30, order(1, "pending"));
		assertThat(this.checker.check(null).violations()).isEmpty();
	}

	@Test
	void aRolledBackChangeIsNoChange() {
		change(Kind.CREATE, 0, 10, 1, "pending");
		add(Kind.DELETE, 11, 20, Outcome.NOT_COMMITTED, -1, null, List.of());
		add(Kind.UPDATE, 11, 20, Outcome.UNKNOWN, -1, null, List.of());
		read(30, 40, order(1, "pending"));
		assertThat(this.checker.check(List.of(log(1, "pending", 1))).violations()).isEmpty();
	}

	@Test
	void aChangeThatCommittedAndThenThrewIsAChange() {
		change(Kind.CREATE, 0, 10, 1, "pending");
		add(Kind.UPDATE, 11, 20, Outcome.COMMITTED, 2, "paid", List.of());
		read(30, 40, order(1, "pending"));
		assertThat(rules(this.checker.check(null))).containsExactly("STALE");
	}

	@Test
	void checksPeriodReadsPerOrder() {
		change(Kind.CREATE, 0, 10, 1, "pending");
		add(Kind.CREATE, 0, 10, Outcome.COMMITTED, 1, "pending", List.of(), "O2");
		add(Kind.READ_PERIOD, 20, 30, Outcome.OK, -1, null, List.of(order(1, "pending")), null);
		Result result = this.checker.check(null);
		assertThat(rules(result)).containsExactly("EMPTY_AFTER_ACK");
		assertThat(result.violations().get(0).text()).contains("for P1/O2");
		assertThat(result.readsChecked()).isEqualTo(2);
	}

	@Test
	void reportsAClientRecordTheChangeLogContradictsAsATestBug() {
		Op create = change(Kind.CREATE, 0, 10, 1, "pending");
		Op rolledBack = add(Kind.UPDATE, 11, 20, Outcome.NOT_COMMITTED, -1, null, List.of());
		Result result = this.checker.check(List.of(log(1, "pending", create.id()), log(2, "paid", rolledBack.id())));
		assertThat(result.testBugs()).hasSize(1);
	}

	@Test
	void aChangeOfUnknownOutcomeIsAPossibleStateButNotAcknowledged() {
		change(Kind.CREATE, 0, 10, 1, "pending");
		Op unknown = add(Kind.UPDATE, 11, 20, Outcome.UNKNOWN, -1, null, List.of());
		read(30, 40, order(1, "pending"));
		read(30, 40, order(2, "paid"));
		assertThat(this.checker.check(List.of(log(1, "pending", 1), log(2, "paid", unknown.id()))).violations())
			.isEmpty();
	}

	@Test
	void withoutABoundEveryStaleReadIsAViolationWhateverItsClass() {
		change(Kind.CREATE, 0, 10, 1, "pending");
		add(1, Kind.UPDATE, 11, 20, Outcome.COMMITTED, 2, "paid", List.of());
		add(0, Kind.READ, 25, 26, Outcome.OK, -1, null, List.of(order(1, "pending")));
		Result result = this.checker.check(null);
		assertThat(rules(result)).containsExactly("STALE");
		assertThat(result.staleReads()).containsExactly(Map.entry(StaleClass.CROSS_INSTANCE, 1));
		assertThat(result.maxStalenessNanos(StaleClass.CROSS_INSTANCE)).isEqualTo(5);
		assertThat(result.boundedStaleReads()).isEmpty();
	}

	@Test
	void withABoundAcceptsACrossInstanceStaleReadWithinItAndReportsItsStaleness() {
		change(Kind.CREATE, 0, 10, 1, "pending");
		add(1, Kind.UPDATE, 11, 20, Outcome.COMMITTED, 2, "paid", List.of());
		add(1, Kind.UPDATE, 21, 30, Outcome.COMMITTED, 3, "cancelled", List.of());
		add(0, Kind.READ, 60, 61, Outcome.OK, -1, null, List.of(order(1, "pending")));
		add(0, Kind.READ, 90, 91, Outcome.OK, -1, null, List.of(order(2, "paid")));
		Result result = bounded(100).check(null);
		assertThat(result.violations()).isEmpty();
		assertThat(result.staleReads()).containsExactly(Map.entry(StaleClass.CROSS_INSTANCE, 2));
		// From the first acknowledgement of a newer version (v2 at 20) to the first read (60); v3 at 30 to 90.
		assertThat(result.boundedStaleReads()).extracting(Staleness::nanos).containsExactly(40L, 60L);
		assertThat(result.maxStalenessNanos(StaleClass.CROSS_INSTANCE)).isEqualTo(60);
		assertThat(result.report("bounded", 5)).contains("CROSS_INSTANCE=2", "accepted within the cross-instance bound: 2");
	}

	@Test
	void withABoundACrossInstanceStaleReadBeyondItIsAViolation() {
		change(Kind.CREATE, 0, 10, 1, "pending");
		add(1, Kind.UPDATE, 11, 20, Outcome.COMMITTED, 2, "paid", List.of());
		add(0, Kind.READ, 121, 122, Outcome.OK, -1, null, List.of(order(1, "pending")));
		Result result = bounded(100).check(null);
		assertThat(rules(result)).containsExactly("STALE_BEYOND_BOUND");
		assertThat(result.maxStalenessNanos(StaleClass.CROSS_INSTANCE)).isEqualTo(101);
	}

	@Test
	void withABoundAStaleReadOfAChangeItsInstanceMadeIsAViolation() {
		change(Kind.CREATE, 0, 10, 1, "pending");
		add(1, Kind.UPDATE, 11, 20, Outcome.COMMITTED, 2, "paid", List.of());
		add(1, Kind.READ, 21, 22, Outcome.OK, -1, null, List.of(order(1, "pending")));
		Result result = bounded(100).check(null);
		assertThat(rules(result)).containsExactly("STALE_SAME_INSTANCE");
		assertThat(result.staleReads()).containsExactly(Map.entry(StaleClass.SAME_INSTANCE_MADE, 1));
		assertThat(result.violations().get(0).text()).contains("SAME_INSTANCE_MADE", "the read's instance made");
	}

	@Test
	void withABoundAStaleReadAfterItsInstanceSawTheNewerVersionIsAViolation() {
		change(Kind.CREATE, 0, 10, 1, "pending");
		add(1, Kind.UPDATE, 11, 20, Outcome.COMMITTED, 2, "paid", List.of());
		add(0, Kind.READ, 21, 22, Outcome.OK, -1, null, List.of(order(1, "pending")));
		add(0, Kind.READ, 23, 24, Outcome.OK, -1, null, List.of(order(2, "paid")));
		add(0, Kind.READ, 25, 26, Outcome.OK, -1, null, List.of(order(1, "pending")));
		Result result = bounded(100).check(null);
		assertThat(rules(result)).containsExactly("STALE_SAME_INSTANCE");
		assertThat(result.violations().get(0).text()).contains("SAME_INSTANCE_SAW", "saw a newer version in");
		assertThat(result.staleReads()).containsOnly(Map.entry(StaleClass.SAME_INSTANCE_SAW, 1),
				Map.entry(StaleClass.CROSS_INSTANCE, 1));
		assertThat(result.boundedStaleReads()).singleElement().extracting(Staleness::nanos).isEqualTo(1L);
	}

	@Test
	void withABoundAStaleReadProducedByTheThreadsOwnDatabaseReadIsStillATestBug() {
		change(Kind.CREATE, 0, 10, 1, "pending");
		add(1, Kind.UPDATE, 11, 20, Outcome.COMMITTED, 2, "paid", List.of());
		this.history.add(new Op(this.ids.incrementAndGet(), 0, "TEST", "HAND_MADE", Kind.READ, "P1", "O1", 21, 22,
				Outcome.OK, -1, null, List.of(order(1, "pending")), true, null));
		Result result = bounded(100).check(null);
		assertThat(rules(result)).containsExactly("STALE");
		assertThat(result.testBugs()).hasSize(1);
	}

	@Test
	void withABoundNeverCommittedAndFutureAreAsStrict() {
		change(Kind.CREATE, 0, 10, 1, "pending");
		add(1, Kind.UPDATE, 11, 20, Outcome.COMMITTED, 2, "paid", List.of());
		add(0, Kind.READ, 21, 22, Outcome.OK, -1, null, List.of(order(2, "cancelled")));
		add(0, Kind.READ, 0, 5, Outcome.OK, -1, null, List.of(order(2, "paid")));
		assertThat(rules(bounded(1_000).check(null))).containsExactlyInAnyOrder("NEVER_COMMITTED", "FUTURE");
	}

	@Test
	void withABoundAnEmptyReadOfAnotherInstancesCreateIsAStaleReadOfTheAbsentState() {
		add(1, Kind.CREATE, 30, 40, Outcome.COMMITTED, 1, "pending", List.of());
		add(0, Kind.READ, 45, 46, Outcome.OK, -1, null, List.of());
		add(0, Kind.READ, 141, 142, Outcome.OK, -1, null, List.of());
		Result result = bounded(100).check(null);
		assertThat(rules(result)).containsExactly("EMPTY_AFTER_ACK_BEYOND_BOUND");
		assertThat(result.boundedStaleReads()).singleElement().satisfies((staleness) -> {
			assertThat(staleness.absent()).isTrue();
			assertThat(staleness.nanos()).isEqualTo(5);
		});
		assertThat(result.report("absent", 5)).contains("1 of them found nothing");
		assertThat(rules(this.checker.check(null))).as("without a bound")
			.containsExactly("EMPTY_AFTER_ACK", "EMPTY_AFTER_ACK");
	}

	@Test
	void withABoundAnEmptyReadAfterItsInstancesOwnCreateIsAViolation() {
		add(1, Kind.CREATE, 30, 40, Outcome.COMMITTED, 1, "pending", List.of());
		add(1, Kind.READ, 45, 46, Outcome.OK, -1, null, List.of());
		assertThat(rules(bounded(100).check(null))).containsExactly("EMPTY_AFTER_ACK_SAME_INSTANCE");
	}

	@Test
	void withABoundTheStalenessOfAnEmptyReadCountsFromTheFirstChangeAfterTheLastDelete() {
		change(Kind.CREATE, 0, 10, 1, "pending");
		change(Kind.DELETE, 11, 20, 2, null);
		add(1, Kind.CREATE, 21, 30, Outcome.COMMITTED, 3, "paid", List.of());
		add(0, Kind.READ, 35, 36, Outcome.OK, -1, null, List.of());
		Result result = bounded(100).check(null);
		assertThat(result.violations()).as("instance 0 made the create and the delete, not the re-create")
			.isEmpty();
		assertThat(result.boundedStaleReads()).singleElement().extracting(Staleness::nanos).isEqualTo(5L);
	}

	@Test
	void checksTheCacheAtQuiescence() {
		List<Order> rows = List.of(new Order("P1", "O1", "paid", 3), new Order("P1", "O2", "pending", 1));
		Map<String, Map<String, String>> hashes = Map.of("P1",
				Map.of("O1", stored("O1", "pending", 2), "O3", stored("O3", "pending", 1), "!c", "1"), "P2",
				Map.of("O1", stored("O1", "pending", 1)));
		Result result = this.checker.checkQuiescence(hashes, Map.of("P1", 1000L, "P2", -1L), rows);
		assertThat(rules(result)).containsExactlyInAnyOrder("CACHED_DIFFERS", "CACHED_DELETED", "COMPLETE_MISMATCH",
				"CACHED_DELETED", "NO_TTL");
		Result fine = this.checker.checkQuiescence(
				Map.of("P1", Map.of("O1", stored("O1", "paid", 3), "O2", stored("O2", "pending", 1), "!c", "1")),
				Map.of("P1", 1000L), rows);
		assertThat(fine.violations()).isEmpty();
	}

	private static String stored(String orderNo, String status, long version) {
		return "{\"period_number\":\"P1\",\"order_no\":\"" + orderNo + "\",\"status\":\"" + status + "\",\"version\":"
				+ version + ",\"unknown\":1}";
	}

	private static List<String> rules(Result result) {
		return result.violations().stream().map(Violation::rule).toList();
	}

	private static Order order(long version, String status) {
		return new Order("P1", "O1", status, version);
	}

	private static LogEntry log(long revision, @Nullable String status, long opId) {
		return new LogEntry("P1", "O1", revision, status, opId);
	}

	private Op change(Kind kind, long invoked, long completed, long revision, @Nullable String status) {
		return add(kind, invoked, completed, Outcome.COMMITTED, revision, status, List.of());
	}

	private Op read(long invoked, long completed, @Nullable Order order) {
		return add(Kind.READ, invoked, completed, Outcome.OK, -1, null, (order != null) ? List.of(order) : List.of());
	}

	private Op add(Kind kind, long invoked, long completed, Outcome outcome, long revision, @Nullable String status,
			List<Order> orders) {
		return add(kind, invoked, completed, outcome, revision, status, orders, "O1");
	}

	private Op add(Kind kind, long invoked, long completed, Outcome outcome, long revision, @Nullable String status,
			List<Order> orders, @Nullable String orderNo) {
		return add(0, kind, invoked, completed, outcome, revision, status, orders, orderNo);
	}

	private Op add(int process, Kind kind, long invoked, long completed, Outcome outcome, long revision,
			@Nullable String status, List<Order> orders) {
		return add(process, kind, invoked, completed, outcome, revision, status, orders, "O1");
	}

	private Op add(int process, Kind kind, long invoked, long completed, Outcome outcome, long revision,
			@Nullable String status, List<Order> orders, @Nullable String orderNo) {
		return this.history.add(new Op(this.ids.incrementAndGet(), process, "TEST", "HAND_MADE", kind, "P1", orderNo,
				invoked, completed, outcome, revision, status, orders, false, null));
	}

	private HistoryChecker bounded(long nanos) {
		return new HistoryChecker(this.history, 42, Duration.ofNanos(nanos));
	}

}
