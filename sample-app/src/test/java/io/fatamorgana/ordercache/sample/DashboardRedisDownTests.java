package io.fatamorgana.ordercache.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import io.fatamorgana.ordercache.sample.test.Browser;
import io.fatamorgana.ordercache.sample.test.Http;
import io.fatamorgana.ordercache.sample.test.Http.Response;
import io.fatamorgana.ordercache.test.RedisProcess;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard page in a real headless Chromium while Redis dies and comes back: it keeps updating,
 * says that Redis does not answer and that the circuit is open, throws no script error, and shows
 * Redis reachable again once it is. The Redis is a process of this test's own, with the cache's
 * default (short) timeouts. Skipped where no Chromium and chromedriver are installed.
 */
@ExtendWith(Browser.Installed.class)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.embedded-redis.mode=never", "spring.data.redis.timeout=500ms",
				"spring.data.redis.connect-timeout=500ms", "ordercache.failure-log-interval=1m",
				"sample.dashboard.sample-interval=1s" })
@DirtiesContext
class DashboardRedisDownTests {

	private static final String PERIOD = "20250401_down";

	private static final Duration TIMEOUT = Duration.ofSeconds(45);

	private static @Nullable Browser browser;

	private static @Nullable RedisProcess redis;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", () -> Objects.requireNonNull(redis).url());
	}

	@BeforeAll
	static void startBrowserAndRedis() {
		browser = Browser.start();
		redis = RedisProcess.start();
	}

	@AfterAll
	static void stop() {
		try {
			if (browser != null) {
				browser.close();
			}
		}
		finally {
			if (redis != null) {
				redis.close();
			}
		}
	}

	@Test
	void thePageKeepsUpdatingAndShowsTheOpenCircuitWhileRedisIsDown() {
		Browser browser = Objects.requireNonNull(DashboardRedisDownTests.browser);
		RedisProcess redis = Objects.requireNonNull(DashboardRedisDownTests.redis);
		Http http = new Http(this.port);
		Response created = http.post("/create", "{\"uid\":\"u1\",\"period_number\":\"" + PERIOD + "\",\"amount\":10.00}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String order = "/orders/" + PERIOD + "/" + created.field("order_no");
		browser.open("http://127.0.0.1:" + this.port + "/");
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(http.get(order).status()).isEqualTo(200);
			assertThat(browser.text("status")).isEqualTo("Redis reachable · circuit closed");
			assertThat(browser.texts("#periods tbody tr[data-period] td:first-child")).contains(PERIOD);
		});

		redis.kill();

		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(http.get(order).status()).as("the order, from the database").isEqualTo(200);
			assertThat(browser.text("status")).isEqualTo("Redis unreachable · circuit open");
		});
		assertThat(browser.text("circuit")).isEqualTo("open");
		assertThat(browser.text("periods")).contains("Redis does not answer");
		assertThat(Long.parseLong(browser.text("failures").replace(",", ""))).isPositive();
		long polls = polls(browser);
		String lastSample = browser.attribute("latency-chart", "data-last-at");
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(polls(browser)).as("polls answered since Redis went down").isGreaterThan(polls + 2);
			assertThat(browser.attribute("latency-chart", "data-last-at")).as("newer samples")
				.isNotEqualTo(lastSample);
		});
		assertThat(browser.text("status")).isEqualTo("Redis unreachable · circuit open");
		assertThat(browser.attribute("problem", "hidden")).as("no banner: the application answers").isNotNull();
		assertThat(browser.text("hits")).as("the counters are still shown").matches("[0-9,]+");
		assertThat(browser.errors()).as("console errors").isEmpty();
		browser.screenshot(Path.of("target", "dashboard-redis-down.png"));

		redis.restart();

		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(browser.text("status")).isEqualTo("Redis reachable · circuit closed");
			assertThat(browser.text("circuit")).isEqualTo("closed");
		});
		assertThat(browser.errors()).as("console errors").isEmpty();
	}

	private static long polls(Browser browser) {
		return Long.parseLong(Objects.requireNonNull(browser.script("return document.body.dataset.polls || '0';"))
			.toString());
	}

}
