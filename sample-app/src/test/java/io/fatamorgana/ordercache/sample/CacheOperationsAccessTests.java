package io.fatamorgana.ordercache.sample;

import java.util.List;

import io.fatamorgana.ordercache.sample.test.Http;
import io.fatamorgana.ordercache.sample.test.Http.Response;
import io.fatamorgana.ordercache.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app as it starts by default, used the way an attacker would: bad input to the
 * {@code ordercache} endpoint is a 400 problem that writes nothing to Redis and no stack trace to the
 * log, and neither the endpoint's nor the sample's own drop can be reached without being granted.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.embedded-redis.mode=never", "ordercache.resilience.command-timeout=2s" })
@ExtendWith(OutputCaptureExtension.class)
class CacheOperationsAccessTests {

	static final String PREFIX = TestRedis.uniquePrefix(CacheOperationsAccessTests.class);

	static final String WARMED = "20241201_001";

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

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			/actuator/ordercache/%2A                                 | Invalid period number '*'
			/actuator/ordercache/a%20b                               | Invalid period number 'a b'
			/actuator/ordercache?limit=-1                            | Invalid limit -1: must be between 1 and 1000
			/actuator/ordercache?limit=0                             | Invalid limit 0
			/actuator/ordercache?limit=2147483647                    | Invalid limit 2147483647
			/actuator/ordercache?cursor=garbage                      | Invalid cursor 'garbage'
			/actuator/ordercache?cursor=:99999999999999999999999     | Invalid cursor ':99999999999999999999999'
			/actuator/ordercache?cursor=:18446744073709551616        | Invalid cursor ':18446744073709551616'
			/actuator/ordercache?cursor=zz:0                         | Invalid cursor 'zz:0'
			""")
	void badInputToTheEndpointIsA400ProblemNamingItWithNothingWrittenAndNoStackTrace(String path, String detail,
			CapturedOutput output) {
		List<String> keysBefore = TestRedis.keys(PREFIX);
		int logged = output.getAll().length();
		Response response = new Http(this.port).get(path);
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.contentType()).hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode problem = response.json();
		assertThat(problem.get("status").asInt()).isEqualTo(400);
		assertThat(problem.get("title").asString()).isEqualTo("Invalid request");
		assertThat(problem.get("detail").asString()).contains(detail);
		assertThat(TestRedis.keys(PREFIX)).containsExactlyInAnyOrderElementsOf(keysBefore);
		assertThat(output.getAll().substring(logged)).doesNotContain("ERROR").doesNotContain("\tat ");
	}

	@Test
	void aLimitThatIsNotANumberIsA400(CapturedOutput output) {
		int logged = output.getAll().length();
		assertThat(new Http(this.port).get("/actuator/ordercache?limit=many").status()).isEqualTo(400);
		assertThat(output.getAll().substring(logged)).doesNotContain("ERROR").doesNotContain("\tat ");
	}

	@Test
	void aValidCursorStillPages() {
		Http http = new Http(this.port);
		JsonNode first = http.get("/actuator/ordercache?limit=1").json();
		assertThat(first.get("periods").get("periods").size()).isBetween(0, 10);
		JsonNode next = first.get("periods").get("next_cursor");
		if (next != null && !next.isNull()) {
			assertThat(http.get("/actuator/ordercache?cursor=" + next.asString()).status()).isEqualTo(200);
		}
	}

	@Test
	void theEndpointsDropIsNotReachableUnlessWriteAccessIsGranted() {
		Http http = new Http(this.port);
		assertThat(http.get("/actuator/ordercache/" + WARMED).json().get("orders").asLong()).isEqualTo(3);
		List<String> keysBefore = TestRedis.keys(PREFIX);
		for (int i = 0; i < 20; i++) {
			Response refused = http.delete("/actuator/ordercache/20250101_" + String.format("%03d", i));
			assertThat(refused.status()).isIn(404, 405);
		}
		assertThat(http.delete("/actuator/ordercache/" + WARMED).status()).isIn(404, 405);
		assertThat(http.get("/actuator/ordercache/" + WARMED).json().get("orders").asLong()).isEqualTo(3);
		assertThat(TestRedis.keys(PREFIX)).as("no drop marker written").containsExactlyInAnyOrderElementsOf(keysBefore);
	}

	@Test
	void theSamplesOwnDropIsRefusedUnlessEnabled() {
		Http http = new Http(this.port);
		Response refused = http.delete("/cache/periods/" + WARMED);
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.json().get("detail").asString()).contains("sample.cache.drop-enabled=true");
		assertThat(http.get("/cache/periods/" + WARMED).json().get("count").asLong()).isEqualTo(3);
	}

}
