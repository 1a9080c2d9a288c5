package io.fatamorgana.ordercache.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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
import io.lettuce.core.KillArgs;
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
 * The near cache in a fleet of separate JVMs (issue 16): {@value #SIZE} instances of the sample app
 * with {@code ordercache.near-cache.enabled=true} share one database and one Redis that keeps its
 * data in an append-only file, under the clients of {@link OrderLoad}, which check every answer
 * about their own orders through every instance. Faults: the instances' subscriptions killed
 * ({@code CLIENT KILL TYPE pubsub}) several times, then Redis killed and restarted from its file,
 * then more subscriptions killed.
 * <p>
 * A read that began after a change was acknowledged and still shows the state before it is allowed
 * only if another instance made the change, the instance read had not served the acknowledged state
 * to that client before, and it began less than {@link #BOUND} (the heartbeat timeout plus a margin)
 * after the acknowledgement; the count and the largest staleness (by the phase the read began in:
 * steady, a fault, the recovery from it) are printed with the measured delivery delay (each
 * instance's largest heartbeat round trip). Each client reads an order back right after its change
 * was acknowledged, through the instance that made it and through another. Once nothing is
 * pending, every order through every instance (twice: the second read is answered by the near
 * cache), every period, every deleted order, and every order in Redis equals the database: a read
 * that began the bound or more after the load stopped may not differ.
 * <p>
 * On PostgreSQL (127.0.0.1:5432), else MariaDB (127.0.0.1:3306); {@code -Dfleet.database=mariadb}
 * chooses MariaDB. The instances' logs are in {@code target/near-cache-fleet-tests/}.
 */
class NearCacheFleetTests {

	private static final int SIZE = 3;

	private static final List<String> LOAD_PERIODS = List.of("20250501_near1", "20250501_near2");

	private static final Duration STARTUP = Duration.ofSeconds(120);

	private static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(200);

	private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(1);

	/**
	 * How long after another instance's change was acknowledged a read may still show the state
	 * before it: the heartbeat timeout (a channel silent without a word is trusted that long) plus a
	 * margin for a busy 2-core machine running three JVMs.
	 */
	private static final Duration BOUND = HEARTBEAT_TIMEOUT.plusSeconds(1);

	/** Subscriptions killed before Redis is killed. */
	private static final int KILLS_BEFORE = 4;

	/** Subscriptions killed after Redis is back. */
	private static final int KILLS_AFTER = 2;

	private static final int CALLS_BETWEEN_FAULTS = 150;

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
	void noInstanceServesAnOrderOlderThanAnAcknowledgedChangeBeyondTheDeliveryBoundUnderFaults() {
		try (Fleet fleet = new Fleet()) {
			fleet.start();
			OrderLoad load = fleet.load();
			load.tolerateOtherInstancesChangesFor(BOUND);
			load.strictForInstancesThatServedTheChange();
			load.readBackAfterChanges();
			load.phase("steady");
			load.awaitCalls(2L * CALLS_BETWEEN_FAULTS);
			for (int i = 1; i <= KILLS_BEFORE; i++) {
				fleet.killSubscriptions("subscriptions killed (" + i + ")");
				load.awaitCalls(CALLS_BETWEEN_FAULTS);
			}
			fleet.killAndRestartRedis();
			load.awaitCalls(2L * CALLS_BETWEEN_FAULTS);
			for (int i = 1; i <= KILLS_AFTER; i++) {
				fleet.killSubscriptions("subscriptions killed after Redis came back (" + i + ")");
				load.awaitCalls(CALLS_BETWEEN_FAULTS);
			}
			load.phase("steady, at the end");
			load.awaitCalls(CALLS_BETWEEN_FAULTS);
			load.close();
			long stopped = System.nanoTime();

			fleet.awaitQuiescence();
			int reads = fleet.everyOrderThroughEveryInstanceAndInRedisIsTheDatabases(stopped);
			System.out.printf(Locale.ROOT, "NearCacheFleetTests (%s, %d instances, heartbeat %d ms / %d ms):"
					+ " %d client calls, %d answers checked; stale reads: %d within %d ms of another instance's change"
					+ " (largest staleness %d ms; by the phase the read began in: %s) %s, %d otherwise %s;"
					+ " measured delivery delay (largest heartbeat round trip, ordercache.near.lag max): %s;"
					+ " faults: %s; at the end %d reads through every instance and Redis equal the database;"
					+ " instances: %s%n", database, SIZE, HEARTBEAT_INTERVAL.toMillis(), HEARTBEAT_TIMEOUT.toMillis(),
					load.calls(), load.readsChecked(), load.boundedStaleReads().size(), BOUND.toMillis(),
					load.maxBoundedStaleness().toMillis(), millis(load.maxBoundedStalenessByPhase()),
					load.boundedStaleReads(), load.staleReads().size(), load.staleReads(), fleet.lags(), fleet.faults,
					reads, fleet.nearCaches());
			assertThat(load.staleReads()).as("reads older than an acknowledged change, other than another instance's"
					+ " change within %d ms", BOUND.toMillis()).isEmpty();
			assertThat(load.maxBoundedStaleness()).as("the largest staleness of a read of another instance's change")
				.isLessThanOrEqualTo(BOUND);
			assertThat(load.failedCalls()).as("failed client calls").isEmpty();
			fleet.assertTheNearCachesWereUsedAndEmptiedByTheFaults();
		}
	}

	private static Map<String, Long> millis(Map<String, Duration> durations) {
		Map<String, Long> millis = new LinkedHashMap<>();
		durations.forEach((name, duration) -> millis.put(name, duration.toMillis()));
		return millis;
	}

	private static @Nullable TestDatabase chooseDatabase() {
		String chosen = System.getProperty("fleet.database", "");
		if (!chosen.equals("mariadb") && TestDatabase.POSTGRESQL.answers()) {
			return TestDatabase.POSTGRESQL;
		}
		return TestDatabase.MARIADB.answers() ? TestDatabase.MARIADB : null;
	}

	/** One run: the instances, their schema and key prefix, the clients, and the faults made. */
	private static final class Fleet implements AutoCloseable {

		private final TestDatabase database = requireNonNull(NearCacheFleetTests.database);

		private final RedisProcess redis = requireNonNull(NearCacheFleetTests.redis);

		private final String schema;

		private final String prefix = "nearfleet_"
				+ Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff)) + "_";

		private final List<SampleAppProcess> instances = new ArrayList<>();

		private final List<String> faults = new ArrayList<>();

		private @Nullable OrderLoad load;

		Fleet() {
			this.schema = this.database.newSchema(NearCacheFleetTests.class);
		}

		void start() {
			this.database.createSchema(this.schema);
			Path logs = Path.of("target", "near-cache-fleet-tests");
			Map<String, String> properties = new LinkedHashMap<>(this.database.properties(this.schema));
			properties.put("spring.profiles.active", this.database.profile());
			properties.put("spring.data.redis.url", this.redis.url());
			properties.put("sample.embedded-redis.mode", "never");
			properties.put("ordercache.key-prefix", this.prefix);
			properties.put("ordercache.near-cache.enabled", "true");
			properties.put("ordercache.near-cache.heartbeat-interval", HEARTBEAT_INTERVAL.toMillis() + "ms");
			properties.put("ordercache.near-cache.heartbeat-timeout", HEARTBEAT_TIMEOUT.toMillis() + "ms");
			// Redis comes back during the run: probe it and read the fleet's pending evictions often
			// (the defaults are 1 s each), so that the window in which an instance that reaches Redis
			// serves an order another, not yet reconnected, instance changed stays well within the bound.
			properties.put("ordercache.resilience.open-duration", "300ms");
			properties.put("ordercache.resilience.maintenance-interval", "100ms");
			properties.put("ordercache.pending-evictions.jdbc.poll-interval", "200ms");
			// As in FleetTests: each call returns after its pending eviction's row is written.
			properties.put("ordercache.pending-evictions.jdbc.write-wait", "10s");
			for (int i = 0; i < SIZE; i++) {
				this.instances.add(SampleAppProcess.start(String.valueOf((char) ('a' + i)), logs, properties));
			}
			this.instances.forEach((instance) -> instance.awaitReady(STARTUP));
			awaitEveryNearCacheTrusted("every near cache trusted at startup");
			this.load = new OrderLoad(3, this.instances, LOAD_PERIODS);
		}

		/**
		 * {@code CLIENT KILL TYPE pubsub}: every instance's subscription; then until every instance
		 * subscribed again (a new connection) and trusts its channel (a heartbeat came through it).
		 */
		void killSubscriptions(String phase) {
			try (StatefulRedisConnection<String, String> connection = requireNonNull(redisClient).connect()) {
				RedisCommands<String, String> commands = connection.sync();
				List<Long> before = subscribers(commands);
				assertThat(before).as("the instances' subscriptions").hasSize(SIZE);
				long highest = before.stream().mapToLong(Long::longValue).max().orElseThrow();
				load().phase(phase);
				long killed = System.nanoTime();
				Long count = commands.clientKill(KillArgs.Builder.typePubsub());
				assertThat(count).as("subscriptions killed").isEqualTo(SIZE);
				await("every instance subscribed again").atMost(Duration.ofSeconds(30))
					.pollInterval(Duration.ofMillis(20))
					.until(() -> subscribers(commands).stream().filter((id) -> id > highest).count() == SIZE);
				long subscribed = System.nanoTime();
				awaitEveryNearCacheTrusted("every near cache trusted again");
				load().phase("steady after " + phase);
				this.faults.add(String.format(Locale.ROOT, "%s: %d killed, subscribed again after %d ms, trusted after %d ms",
						phase, count, (subscribed - killed) / 1_000_000, (System.nanoTime() - killed) / 1_000_000));
			}
		}

		/**
		 * Kills Redis; until every circuit is open and the clients made more calls; restarts it from its
		 * file; until every circuit is closed and every near cache trusts its channel again.
		 */
		void killAndRestartRedis() {
			this.redis.kill();
			long killed = System.nanoTime();
			load().phase("Redis down");
			await("every circuit open").atMost(Duration.ofSeconds(30)).untilAsserted(() -> this.instances
				.forEach((instance) -> assertThat(instance.http().get("/cache/stats").field("circuit_open"))
					.as(instance.name()).isEqualTo("true")));
			load().awaitCalls(CALLS_BETWEEN_FAULTS);
			this.redis.restart();
			long restarted = System.nanoTime();
			load().phase("Redis back");
			await("every circuit closed").atMost(Duration.ofSeconds(60)).untilAsserted(() -> this.instances
				.forEach((instance) -> assertThat(instance.http().get("/cache/stats").field("circuit_open"))
					.as(instance.name()).isEqualTo("false")));
			awaitEveryNearCacheTrusted("every near cache trusted after Redis came back");
			this.faults.add(String.format(Locale.ROOT, "Redis killed, down %d ms, restarted; every near cache trusted"
					+ " %d ms after the restart", (restarted - killed) / 1_000_000,
					(System.nanoTime() - restarted) / 1_000_000));
			load().phase("steady after Redis came back");
		}

		private void awaitEveryNearCacheTrusted(String what) {
			await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
				for (SampleAppProcess instance : this.instances) {
					JsonNode near = nearCache(instance);
					assertThat(near.get("subscribed").asBoolean()).as(instance.name() + " subscribed").isTrue();
					assertThat(near.get("trusted").asBoolean()).as(instance.name() + " trusted").isTrue();
				}
			});
		}

		/** The near cache's state from {@code /actuator/ordercache}. */
		private static JsonNode nearCache(SampleAppProcess instance) {
			Response response = instance.http().get("/actuator/ordercache");
			assertThat(response.status()).as(instance.name() + " /actuator/ordercache").isEqualTo(200);
			JsonNode near = response.json().get("near_cache");
			assertThat(near).as(instance.name() + " near cache state in " + response.body()).isNotNull();
			assertThat(near.isNull()).as(instance.name() + " near cache on").isFalse();
			return near;
		}

		/** Each instance's largest heartbeat round trip through the channel, from its meter. */
		String lags() {
			return this.instances.stream().map((instance) -> {
				Response response = instance.http().get("/actuator/metrics/ordercache.near.lag");
				if (response.status() != 200) {
					return instance.name() + " no meter (" + response.status() + ")";
				}
				Map<String, Double> statistics = new TreeMap<>();
				response.json().get("measurements").valueStream()
					.forEach((measurement) -> statistics.put(measurement.get("statistic").asString(),
							measurement.get("value").asDouble()));
				return String.format(Locale.ROOT, "%s max %.1f ms over %.0f heartbeats", instance.name(),
						statistics.getOrDefault("MAX", -1.0) * 1000, statistics.getOrDefault("COUNT", -1.0));
			}).toList().toString();
		}

		String nearCaches() {
			return this.instances.stream()
				.map((instance) -> instance.name() + " " + nearCache(instance).get("statistics") + " cache "
						+ instance.http().get("/cache/stats").body())
				.toList()
				.toString();
		}

		void assertTheNearCachesWereUsedAndEmptiedByTheFaults() {
			for (SampleAppProcess instance : this.instances) {
				JsonNode statistics = nearCache(instance).get("statistics");
				assertThat(statistics.get("hits").asLong()).as(instance.name() + " near hits").isPositive();
				assertThat(statistics.get("connection_flushes").asLong())
					.as(instance.name() + " flushes for a lost subscription").isPositive();
			}
		}

		/** Until nothing is pending: no row of the key prefix in the table, no instance with one in memory. */
		void awaitQuiescence() {
			await("no pending eviction left").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
				long[] rows = new long[1];
				this.database.query(this.schema,
						"SELECT COUNT(*) FROM ordercache_pending_eviction WHERE period_key LIKE '"
								+ this.prefix.replace("_", "!_") + "%' ESCAPE '!'",
						(row) -> rows[0] = row.getLong(1));
				assertThat(rows[0]).as("rows of the key prefix in the table").isZero();
				for (SampleAppProcess instance : this.instances) {
					JsonNode statistics = instance.http().get("/cache/stats").json();
					assertThat(statistics.get("pending_evictions").asLong()).as(instance.name()).isZero();
					assertThat(statistics.get("circuit_open").asBoolean()).as(instance.name()).isFalse();
				}
			});
		}

		/**
		 * Every order of the database through every instance, twice (the second read is answered by
		 * the near cache), and by period; every order the clients deleted answers 404 through every
		 * instance; every order field of the key prefix in Redis is the database's version. A read that
		 * began less than the bound after the load stopped (every change was acknowledged by then) may
		 * still differ, and the whole round is made again; one that began later may not.
		 * @param stopped when the load stopped, in {@link System#nanoTime()}
		 * @return the reads of the round found equal
		 */
		int everyOrderThroughEveryInstanceAndInRedisIsTheDatabases(long stopped) {
			Map<String, Map<String, Long>> rows = new TreeMap<>();
			this.database.query(this.schema, "SELECT period_number, order_no, version FROM orders",
					(row) -> rows.computeIfAbsent(row.getString(1), (period) -> new TreeMap<>())
						.put(row.getString(2), row.getLong(3)));
			assertThat(rows.keySet()).as("periods with orders").containsAll(LOAD_PERIODS);
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (true) {
				int[] reads = new int[1];
				List<String> wrong = new ArrayList<>();
				List<String> late = new ArrayList<>();
				Difference difference = (began, what) -> {
					wrong.add(what);
					if (began - stopped >= BOUND.toNanos()) {
						late.add(what + " (read " + (began - stopped) / 1_000_000 + " ms after the load stopped)");
					}
				};
				for (SampleAppProcess instance : this.instances) {
					for (Map.Entry<String, Map<String, Long>> period : rows.entrySet()) {
						for (Map.Entry<String, Long> order : period.getValue().entrySet()) {
							for (int i = 0; i < 2; i++) {
								long began = System.nanoTime();
								Response response = instance.http().get("/orders/" + period.getKey() + "/" + order.getKey());
								reads[0]++;
								if (response.status() != 200
										|| !String.valueOf(order.getValue()).equals(response.field("version"))) {
									difference.found(began, instance.name() + " " + period.getKey() + "/" + order.getKey()
											+ ": " + response.status() + " " + response.body() + ", database version "
											+ order.getValue());
								}
							}
						}
						long began = System.nanoTime();
						Map<String, Long> served = new TreeMap<>();
						instance.http()
							.get("/orders/" + period.getKey())
							.json()
							.valueStream()
							.forEach((order) -> served.put(order.get("order_no").asString(), order.get("version").asLong()));
						reads[0]++;
						if (!served.equals(period.getValue())) {
							difference.found(began, instance.name() + " period " + period.getKey() + ": " + served
									+ ", database " + period.getValue());
						}
					}
					for (String order : load().deleted()) {
						long began = System.nanoTime();
						Response response = instance.http().get("/orders/" + order);
						reads[0]++;
						if (response.status() != 404) {
							difference.found(began, instance.name() + " deleted " + order + ": " + response.status());
						}
					}
				}
				long began = System.nanoTime();
				redisDifferences(rows).forEach((what) -> difference.found(began, what));
				assertThat(late).as("what differs from the database %d ms or more after the load stopped",
						BOUND.toMillis()).isEmpty();
				if (wrong.isEmpty()) {
					return reads[0];
				}
				this.faults.add("at the end, within " + BOUND.toMillis() + " ms of the load's stop: " + wrong);
				assertThat(System.nanoTime()).as("time left to read everything again").isLessThan(deadline);
			}
		}

		/** A read that differs from the database: when it began, and what. */
		private interface Difference {

			void found(long began, String what);

		}

		private List<String> redisDifferences(Map<String, Map<String, Long>> rows) {
			List<String> wrong = new ArrayList<>();
			int fields = 0;
			try (StatefulRedisConnection<String, String> connection = requireNonNull(redisClient).connect()) {
				RedisCommands<String, String> commands = connection.sync();
				ScanCursor cursor = ScanCursor.INITIAL;
				do {
					KeyScanCursor<String> page = commands.scan(cursor,
							ScanArgs.Builder.matches(this.prefix + "*").limit(500));
					for (String key : page.getKeys()) {
						String period = key.substring(this.prefix.length());
						for (Map.Entry<String, String> field : commands.hgetall(key).entrySet()) {
							if (field.getKey().startsWith("!")) {
								continue;
							}
							fields++;
							Long committed = rows.getOrDefault(period, Map.of()).get(field.getKey());
							Matcher version = VERSION.matcher(field.getValue());
							Long cached = version.find() ? Long.parseLong(version.group(1)) : null;
							if (committed == null || !committed.equals(cached)) {
								wrong.add("Redis " + key + " " + field.getKey() + ": version " + cached + ", database "
										+ committed);
							}
						}
					}
					cursor = page;
				}
				while (!cursor.isFinished());
			}
			if (fields == 0) {
				wrong.add("no order cached in Redis");
			}
			return wrong;
		}

		/** The ids of the clients subscribed to a channel. */
		private static List<Long> subscribers(RedisCommands<String, String> commands) {
			return commands.clientList()
				.lines()
				.filter((line) -> line.contains(" sub=1 "))
				.map((line) -> Long.parseLong(line.substring(3, line.indexOf(' '))))
				.toList();
		}

		OrderLoad load() {
			return requireNonNull(this.load);
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
