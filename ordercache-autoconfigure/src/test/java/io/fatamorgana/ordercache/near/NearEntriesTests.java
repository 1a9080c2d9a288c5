package io.fatamorgana.ordercache.near;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of the near cache without Redis: each way a value could be installed stale, or kept
 * after it went stale, is refused (docs/protocol.md, "Near cache").
 */
class NearEntriesTests {

	private static final String KEY = "near_P1";

	private final NearEntries entries = new NearEntries(1_000, Duration.ofMinutes(1));

	private static byte[] json(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private static NearMessage message(String text) {
		return Objects.requireNonNull(NearMessage.parse(text));
	}

	private String held(String field) {
		NearEntries.Entry entry = this.entries.find(KEY, field);
		return (entry != null) ? new String(entry.json, StandardCharsets.UTF_8) : "none";
	}

	@Test
	void aValueReadBeforeAChangeWhoseMessageCameFirstIsNotInstalled() {
		// lettuce#3481: the read left before the change, its reply arrives after the change's message.
		NearEntries.ReadStart start = this.entries.beforeRead(KEY);
		this.entries.apply(message("o near_P1 7 5 O1"));

		assertThat(this.entries.install(KEY, "O1", json("old"), "7.4", 60_000, start)).isFalse();
		assertThat(held("O1")).isEqualTo("none");
	}

	@Test
	void aValueReadAfterTheChangeIsInstalledAndTheNextMessageRemovesIt() {
		this.entries.apply(message("o near_P1 7 5 O1"));
		assertThat(this.entries.install(KEY, "O1", json("v5"), "7.5", 60_000, this.entries.beforeRead(KEY))).isTrue();
		assertThat(held("O1")).isEqualTo("v5");

		this.entries.apply(message("o near_P1 7 6 O1"));

		assertThat(held("O1")).isEqualTo("none");
	}

	@Test
	void aMessageAboutOtherOrdersLeavesAnOrderAlone() {
		this.entries.install(KEY, "O1", json("v"), "7.5", 60_000, this.entries.beforeRead(KEY));
		this.entries.apply(message("o near_P1 7 6 O2 O3"));

		assertThat(held("O1")).isEqualTo("v");
	}

	@Test
	void aMissedMessageDropsTheWholePeriod() {
		this.entries.apply(message("o near_P1 7 5 O9"));
		this.entries.install(KEY, "O1", json("v"), "7.5", 60_000, this.entries.beforeRead(KEY));
		this.entries.install(KEY, "O2", json("v"), "7.5", 60_000, this.entries.beforeRead(KEY));

		// 6 never arrived: it may have named O1 or O2.
		this.entries.apply(message("o near_P1 7 7 O3"));

		assertThat(held("O1")).isEqualTo("none");
		assertThat(held("O2")).isEqualTo("none");
		assertThat(this.entries.statistics().gaps()).isEqualTo(1);
	}

	@Test
	void aMissedMessageOfAPeriodOnlyReadDropsIt() {
		// No message of the period yet: the read's token is where the next message must follow.
		this.entries.install(KEY, "O1", json("v"), "7.5", 60_000, this.entries.beforeRead(KEY));

		this.entries.apply(message("o near_P1 7 7 O2"));

		assertThat(held("O1")).isEqualTo("none");
		assertThat(this.entries.statistics().gaps()).isEqualTo(1);
	}

	@Test
	void aLaterEpochOrADropRemovesEveryOrderOfThePeriodOnly() {
		this.entries.apply(message("o near_P1 7 5 O9"));
		this.entries.install(KEY, "O1", json("v"), "7.5", 60_000, this.entries.beforeRead(KEY));
		this.entries.install("near_P2", "O1", json("other"), "3.1", 60_000, this.entries.beforeRead("near_P2"));

		this.entries.apply(message("o near_P1 8 1 O9"));

		assertThat(held("O1")).isEqualTo("none");
		assertThat(this.entries.find("near_P2", "O1")).isNotNull();

		this.entries.install(KEY, "O1", json("v"), "8.1", 60_000, this.entries.beforeRead(KEY));
		this.entries.apply(message("p near_P1 9 0"));
		assertThat(held("O1")).isEqualTo("none");
		assertThat(this.entries.install(KEY, "O1", json("v"), "8.1", 60_000, this.entries.beforeRead(KEY)))
			.as("a value of the epoch before the drop").isFalse();
	}

	@Test
	void aChangeThisInstanceBeganWhileTheReadWasOnItsWayRefusesTheValue() {
		NearEntries.ReadStart start = this.entries.beforeRead(KEY);
		this.entries.changing(KEY, List.of("O1"));

		assertThat(this.entries.install(KEY, "O1", json("old"), "7.5", 60_000, start)).isFalse();
		assertThat(this.entries.install(KEY, "O2", json("old"), "7.5", 60_000, start))
			.as("any order of the period: the change's token is not known yet")
			.isFalse();
	}

	@Test
	void aFlushWhileTheReadWasOnItsWayRefusesTheValueAndForgetsTheTokensSeen() {
		this.entries.apply(message("o near_P1 7 50 O9"));
		NearEntries.ReadStart start = this.entries.beforeRead(KEY);
		this.entries.flush(NearEntries.FlushCause.CONNECTION);

		assertThat(this.entries.install(KEY, "O1", json("v"), "7.50", 60_000, start)).isFalse();
		// A Redis restarted without its data counts again from 0: after a flush that is not "older".
		assertThat(this.entries.install(KEY, "O1", json("v"), "0.1", 60_000, this.entries.beforeRead(KEY))).isTrue();
	}

	@Test
	void aValueNeverOutlivesItsKey() {
		assertThat(this.entries.install(KEY, "O1", json("v"), "7.5", 1, this.entries.beforeRead(KEY))).isTrue();
		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> held("O1").equals("none"));
		assertThat(this.entries.install(KEY, "O2", json("v"), "7.5", -1, this.entries.beforeRead(KEY)))
			.as("a key without a TTL (not the cache's)")
			.isFalse();
	}

	@Test
	void aMissRaisesTheTokenSeenSoThatAnOlderValueCannotFollow() {
		this.entries.install(KEY, "O1", null, "7.9", 60_000, this.entries.beforeRead(KEY));

		assertThat(this.entries.install(KEY, "O1", json("old"), "7.8", 60_000, this.entries.beforeRead(KEY))).isFalse();
	}

	@Test
	void messagesThatAreNotOursAreIgnored() {
		assertThat(NearMessage.parse("hello")).isNull();
		assertThat(NearMessage.parse("o near_P1 x 1 O1")).isNull();
		assertThat(NearMessage.parse("h instance 12").isHeartbeat()).isTrue();
	}

}
