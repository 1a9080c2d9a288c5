package io.fatamorgana.ordercache.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import io.fatamorgana.ordercache.sample.test.Browser;
import io.fatamorgana.ordercache.sample.test.Http;
import io.fatamorgana.ordercache.sample.test.Http.Response;
import io.fatamorgana.ordercache.test.TestRedis;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard page at {@code /} in a real headless Chromium, as a person sees it: after a create
 * and two reads it shows the numbers {@code /actuator/ordercache} reports, and its chart moves.
 * Skipped where no Chromium and chromedriver are installed.
 */
@ExtendWith(Browser.Installed.class)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.embedded-redis.mode=never", "ordercache.resilience.command-timeout=2s",
				"sample.dashboard.sample-interval=1s" })
class DashboardPageTests {

	static final String PREFIX = TestRedis.uniquePrefix(DashboardPageTests.class);

	private static final String PERIOD = "20250401_page";

	private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(30);

	private static @Nullable Browser browser;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", TestRedis::url);
		registry.add("ordercache.key-prefix", () -> PREFIX);
	}

	@BeforeAll
	static void startBrowser() {
		browser = Browser.start();
	}

	@AfterAll
	static void closeBrowserAndDeleteKeys() {
		if (browser != null) {
			browser.close();
		}
		TestRedis.deleteKeys(PREFIX);
	}

	@Test
	void showsTheEndpointsNumbersAndAMovingChart() {
		Browser browser = Objects.requireNonNull(DashboardPageTests.browser);
		Http http = new Http(this.port);
		Response created = http.post("/create", "{\"uid\":\"u1\",\"period_number\":\"" + PERIOD + "\",\"amount\":10.00}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String order = "/orders/" + PERIOD + "/" + created.field("order_no");
		assertThat(http.get(order).status()).isEqualTo(200);
		assertThat(http.get(order).status()).isEqualTo(200);
		assertThat(http.get("/orders/" + PERIOD + "/ORDER_" + PERIOD + "_999").status()).as("a miss").isEqualTo(404);

		browser.open("http://127.0.0.1:" + this.port + "/");

		await().atMost(PAGE_TIMEOUT).untilAsserted(() -> {
			JsonNode before = http.get("/actuator/ordercache").json();
			Page page = Page.read(browser);
			JsonNode after = http.get("/actuator/ordercache").json();
			JsonNode statistics = after.get("statistics");
			assertThat(before.get("statistics")).as("no traffic while comparing").isEqualTo(statistics);
			assertThat(statistics.get("hits").asLong() + statistics.get("misses").asLong()).isPositive();
			assertThat(page.number("hits")).isEqualTo(statistics.get("hits").asLong());
			assertThat(page.number("misses")).isEqualTo(statistics.get("misses").asLong());
			assertThat(page.text("hit-rate"))
				.isEqualTo(String.format(Locale.ROOT, "%.1f %%", after.get("hit_rate").asDouble() * 100));
			assertThat(page.number("writes")).isEqualTo(statistics.get("writes").asLong());
			assertThat(page.number("pending-evictions")).isEqualTo(statistics.get("pending_evictions").asLong());
			assertThat(page.text("circuit")).isEqualTo("closed");
			assertThat(page.text("status")).isEqualTo("Redis reachable · circuit closed");
			assertThat(page.periods()).map(PeriodRow::period)
				.containsExactlyInAnyOrderElementsOf(
						after.get("periods").get("periods").valueStream().map(JsonNode::asString).toList())
				.contains(PERIOD, "20241201_001");
			for (PeriodRow row : page.periods()) {
				JsonNode described = http.get("/actuator/ordercache/" + row.period()).json();
				assertThat(number(row.orders())).as(row.period()).isEqualTo(described.get("orders").asLong());
				// The page's TTL was read at its last poll, a poll interval and a request ago at most.
				long ttl = ttlSeconds(described);
				assertThat(hms(row.ttl())).as(row.period() + " TTL").isBetween(ttl - 1, ttl + 5);
			}
		});
		assertThat(browser.texts("#warm-up tbody tr[data-period='20241201_001'] td")).containsExactly("20241201_001", "done", "3", "0", "yes");

		String chartBefore = chart(browser);
		String lastSampleBefore = browser.attribute("hit-rate-chart", "data-last-at");
		long drawsBefore = Long.parseLong(Objects.requireNonNull(browser.attribute("hit-rate-chart", "data-draws")));
		await().atMost(PAGE_TIMEOUT).untilAsserted(() -> {
			assertThat(browser.attribute("hit-rate-chart", "data-last-at")).as("a newer sample")
				.isNotEqualTo(lastSampleBefore);
			assertThat(Long.parseLong(Objects.requireNonNull(browser.attribute("hit-rate-chart", "data-draws"))))
				.as("repaints")
				.isGreaterThan(drawsBefore);
			assertThat(chart(browser)).as("the chart's pixels").isNotEqualTo(chartBefore);
		});
		assertThat(Long.parseLong(Objects.requireNonNull(browser.attribute("hit-rate-chart", "data-points"))))
			.isPositive();
		assertThat(browser.text("hit-rate-chart")).as("the legend").contains("hit rate");
		assertThat(browser.errors()).as("console errors").isEmpty();
		browser.screenshot(Path.of("target", "dashboard.png"));
	}

	/** What the page shows, read in one script so that no poll changes it half-way. */
	@SuppressWarnings("unchecked")
	record Page(Map<String, String> texts, List<PeriodRow> periods) {

		private static final List<String> IDS = List.of("hits", "misses", "hit-rate", "writes", "failures",
				"pending-evictions", "circuit", "status");

		static Page read(Browser browser) {
			Map<String, Object> shown = (Map<String, Object>) Objects.requireNonNull(browser.script("""
					const text = (id) => document.getElementById(id).innerText;
					return {
						texts: Object.fromEntries(arguments[0].map((id) => [id, text(id)])),
						periods: Array.from(document.querySelectorAll('#periods tbody tr[data-period]'), (row) => ({
							period: row.dataset.period,
							orders: row.querySelector('.orders').innerText,
							ttl: row.querySelector('.ttl').innerText
						}))
					};""", IDS));
			List<Map<String, String>> periods = (List<Map<String, String>>) shown.get("periods");
			return new Page((Map<String, String>) shown.get("texts"), periods.stream()
				.map((row) -> new PeriodRow(row.get("period"), row.get("orders"), row.get("ttl")))
				.toList());
		}

		String text(String id) {
			return Objects.requireNonNull(this.texts.get(id), id);
		}

		long number(String id) {
			return DashboardPageTests.number(text(id));
		}

	}

	/** One row of the page's cached periods, as shown. */
	record PeriodRow(String period, String orders, String ttl) {
	}

	private static String chart(Browser browser) {
		return String.valueOf(browser.script("return document.querySelector('#hit-rate-chart canvas').toDataURL();"));
	}

	private static long number(String text) {
		return Long.parseLong(text.replace(",", ""));
	}

	/** Reads a TTL shown as h:mm:ss. */
	private static long hms(String text) {
		String[] parts = text.split(":");
		assertThat(parts).as(text).hasSize(3);
		return Long.parseLong(parts[0]) * 3600 + Long.parseLong(parts[1]) * 60 + Long.parseLong(parts[2]);
	}

	private static long ttlSeconds(JsonNode period) {
		return Duration.parse(period.get("ttl").asString()).toSeconds();
	}

}
