package io.fatamorgana.ordercache.it;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.fatamorgana.ordercache.it.History.Kind;
import io.fatamorgana.ordercache.it.History.Op;
import io.fatamorgana.ordercache.it.History.Outcome;
import io.fatamorgana.ordercache.it.HistoryChecker.LogEntry;
import io.fatamorgana.ordercache.it.HistoryChecker.Result;
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
		return this.history.add(new Op(this.ids.incrementAndGet(), 0, "TEST", "HAND_MADE", kind, "P1", orderNo,
				invoked, completed, outcome, revision, status, orders, false, null));
	}

}
