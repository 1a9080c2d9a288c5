package io.fatamorgana.ordercache.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakerTests {

	private final AtomicLong now = new AtomicLong(1_000);

	private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofNanos(500), this.now::get);

	@Test
	void opensAfterConsecutiveFailuresOnly() {
		this.breaker.failed();
		this.breaker.failed();
		this.breaker.succeeded();
		this.breaker.failed();
		this.breaker.failed();
		assertThat(this.breaker.allowsCalls()).as("a success in between resets the count").isTrue();
		this.breaker.failed();
		assertThat(this.breaker.allowsCalls()).isFalse();
		assertThat(this.breaker.timesOpened()).isEqualTo(1);
	}

	@Test
	void onlyTheProbeDecidesWhenItCloses() {
		open();
		assertThat(this.breaker.probeDue()).isFalse();
		this.now.addAndGet(500);
		assertThat(this.breaker.probeDue()).isTrue();
		assertThat(this.breaker.allowsCalls()).as("business calls never probe").isFalse();
		this.breaker.probeFailed();
		assertThat(this.breaker.probeDue()).isFalse();
		this.now.addAndGet(500);
		assertThat(this.breaker.probeDue()).isTrue();
		this.breaker.closed();
		assertThat(this.breaker.allowsCalls()).isTrue();
		assertThat(this.breaker.probeDue()).isFalse();
	}

	@Test
	void failuresWhileOpenDoNotReopenOrExtend() {
		open();
		this.breaker.failed();
		this.now.addAndGet(500);
		assertThat(this.breaker.probeDue()).isTrue();
		assertThat(this.breaker.timesOpened()).isEqualTo(1);
	}

	private void open() {
		for (int i = 0; i < 3; i++) {
			this.breaker.failed();
		}
	}

}
