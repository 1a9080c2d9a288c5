package io.fatamorgana.ordercache.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakersTests {

	private final AtomicLong now = new AtomicLong(1_000);

	private final CircuitBreakers breakers = new CircuitBreakers(3, Duration.ofNanos(500), this.now::get);

	@Test
	void aNodesFailuresOpenItsCircuitOnly() {
		CircuitBreaker dead = node("a");
		CircuitBreaker healthy = node("b");
		for (int i = 0; i < 3; i++) {
			dead.failed();
			healthy.succeeded();
		}
		assertThat(dead.allowsCalls()).as("successes on another node do not reset the count").isFalse();
		assertThat(healthy.allowsCalls()).isTrue();
		assertThat(this.breakers.anyOpen()).isTrue();
		assertThat(this.breakers.allOpen()).isFalse();
		assertThat(this.breakers.openNodes()).containsExactly("a");
		assertThat(this.breakers.openNodeAddresses()).containsExactly("host-a:6379");
	}

	@Test
	void eachNodeHasItsOwnCallPermitsSoAFrozenNodeCannotTakeTheOthersCallers() {
		CircuitBreakers limited = new CircuitBreakers(3, Duration.ofNanos(500), this.now::get, 2);
		CircuitBreaker frozen = limited.forNode("a", () -> "host-a:6379");
		CircuitBreaker healthy = limited.forNode("b", () -> "host-b:6379");
		assertThat(frozen.tryAcquireCall()).isTrue();
		assertThat(frozen.tryAcquireCall()).isTrue();
		assertThat(frozen.tryAcquireCall()).as("a third caller waiting for the frozen node").isFalse();
		assertThat(healthy.tryAcquireCall()).as("the other node's callers are not held up").isTrue();
		frozen.releaseCall();
		assertThat(frozen.tryAcquireCall()).isTrue();
		assertThat(frozen.maxConcurrentCalls()).isEqualTo(2);
	}

	@Test
	void theProbeClosesTheNodeItReached() {
		open("a");
		open("b");
		assertThat(this.breakers.allOpen()).isTrue();
		assertThat(this.breakers.probesDue()).isEmpty();
		this.now.addAndGet(500);
		assertThat(this.breakers.probesDue()).containsExactlyInAnyOrder("a", "b");
		this.breakers.closed("a");
		this.breakers.probeFailed("b");
		assertThat(node("a").allowsCalls()).isTrue();
		assertThat(this.breakers.openNodes()).containsExactly("b");
		assertThat(this.breakers.probesDue()).as("a failed probe waits another cool-down").isEmpty();
		this.now.addAndGet(500);
		assertThat(this.breakers.probesDue()).containsExactly("b");
	}

	@Test
	void aForgottenNodeStartsClosedAndIsNotRecreatedByTheProber() {
		open("a");
		this.breakers.forget("a");
		this.breakers.closed("a");
		this.breakers.probeFailed("a");
		assertThat(this.breakers.anyOpen()).isFalse();
		assertThat(this.breakers.openNodes()).isEmpty();
		assertThat(node("a").allowsCalls()).isTrue();
	}

	@Test
	void theWholeConnectionIsNotListedAsANode() {
		open(CircuitBreakers.WHOLE_CONNECTION);
		assertThat(this.breakers.anyOpen()).isTrue();
		assertThat(this.breakers.openNodes()).containsExactly(CircuitBreakers.WHOLE_CONNECTION);
		assertThat(this.breakers.openNodeAddresses()).isEmpty();
	}

	@Test
	void anAddressIsAskedOnceWhenTheCircuitIsCreated() {
		AtomicInteger asked = new AtomicInteger();
		for (int i = 0; i < 3; i++) {
			this.breakers.forNode("a", () -> "host-a:" + asked.incrementAndGet());
		}
		assertThat(asked).hasValue(1);
	}

	@Test
	void theNumberOfCircuitsIsBoundedDroppingClosedOnesFirst() {
		open("dead");
		for (int i = 0; i < CircuitBreakers.MAX_CIRCUITS + 10; i++) {
			node("departed-" + i).succeeded();
		}
		assertThat(this.breakers.openNodes()).as("an open circuit is kept").containsExactly("dead");
		assertThat(node("dead").allowsCalls()).isFalse();
	}

	@Test
	void whenEveryCircuitIsOpenANodeBeyondTheBoundSharesTheWholeConnections() {
		for (int i = 0; i < CircuitBreakers.MAX_CIRCUITS; i++) {
			open("dead-" + i);
		}
		assertThat(node("one-more")).isSameAs(node(CircuitBreakers.WHOLE_CONNECTION));
	}

	private CircuitBreaker node(String id) {
		return this.breakers.forNode(id, () -> "host-" + id + ":6379");
	}

	private void open(String id) {
		for (int i = 0; i < 3; i++) {
			node(id).failed();
		}
	}

}
