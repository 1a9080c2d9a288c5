package io.fatamorgana.ordercache.sample;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.sample.order.Order;
import io.fatamorgana.ordercache.sample.test.Http;
import io.fatamorgana.ordercache.sample.test.Http.Response;
import io.fatamorgana.ordercache.sample.test.StatementCounter;
import io.fatamorgana.ordercache.test.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The sample end to end over HTTP, against the shared test Redis and the database a subclass
 * chooses: every endpoint, every bad input, what Redis holds afterwards, and reads that the cache
 * answers without a database query.
 * <p>
 * Besides orders, a period's hash holds the starter's bookkeeping fields (names starting with
 * {@code !}: completeness, tombstones, epoch); raw checks look at the order fields only.
 */
// A cache call that times out is a failure the cache answers by evicting: right, but on a busy
// shared machine it would make the exact checks here flaky, so calls may take longer than the
// default 50ms. RedisOutageTests keeps the defaults.
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.embedded-redis.mode=never", "spring.data.redis.timeout=5s",
				"ordercache.resilience.command-timeout=2s", "ordercache.resilience.bulk-timeout=5s",
				"sample.cache.drop-enabled=true" })
@Import(StatementCounter.Configuration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DirtiesContext
abstract class OrderApiTests {

	private static final String DEMO_PERIOD = "20241201_001";

	private static final List<String> SEED_FIELDS = List.of("order_no", "uid", "period_number", "amount",
			"profit_amount", "like_count", "share_count", "follow_count", "favorite_count", "status", "expire_time",
			"created_at", "updated_at", "version");

	@LocalServerPort
	private int port;

	@Value("${ordercache.key-prefix}")
	private String prefix;

	@Autowired
	private StatementCounter statements;

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private OrderCacheService cache;

	private Http http;

	private RedisCommands<String, String> redis;

	private String period;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", TestRedis::url);
	}

	@BeforeEach
	void setUp() {
		this.http = new Http(this.port);
		this.redis = TestRedis.commands();
		// A period of its own per test: tests never see each other's orders.
		this.period = "P" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
	}

	@AfterAll
	void deleteKeys() {
		TestRedis.deleteKeys(this.prefix);
	}

	@Test
	void createAnswers201WithLocationAndCachesTheSeedsJson() {
		Response response = this.http.post("/create", """
				{"uid":"user123","period_number":"%s","amount":100.00,"profit_amount":5.00,
				 "like_count":10,"share_count":5,"follow_count":3,"favorite_count":2}""".formatted(this.period));
		assertThat(response.status()).isEqualTo(201);
		String orderNo = response.field("order_no");
		assertThat(orderNo).isEqualTo("ORDER_" + this.period + "_001");
		assertThat(response.location()).hasValueSatisfying(
				(location) -> assertThat(location).endsWith("/orders/" + this.period + "/" + orderNo));
		assertThat(response.field("status")).isEqualTo("pending");
		assertThat(response.field("version")).isEqualTo("0");
		assertThat(response.body()).contains("\"amount\":100.00", "\"profit_amount\":5.00");

		String stored = this.redis.hget(key(), orderNo);
		assertThat(stored).isNotNull().contains("\"amount\":100.00").doesNotContain("@class", "io.fatamorgana");
		JsonNode cached = new Response(200, Optional.empty(), Optional.empty(), stored).json();
		assertThat(cached.propertyNames()).containsExactlyElementsOf(SEED_FIELDS);
		assertThat(cached).isEqualTo(response.json());
		assertThat(cached.get("created_at").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
		assertThat(this.redis.ttl(key())).isBetween(1L, 86400L);
	}

	@Test
	void pendingEvictionsAreKeptInTheTableFlywayCreated() {
		// Health shows no details in the sample; the endpoint says which store is used.
		JsonNode endpoint = this.http.get("/actuator/ordercache").json();
		assertThat(endpoint.get("pending_evictions_store").asString()).isEqualTo("jdbc (table ordercache_pending_eviction)");
		// initialize-schema is never in the sample: only the migration V3 can have created it.
		assertThat(this.jdbc.sql("SELECT COUNT(*) FROM ordercache_pending_eviction").query(Long.class).single())
			.isZero();
	}

	@Test
	void orderNumbersAreUniqueUnderConcurrentCreates() throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(4);
		try {
			List<Future<Response>> futures = new ArrayList<>();
			for (int i = 0; i < 16; i++) {
				futures.add(executor.submit(() -> create(this.period)));
			}
			Set<String> orderNumbers = new HashSet<>();
			for (Future<Response> future : futures) {
				Response response = future.get();
				assertThat(response.status()).isEqualTo(201);
				orderNumbers.add(response.field("order_no"));
			}
			assertThat(orderNumbers).hasSize(16).allMatch((no) -> no.matches("ORDER_" + this.period + "_\\d{3}"));
			assertThat(orderFields()).containsExactlyInAnyOrderElementsOf(orderNumbers);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void readingAnOrderIsAnsweredFromTheCacheWithoutAQuery() {
		String orderNo = create(this.period).field("order_no");
		this.statements.reset();
		Response hit = this.http.get("/orders/" + this.period + "/" + orderNo);
		assertThat(hit.status()).isEqualTo(200);
		assertThat(hit.field("order_no")).isEqualTo(orderNo);
		assertThat(this.statements.count()).as("statements for a cached order").isZero();

		this.redis.hdel(key(), orderNo);
		Response miss = this.http.get("/orders/" + this.period + "/" + orderNo);
		assertThat(miss.json()).isEqualTo(hit.json());
		assertThat(this.statements.count()).as("statements for a missed order").isEqualTo(1);
		assertThat(this.redis.hget(key(), orderNo)).as("cached again after the miss").isNotNull();
	}

	@Test
	void aPeriodIsReadFromTheDatabaseOnceAndThenServedFromTheCacheWithoutAStatement() {
		List<String> orderNumbers = createOrders(3);
		// Written order by order, the hash is not known to hold the whole period.
		assertThat(cacheState().get("complete").asBoolean()).isFalse();

		this.statements.reset();
		Response fromDatabase = this.http.get("/orders/" + this.period);
		assertThat(fromDatabase.status()).isEqualTo(200);
		assertThat(orderNumbers(fromDatabase)).containsExactlyElementsOf(orderNumbers);
		assertThat(this.statements.count()).as("statements of a period read from the database").isEqualTo(1);
		JsonNode state = cacheState();
		assertThat(state.get("complete").asBoolean()).isTrue();
		assertThat(state.get("count").asLong()).isEqualTo(3);

		this.statements.reset();
		Response fromCache = this.http.get("/orders/" + this.period);
		assertThat(this.statements.count()).as("statements of a complete cached period").isZero();
		assertThat(fromCache.json()).as("the same orders in the same order").isEqualTo(fromDatabase.json());
	}

	@Test
	void anOrderCreatedInACompletePeriodIsInTheCachedPeriod() {
		List<String> orderNumbers = new ArrayList<>(createOrders(2));
		this.http.get("/orders/" + this.period);
		assertThat(cacheState().get("complete").asBoolean()).isTrue();

		orderNumbers.add(create(this.period).field("order_no"));
		assertThat(cacheState().get("complete").asBoolean()).as("still complete after a create").isTrue();
		this.statements.reset();
		Response response = this.http.get("/orders/" + this.period);
		assertThat(this.statements.count()).as("statements of a complete cached period").isZero();
		assertThat(orderNumbers(response)).containsExactlyElementsOf(orderNumbers);
		assertThat(response.json().get(2).get("version").asLong()).isZero();
	}

	@Test
	void aStatusChangeInACompletePeriodIsInTheCachedPeriod() {
		List<String> orderNumbers = createOrders(2);
		this.http.get("/orders/" + this.period);
		assertThat(this.http.put("/orders/" + this.period + "/" + orderNumbers.get(1) + "/status",
				"{\"status\":\"paid\"}").status()).isEqualTo(200);

		assertThat(cacheState().get("complete").asBoolean()).as("still complete after an update").isTrue();
		this.statements.reset();
		Response response = this.http.get("/orders/" + this.period);
		assertThat(this.statements.count()).as("statements of a complete cached period").isZero();
		assertThat(response.json().get(1).get("status").asString()).isEqualTo("paid");
		assertThat(response.json().get(1).get("version").asLong()).isEqualTo(1);
	}

	@Test
	void afterADeleteThePeriodIsReadFromTheDatabaseOnceAndThenFromTheCacheAgain() {
		List<String> orderNumbers = createOrders(3);
		this.http.get("/orders/" + this.period);
		assertThat(cacheState().get("complete").asBoolean()).isTrue();

		assertThat(this.http.delete("/orders/" + this.period + "/" + orderNumbers.get(1)).status()).isEqualTo(204);
		assertThat(this.redis.hexists(key(), orderNumbers.get(1))).isFalse();
		assertThat(cacheState().get("complete").asBoolean()).as("complete after a delete").isFalse();

		this.statements.reset();
		Response fromDatabase = this.http.get("/orders/" + this.period);
		assertThat(this.statements.count()).as("statements of the read after the delete").isEqualTo(1);
		assertThat(orderNumbers(fromDatabase)).containsExactly(orderNumbers.get(0), orderNumbers.get(2));
		assertThat(cacheState().get("complete").asBoolean()).isTrue();

		this.statements.reset();
		Response fromCache = this.http.get("/orders/" + this.period);
		assertThat(this.statements.count()).as("statements of the next read").isZero();
		assertThat(fromCache.json()).isEqualTo(fromDatabase.json());
		assertThat(orderFields()).containsExactlyInAnyOrder(orderNumbers.get(0), orderNumbers.get(2));
	}

	@Test
	void anOlderCopyOfAnOrderNeverReplacesTheCachedOne() {
		String orderNo = create(this.period).field("order_no");
		this.http.get("/orders/" + this.period);
		Order pending = this.cache.getOrder(this.period, orderNo, Order.class).orElseThrow();
		assertThat(pending.version()).isZero();
		Response paid = this.http.put("/orders/" + this.period + "/" + orderNo + "/status", "{\"status\":\"paid\"}");
		assertThat(paid.field("version")).isEqualTo("1");

		// A write still carrying the copy read before the change, as a slow request or another
		// instance may send it: the version column keeps it out, and the cached copy gives way to the
		// database (the next read loads it).
		long refused = this.cache.statistics().refused();
		this.cache.cacheOrder(pending);
		assertThat(this.cache.statistics().refused()).isEqualTo(refused + 1);
		assertThat(this.redis.hget(key(), orderNo)).isNull();

		Response period = this.http.get("/orders/" + this.period);
		assertThat(period.json().get(0).get("status").asString()).isEqualTo("paid");
		this.statements.reset();
		assertThat(this.http.get("/orders/" + this.period).json().get(0).get("status").asString()).isEqualTo("paid");
		assertThat(this.statements.count()).as("statements of a complete cached period").isZero();
		assertThat(this.http.get("/orders/" + this.period + "/" + orderNo).field("status")).isEqualTo("paid");
	}

	@Test
	void aPeriodWithoutOrdersAnswersAnEmptyListAndShowsItsFirstOrderOnceCreated() {
		Response empty = this.http.get("/orders/" + this.period);
		assertThat(empty.status()).isEqualTo(200);
		assertThat(empty.json().size()).isZero();
		assertThat(orderFields()).isEmpty();
		assertThat(cacheState().get("count").asLong()).isZero();

		String orderNo = create(this.period).field("order_no");
		assertThat(orderNumbers(this.http.get("/orders/" + this.period))).containsExactly(orderNo);
	}

	@Test
	void changingTheStatusUpdatesTheDatabaseAndTheCache() {
		String orderNo = create(this.period).field("order_no");
		String path = "/orders/" + this.period + "/" + orderNo;

		Response paid = this.http.put(path + "/status", "{\"status\":\"paid\"}");
		assertThat(paid.status()).isEqualTo(200);
		assertThat(paid.field("status")).isEqualTo("paid");
		assertThat(paid.field("version")).isEqualTo("1");
		assertThat(this.redis.hget(key(), orderNo)).contains("\"status\":\"paid\"", "\"version\":1");
		assertThat(this.http.get(path).field("status")).isEqualTo("paid");

		Response again = this.http.put(path + "/status", "{\"status\":\"paid\"}");
		assertThat(again.status()).isEqualTo(200);
		assertThat(again.field("version")).as("no change, no new version").isEqualTo("1");

		Response back = this.http.put(path + "/status", "{\"status\":\"pending\"}");
		assertThat(back.status()).isEqualTo(409);
		assertThat(back.contentType()).hasValue("application/problem+json");
		assertThat(back.field("current_status")).isEqualTo("paid");

		assertThat(this.http.put(path + "/status", "{\"status\":\"cancelled\"}").status()).isEqualTo(200);
		assertThat(this.http.put(path + "/status", "{\"status\":\"paid\"}").status()).isEqualTo(409);
		assertThat(this.http.get(path).field("status")).isEqualTo("cancelled");
		assertThat(this.redis.hget(key(), orderNo)).contains("\"status\":\"cancelled\"", "\"version\":2");
	}

	@Test
	void deletingRemovesTheOrderFromTheDatabaseAndTheHash() {
		String kept = create(this.period).field("order_no");
		String orderNo = create(this.period).field("order_no");
		String path = "/orders/" + this.period + "/" + orderNo;

		assertThat(this.http.delete(path).status()).isEqualTo(204);
		assertThat(this.redis.hexists(key(), orderNo)).isFalse();
		assertThat(orderFields()).containsExactly(kept);
		assertThat(cacheState().get("count").asLong()).isEqualTo(1);
		Response gone = this.http.get(path);
		assertThat(gone.status()).isEqualTo(404);
		assertThat(gone.contentType()).hasValue("application/problem+json");
		assertThat(gone.field("title")).isEqualTo("Order not found");
		assertThat(this.http.delete(path).status()).isEqualTo(404);
		assertThat(this.redis.hexists(key(), orderNo)).as("a 404 does not cache anything").isFalse();
	}

	@Test
	void unknownOrdersAnswer404() {
		String path = "/orders/" + this.period + "/ORDER_" + this.period + "_999";
		Response get = this.http.get(path);
		assertThat(get.status()).isEqualTo(404);
		assertThat(get.field("order_no")).isEqualTo("ORDER_" + this.period + "_999");
		assertThat(this.http.put(path + "/status", "{\"status\":\"paid\"}").status()).isEqualTo(404);
		assertThat(this.http.delete(path).status()).isEqualTo(404);
		String orderNo = create(this.period).field("order_no");
		assertThat(this.http.get("/orders/OTHER_" + this.period + "/" + orderNo).status())
			.as("an order is found in its own period only").isEqualTo(404);
		assertThat(this.redis.exists(key())).isEqualTo(1);
	}

	@Test
	void aRepeatedIdempotencyKeyAnswers409AndWritesNothing() {
		String body = newOrderJson(this.period);
		Response first = this.http.post("/create", body, "Idempotency-Key", "req-" + this.period);
		assertThat(first.status()).isEqualTo(201);
		long rows = rows();

		Response second = this.http.post("/create", body, "Idempotency-Key", "req-" + this.period);
		assertThat(second.status()).isEqualTo(409);
		assertThat(second.contentType()).hasValue("application/problem+json");
		assertThat(second.field("title")).isEqualTo("Duplicate order");
		assertThat(second.field("order_no")).isEqualTo(first.field("order_no"));
		assertThat(second.location()).hasValue("/orders/" + this.period + "/" + first.field("order_no"));
		assertThat(rows()).isEqualTo(rows);
		assertThat(orderFields()).containsExactly(first.field("order_no"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badRequests")
	void badInputAnswers400NamingTheFieldAndWritesNothing(String description, String method, String path,
			String body, String field) {
		String existing = create(this.period).field("order_no");
		String before = this.redis.hget(key(), existing);
		long rows = rows();
		List<String> keys = TestRedis.keys(this.prefix);

		String resolvedPath = path.replace("{period}", this.period).replace("{orderNo}", existing);
		String resolvedBody = body.replace("{period}", this.period);
		Response response = switch (method) {
			case "POST" -> this.http.post(resolvedPath, resolvedBody);
			case "POST-CHUNKED" -> this.http.postChunked(resolvedPath, resolvedBody);
			case "POST-KEY" -> this.http.post(resolvedPath, resolvedBody, "Idempotency-Key", "bad key!");
			case "PUT" -> this.http.put(resolvedPath, resolvedBody);
			case "DELETE" -> this.http.delete(resolvedPath);
			default -> this.http.get(resolvedPath);
		};

		assertThat(response.status()).as(response.body()).isEqualTo(400);
		assertThat(response.contentType()).hasValue("application/problem+json");
		JsonNode problem = response.json();
		assertThat(problem.get("status").asInt()).isEqualTo(400);
		assertThat(problem.get("title").asString()).isEqualTo("Invalid request");
		assertThat(problem.get("detail").asString()).contains(field);
		assertThat(problem.get("errors").valueStream().map((error) -> error.get("field").asString()))
			.contains(field);
		assertThat(rows()).as("rows in the database").isEqualTo(rows);
		assertThat(TestRedis.keys(this.prefix)).containsExactlyInAnyOrderElementsOf(keys);
		assertThat(orderFields()).containsExactly(existing);
		assertThat(this.redis.hget(key(), existing)).isEqualTo(before);
		assertThat(this.http.get("/orders/" + this.period + "/" + existing).field("version")).isEqualTo("0");
	}

	static Stream<Arguments> badRequests() {
		String valid = "\"uid\":\"u1\",\"period_number\":\"{period}\",\"amount\":10.00";
		return Stream.of(
				arguments("malformed JSON", "POST", "/create", "{\"uid\":\"u1\",", "body"),
				arguments("not an object", "POST", "/create", "[1,2]", "body"),
				arguments("empty body", "POST", "/create", "", "body"),
				arguments("missing amount", "POST", "/create", "{\"uid\":\"u1\",\"period_number\":\"{period}\"}",
						"amount"),
				arguments("negative amount", "POST", "/create",
						"{\"uid\":\"u1\",\"period_number\":\"{period}\",\"amount\":-1.00}", "amount"),
				arguments("zero amount", "POST", "/create",
						"{\"uid\":\"u1\",\"period_number\":\"{period}\",\"amount\":0}", "amount"),
				arguments("amount with three decimals", "POST", "/create",
						"{\"uid\":\"u1\",\"period_number\":\"{period}\",\"amount\":1.005}", "amount"),
				arguments("amount not a number", "POST", "/create",
						"{\"uid\":\"u1\",\"period_number\":\"{period}\",\"amount\":\"ten\"}", "amount"),
				arguments("missing uid", "POST", "/create", "{\"period_number\":\"{period}\",\"amount\":1}", "uid"),
				arguments("negative like count", "POST", "/create", "{" + valid + ",\"like_count\":-1}", "like_count"),
				arguments("expiry in the past", "POST", "/create",
						"{" + valid + ",\"expire_time\":\"2020-01-01T00:00:00Z\"}", "expire_time"),
				arguments("expiry not a timestamp", "POST", "/create", "{" + valid + ",\"expire_time\":\"soon\"}",
						"expire_time"),
				arguments("status on create", "POST", "/create", "{" + valid + ",\"status\":\"paid\"}", "status"),
				arguments("unknown property", "POST", "/create", "{" + valid + ",\"colour\":\"red\"}", "colour"),
				arguments("missing period", "POST", "/create", "{\"uid\":\"u1\",\"amount\":1}", "period_number"),
				arguments("period with a space", "POST", "/create",
						"{\"uid\":\"u1\",\"period_number\":\"2024 12\",\"amount\":1}", "period_number"),
				arguments("period with a glob", "POST", "/create",
						"{\"uid\":\"u1\",\"period_number\":\"2024*\",\"amount\":1}", "period_number"),
				arguments("period too long", "POST", "/create",
						"{\"uid\":\"u1\",\"period_number\":\"" + "9".repeat(65) + "\",\"amount\":1}", "period_number"),
				arguments("oversized body", "POST", "/create",
						"{" + valid + ",\"uid\":\"" + "x".repeat(20_000) + "\"}", "body"),
				arguments("oversized chunked body", "POST-CHUNKED", "/create",
						"{" + valid + ",\"uid\":\"" + "x".repeat(20_000) + "\"}", "body"),
				arguments("uid too long", "POST", "/create",
						"{\"uid\":\"" + "u".repeat(65) + "\",\"period_number\":\"{period}\",\"amount\":1}", "uid"),
				arguments("bad Idempotency-Key", "POST-KEY", "/create", "{" + valid + "}", "Idempotency-Key"),
				arguments("unknown status", "PUT", "/orders/{period}/{orderNo}/status", "{\"status\":\"shipped\"}",
						"status"),
				arguments("missing status", "PUT", "/orders/{period}/{orderNo}/status", "{}", "status"),
				arguments("status not a string", "PUT", "/orders/{period}/{orderNo}/status", "{\"status\":7}",
						"status"),
				arguments("malformed status JSON", "PUT", "/orders/{period}/{orderNo}/status", "{\"status\":",
						"body"),
				arguments("bad period in the path", "GET", "/orders/bad*period", "", "period"),
				arguments("bad period of one order", "GET", "/orders/bad*period/{orderNo}", "", "period"),
				arguments("bad order number", "GET", "/orders/{period}/ORDER%20X", "", "order_no"),
				arguments("order number too long", "GET", "/orders/{period}/" + "9".repeat(129), "", "order_no"),
				arguments("bad order number on update", "PUT", "/orders/{period}/ORDER%2AX/status",
						"{\"status\":\"paid\"}", "order_no"),
				arguments("bad order number on delete", "DELETE", "/orders/{period}/ORDER%20X", "", "order_no"),
				arguments("bad period on the cache", "GET", "/cache/periods/bad*period", "", "period"),
				arguments("bad period on cache eviction", "DELETE", "/cache/periods/bad*period", "", "period"),
				arguments("bad order number on the cache", "GET", "/cache/periods/{period}/orders/ORDER%20X", "",
						"order_no"));
	}

	@Test
	void cacheEndpointsShowAndDropAPeriodWithoutTouchingTheDatabase() {
		this.statements.reset();
		Response empty = this.http.get("/cache/periods/" + this.period);
		assertThat(empty.status()).isEqualTo(200);
		assertThat(empty.json().propertyNames()).containsExactly("period", "count", "ttl_seconds", "complete");
		assertThat(empty.json().get("count").asLong()).isZero();
		assertThat(empty.json().get("ttl_seconds").isNull()).isTrue();
		assertThat(empty.json().get("complete").asBoolean()).isFalse();

		String orderNo = create(this.period).field("order_no");
		this.statements.reset();
		JsonNode state = cacheState();
		assertThat(state.get("period").asString()).isEqualTo(this.period);
		assertThat(state.get("count").asLong()).isEqualTo(1);
		assertThat(state.get("ttl_seconds").asLong()).isBetween(1L, 86400L)
			.isGreaterThanOrEqualTo(this.redis.ttl(key()));
		assertThat(state.get("complete").asBoolean()).as("written order by order").isFalse();
		assertThat(this.http.get("/cache/periods/" + this.period + "/orders/" + orderNo).json().get("cached")
			.asBoolean()).isTrue();
		assertThat(this.http.get("/cache/periods/" + this.period + "/orders/ORDER_NONE").json().get("cached")
			.asBoolean()).isFalse();
		assertThat(this.statements.count()).as("statements of the cache endpoints").isZero();
		this.http.get("/orders/" + this.period);
		assertThat(cacheState().get("complete").asBoolean()).as("read whole").isTrue();

		this.statements.reset();
		assertThat(this.http.delete("/cache/periods/" + this.period).status()).isEqualTo(204);
		assertThat(this.statements.count()).as("statements of the drop").isZero();
		assertThat(orderFields()).isEmpty();
		JsonNode dropped = cacheState();
		assertThat(dropped.get("count").asLong()).isZero();
		assertThat(dropped.get("complete").asBoolean()).isFalse();
		assertThat(this.http.get("/cache/periods/" + this.period + "/orders/" + orderNo).json().get("cached")
			.asBoolean()).isFalse();
		assertThat(this.http.get("/orders/" + this.period + "/" + orderNo).status()).as("still in the database")
			.isEqualTo(200);
		this.statements.reset();
		assertThat(orderNumbers(this.http.get("/orders/" + this.period))).containsExactly(orderNo);
		assertThat(this.statements.count()).as("a dropped period is read from the database").isEqualTo(1);
		assertThat(cacheState().get("complete").asBoolean()).isTrue();
	}

	@Test
	void statisticsShowEveryCounterOfTheCache() {
		JsonNode before = statistics();
		assertThat(before.propertyNames()).containsExactly("hits", "misses", "hit_rate", "writes", "refused",
				"evictions", "skipped", "failures", "pending_evictions", "circuit_open");

		String orderNo = create(this.period).field("order_no");
		this.http.get("/orders/" + this.period + "/" + orderNo);
		this.http.get("/orders/" + this.period);
		this.http.get("/orders/" + this.period);
		this.http.delete("/orders/" + this.period + "/" + orderNo);

		JsonNode after = statistics();
		assertThat(delta(before, after, "writes")).as("the create and the period read").isEqualTo(2);
		assertThat(delta(before, after, "hits")).as("the order and the complete period").isEqualTo(2);
		assertThat(delta(before, after, "misses")).as("the incomplete period").isEqualTo(1);
		assertThat(delta(before, after, "evictions")).as("the delete").isEqualTo(1);
		assertThat(delta(before, after, "refused")).isZero();
		assertThat(delta(before, after, "skipped")).isZero();
		assertThat(delta(before, after, "failures")).isZero();
		assertThat(after.get("pending_evictions").asLong()).isZero();
		assertThat(after.get("circuit_open").asBoolean()).isFalse();
		long hits = after.get("hits").asLong();
		long misses = after.get("misses").asLong();
		assertThat(after.get("hit_rate").asDouble()).isCloseTo((double) hits / (hits + misses),
				within(1e-9));
	}

	@Test
	void hotPeriodsAreWarmedUpAtStartup() {
		String demoKey = this.prefix + DEMO_PERIOD;
		Map<String, String> demo = this.redis.hgetall(demoKey);
		demo.keySet().removeIf((field) -> field.startsWith("!"));
		assertThat(demo).containsOnlyKeys("ORDER_20241201_001_001", "ORDER_20241201_001_002",
				"ORDER_20241201_001_003");
		assertThat(demo.get("ORDER_20241201_001_001")).contains("\"uid\":\"user123\"", "\"amount\":100.00",
				"\"expire_time\":\"2024-12-01T10:05:00Z\"", "\"created_at\":\"2024-12-01T10:00:00Z\"");
		assertThat(this.redis.ttl(demoKey)).isBetween(1L, 86400L);
		assertThat(cacheState(DEMO_PERIOD).get("complete").asBoolean()).as("warmed up whole").isTrue();
		this.statements.reset();
		Response orders = this.http.get("/orders/" + DEMO_PERIOD);
		assertThat(orderNumbers(orders)).containsExactly("ORDER_20241201_001_001", "ORDER_20241201_001_002",
				"ORDER_20241201_001_003");
		assertThat(this.statements.count()).as("statements of a warmed-up period").isZero();
	}

	private Response create(String period) {
		Response response = this.http.post("/create", newOrderJson(period));
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response;
	}

	private List<String> createOrders(int count) {
		List<String> orderNumbers = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			orderNumbers.add(create(this.period).field("order_no"));
		}
		return orderNumbers;
	}

	private static String newOrderJson(String period) {
		return "{\"uid\":\"user123\",\"period_number\":\"" + period + "\",\"amount\":100.00,\"profit_amount\":5.00}";
	}

	private JsonNode cacheState() {
		return cacheState(this.period);
	}

	private JsonNode cacheState(String period) {
		Response response = this.http.get("/cache/periods/" + period);
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		return response.json();
	}

	private JsonNode statistics() {
		Response response = this.http.get("/cache/stats");
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		return response.json();
	}

	private static long delta(JsonNode before, JsonNode after, String counter) {
		return after.get(counter).asLong() - before.get(counter).asLong();
	}

	/** The order numbers in the period's hash, without the starter's bookkeeping fields. */
	private List<String> orderFields() {
		return this.redis.hkeys(key()).stream().filter((field) -> !field.startsWith("!")).toList();
	}

	private static List<String> orderNumbers(Response response) {
		return response.json().valueStream().map((order) -> order.get("order_no").asString()).toList();
	}

	private long rows() {
		return this.jdbc.sql("SELECT COUNT(*) FROM orders").query(Long.class).single();
	}

	private String key() {
		return this.prefix + this.period;
	}

}
