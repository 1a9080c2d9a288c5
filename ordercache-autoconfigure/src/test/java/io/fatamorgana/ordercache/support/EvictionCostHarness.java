package io.fatamorgana.ordercache.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.IntConsumer;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.test.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.io.ClassPathResource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures what one eviction costs Redis when its period already holds many live tombstones: 50,000
 * distinct orders of one period are evicted through {@link OrderCacheService#deleteOrder}, and the
 * first and the last 1,000 evictions are timed, on the Redis side ({@code INFO commandstats} after
 * {@code CONFIG RESETSTAT}) and on the client side (p50, p99). The same is done with the
 * {@code evict.lua} of commit {@code 2c99c41} (every tombstone in one JSON field {@code !t}, decoded
 * and re-encoded by each eviction), run with EVALSHA on a raw Lettuce connection, for the figure
 * before issue 14. The tombstone TTL is 10 minutes, so every tombstone stays live.
 * <p>
 * The old script costs about 100 ms per call with 49,000 tombstones, so 50,000 real evictions
 * through it take about 45 minutes. By default its first 1,000 evictions run, then one script
 * writes the {@code !t} field and {@code !s} that evictions 1,000 to 48,999 would have left (the
 * same JSON, written by the same {@code cjson.encode}), and its last 1,000 evictions run; with
 * {@code -DevictionCost.oldInFull=true} all 50,000 run through the old script.
 * <p>
 * Starts a redis-server of its own and asserts nothing about timing: it prints a table. Not part of
 * the build's tests (its name does not end in Tests); run it with {@code ./mvnw -B -q -pl
 * ordercache-autoconfigure -am test -Dtest=EvictionCostHarness -Dsurefire.failIfNoSpecifiedTests=false}
 * (about 3 minutes on 2 cores) and read the table in {@code ordercache-autoconfigure/target/surefire-reports/
 * io.fatamorgana.ordercache.support.EvictionCostHarness-output.txt}.
 */
@SpringBootTest(classes = IntegrationTestApplication.class,
		properties = { "ordercache.consistency.tombstone-ttl=10m", "ordercache.resilience.command-timeout=2s",
				"spring.autoconfigure.exclude="
				+ "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
class EvictionCostHarness {

	static final RedisProcess REDIS = RedisProcess.start();

	static final String PREFIX = "evictcost_";

	static final int EVICTIONS = 50_000;

	static final int BLOCK = 1_000;

	static final int CACHED = 10;

	static final int WARM_UP = 3_000;

	static final Duration TOMBSTONE_TTL = Duration.ofMinutes(10);

	static final String PERIOD = "20241201_001";

	static final String OLD_PERIOD = "20241201_002";

	static final String WARM_UP_PERIOD = "20241201_000";

	/**
	 * Writes the tombstones that evictions {@code ARGV[1]} to {@code ARGV[2] - 1} would have added
	 * through the old script (order {@code ARGV[3]} + six digits, each at the next sequence, expiring
	 * one tombstone TTL {@code ARGV[4]} from now) into its JSON field {@code !t}, and moves {@code !s}
	 * on as they would have.
	 */
	static final String FILL_OLD_TOMBSTONES = """
			local key = KEYS[1]
			local tombstones = cjson.decode(redis.call('HGET', key, '!t'))
			local sequence = tonumber(redis.call('HGET', key, '!s'))
			local time = redis.call('TIME')
			local expiry = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) + tonumber(ARGV[4])
			for i = tonumber(ARGV[1]), tonumber(ARGV[2]) - 1 do
			  redis.call('HDEL', key, string.format('%s%06d', ARGV[3], i))
			  sequence = sequence + 1
			  tombstones[string.format('%s%06d', ARGV[3], i)] = {sequence, expiry}
			end
			redis.call('HSET', key, '!t', cjson.encode(tombstones))
			redis.call('HSET', key, '!s', sequence)
			return sequence
			""";

	/** Counts the tombstones of the old JSON field {@code !t} that are still live. */
	static final String COUNT_OLD_TOMBSTONES = """
			local time = redis.call('TIME')
			local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
			local n = 0
			for _, tombstone in pairs(cjson.decode(redis.call('HGET', KEYS[1], '!t'))) do
			  if tombstone[2] > now then
			    n = n + 1
			  end
			end
			return n
			""";

	static final RedisClient CLIENT = RedisClient.create(REDIS.url());

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", REDIS::url);
		registry.add("ordercache.key-prefix", () -> PREFIX);
	}

	@AfterAll
	static void stopRedis() {
		CLIENT.shutdown();
		REDIS.close();
	}

	@Autowired
	OrderCacheService service;

	@Test
	void measure() {
		try (StatefulRedisConnection<String, String> connection = CLIENT.connect()) {
			RedisCommands<String, String> redis = connection.sync();
			// JIT and the script cache warmed up (EVALSHA from the first measured call), in a period of its own
			for (int i = 0; i < WARM_UP; i++) {
				this.service.deleteOrder(WARM_UP_PERIOD, orderNo(i));
			}
			Block[] after = after(redis);
			Block[] before = before(redis);
			System.out.println(report(redis, before, after));
		}
	}

	private Block[] after(RedisCommands<String, String> redis) {
		cacheFirstOrders(PERIOD);
		IntConsumer evict = (i) -> this.service.deleteOrder(PERIOD, orderNo(i));
		Block first = block(redis, "after (one field per tombstone)", 0, BLOCK, evict);
		run(BLOCK, EVICTIONS - BLOCK, evict);
		Block last = block(redis, "after (one field per tombstone)", EVICTIONS - BLOCK, EVICTIONS, evict);
		String key = PREFIX + PERIOD;
		assertThat(redis.hget(key, "!k")).isEqualTo(String.valueOf(EVICTIONS));
		assertThat(redis.pttl(key)).isGreaterThan(TOMBSTONE_TTL.toMillis() / 2);
		return new Block[] { first, last };
	}

	private Block[] before(RedisCommands<String, String> redis) {
		cacheFirstOrders(OLD_PERIOD);
		String key = PREFIX + OLD_PERIOD;
		String sha = redis.scriptLoad(oldEvictScript());
		String ttl = String.valueOf(TOMBSTONE_TTL.toMillis());
		IntConsumer evict = (i) -> redis.evalsha(sha, ScriptOutputType.INTEGER, new String[] { key }, orderNo(i),
				ttl);
		Block first = block(redis, "before (JSON field `!t`, 2c99c41)", 0, BLOCK, evict);
		if (Boolean.getBoolean("evictionCost.oldInFull")) {
			run(BLOCK, EVICTIONS - BLOCK, evict);
		}
		else {
			redis.eval(FILL_OLD_TOMBSTONES, ScriptOutputType.INTEGER, new String[] { key }, String.valueOf(BLOCK),
					String.valueOf(EVICTIONS - BLOCK), "ORDER_", ttl);
		}
		Block last = block(redis, "before (JSON field `!t`, 2c99c41)", EVICTIONS - BLOCK, EVICTIONS, evict);
		Long live = redis.eval(COUNT_OLD_TOMBSTONES, ScriptOutputType.INTEGER, key);
		assertThat(live).isEqualTo(EVICTIONS);
		return new Block[] { first, last };
	}

	private void cacheFirstOrders(String period) {
		for (int i = 0; i < CACHED; i++) {
			this.service.cacheOrder(TestOrder.of(period, orderNo(i)));
		}
	}

	private static Block block(RedisCommands<String, String> redis, String implementation, int from, int to,
			IntConsumer evict) {
		redis.configResetstat();
		long[] nanos = run(from, to, evict);
		String stats = redis.info("commandstats");
		long calls = stat(stats, "evalsha", "calls") + stat(stats, "eval", "calls");
		long usec = stat(stats, "evalsha", "usec") + stat(stats, "eval", "usec");
		assertThat(calls).as("script calls in the block").isEqualTo(to - from);
		Arrays.sort(nanos);
		return new Block(implementation, from, to, (double) usec / calls, nanos[nanos.length / 2],
				nanos[(int) (nanos.length * 0.99)]);
	}

	private static long[] run(int from, int to, IntConsumer evict) {
		long[] nanos = new long[to - from];
		for (int i = from; i < to; i++) {
			long start = System.nanoTime();
			evict.accept(i);
			nanos[i - from] = System.nanoTime() - start;
		}
		return nanos;
	}

	/**
	 * One figure of a {@code cmdstat_<command>} line, such as
	 * {@code cmdstat_evalsha:calls=1000,usec=52345,usec_per_call=52.35,...}; 0 for a command that
	 * did not run.
	 */
	private static long stat(String stats, String command, String figure) {
		for (String line : stats.split("\r?\n")) {
			if (line.startsWith("cmdstat_" + command + ":")) {
				for (String pair : line.substring(line.indexOf(':') + 1).split(",")) {
					if (pair.startsWith(figure + "=")) {
						return Long.parseLong(pair.substring(figure.length() + 1));
					}
				}
			}
		}
		return 0;
	}

	private static String report(RedisCommands<String, String> redis, Block[] before, Block[] after) {
		StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
				"%nEviction cost, %,d evictions of one period, tombstone TTL %s; %d cores, JDK %s, Redis %s%s%n%n",
				EVICTIONS, TOMBSTONE_TTL, Runtime.getRuntime().availableProcessors(),
				System.getProperty("java.version"), redisVersion(redis),
				Boolean.getBoolean("evictionCost.oldInFull") ? ""
						: " (old script: evictions 1,000-48,999 written by one script)"));
		report.append("| implementation | evictions | live tombstones before | Redis µs per call | client p50 | client p99 |\n");
		report.append("|---|---|---:|---:|---:|---:|\n");
		for (Block block : new Block[] { before[0], before[1], after[0], after[1] }) {
			report.append(String.format(Locale.ROOT, "| %s | %s | %,d | %.1f | %s | %s |%n", block.implementation(),
					(block.from() == 0) ? "first 1,000" : "last 1,000", block.from(), block.redisMicros(),
					format(block.p50()), format(block.p99())));
		}
		report.append(String.format(Locale.ROOT, "%nlast / first, Redis µs per call: before %.1f×, after %.2f×%n",
				before[1].redisMicros() / before[0].redisMicros(), after[1].redisMicros() / after[0].redisMicros()));
		report.append(String.format(Locale.ROOT, "before / after, last 1,000, Redis µs per call: %.0f×%n",
				before[1].redisMicros() / after[1].redisMicros()));
		return report.toString();
	}

	private static String redisVersion(RedisCommands<String, String> redis) {
		for (String line : redis.info("server").split("\r?\n")) {
			if (line.startsWith("redis_version:")) {
				return line.substring("redis_version:".length()).trim();
			}
		}
		return "?";
	}

	private static String oldEvictScript() {
		try {
			return new ClassPathResource("evict-2c99c41.lua", EvictionCostHarness.class)
				.getContentAsString(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String orderNo(int i) {
		return String.format(Locale.ROOT, "ORDER_%06d", i);
	}

	private static String format(long nanos) {
		return (nanos >= 1_000_000) ? String.format(Locale.ROOT, "%.1f ms", nanos / 1e6)
				: String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
	}

	/** The figures of one block of evictions. */
	record Block(String implementation, int from, int to, double redisMicros, long p50, long p99) {
	}

}
