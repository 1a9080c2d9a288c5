package io.fatamorgana.ordercache.sample;

import java.util.List;
import java.util.Map;

import io.fatamorgana.ordercache.sample.test.Http;
import io.fatamorgana.ordercache.sample.test.Http.Response;
import io.fatamorgana.ordercache.test.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14: the sample restarted on its in-memory H2 against a Redis that kept the previous run's
 * orders. The new run numbers orders from 1 again, so the previous run's orders sit under order
 * numbers the new run has not created yet, or will create next; none of them may ever be served.
 * Before the context starts, this test writes a previous run's period into the shared test Redis,
 * under a key prefix of its own.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.embedded-redis.mode=never", "spring.data.redis.timeout=5s",
				"ordercache.resilience.command-timeout=2s", "ordercache.resilience.bulk-timeout=5s" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DirtiesContext
class VolatileDatabaseRestartTests {

	private static final String PREFIX = TestRedis.uniquePrefix(VolatileDatabaseRestartTests.class);

	private static final String PERIOD = "20250301_001";

	private static final String KEY = PREFIX + PERIOD;

	private static final String DEMO_PERIOD = "20241201_001";

	/** An order number the new run has not created. */
	private static final String NOT_CREATED = "ORDER_" + PERIOD + "_007";

	/** The order number the new run creates first in the period. */
	private static final String CREATED_NEXT = "ORDER_" + PERIOD + "_001";

	@LocalServerPort
	private int port;

	private Http http;

	private RedisCommands<String, String> redis;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", TestRedis::url);
		registry.add("ordercache.key-prefix", () -> PREFIX);
		writePreviousRun();
	}

	/** What the previous run left in Redis: two orders of a complete period, and a demo order. */
	private static void writePreviousRun() {
		RedisCommands<String, String> redis = TestRedis.commands();
		redis.hset(KEY, Map.of(NOT_CREATED, previousOrder(PERIOD, NOT_CREATED), CREATED_NEXT,
				previousOrder(PERIOD, CREATED_NEXT), "!c", "1"));
		redis.expire(KEY, 3600);
		String demoKey = PREFIX + DEMO_PERIOD;
		redis.hset(demoKey, Map.of("ORDER_20241201_001_002", previousOrder(DEMO_PERIOD, "ORDER_20241201_001_002"),
				"!c", "1"));
		redis.expire(demoKey, 3600);
	}

	private static String previousOrder(String period, String orderNo) {
		return """
				{"order_no":"%s","uid":"previous-run","period_number":"%s","amount":999.00,"profit_amount":1.00,\
				"like_count":0,"share_count":0,"follow_count":0,"favorite_count":0,"status":"paid",\
				"expire_time":"2025-03-01T10:05:00Z","created_at":"2025-03-01T10:00:00Z",\
				"updated_at":"2025-03-01T10:01:00Z","version":4}""".formatted(orderNo, period);
	}

	@BeforeEach
	void setUp() {
		this.http = new Http(this.port);
		this.redis = TestRedis.commands();
	}

	@AfterAll
	void deleteKeys() {
		TestRedis.deleteKeys(PREFIX);
	}

	@Test
	void thePreviousRunsOrdersAreNeverServed() {
		assertThat(this.redis.hvals(KEY)).as("the previous run's period after startup")
			.noneMatch((value) -> value.contains("previous-run"));
		assertThat(this.http.get("/orders/" + PERIOD + "/" + NOT_CREATED).status()).isEqualTo(404);
		assertThat(this.http.get("/orders/" + PERIOD + "/" + CREATED_NEXT).status()).isEqualTo(404);
		assertThat(this.http.get("/orders/" + PERIOD).json()).isEmpty();

		Response created = this.http.post("/create", """
				{"uid":"this-run","period_number":"%s","amount":10.00,"profit_amount":0.50,
				 "like_count":0,"share_count":0,"follow_count":0,"favorite_count":0}""".formatted(PERIOD));
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.field("order_no")).isEqualTo(CREATED_NEXT);
		Response read = this.http.get("/orders/" + PERIOD + "/" + CREATED_NEXT);
		assertThat(read.status()).isEqualTo(200);
		assertThat(read.json()).isEqualTo(created.json());
		assertThat(read.field("uid")).isEqualTo("this-run");
		assertThat(this.http.get("/orders/" + PERIOD + "/" + NOT_CREATED).status()).isEqualTo(404);
		List<String> orders = this.redis.hkeys(KEY).stream().filter((field) -> !field.startsWith("!")).toList();
		assertThat(orders).containsExactly(CREATED_NEXT);
		assertThat(this.redis.hget(KEY, CREATED_NEXT)).contains("this-run").doesNotContain("previous-run");
	}

	@Test
	void theWarmUpFillsADemoPeriodFromThisRunsDatabase() {
		Response demo = this.http.get("/orders/" + DEMO_PERIOD + "/ORDER_20241201_001_002");
		assertThat(demo.status()).isEqualTo(200);
		assertThat(demo.field("uid")).isEqualTo("user456");
		assertThat(this.redis.hvals(PREFIX + DEMO_PERIOD)).noneMatch((value) -> value.contains("previous-run"))
			.anyMatch((value) -> value.contains("user456"));
		assertThat(this.http.get("/cache/periods/" + DEMO_PERIOD).json().get("complete").asBoolean()).isTrue();
	}

}
