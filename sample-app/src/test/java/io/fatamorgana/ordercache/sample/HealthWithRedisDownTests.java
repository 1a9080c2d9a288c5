package io.fatamorgana.ordercache.sample;

import io.fatamorgana.ordercache.sample.test.Http;
import io.fatamorgana.ordercache.sample.test.Http.Response;
import io.fatamorgana.ordercache.test.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With its Redis killed, the sample's {@code /actuator/health} stays 200 UP, as application.yml
 * configures it (the cache is not the application), and orders are still read and created. The
 * Redis is a process of this test's own.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.embedded-redis.mode=never", "spring.data.redis.timeout=500ms",
				"spring.data.redis.connect-timeout=500ms", "ordercache.warm-up.periods=" })
@DirtiesContext
class HealthWithRedisDownTests {

	private static final RedisProcess redis = RedisProcess.start();

	private static final String PERIOD = "20250201_health";

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", redis::url);
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Test
	void healthStaysUpAndOrdersAreReadAndCreatedWhileRedisIsDown() {
		Http http = new Http(this.port);
		String before = create(http).field("order_no");

		redis.kill();

		Response health = http.get("/actuator/health");
		assertThat(health.status()).as(health.body()).isEqualTo(200);
		assertThat(health.field("status")).isEqualTo("UP");
		JsonNode orderCache = health.json().get("components").get("orderCache");
		assertThat(orderCache.get("status").asString()).isEqualTo("UP");
		assertThat(orderCache.has("details")).as("details shown to an anonymous caller").isFalse();

		Response read = http.get("/orders/" + PERIOD + "/" + before);
		assertThat(read.status()).as(read.body()).isEqualTo(200);
		assertThat(read.field("uid")).isEqualTo("user7");
		String created = create(http).field("order_no");
		Response createdRead = http.get("/orders/" + PERIOD + "/" + created);
		assertThat(createdRead.status()).as(createdRead.body()).isEqualTo(200);
		assertThat(createdRead.field("status")).isEqualTo("pending");
	}

	private static Response create(Http http) {
		Response response = http.post("/create",
				"{\"uid\":\"user7\",\"period_number\":\"" + PERIOD + "\",\"amount\":9.90}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response;
	}

}
