package io.fatamorgana.ordercache.support;

import java.util.Map;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheException;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.test.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An instance that shuts down with evictions it could not send does not drop them silently: it
 * tries a last, bounded replay, and warns about what is left. Against a Redis process this test
 * freezes and thaws itself; the background task is slowed down so that only the shutdown replays.
 */
@ExtendWith(OutputCaptureExtension.class)
class ShutdownReplayIntegrationTests {

	static final RedisProcess REDIS = RedisProcess.start();

	@AfterAll
	static void stopRedis() {
		REDIS.close();
	}

	@Test
	void aPendingEvictionIsReplayedOnShutdownWhenRedisAnswersAgain(CapturedOutput output) {
		ConfigurableApplicationContext context = start("shutdown_replayed_");
		OrderCacheService service = context.getBean(OrderCacheService.class);
		service.cacheOrder(TestOrder.of("P1", "A"));
		REDIS.freeze();
		try {
			assertThatExceptionOfType(OrderCacheException.class).isThrownBy(() -> service.deleteOrder("P1", "A"));
		}
		finally {
			REDIS.thaw();
		}
		assertThat(service.statistics().pendingEvictions()).isEqualTo(1);
		context.close();
		assertThat(hexists("shutdown_replayed_P1", "A")).as("replayed before the instance went").isFalse();
		assertThat(output).doesNotContain("shutting down with");
	}

	@Test
	void evictionsThatCannotBeReplayedOnShutdownAreNamedInAWarning(CapturedOutput output) {
		ConfigurableApplicationContext context = start("shutdown_lost_");
		OrderCacheService service = context.getBean(OrderCacheService.class);
		service.cacheOrder(TestOrder.of("P1", "A"));
		REDIS.freeze();
		try {
			assertThatExceptionOfType(OrderCacheException.class).isThrownBy(() -> service.deleteOrder("P1", "A"));
			context.close();
		}
		finally {
			REDIS.thaw();
		}
		assertThat(output).contains("Order cache shutting down with 1 evictions that could not reach Redis");
	}

	private static ConfigurableApplicationContext start(String prefix) {
		return new SpringApplicationBuilder(IntegrationTestApplication.class).web(WebApplicationType.NONE)
			.properties(Map.of("spring.data.redis.url", REDIS.url(), "ordercache.key-prefix", prefix,
					"ordercache.resilience.maintenance-interval", "1h", "ordercache.resilience.command-timeout",
					"100ms", "spring.data.redis.timeout", "500ms"))
			.run();
	}

	private static boolean hexists(String key, String field) {
		RedisClient client = RedisClient.create(REDIS.url());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return connection.sync().hexists(key, field);
		}
		finally {
			client.shutdown();
		}
	}

}
