package io.fatamorgana.ordercache.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.PeriodPage;
import io.fatamorgana.ordercache.PeriodStatistics;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.aop.JdbcOrders;
import io.fatamorgana.ordercache.test.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every service and annotation operation as a Redis ACL user allowed only {@link #COMMANDS} on the
 * cache's key prefix, configured by Spring Boot's {@code spring.data.redis.username/password}
 * alone. Nothing is denied (the {@code ACL LOG} stays empty) and every allowed command is used
 * ({@code INFO commandstats}), so the rule is both sufficient and minimal.
 */
@SpringBootTest(classes = IntegrationTestApplication.class, properties = "ordercache.batch-chunk-size=100")
@Import(JdbcOrders.class)
@DirtiesContext
class AclIntegrationTests {

	static final String PREFIX = "acl_";

	/** The commands the cache user needs, as documented in {@code docs/scale-out.md}. */
	static final List<String> COMMANDS = List.of("ping", "hget", "hmget", "hset", "hdel", "hlen", "hexists",
			"hgetall", "hkeys", "hstrlen", "hscan", "hincrby", "type", "unlink", "pexpire", "pttl", "time", "scan", "eval", "evalsha",
			"memory|usage");

	/**
	 * Sent by Lettuce's connection handshake and harmless when denied or unknown; allowed only to
	 * keep the {@code ACL LOG} clean where the server accepts the name in a rule (Redis 6.2 accepts
	 * any subcommand name; 7.x only the subcommands it has).
	 */
	static final List<String> HANDSHAKE = List.of("client|setinfo", "client|maint_notifications");

	static List<String> allowed = COMMANDS;

	static RedisProcess redis;

	static RedisClient adminClient;

	static RedisCommands<String, String> admin;

	@BeforeAll
	static void startRedisWithACacheUser() {
		try {
			redis = RedisProcess.start();
		}
		catch (RuntimeException ex) {
			Assumptions.abort("redis-server could not start, skipping: " + ex);
		}
		adminClient = RedisClient.create(redis.url());
		StatefulRedisConnection<String, String> connection = adminClient.connect();
		admin = connection.sync();
		allowed = createCacheUser(admin, COMMANDS);
		admin.aclLogReset();
		admin.configResetstat();
	}

	@AfterAll
	static void stopRedis() {
		if (adminClient != null) {
			adminClient.shutdown();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.host", () -> "127.0.0.1");
		registry.add("spring.data.redis.port", () -> redis.port());
		registry.add("spring.data.redis.username", () -> "cache");
		registry.add("spring.data.redis.password", () -> "s3cret");
		registry.add("ordercache.key-prefix", () -> PREFIX);
	}

	@Autowired
	OrderCacheService service;

	@Autowired
	JdbcOrders orders;

	@Autowired
	Map<String, HealthIndicator> healthIndicators;

	@Test
	void everyOperationWorksAsTheCacheUserWithNothingDeniedAndEveryAllowedCommandUsed() {
		exerciseEveryOperation(this.service, this.orders, this.healthIndicators.get("orderCacheHealthIndicator"),
				PREFIX, admin);
		assertThat(admin.aclLog()).as("commands or keys denied to the cache user").isEmpty();
		Map<String, Long> used = commandStats();
		assertThat(allowed).as("allowed commands the cache used (commandstats %s)", used)
			.allMatch((command) -> used.getOrDefault(command, 0L) > 0 || used.getOrDefault(command.split("\\|")[0], 0L) > 0);
		assertThat(admin.hexists(PREFIX + "20241201_003", "X")).isFalse();
	}

	/**
	 * Runs every service operation, every annotation, the repairs and the health check, as the
	 * cache user the application is configured with.
	 * @param service the cache service
	 * @param orders the annotated service
	 * @param health the cache's health indicator
	 * @param prefix the cache's key prefix
	 * @param admin an administrator's connection, to plant foreign data
	 */
	static void exerciseEveryOperation(OrderCacheService service, JdbcOrders orders, HealthIndicator health,
			String prefix, RedisClusterCommands<String, String> admin) {
		String period = "20241201_001";
		TestOrder order = TestOrder.of(period, "O1");
		service.cacheOrder(order);
		assertThat(service.getOrder(period, "O1", TestOrder.class)).isPresent();
		assertThat(service.isOrderCached(period, "O1")).isTrue();
		assertThat(service.batchCacheOrders(
				IntStream.range(0, 150).mapToObj((i) -> TestOrder.of(period, "B" + i)).toList()).cached())
			.isEqualTo(150);
		assertThat(service.getOrderCount(period)).isEqualTo(151);
		assertThat(service.getOrdersByPeriod(period, TestOrder.class)).hasSize(151);
		try (Stream<TestOrder> stream = service.streamOrdersByPeriod(period, TestOrder.class)) {
			assertThat(stream.count()).isEqualTo(151);
		}
		PeriodStatistics statistics = service.statistics(period);
		assertThat(statistics.orders()).isEqualTo(151);
		assertThat(statistics.memoryBytes()).as("MEMORY USAGE allowed").isPositive();
		assertThat(service.deleteOrder(period, "O1")).isTrue();
		service.cacheOrder(order);
		assertThat(service.isOrderCached(period, "O1")).as("refused by the tombstone").isFalse();
		assertThat(service.loadPeriod("20241201_002",
				() -> List.of(TestOrder.of("20241201_002", "L1"), TestOrder.of("20241201_002", "L2"))).cached())
			.isEqualTo(2);
		assertThat(service.getCompletePeriod("20241201_002", TestOrder.class)).get().asList().hasSize(2);
		PeriodPage page = service.cachedPeriods(null, 100);
		assertThat(page.periods()).contains(period, "20241201_002");
		assertThat(service.deletePeriodOrders("20241201_002")).isTrue();

		assertThat(service.statistics().failures()).as("cache failures").isZero();
		admin.hsetnx(prefix + period, "BROKEN", "not json");
		assertThat(service.getOrder(period, "BROKEN", TestOrder.class)).as("unreadable entry").isEmpty();
		admin.hset(prefix + period, "HUGE", "x".repeat(600_000));
		assertThat(service.getOrder(period, "HUGE", TestOrder.class)).as("entry above max-entry-size").isEmpty();
		assertThat(admin.hexists(prefix + period, "HUGE")).as("removed, size checked in Redis").isFalse();
		admin.set(prefix + "20241201_003", "a string where a hash belongs");
		assertThat(service.getOrder("20241201_003", "X", TestOrder.class)).as("foreign key type").isEmpty();

		orders.create("20241201_004", "A1");
		orders.update("20241201_004", "A1", "paid");
		assertThat(orders.find("20241201_004", "A1")).isPresent();
		assertThat(orders.findPeriod("20241201_004")).hasSize(1);
		assertThat(orders.findPeriod("20241201_004")).hasSize(1);
		orders.delete("20241201_004", "A1");
		orders.dropPeriodCache("20241201_004");
		assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
	}

	/**
	 * Adds up the calls per command from {@code INFO commandstats}.
	 * @param info the INFO text of one node
	 * @param calls where the counts are added, by lower-case command name
	 */
	static void addCommandStats(String info, Map<String, Long> calls) {
		for (String line : info.split("\r?\n")) {
			if (line.startsWith("cmdstat_")) {
				String name = line.substring("cmdstat_".length(), line.indexOf(':'));
				String count = line.substring(line.indexOf("calls=") + 6).split(",")[0];
				calls.merge(name.toLowerCase(), Long.parseLong(count), Long::sum);
			}
		}
	}

	static String rule(List<String> commands) {
		return "on >s3cret ~" + PREFIX + "* resetchannels -@all "
				+ commands.stream().map((command) -> "+" + command).collect(Collectors.joining(" "));
	}

	/**
	 * Creates the user {@code cache} with {@link #rule(List)} of the given commands, plus each of
	 * {@link #HANDSHAKE} the server accepts in a rule.
	 * @return the commands allowed
	 */
	static List<String> createCacheUser(RedisCommands<String, String> admin, List<String> commands) {
		setUser(admin, "reset " + rule(commands));
		List<String> allowed = new ArrayList<>(commands);
		for (String command : HANDSHAKE) {
			try {
				setUser(admin, "+" + command);
				allowed.add(command);
			}
			catch (RedisCommandExecutionException ex) {
				// not a command of this server version: nothing to allow
			}
		}
		return allowed;
	}

	private static void setUser(RedisCommands<String, String> admin, String rule) {
		CommandArgs<String, String> setUser = new CommandArgs<>(StringCodec.UTF8).add("SETUSER")
			.add("cache")
			.addValues(Arrays.asList(rule.split(" ")));
		assertThat(admin.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), setUser)).isEqualTo("OK");
	}

	private static Map<String, Long> commandStats() {
		Map<String, Long> calls = new TreeMap<>();
		addCommandStats(admin.info("commandstats"), calls);
		return calls;
	}

}
