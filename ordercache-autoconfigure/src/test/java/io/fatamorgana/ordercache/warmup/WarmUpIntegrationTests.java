package io.fatamorgana.ordercache.warmup;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.autoconfigure.OrderCacheAutoConfiguration;
import io.fatamorgana.ordercache.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Warm-up of hot periods at startup against a real Redis.
 */
@ExtendWith(OutputCaptureExtension.class)
class WarmUpIntegrationTests {

	static final String PREFIX = TestRedis.uniquePrefix(WarmUpIntegrationTests.class);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, OrderCacheAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=" + TestRedis.url(), "ordercache.key-prefix=" + PREFIX,
				"ordercache.batch-chunk-size=100",
				// As in the other integration tests (src/test/resources): a busy CI machine may pause
				// longer than the production default of 50ms.
				"ordercache.resilience.command-timeout=2s")
		.withBean(OrderWarmUpSource.class, () -> WarmUpIntegrationTests::orders);

	/** The context with a source whose first two reads fail, as a database that is not ready yet. */
	private ApplicationContextRunner withASourceFailingTwice(AtomicInteger attempts) {
		OrderWarmUpSource flaky = (period) -> {
			if (attempts.incrementAndGet() <= 2) {
				throw new IllegalStateException("database not ready yet");
			}
			return orders(period);
		};
		return this.contextRunner.withBean("flakySource", OrderWarmUpSource.class, () -> flaky,
				(definition) -> definition.setPrimary(true));
	}

	/** Waits until the warm-up's one period is warmed. */
	private static void awaitDone(OrderCacheWarmUp warmUp) {
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(warmUp.progress()).singleElement()
				.extracting(WarmUpProgress::state)
				.isEqualTo(WarmUpProgress.State.DONE));
	}

	@AfterAll
	static void cleanUp() {
		TestRedis.deleteKeys(PREFIX);
	}

	@Test
	void warmsUpConfiguredPeriodsCompletelyBeforeStartupEndsWhenAsked(CapturedOutput output) {
		this.contextRunner.withPropertyValues("ordercache.warm-up.periods=W1,W2", "ordercache.warm-up.background=false")
			.run((context) -> {
				context.getBean(OrderCacheWarmUp.class).run(null);
				OrderCacheService service = context.getBean(OrderCacheService.class);
				assertThat(service.statistics("W1").orders()).isEqualTo(250);
				assertThat(service.isPeriodComplete("W1")).isTrue();
				assertThat(service.isPeriodComplete("W2")).isTrue();
				assertThat(context.getBean(OrderCacheWarmUp.class).progress())
					.extracting(WarmUpProgress::period, WarmUpProgress::state, WarmUpProgress::written,
							WarmUpProgress::complete)
					.containsExactly(org.assertj.core.groups.Tuple.tuple("W1", WarmUpProgress.State.DONE, 250L, true),
							org.assertj.core.groups.Tuple.tuple("W2", WarmUpProgress.State.DONE, 250L, true));
			});
		assertThat(output).contains("Order cache warm-up of period W1: 250 orders cached, 0 skipped, complete")
			.doesNotContain("user123");
	}

	@Test
	void runsInTheBackgroundAndTakesPeriodsFromAHotPeriodsBean() {
		this.contextRunner.withBean(HotPeriods.class, () -> () -> List.of("HOT1"))
			.run((context) -> {
				OrderCacheWarmUp warmUp = context.getBean(OrderCacheWarmUp.class);
				warmUp.run(null);
				awaitDone(warmUp);
				assertThat(context.getBean(OrderCacheService.class).isPeriodComplete("HOT1")).isTrue();
			});
	}

	@Test
	void inTheBackgroundAPeriodThatFailedIsTriedAgainUntilItIsWarmed() {
		AtomicInteger attempts = new AtomicInteger();
		withASourceFailingTwice(attempts)
			.withPropertyValues("ordercache.warm-up.periods=FLAKY", "ordercache.warm-up.retry-delay=20ms")
			.run((context) -> {
				OrderCacheWarmUp warmUp = context.getBean(OrderCacheWarmUp.class);
				warmUp.run(null);
				awaitDone(warmUp);
				assertThat(attempts.get()).isEqualTo(3);
				assertThat(context.getBean(OrderCacheService.class).isPeriodComplete("FLAKY")).isTrue();
			});
	}

	@Test
	void whenStartupWaitedForTheWarmUpAPeriodThatFailedIsTriedAgainInTheBackground() {
		AtomicInteger attempts = new AtomicInteger();
		withASourceFailingTwice(attempts)
			.withPropertyValues("ordercache.warm-up.periods=FLAKY_FG", "ordercache.warm-up.background=false",
					"ordercache.warm-up.retry-delay=20ms")
			.run((context) -> {
				OrderCacheWarmUp warmUp = context.getBean(OrderCacheWarmUp.class);
				warmUp.run(null);
				assertThat(attempts.get()).as("startup waited for the first attempt").isGreaterThanOrEqualTo(1);
				awaitDone(warmUp);
				assertThat(attempts.get()).isEqualTo(3);
				assertThat(context.getBean(OrderCacheService.class).isPeriodComplete("FLAKY_FG")).isTrue();
			});
	}

	@Test
	void aFailingPeriodIsReportedAndTheOthersAreWarmed() {
		this.contextRunner.withPropertyValues("ordercache.warm-up.periods=BROKEN,W3", "ordercache.warm-up.background=false")
			.run((context) -> {
				context.getBean(OrderCacheWarmUp.class).run(null);
				assertThat(context.getBean(OrderCacheWarmUp.class).progress()).extracting(WarmUpProgress::state)
					.containsExactly(WarmUpProgress.State.FAILED, WarmUpProgress.State.DONE);
				assertThat(context.getBean(OrderCacheService.class).isPeriodComplete("BROKEN")).isFalse();
			});
	}

	@Test
	void anInvalidConfiguredPeriodFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("ordercache.warm-up.periods=ok,not ok")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("ordercache.warm-up.periods"));
	}

	@Test
	void withoutASourceThereIsNoWarmUp() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, OrderCacheAutoConfiguration.class))
			.withPropertyValues("ordercache.warm-up.periods=W1")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(OrderCacheWarmUp.class));
	}

	static Stream<?> orders(String period) {
		if (period.equals("BROKEN")) {
			throw new IllegalStateException("database unavailable");
		}
		return IntStream.range(0, 250).mapToObj((i) -> TestOrder.of(period, "ORDER_" + i));
	}

}
