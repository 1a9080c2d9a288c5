package io.fatamorgana.ordercache.sample.dashboard;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.fatamorgana.ordercache.sample.dashboard.DashboardHistory.Sample;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The history computes each interval from the differences of the starter's meters, registered here
 * under the starter's names and tags.
 */
class DashboardHistoryTests {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final AtomicLong hits = new AtomicLong();

	private final AtomicLong misses = new AtomicLong();

	private final AtomicLong pending = new AtomicLong();

	private final AtomicLong clock = new AtomicLong(1_000);

	private final DashboardHistory history = new DashboardHistory(new CacheMeters(this.registry), 3, this.clock::get);

	DashboardHistoryTests() {
		FunctionCounter.builder("ordercache.reads", this.hits, AtomicLong::get).tags("result", "hit").register(this.registry);
		FunctionCounter.builder("ordercache.reads", this.misses, AtomicLong::get).tags("result", "miss").register(this.registry);
		Gauge.builder("ordercache.evictions.pending", this.pending, AtomicLong::get).register(this.registry);
	}

	@Test
	void eachSampleTellsWhatHappenedInItsInterval() {
		this.history.sample();
		assertThat(this.history.after(0)).as("the first reading is the baseline").isEmpty();
		this.hits.addAndGet(90);
		this.misses.addAndGet(10);
		command("get", Duration.ofMillis(2));
		command("get", Duration.ofMillis(4));
		sampleAt(2_000);
		this.hits.addAndGet(1);
		this.misses.addAndGet(3);
		this.pending.set(2);
		sampleAt(3_000);

		assertThat(this.history.after(0)).hasSize(2);
		Sample first = this.history.after(0).get(0);
		assertThat(first.at()).isEqualTo(2_000);
		assertThat(first.hitRate()).isEqualTo(0.9);
		assertThat(first.latencyMeanMs()).isCloseTo(3.0, within(1e-9));
		assertThat(first.latencyMaxMs()).isCloseTo(4.0, within(1e-9));
		Sample second = this.history.after(2_000).get(0);
		assertThat(second.hitRate()).as("this interval's reads, not the totals").isEqualTo(0.25);
		assertThat(second.latencyMeanMs()).as("no round trip in the interval").isNull();
		assertThat(second.pendingEvictions()).isEqualTo(2);
	}

	@Test
	void anIntervalWithoutReadsHasNoHitRateAndTheDashboardsOwnCommandsAreLeftOut() {
		this.history.sample();
		command("scan", Duration.ofMillis(100));
		command("summary", Duration.ofMillis(100));
		command("memory", Duration.ofMillis(100));
		command("write", Duration.ofMillis(1));
		sampleAt(2_000);
		Sample sample = this.history.after(0).get(0);
		assertThat(sample.hitRate()).isNull();
		assertThat(sample.readsPerSecond()).isZero();
		assertThat(sample.latencyMeanMs()).isCloseTo(1.0, within(1e-9));
	}

	@Test
	void keepsTheNewestSamplesUpToItsCapacity() {
		this.history.sample();
		for (long at = 2_000; at <= 6_000; at += 1_000) {
			sampleAt(at);
		}
		assertThat(this.history.after(0)).map(Sample::at).containsExactly(4_000L, 5_000L, 6_000L);
		assertThat(this.history.after(5_000)).map(Sample::at).containsExactly(6_000L);
	}

	private void sampleAt(long at) {
		this.clock.set(at);
		this.history.sample();
	}

	private void command(String name, Duration time) {
		Timer.builder("ordercache.redis.commands")
			.tags("command", name, "outcome", "success")
			.register(this.registry)
			.record(time);
	}

}
