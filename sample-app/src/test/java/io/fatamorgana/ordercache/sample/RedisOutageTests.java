package io.fatamorgana.ordercache.sample;

import java.time.Duration;
import java.util.List;

import io.fatamorgana.ordercache.sample.test.Http;
import io.fatamorgana.ordercache.sample.test.Http.Response;
import io.fatamorgana.ordercache.sample.test.StatementCounter;
import io.fatamorgana.ordercache.test.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With Redis stopped, every use case still succeeds from the database; when Redis is back, it is
 * never read before the changes it missed have been applied, and the cache fills again with what
 * the database holds. The Redis is a process of this test's own, with the cache's default (short)
 * timeouts.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.embedded-redis.mode=never", "spring.data.redis.timeout=500ms",
				"spring.data.redis.connect-timeout=500ms", "ordercache.warm-up.periods=",
				"ordercache.failure-log-interval=1m" })
@Import(StatementCounter.Configuration.class)
@DirtiesContext
class RedisOutageTests {

	/**
	 * Persistent, as a production Redis with an append-only file: it comes back from the restart
	 * with what it held when it stopped, which is older than the database by then.
	 */
	private static final RedisProcess redis = RedisProcess.startPersistent();

	private static final String PERIOD = "20250101_outage";

	private static final String KEY = "fataMorgana_" + PERIOD;

	private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(45);

	@LocalServerPort
	private int port;

	@Autowired
	private StatementCounter statements;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", redis::url);
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Test
	void useCasesSucceedWhileRedisIsDownAndNoStaleOrderIsServedAfterItReturns() throws InterruptedException {
		Http http = new Http(this.port);
		String kept = create(http).field("order_no");
		String deleted = create(http).field("order_no");
		// The period complete in Redis before the outage. A cache call that timed out on a busy
		// machine is repaired by the cache itself, so wait for the state rather than assume it.
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			assertThat(orderNumbers(http.get("/orders/" + PERIOD))).containsExactly(kept, deleted);
			assertThat(http.get("/cache/periods/" + PERIOD).field("complete")).isEqualTo("true");
			assertThat(hget(kept)).contains("\"status\":\"pending\"");
			assertThat(hget(deleted)).isNotNull();
		});

		redis.stop();

		String created = create(http).field("order_no");
		Response paid = http.put("/orders/" + PERIOD + "/" + kept + "/status", "{\"status\":\"paid\"}");
		assertThat(paid.status()).isEqualTo(200);
		assertThat(paid.field("version")).isEqualTo("1");
		Response read = http.get("/orders/" + PERIOD + "/" + kept);
		assertThat(read.status()).isEqualTo(200);
		assertThat(read.field("status")).isEqualTo("paid");
		assertThat(orderNumbers(http.get("/orders/" + PERIOD))).containsExactly(kept, deleted, created);
		assertThat(http.delete("/orders/" + PERIOD + "/" + deleted).status()).isEqualTo(204);
		assertThat(http.get("/orders/" + PERIOD + "/" + deleted).status()).isEqualTo(404);
		assertCurrent(http, kept, created, deleted);
		Response cacheState = http.get("/cache/periods/" + PERIOD);
		assertThat(cacheState.status()).isEqualTo(503);
		assertThat(cacheState.contentType()).hasValue("application/problem+json");
		Response endpoint = http.get("/actuator/ordercache/" + PERIOD);
		assertThat(endpoint.status()).isEqualTo(503);
		assertThat(endpoint.json().get("title").asString()).isEqualTo("Cache unavailable");
		JsonNode statistics = http.get("/cache/stats").json();
		assertThat(statistics.get("pending_evictions").asLong())
			.as("the create, the status change and the delete that Redis missed")
			.isEqualTo(3);
		assertThat(statistics.get("failures").asLong()).isPositive();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(http.get("/cache/stats").field("circuit_open")).isEqualTo("true"));

		// Back with the period as it was before the outage, marked complete: the kept order still
		// pending, the deleted one still there, the created one missing. Not one read may show it,
		// neither before the missed changes are applied nor after.
		redis.restart();

		long deadline = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
		while (!recovered(http, kept, created, deleted)) {
			assertThat(System.nanoTime() - deadline).as("time left for the cache to recover").isNegative();
			Thread.sleep(200);
		}
		assertThat(hget(kept)).contains("\"status\":\"paid\"", "\"version\":1");
		assertThat(hget(deleted)).isNull();
		assertThat(hget(created)).contains("\"status\":\"pending\"");
		this.statements.reset();
		assertCurrent(http, kept, created, deleted);
		assertThat(this.statements.count())
			.as("statements once the cache has recovered: only the deleted order's 404, absences are not cached")
			.isEqualTo(1);
		assertThat(http.get("/cache/stats").json().get("pending_evictions").asLong()).isZero();
	}

	/**
	 * Reads everything, asserts that it is the database's state, and tells whether the cache holds
	 * the period again.
	 */
	private static boolean recovered(Http http, String kept, String created, String deleted) {
		assertCurrent(http, kept, created, deleted);
		Response state = http.get("/cache/periods/" + PERIOD);
		return state.status() == 200 && "true".equals(state.field("complete"))
				&& String.valueOf(hget(kept)).contains("\"status\":\"paid\"");
	}

	/** Asserts that the order reads answer what the database holds now. */
	private static void assertCurrent(Http http, String kept, String created, String deleted) {
		Response keptOrder = http.get("/orders/" + PERIOD + "/" + kept);
		assertThat(keptOrder.status()).as("the kept order").isEqualTo(200);
		assertThat(keptOrder.field("status")).as("the kept order").isEqualTo("paid");
		assertThat(keptOrder.field("version")).as("the kept order").isEqualTo("1");
		assertThat(http.get("/orders/" + PERIOD + "/" + created).status()).as("the created order").isEqualTo(200);
		assertThat(http.get("/orders/" + PERIOD + "/" + deleted).status()).as("the deleted order").isEqualTo(404);
		List<JsonNode> period = http.get("/orders/" + PERIOD).json().valueStream().toList();
		assertThat(period).map((order) -> order.get("order_no").asString())
			.as("the period")
			.containsExactly(kept, created);
		assertThat(period.get(0).get("status").asString()).as("the kept order in the period").isEqualTo("paid");
	}

	private static Response create(Http http) {
		Response response = http.post("/create",
				"{\"uid\":\"user123\",\"period_number\":\"" + PERIOD + "\",\"amount\":42.00}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response;
	}

	private static List<String> orderNumbers(Response response) {
		return response.json().valueStream().map((order) -> order.get("order_no").asString()).toList();
	}

	private static @Nullable String hget(String field) {
		RedisClient client = RedisClient.create(redis.url());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return connection.sync().hget(KEY, field);
		}
		finally {
			client.shutdown();
		}
	}

}
