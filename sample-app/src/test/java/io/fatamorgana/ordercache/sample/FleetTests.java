package io.fatamorgana.ordercache.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fatamorgana.ordercache.sample.test.Http.Response;
import io.fatamorgana.ordercache.sample.test.OrderLoad;
import io.fatamorgana.ordercache.sample.test.SampleAppProcess;
import io.fatamorgana.ordercache.sample.test.TestDatabase;
import io.fatamorgana.ordercache.test.RedisProcess;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fleet of issue 15, in separate JVMs: instances of the sample app share one database and one
 * Redis that keeps its data in an append-only file, under a load of clients that check every answer
 * about their own orders. Redis is killed; instance A changes and deletes orders, so its evictions
 * fail; A is killed with SIGKILL; Redis is restarted from its file, with the old copies.
 * <p>
 * With the pending evictions in the database ({@code store=jdbc}, the sample's setting), no
 * surviving instance ever serves a copy older than the database: not A's orders (read through every
 * survivor from Redis's restart on), not the clients' (every read they make), and at the end every
 * order through every survivor and in Redis equals its row. With {@code store=memory}, a survivor
 * serves the copy A could not evict: the window docs/consistency.md describes.
 * <p>
 * On PostgreSQL (127.0.0.1:5432), else MariaDB (127.0.0.1:3306); {@code -Dfleet.database=mariadb}
 * chooses MariaDB. The instances' logs are in {@code target/fleet-tests/}.
 */
class FleetTests {

	private static final String PERIOD = "20250401_fleet";

	private static final List<String> LOAD_PERIODS = List.of("20250401_load1", "20250401_load2");

	private static final Duration STARTUP = Duration.ofSeconds(120);

	private static final Pattern VERSION = Pattern.compile("\"version\":(\\d+)");

	private static @Nullable TestDatabase database;

	private static @Nullable RedisProcess redis;

	private static @Nullable RedisClient redisClient;

	@BeforeAll
	static void chooseDatabaseAndStartRedis() {
		database = chooseDatabase();
		assumeTrue(database != null, "Neither PostgreSQL (127.0.0.1:5432) nor MariaDB (127.0.0.1:3306) answers;"
				+ " separate JVMs need a database server");
		redis = RedisProcess.startPersistent();
		redisClient = RedisClient.create(redis.url());
	}

	@AfterAll
	static void stopRedis() {
		if (redisClient != null) {
			redisClient.shutdown();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void withTheTableNoInstanceServesACopyOlderThanTheDatabaseAfterAnInstanceDiedDuringAnOutage() {
		try (Fleet fleet = new Fleet("jdbc", 3)) {
			fleet.start();
			fleet.outageInWhichAChangesOrdersAndIsKilled();

			// Every survivor saw the outage (the clients kept calling it): it reads the table when
			// Redis answers its probe, before its circuit closes, so not one read may show A's
			// orders as Redis kept them, from the restart until the table is empty and after.
			List<String> stale = new ArrayList<>();
			long restarted = fleet.restartRedis();
			// The documented window: Redis answers the instances one by one; an order changed on one that
			// has not noticed yet may be served old by one that has, until that one reads the table
			// (poll-interval, 1 s; 3 s allowed for a loaded machine). Only changes made until every
			// survivor's circuit closed get it.
			fleet.load().tolerateOtherInstancesChangesFor(Duration.ofSeconds(3));
			long deadline = restarted + Duration.ofSeconds(60).toNanos();
			int roundsAfterReplay = 0;
			while (roundsAfterReplay < 5) {
				assertThat(System.nanoTime()).as("time left for the survivors to replay A's evictions")
					.isLessThan(deadline);
				fleet.survivors().forEach((instance) -> stale.addAll(fleet.readPeriodOfA(instance)));
				if (fleet.rowsOfPeriodOfA() == 0) {
					roundsAfterReplay++;
				}
			}
			long replayed = System.nanoTime();
			fleet.awaitEveryCircuitClosed();
			fleet.load().endTolerance();
			fleet.load().phase("Redis back, A's evictions replayed");
			fleet.load().awaitCalls(200);
			fleet.load().close();

			fleet.awaitQuiescence();
			System.out.printf("FleetTests (%s, jdbc): A's evictions replayed and deleted %d ms after Redis restarted;"
					+ " %d client calls; %d reads within the documented window of another instance's change %s;"
					+ " survivors: %s%n", database, (replayed - restarted) / 1_000_000, fleet.load().calls(),
					fleet.load().boundedStaleReads().size(), fleet.load().boundedStaleReads(), fleet.statistics());
			assertThat(stale).as("reads of A's orders older than the database").isEmpty();
			assertThat(fleet.load().staleReads()).as("clients' reads older than an acknowledged change").isEmpty();
			assertThat(fleet.load().failedCalls()).as("failed client calls").isEmpty();
			fleet.assertEveryOrderThroughEverySurvivorAndInRedisIsTheDatabases();
		}
	}

	@Test
	void withTheMemoryStoreASurvivorServesTheCopiesThatTheKilledInstanceCouldNotEvict() {
		try (Fleet fleet = new Fleet("memory", 2)) {
			fleet.start();
			fleet.outageInWhichAChangesOrdersAndIsKilled();

			fleet.restartRedis();
			SampleAppProcess b = fleet.survivors().get(0);
			// Nobody else knew A's evictions: once B's circuit closes, B serves what Redis kept.
			await("B serving A's changed order as Redis kept it").atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(b.http().get(fleet.path("T1")).field("version")).isEqualTo("0"));
			Response deleted = b.http().get(fleet.path("T3"));
			assertThat(deleted.status()).as("deleted from the database, served from Redis").isEqualTo(200);
			List<String> orderNumbers = b.http()
				.get("/orders/" + PERIOD)
				.json()
				.valueStream()
				.map((order) -> order.get("order_no").asString())
				.toList();
			assertThat(orderNumbers).as("the period served from Redis").contains(fleet.orderNo("T3"));
			assertThat(fleet.redisVersion(PERIOD, fleet.orderNo("T1"))).isEqualTo(0L);
			fleet.load().close();
			System.out.printf("FleetTests (%s, memory): %d client calls, %d stale reads; survivors: %s%n", database,
					fleet.load().calls(), fleet.load().staleReads().size(), fleet.statistics());
			assertThat(fleet.load().failedCalls()).as("failed client calls").isEmpty();
		}
	}

	private static @Nullable TestDatabase chooseDatabase() {
		String chosen = System.getProperty("fleet.database", "");
		if (!chosen.equals("mariadb") && TestDatabase.POSTGRESQL.answers()) {
			return TestDatabase.POSTGRESQL;
		}
		return TestDatabase.MARIADB.answers() ? TestDatabase.MARIADB : null;
	}

	/** One run: the instances, their schema and key prefix, the clients, and A's orders. */
	private static final class Fleet implements AutoCloseable {

		private final TestDatabase database = requireNonNull(FleetTests.database);

		private final RedisProcess redis = requireNonNull(FleetTests.redis);

		private final String store;

		private final int size;

		private final String schema;

		private final String prefix = "fleet_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff))
				+ "_";

		private final List<SampleAppProcess> instances = new ArrayList<>();

		/** A's orders: name (T1 ...) to order number. */
		private final Map<String, String> orders = new LinkedHashMap<>();

		/** What the database holds for A's orders after A's changes: order number to version, null if deleted. */
		private final Map<String, @Nullable Long> expected = new HashMap<>();

		private @Nullable SampleAppProcess a;

		private @Nullable OrderLoad load;

		Fleet(String store, int size) {
			this.store = store;
			this.size = size;
			this.schema = this.database.newSchema(FleetTests.class);
		}

		void start() {
			this.database.createSchema(this.schema);
			Path logs = Path.of("target", "fleet-tests", this.store);
			Map<String, String> properties = new LinkedHashMap<>(this.database.properties(this.schema));
			properties.put("spring.profiles.active", this.database.profile());
			properties.put("spring.data.redis.url", this.redis.url());
			properties.put("sample.embedded-redis.mode", "never");
			properties.put("ordercache.key-prefix", this.prefix);
			properties.put("ordercache.pending-evictions.store", this.store);
			// Each call returns after its row is written, as it does when the database answers within
			// the default 200 ms; a loaded 2-core machine does not always, and a call that returned
			// before its row is the documented window, not what this test is about.
			properties.put("ordercache.pending-evictions.jdbc.write-wait", "10s");
			// All at once: Flyway's lock lets one of them migrate the schema while the others wait.
			for (int i = 0; i < this.size; i++) {
				this.instances.add(SampleAppProcess.start(String.valueOf((char) ('a' + i)), logs, properties));
			}
			this.instances.forEach((instance) -> instance.awaitReady(STARTUP));
			SampleAppProcess first = this.instances.get(0);
			this.a = first;
			this.load = new OrderLoad(3, this.instances, LOAD_PERIODS);
			load().phase("Redis up");

			for (String name : List.of("T1", "T2", "T3", "T4")) {
				Response created = first.http()
					.post("/create", "{\"uid\":\"fleet\",\"period_number\":\"" + PERIOD + "\",\"amount\":42.00}");
				assertThat(created.status()).as(created.body()).isEqualTo(201);
				this.orders.put(name, requireNonNull(created.field("order_no")));
			}
			// A's orders and their period in Redis, complete: what Redis will come back with.
			SampleAppProcess b = this.instances.get(1);
			await("A's orders cached at version 0, the period complete").atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> {
					assertThat(b.http().get("/orders/" + PERIOD).status()).isEqualTo(200);
					for (String orderNo : this.orders.values()) {
						assertThat(redisVersion(PERIOD, orderNo)).as(orderNo).isEqualTo(0L);
					}
					assertThat(redisField(PERIOD, "!c")).as("complete").isEqualTo("1");
				});
			load().awaitCalls(300);
		}

		/**
		 * Kills Redis; A, its circuit open, pays T1, cancels T2 and deletes T3 (T4 stays as it was);
		 * A is killed with SIGKILL; the survivors go on without Redis for a while.
		 */
		void outageInWhichAChangesOrdersAndIsKilled() {
			SampleAppProcess instanceA = requireNonNull(this.a);
			this.redis.kill();
			load().phase("Redis down");
			await("every circuit open").atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> this.instances.forEach((instance) -> assertThat(
						instance.http().get("/cache/stats").field("circuit_open")).as(instance.name()).isEqualTo("true")));
			load().retire(instanceA);
			assertThat(instanceA.http().put(path("T1") + "/status", "{\"status\":\"paid\"}").status()).isEqualTo(200);
			assertThat(instanceA.http().put(path("T2") + "/status", "{\"status\":\"cancelled\"}").status()).isEqualTo(200);
			assertThat(instanceA.http().delete(path("T3")).status()).isEqualTo(204);
			this.expected.put(orderNo("T1"), 1L);
			this.expected.put(orderNo("T2"), 1L);
			this.expected.put(orderNo("T3"), null);
			this.expected.put(orderNo("T4"), 0L);
			assertThat(instanceA.http().get("/cache/stats").json().get("pending_evictions").asLong())
				.as("A's evictions that could not reach Redis")
				.isGreaterThanOrEqualTo(3);
			if (this.store.equals("jdbc")) {
				assertThat(rowsOfPeriodOfA()).as("A's evictions in the table").isGreaterThanOrEqualTo(3);
			}
			assertThat(instanceA.kill()).as("A's exit code: killed by SIGKILL").isEqualTo(137);
			load().phase("Redis down, A killed");
			load().awaitCalls(100);
		}

		/**
		 * Restarts Redis from its file. The survivors are frozen meanwhile, so that what Redis came
		 * back with is seen before anyone could correct it.
		 * @return when Redis answered, in {@link System#nanoTime()}
		 */
		long restartRedis() {
			List<SampleAppProcess> survivors = survivors();
			survivors.forEach(SampleAppProcess::freeze);
			long restarted;
			try {
				this.redis.restart();
				restarted = System.nanoTime();
				assertThat(redisVersion(PERIOD, orderNo("T1"))).as("Redis came back with the old copy").isEqualTo(0L);
				// Usually there too; seen absent once on a loaded CI machine (not investigated yet): the checks
				// that follow hold either way.
				assertThat(redisVersion(PERIOD, orderNo("T3"))).as("Redis came back with the deleted order, or without it")
					.isIn(0L, null);
				assertThat(redisField(PERIOD, "!c")).as("Redis came back with the period complete").isEqualTo("1");
			}
			finally {
				survivors.forEach(SampleAppProcess::thaw);
			}
			load().phase("Redis back");
			return restarted;
		}

		void awaitEveryCircuitClosed() {
			await("every survivor's circuit closed").atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> survivors().forEach((instance) -> assertThat(
						instance.http().get("/cache/stats").field("circuit_open")).as(instance.name()).isEqualTo("false")));
		}

		List<SampleAppProcess> survivors() {
			return this.instances.stream().filter(SampleAppProcess::isAlive).toList();
		}

		/** Reads A's orders and their period through an instance; returns what was older than the database. */
		List<String> readPeriodOfA(SampleAppProcess instance) {
			List<String> stale = new ArrayList<>();
			this.expected.forEach((orderNo, version) -> {
				Response response = instance.http().get("/orders/" + PERIOD + "/" + orderNo);
				String served = (response.status() == 200) ? "version " + response.field("version")
						: String.valueOf(response.status());
				String wanted = (version != null) ? "version " + version : "404";
				if (!served.equals(wanted)) {
					stale.add(instance.name() + " GET " + orderNo + ": " + served + ", database " + wanted);
				}
			});
			Map<String, Long> period = new TreeMap<>();
			instance.http()
				.get("/orders/" + PERIOD)
				.json()
				.valueStream()
				.forEach((order) -> period.put(order.get("order_no").asString(), order.get("version").asLong()));
			Map<String, Long> wanted = new TreeMap<>();
			this.expected.forEach((orderNo, version) -> {
				if (version != null) {
					wanted.put(orderNo, version);
				}
			});
			if (!period.equals(wanted)) {
				stale.add(instance.name() + " GET /orders/" + PERIOD + ": " + period + ", database " + wanted);
			}
			return stale;
		}

		/** Waits until nothing is pending anywhere: the table empty, every survivor's memory too. */
		void awaitQuiescence() {
			await("no pending eviction left").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
				assertThat(rowsOfPrefix()).as("rows of the key prefix in the table").isZero();
				for (SampleAppProcess instance : survivors()) {
					JsonNode statistics = instance.http().get("/cache/stats").json();
					assertThat(statistics.get("pending_evictions").asLong()).as(instance.name()).isZero();
					assertThat(statistics.get("circuit_open").asBoolean()).as(instance.name()).isFalse();
				}
			});
		}

		/**
		 * Every order of the database through every survivor, one by one and by period; every deleted
		 * order through every survivor; every order field of the key prefix in Redis.
		 */
		void assertEveryOrderThroughEverySurvivorAndInRedisIsTheDatabases() {
			Map<String, Map<String, Long>> database = new TreeMap<>();
			this.database.query(this.schema, "SELECT period_number, order_no, version FROM orders",
					(row) -> database.computeIfAbsent(row.getString(1), (period) -> new TreeMap<>())
						.put(row.getString(2), row.getLong(3)));
			Set<String> deleted = new HashSet<>(load().deleted());
			deleted.add(PERIOD + "/" + orderNo("T3"));
			List<String> wrong = new ArrayList<>();
			int reads = 0;
			for (SampleAppProcess instance : survivors()) {
				for (Map.Entry<String, Map<String, Long>> period : database.entrySet()) {
					for (Map.Entry<String, Long> order : period.getValue().entrySet()) {
						Response response = instance.http().get("/orders/" + period.getKey() + "/" + order.getKey());
						reads++;
						if (response.status() != 200 || !String.valueOf(order.getValue()).equals(response.field("version"))) {
							wrong.add(instance.name() + " " + period.getKey() + "/" + order.getKey() + ": "
									+ response.status() + " " + response.field("version") + ", database " + order.getValue());
						}
					}
					Map<String, Long> served = new TreeMap<>();
					instance.http()
						.get("/orders/" + period.getKey())
						.json()
						.valueStream()
						.forEach((order) -> served.put(order.get("order_no").asString(), order.get("version").asLong()));
					reads++;
					if (!served.equals(period.getValue())) {
						wrong.add(instance.name() + " period " + period.getKey() + ": " + served + ", database "
								+ period.getValue());
					}
				}
				for (String order : deleted) {
					Response response = instance.http().get("/orders/" + order);
					reads++;
					if (response.status() != 404) {
						wrong.add(instance.name() + " deleted " + order + ": " + response.status());
					}
				}
			}
			int fields = 0;
			try (StatefulRedisConnection<String, String> connection = requireNonNull(redisClient).connect()) {
				RedisCommands<String, String> commands = connection.sync();
				for (String key : keys(commands)) {
					String period = key.substring(this.prefix.length());
					for (Map.Entry<String, String> field : commands.hgetall(key).entrySet()) {
						if (field.getKey().startsWith("!")) {
							continue;
						}
						fields++;
						Long committed = database.getOrDefault(period, Map.of()).get(field.getKey());
						Long cached = version(field.getValue());
						if (committed == null || !committed.equals(cached)) {
							wrong.add("Redis " + key + " " + field.getKey() + ": version " + cached + ", database "
									+ committed);
						}
					}
				}
			}
			int orders = database.values().stream().mapToInt(Map::size).sum();
			System.out.printf("FleetTests: %d orders and %d deleted ones read through %d survivors (%d reads),"
					+ " %d orders in Redis%n", orders, deleted.size(), survivors().size(), reads, fields);
			assertThat(fields).as("orders cached in Redis").isPositive();
			assertThat(wrong).as("orders that differ from the database").isEmpty();
		}

		OrderLoad load() {
			return requireNonNull(this.load);
		}

		String statistics() {
			return survivors().stream()
				.map((instance) -> instance.name() + " " + instance.http().get("/cache/stats").body())
				.toList()
				.toString();
		}

		String orderNo(String name) {
			return requireNonNull(this.orders.get(name));
		}

		String path(String name) {
			return "/orders/" + PERIOD + "/" + orderNo(name);
		}

		long rowsOfPeriodOfA() {
			return count("period_key = '" + this.prefix + PERIOD + "'");
		}

		long rowsOfPrefix() {
			return count("period_key LIKE '" + this.prefix.replace("_", "!_") + "%' ESCAPE '!'");
		}

		private long count(String condition) {
			long[] count = new long[1];
			this.database.query(this.schema, "SELECT COUNT(*) FROM ordercache_pending_eviction WHERE " + condition,
					(row) -> count[0] = row.getLong(1));
			return count[0];
		}

		@Nullable Long redisVersion(String period, String orderNo) {
			String json = redisField(period, orderNo);
			return (json != null) ? version(json) : null;
		}

		private @Nullable String redisField(String period, String field) {
			try (StatefulRedisConnection<String, String> connection = requireNonNull(redisClient).connect()) {
				return connection.sync().hget(this.prefix + period, field);
			}
		}

		private List<String> keys(RedisCommands<String, String> commands) {
			List<String> keys = new ArrayList<>();
			ScanCursor cursor = ScanCursor.INITIAL;
			do {
				KeyScanCursor<String> page = commands.scan(cursor, ScanArgs.Builder.matches(this.prefix + "*").limit(500));
				keys.addAll(page.getKeys());
				cursor = page;
			}
			while (!cursor.isFinished());
			return keys;
		}

		private static @Nullable Long version(String json) {
			Matcher version = VERSION.matcher(json);
			return version.find() ? Long.parseLong(version.group(1)) : null;
		}

		@Override
		public void close() {
			try {
				if (this.load != null) {
					this.load.close();
				}
			}
			finally {
				this.instances.forEach(SampleAppProcess::close);
				if (!this.redis.isRunning()) {
					this.redis.restart();
				}
				this.database.dropSchema(this.schema);
			}
		}

		private static <T> T requireNonNull(@Nullable T value) {
			return Objects.requireNonNull(value);
		}

	}

}
