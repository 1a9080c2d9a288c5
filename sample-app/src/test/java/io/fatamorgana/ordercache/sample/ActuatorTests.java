package io.fatamorgana.ordercache.sample;

import io.fatamorgana.ordercache.sample.test.Http;
import io.fatamorgana.ordercache.sample.test.Http.Response;
import io.fatamorgana.ordercache.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's Actuator endpoint, meters and health contributor, over HTTP in the sample app after
 * the warm-up and a few requests.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.embedded-redis.mode=never", "ordercache.resilience.command-timeout=2s",
				"management.endpoint.ordercache.access=unrestricted" })
class ActuatorTests {

	static final String PREFIX = TestRedis.uniquePrefix(ActuatorTests.class);

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", TestRedis::url);
		registry.add("ordercache.key-prefix", () -> PREFIX);
	}

	@AfterAll
	static void deleteKeys() {
		TestRedis.deleteKeys(PREFIX);
	}

	@LocalServerPort
	int port;

	@Test
	void theEndpointShowsStatisticsPeriodsAndTheWarmUp() {
		Http http = new Http(this.port);
		assertThat(http.get("/orders/20241201_001/ORDER_20241201_001_001").status()).isEqualTo(200);
		// The sample's Jackson writes snake_case, the endpoint's answers included.
		JsonNode report = http.get("/actuator/ordercache").json();
		assertThat(report.get("statistics").get("hits").asLong()).isPositive();
		assertThat(report.get("hit_rate").asDouble()).isPositive();
		assertThat(report.get("cached_periods").get("count").asLong()).isPositive();
		assertThat(report.get("cached_periods").get("exact").asBoolean()).isTrue();
		assertThat(report.get("periods").get("periods").valueStream().map(JsonNode::asString))
			.contains("20241201_001");
		assertThat(report.get("warm_up").get(0).get("period").asString()).isEqualTo("20241201_001");
		assertThat(report.get("warm_up").get(0).get("state").asString()).isEqualTo("DONE");
		assertThat(report.get("warm_up").get(0).get("written").asLong()).isEqualTo(3);
		JsonNode period = http.get("/actuator/ordercache/20241201_001").json();
		assertThat(period.get("orders").asLong()).isEqualTo(3);
		assertThat(period.get("complete").asBoolean()).isTrue();
		assertThat(period.get("memory_bytes").asLong()).isPositive();
	}

	@Test
	void deleteDropsAPeriodsHashAndLeavesTheDatabase() {
		Http http = new Http(this.port);
		http.post("/create", "{\"uid\":\"u1\",\"period_number\":\"20250301_009\",\"amount\":10.00}");
		Response dropped = http.delete("/actuator/ordercache/20250301_009");
		assertThat(dropped.status()).isEqualTo(200);
		assertThat(dropped.json().get("dropped").asBoolean()).isTrue();
		assertThat(http.get("/actuator/ordercache/20250301_009").json().get("orders").asLong()).isZero();
		assertThat(http.get("/orders/20250301_009").json().size()).isEqualTo(1);
	}

	@Test
	void metricsAndHealthAreThere() {
		Http http = new Http(this.port);
		http.get("/orders/20241201_001/ORDER_20241201_001_002");
		JsonNode reads = http.get("/actuator/metrics/ordercache.reads?tag=result:hit").json();
		assertThat(reads.get("measurements").get(0).get("value").asDouble()).isPositive();
		JsonNode commands = http.get("/actuator/metrics/ordercache.redis.commands").json();
		assertThat(commands.get("availableTags").valueStream().map((tag) -> tag.get("tag").asString()))
			.contains("command", "outcome");
		Response health = http.get("/actuator/health");
		assertThat(health.status()).isEqualTo(200);
		JsonNode components = health.json().get("components");
		assertThat(components.get("orderCache").get("status").asString()).isEqualTo("UP");
		assertThat(components.has("redis")).as("Boot's redis contributor, off in application.yml").isFalse();
		assertThat(components.valueStream().filter((component) -> component.has("details")))
			.as("components showing details to an anonymous caller")
			.isEmpty();
		Response orderCache = http.get("/actuator/health/orderCache");
		assertThat(orderCache.status()).isEqualTo(200);
		assertThat(orderCache.body()).isEqualTo("{\"status\":\"UP\"}");
	}

}
