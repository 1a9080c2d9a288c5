package io.fatamorgana.ordercache.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fatamorgana.ordercache.sample.test.Http;
import io.fatamorgana.ordercache.sample.test.Http.Response;
import io.fatamorgana.ordercache.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every query of the Grafana dashboard shipped in {@code docs/grafana} names metrics, labels and
 * label values that the sample app's {@code /actuator/prometheus} exposes after some traffic: a
 * renamed meter or tag breaks this test, not the dashboard of a user.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.embedded-redis.mode=never", "ordercache.resilience.command-timeout=2s" })
class GrafanaDashboardTests {

	static final String PREFIX = TestRedis.uniquePrefix(GrafanaDashboardTests.class);

	private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "ordercache-dashboard.json");

	/** Labels that Prometheus adds when it scrapes, not the application. */
	private static final Set<String> SCRAPE_LABELS = Set.of("instance", "job");

	private static final String PERIOD = "20250401_grafana";

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", TestRedis::url);
		registry.add("ordercache.key-prefix", () -> PREFIX);
	}

	@AfterAll
	static void deleteKeys() {
		TestRedis.deleteKeys(PREFIX);
	}

	@Test
	void everyQueryNamesWhatTheAppExposes() throws IOException {
		Http http = new Http(this.port);
		Response created = http.post("/create", "{\"uid\":\"u1\",\"period_number\":\"" + PERIOD + "\",\"amount\":10.00}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String order = "/orders/" + PERIOD + "/" + created.field("order_no");
		assertThat(http.get(order).status()).isEqualTo(200);
		assertThat(http.get(order).status()).isEqualTo(200);
		Response scrape = http.get("/actuator/prometheus", "Accept", "text/plain");
		assertThat(scrape.status()).isEqualTo(200);
		Map<String, List<Map<String, String>>> exposed = exposition(scrape.body());

		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		assertThat(dashboard.get("__inputs").get(0).get("name").asString()).isEqualTo("DS_PROMETHEUS");
		List<JsonNode> panels = new ArrayList<>();
		collectPanels(dashboard.get("panels"), panels);
		assertThat(panels).hasSizeGreaterThan(5);
		Set<String> used = new java.util.TreeSet<>();
		for (JsonNode panel : panels) {
			String title = panel.get("title").asString();
			assertThat(panel.get("datasource").get("uid").asString()).as(title).isEqualTo("${DS_PROMETHEUS}");
			assertThat(panel.get("targets").valueStream().toList()).as(title).isNotEmpty();
			for (JsonNode target : panel.get("targets")) {
				String expr = target.get("expr").asString();
				assertThat(expr).as(title).isNotBlank();
				List<Selector> selectors = selectors(expr);
				assertThat(selectors).as("metrics in %s: %s", title, expr).isNotEmpty();
				for (Selector selector : selectors) {
					assertExposed(exposed, selector, title + ": " + expr);
					used.add(selector.metric());
				}
			}
		}
		for (JsonNode variable : dashboard.get("templating").get("list")) {
			Matcher labelValues = Pattern.compile("label_values\\((\\w+),\\s*(\\w+)\\)")
				.matcher(variable.get("definition").asString());
			assertThat(labelValues.matches()).as(variable.toString()).isTrue();
			assertExposed(exposed, new Selector(labelValues.group(1), List.of()), "variable " + variable.get("name"));
		}
		assertThat(used).as("the starter's meters on the dashboard")
			.contains("ordercache_reads_total", "ordercache_writes_total", "ordercache_failures_total",
					"ordercache_redis_commands_seconds_sum", "ordercache_redis_commands_seconds_count",
					"ordercache_redis_commands_seconds_max", "ordercache_circuit_open",
					"ordercache_evictions_pending", "ordercache_warmup_orders");
	}

	private static void assertExposed(Map<String, List<Map<String, String>>> exposed, Selector selector,
			String where) {
		assertThat(exposed).as("metric %s of %s", selector.metric(), where).containsKey(selector.metric());
		List<Map<String, String>> series = exposed.get(selector.metric());
		for (LabelMatcher matcher : selector.matchers()) {
			if (SCRAPE_LABELS.contains(matcher.label())) {
				continue;
			}
			assertThat(series).as("label %s of %s in %s", matcher.label(), selector.metric(), where)
				.anySatisfy((labels) -> assertThat(labels).containsKey(matcher.label()));
			if (matcher.operator().equals("=") && !matcher.value().contains("$")) {
				assertThat(series).as("%s=\"%s\" of %s in %s", matcher.label(), matcher.value(), selector.metric(), where)
					.anySatisfy((labels) -> assertThat(labels).containsEntry(matcher.label(), matcher.value()));
			}
		}
	}

	private static void collectPanels(JsonNode panels, List<JsonNode> into) {
		for (JsonNode panel : panels) {
			if (panel.has("panels")) {
				collectPanels(panel.get("panels"), into);
			}
			if (!"row".equals(panel.get("type").asString())) {
				into.add(panel);
			}
		}
	}

	/** Parses Prometheus' text format: for each metric name, the label sets of its samples. */
	static Map<String, List<Map<String, String>>> exposition(String text) {
		Pattern sample = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+\\S+.*");
		Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");
		Map<String, List<Map<String, String>>> metrics = new HashMap<>();
		for (String line : text.split("\n")) {
			Matcher matcher = sample.matcher(line);
			if (line.startsWith("#") || !matcher.matches()) {
				continue;
			}
			Map<String, String> labels = new LinkedHashMap<>();
			if (matcher.group(2) != null) {
				Matcher pair = label.matcher(matcher.group(2));
				while (pair.find()) {
					labels.put(pair.group(1), pair.group(2));
				}
			}
			metrics.computeIfAbsent(matcher.group(1), (name) -> new ArrayList<>()).add(labels);
		}
		return metrics;
	}

	private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
			"group_right", "bool", "and", "or", "unless", "offset");

	/** What follows an aggregation written {@code sum by (label) (...)}. */
	private static final Pattern AGGREGATION_CLAUSE = Pattern.compile("(by|without)\\s*\\(");

	private static final Set<String> LABEL_LIST_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
			"group_right");

	/**
	 * The vector selectors of a PromQL expression: every name that is not a function, an
	 * aggregation or a keyword, with the label matchers in braces after it. Ranges ({@code [5m]}) and
	 * label lists ({@code by (command)}) are skipped.
	 */
	static List<Selector> selectors(String expr) {
		List<Selector> selectors = new ArrayList<>();
		int i = 0;
		while (i < expr.length()) {
			char c = expr.charAt(i);
			if (c == '[') {
				i = expr.indexOf(']', i) + 1;
				assertThat(i).as("unclosed [ in %s", expr).isPositive();
			}
			else if (Character.isLetter(c) || c == '_' || c == ':') {
				int end = i;
				while (end < expr.length() && (Character.isLetterOrDigit(expr.charAt(end)) || expr.charAt(end) == '_'
						|| expr.charAt(end) == ':')) {
					end++;
				}
				String name = expr.substring(i, end);
				int next = skipSpaces(expr, end);
				if (LABEL_LIST_KEYWORDS.contains(name) && next < expr.length() && expr.charAt(next) == '(') {
					i = expr.indexOf(')', next) + 1;
				}
				else if (KEYWORDS.contains(name) || next < expr.length() && expr.charAt(next) == '('
						|| AGGREGATION_CLAUSE.matcher(expr).region(next, expr.length()).lookingAt()) {
					i = end;
				}
				else if (next < expr.length() && expr.charAt(next) == '{') {
					int close = expr.indexOf('}', next);
					assertThat(close).as("unclosed { in %s", expr).isPositive();
					selectors.add(new Selector(name, matchers(expr.substring(next + 1, close))));
					i = close + 1;
				}
				else {
					selectors.add(new Selector(name, List.of()));
					i = end;
				}
			}
			else if (Character.isDigit(c) || c == '$') {
				// A number, or a Grafana variable outside a selector.
				while (i < expr.length() && (Character.isLetterOrDigit(expr.charAt(i)) || "._$".indexOf(expr.charAt(i)) >= 0)) {
					i++;
				}
			}
			else {
				assertThat(c).as("a brace without a metric name in %s", expr).isNotEqualTo('{');
				i++;
			}
		}
		return selectors;
	}

	private static int skipSpaces(String expr, int from) {
		int i = from;
		while (i < expr.length() && Character.isWhitespace(expr.charAt(i))) {
			i++;
		}
		return i;
	}

	private static List<LabelMatcher> matchers(String braces) {
		Matcher matcher = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,?")
			.matcher(braces);
		List<LabelMatcher> matchers = new ArrayList<>();
		int end = 0;
		while (matcher.find() && matcher.start() == end) {
			matchers.add(new LabelMatcher(matcher.group(1), matcher.group(2), matcher.group(3)));
			end = matcher.end();
		}
		assertThat(braces.substring(end)).as("unparsed label matchers in {%s}", braces).isBlank();
		return matchers;
	}

	@Test
	void theQueryReaderFindsSelectorsAndSkipsFunctionsRangesAndLabelLists() {
		assertThat(selectors("sum by (command) (rate(a_total{x=\"1\",y=~\"$v\"}[$__rate_interval])) / "
				+ "(sum without(job) (b) > 0) and on(instance) c offset 5m"))
			.containsExactly(new Selector("a_total", List.of(new LabelMatcher("x", "=", "1"), new LabelMatcher("y", "=~", "$v"))),
					new Selector("b", List.of()), new Selector("c", List.of()));
	}

	/** A metric name and its label matchers. */
	record Selector(String metric, List<LabelMatcher> matchers) {
	}

	/** One label matcher, such as {@code result="hit"}. */
	record LabelMatcher(String label, String operator, String value) {
	}

}
