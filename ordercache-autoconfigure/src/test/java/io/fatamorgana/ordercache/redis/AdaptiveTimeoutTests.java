package io.fatamorgana.ordercache.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class AdaptiveTimeoutTests {

	private static final long MS = 1_000_000L;

	private final AtomicLong now = new AtomicLong(1_000 * MS);

	private final AdaptiveTimeout timeout = new AdaptiveTimeout(Duration.ofMillis(50), Duration.ofMillis(500),
			this.now::get);

	@Test
	void withoutRepliesItIsTheFloor() {
		assertThat(this.timeout.nanos()).isEqualTo(50 * MS);
	}

	@Test
	void fastRepliesLeaveItAtTheFloor() {
		this.timeout.record(MS);
		this.timeout.record(20 * MS);
		assertThat(this.timeout.nanos()).isEqualTo(50 * MS);
	}

	@Test
	void itIsTwiceTheSlowestReplyOfTheLastSecond() {
		this.timeout.record(30 * MS);
		this.timeout.record(80 * MS);
		this.timeout.record(40 * MS);
		assertThat(this.timeout.nanos()).isEqualTo(160 * MS);
	}

	@Test
	void itNeverExceedsTheCeiling() {
		this.timeout.record(400 * MS);
		assertThat(this.timeout.nanos()).isEqualTo(500 * MS);
		assertThat(this.timeout.ceilingNanos()).isEqualTo(500 * MS);
	}

	@Test
	void theSlowestReplyOfThePreviousSecondStillCounts() {
		this.timeout.record(100 * MS);
		this.now.addAndGet(1_200 * MS);
		this.timeout.record(MS);
		assertThat(this.timeout.nanos()).isEqualTo(200 * MS);
	}

	@Test
	void slowRepliesAreForgottenOnceTwoSecondsOfFastOnesFollow() {
		this.timeout.record(100 * MS);
		for (int i = 0; i < 4; i++) {
			this.now.addAndGet(600 * MS);
			this.timeout.record(MS);
		}
		assertThat(this.timeout.nanos()).isEqualTo(50 * MS);
	}

	@Test
	void silenceTakesItBackToTheFloor() {
		// A Redis that stopped answering records nothing: a dead Redis costs a call the floor.
		this.timeout.record(200 * MS);
		this.now.addAndGet(2_500 * MS);
		assertThat(this.timeout.nanos()).isEqualTo(50 * MS);
	}

	@Test
	void aCeilingShorterThanTheFloorIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new AdaptiveTimeout(Duration.ofMillis(50), Duration.ofMillis(10)));
	}

}
