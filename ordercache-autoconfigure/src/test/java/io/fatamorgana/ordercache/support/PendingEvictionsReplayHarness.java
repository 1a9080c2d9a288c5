package io.fatamorgana.ordercache.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.jdbc.JdbcPendingEvictionStore;
import io.fatamorgana.ordercache.jdbc.TestDatabases;
import io.fatamorgana.ordercache.support.PendingEvictionStore.Eviction;
import io.fatamorgana.ordercache.test.RedisProcess;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;

/**
 * How long an instance takes to replay and delete N evictions another instance left in the table
 * (H2, a Redis process of its own). Prints figures, asserts only that the table empties. Run with
 * {@code ./mvnw -pl ordercache-autoconfigure test -Dtest=PendingEvictionsReplayHarness -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class PendingEvictionsReplayHarness {

	@Test
	void replayTimes() {
		try (RedisProcess redis = RedisProcess.start()) {
			for (int rows : List.of(1_000, 10_000)) {
				measure(redis, rows);
			}
		}
	}

	private void measure(RedisProcess redis, int rows) {
		String schema = TestDatabases.H2.newSchema(PendingEvictionsReplayHarness.class);
		String prefix = "harness_" + rows + "_";
		ConfigurableApplicationContext context = new SpringApplicationBuilder(IntegrationTestApplication.class)
			.web(WebApplicationType.NONE)
			.properties(Map.of("spring.data.redis.url", redis.url(), "ordercache.key-prefix", prefix,
					"spring.datasource.url", TestDatabases.H2.url(schema),
					"ordercache.pending-evictions.store", "jdbc",
					// Started with the table empty; the rows below come as from an instance that died.
					"ordercache.resilience.command-timeout", "2s"))
			.run();
		try {
			JdbcPendingEvictionStore table = new JdbcPendingEvictionStore(context.getBean(DataSource.class),
					JdbcPendingEvictionStore.DEFAULT_TABLE_NAME, Duration.ofSeconds(5));
			List<Eviction> evictions = new ArrayList<>();
			for (int i = 0; i < rows; i++) {
				evictions.add(new Eviction(prefix + "P" + (i % 10), "O" + i));
			}
			long start = System.nanoTime();
			table.add(evictions);
			await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(10))
				.until(() -> table.oldest(prefix, 1).isEmpty());
			long millis = (System.nanoTime() - start) / 1_000_000;
			System.out.println("PendingEvictionsReplayHarness: " + rows + " rows written, read, replayed (one evict.lua"
					+ " each) and deleted in " + millis + " ms (" + (rows * 1000L / Math.max(1, millis)) + " rows/s)");
		}
		finally {
			context.close();
			TestDatabases.H2.drop(schema);
		}
	}

}
