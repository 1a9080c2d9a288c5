package io.fatamorgana.ordercache.poison;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.fatamorgana.ordercache.test.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Writes poisoned states into Redis with raw commands and compares what Redis holds, and what the
 * cache answers, with the database.
 */
final class CacheAndDatabase {

	private static final JsonMapper JSON = JsonMapper.builder()
		.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
		.build();

	private static final long POISON_TTL_MS = 3_600_000;

	private final String prefix;

	private final PoisonOrders orders;

	private final RedisCommands<String, String> redis = TestRedis.commands();

	CacheAndDatabase(String prefix, PoisonOrders orders) {
		this.prefix = prefix;
		this.orders = orders;
	}

	/** The JSON of an order as the cache stores it (snake_case), written by the test's own mapper. */
	static String json(PoisonOrder order) {
		return JSON.writeValueAsString(order);
	}

	String key(String period) {
		return this.prefix + period;
	}

	/**
	 * Sets fields of a period's hash with HSET, as another process (or an older run) would have left
	 * them, with a TTL if the key had none.
	 */
	void poison(String period, Map<String, String> fields) {
		String key = key(period);
		this.redis.hset(key, fields);
		if (this.redis.pttl(key) == -1) {
			this.redis.pexpire(key, POISON_TTL_MS);
		}
	}

	/** The orders the period's hash holds: HGETALL minus the '!' fields, each read as JSON. */
	Map<String, PoisonOrder> cached(String period) {
		Map<String, PoisonOrder> cached = new LinkedHashMap<>();
		this.redis.hgetall(key(period)).forEach((field, value) -> {
			if (!field.startsWith("!")) {
				try {
					cached.put(field, JSON.readValue(value, PoisonOrder.class));
				}
				catch (JacksonException | IllegalArgumentException ex) {
					fail("the cache holds an unreadable entry under '%s': %s", field, value);
				}
			}
		});
		return cached;
	}

	long cachedOrderFields(String period) {
		return this.redis.hkeys(key(period)).stream().filter((field) -> !field.startsWith("!")).count();
	}

	Map<String, PoisonOrder> database(String period) {
		return this.orders.rows(period)
			.stream()
			.collect(Collectors.toMap(PoisonOrder::orderNo, Function.identity(), (a, b) -> a, LinkedHashMap::new));
	}

	/** The period's hash holds exactly the database's orders of the period, each as the database has it. */
	void assertCacheEqualsDatabase(String period) {
		Map<String, PoisonOrder> database = database(period);
		assertThat(cachedOrderFields(period)).as("number of order fields in %s", key(period))
			.isEqualTo(database.size());
		assertThat(cached(period)).as("HGETALL %s minus '!' fields", key(period)).isEqualTo(database);
	}

	/** Every order the period's hash holds is the database's row (the hash may lack some). */
	void assertCacheAgreesWithDatabase(String period) {
		Map<String, PoisonOrder> database = database(period);
		Map<String, PoisonOrder> cached = cached(period);
		assertThat(database).as("the database, against every cached order of %s", key(period))
			.containsAllEntriesOf(cached);
	}

	/** The cached copy of an order, if any, is the database's row. */
	void assertCachedCopyAgreesWithDatabase(String period, String orderNo) {
		PoisonOrder cached = cached(period).get(orderNo);
		if (cached != null) {
			assertThat(cached).as("the cached copy of %s in %s", orderNo, key(period))
				.isEqualTo(this.orders.row(period, orderNo).orElse(null));
		}
	}

	/** A single-order answer is a miss or the database's row, never another order. */
	void assertMissOrDatabase(String what, Optional<PoisonOrder> answer, String period, String orderNo) {
		answer.ifPresent((order) -> assertThat(order).as("%s: a hit must be the database's row", what)
			.isEqualTo(this.orders.row(period, orderNo).orElse(null)));
	}

	/** Every order of a period answer is a row of the database. */
	void assertOnlyDatabaseRows(String what, List<PoisonOrder> answer, String period) {
		assertThat(this.orders.rows(period)).as("%s: the database, against every order served", what)
			.containsAll(answer);
	}

	/** A period served as complete is exactly the database's period. */
	void assertCompleteOnlyIfDatabase(String what, Optional<List<PoisonOrder>> answer, String period) {
		answer.ifPresent((served) -> assertThat(served).as("%s: a period served as complete", what)
			.containsExactlyInAnyOrderElementsOf(this.orders.rows(period)));
	}

}
