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
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

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
		assertThat(output).doesNotContain("stopping with");
	}

	@Test
	void evictionsThatCannotBeReplayedOnShutdownAreNamedInAWarning(CapturedOutput output) {
		ConfigurableApplicationContext context = start("shutdown_lost_", "memory");
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
		assertThat(output).contains("Order cache stopping with 1 evictions that could not reach Redis; until each"
				+ " order is written, evicted or expires");
	}

	@Test
	void withTheJdbcStoreWhatCannotBeReplayedOnShutdownStaysInTheTable(CapturedOutput output) {
		ConfigurableApplicationContext context = start("shutdown_kept_", "jdbc");
		OrderCacheService service = context.getBean(OrderCacheService.class);
		JdbcTemplate jdbc = new JdbcTemplate(new SimpleDriverDataSource(new org.h2.Driver(),
				"jdbc:h2:mem:shutdown_kept_;DB_CLOSE_DELAY=-1", "sa", ""));
		service.cacheOrder(TestOrder.of("P1", "A"));
		REDIS.freeze();
		try {
			assertThatExceptionOfType(OrderCacheException.class).isThrownBy(() -> service.deleteOrder("P1", "A"));
			context.close();
			assertThat(jdbc.queryForList("SELECT period_key FROM ordercache_pending_eviction", String.class))
				.containsExactly("shutdown_kept_P1");
		}
		finally {
			REDIS.thaw();
		}
		assertThat(output).contains("Order cache stopping with 1 evictions that could not reach Redis yet; they"
				+ " are kept in jdbc (table ordercache_pending_eviction) and the first instance to reach Redis replays"
				+ " them: nothing is lost");
	}

	private static ConfigurableApplicationContext start(String prefix) {
		return start(prefix, "auto");
	}

	private static ConfigurableApplicationContext start(String prefix, String store) {
		// The embedded database of a jdbc store outlives the context, so that its table can be read after.
		return new SpringApplicationBuilder(IntegrationTestApplication.class).web(WebApplicationType.NONE)
			.properties(Map.of("spring.data.redis.url", REDIS.url(), "ordercache.key-prefix", prefix,
					"ordercache.resilience.maintenance-interval", "1h", "ordercache.resilience.command-timeout",
					"100ms", "spring.data.redis.timeout", "500ms", "ordercache.pending-evictions.store", store,
					"spring.datasource.url", "jdbc:h2:mem:" + prefix + ";DB_CLOSE_DELAY=-1"))
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
