package io.fatamorgana.ordercache.autoconfigure;

import io.fatamorgana.ordercache.actuate.NearCacheMetrics;
import io.fatamorgana.ordercache.near.NearCache;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** The near cache's beans: off by default, on with its property, and its bad settings named. */
class NearCacheAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
					OrderCacheAutoConfiguration.class));

	@Test
	void isOffByDefault() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(NearCache.class)
			.doesNotHaveBean(NearCacheMetrics.class));
	}

	@Test
	void isOnWithItsPropertyWithItsMeters() {
		this.contextRunner.withPropertyValues("ordercache.near-cache.enabled=true").run((context) -> {
			assertThat(context).hasSingleBean(NearCache.class).hasSingleBean(NearCacheMetrics.class);
			assertThat(context.getBean(OrderCacheProperties.class).getNearCache().getMaximumSize()).isEqualTo(10_000);
		});
	}

	@Test
	void aHeartbeatTimeoutShorterThanTwoIntervalsIsNamed() {
		this.contextRunner
			.withPropertyValues("ordercache.near-cache.enabled=true", "ordercache.near-cache.heartbeat-interval=1s",
					"ordercache.near-cache.heartbeat-timeout=1500ms")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidOrderCachePropertyException.class)
				.hasMessageContaining("ordercache.near-cache.heartbeat-timeout")
				.hasMessageContaining("twice"));
	}

	@Test
	void aMaximumSizeBelowOneIsNamed() {
		this.contextRunner.withPropertyValues("ordercache.near-cache.maximum-size=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("ordercache.near-cache.maximum-size"));
	}

	@Test
	void withoutCaffeineTheFailureSaysWhatToAdd() {
		this.contextRunner.withPropertyValues("ordercache.near-cache.enabled=true")
			.withClassLoader(new FilteredClassLoader("com.github.benmanes.caffeine"))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidOrderCachePropertyException.class)
				.hasMessageContaining("com.github.ben-manes.caffeine:caffeine"));
	}

}
