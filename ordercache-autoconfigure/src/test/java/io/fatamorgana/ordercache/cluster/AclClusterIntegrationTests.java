package io.fatamorgana.ordercache.cluster;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.aop.JdbcOrders;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same as {@link AclIntegrationTests} on a Redis Cluster: the cache user, defined on every
 * node, needs the standalone rule plus what Lettuce reads the cluster topology with, and nothing is
 * denied on any node ({@code ACL LOG}).
 */
@SpringBootTest(classes = IntegrationTestApplication.class, properties = "ordercache.batch-chunk-size=100")
@Import(JdbcOrders.class)
@DirtiesContext
class AclClusterIntegrationTests extends ClusterTestSupport {

	static final String PREFIX = AclIntegrationTests.PREFIX;

	/** The commands the cache user needs on a cluster, as documented in {@code docs/scale-out.md}. */
	static final List<String> COMMANDS = Stream
		.concat(Stream.of("cluster|nodes", "cluster|myid", "info", "client|setname"),
				AclIntegrationTests.COMMANDS.stream())
		.toList();

	static List<String> allowed = COMMANDS;

	static RedisClusterClient adminClient;

	static RedisAdvancedClusterCommands<String, String> admin;

	@BeforeAll
	static void createACacheUser() {
		adminClient = RedisClusterClient
			.create(cluster.nodes().stream().map((node) -> RedisURI.create("redis://" + node)).toList());
		admin = adminClient.connect().sync();
		for (String node : cluster.nodes()) {
			RedisCommands<String, String> commands = cluster.commands(node);
			allowed = AclIntegrationTests.createCacheUser(commands, COMMANDS);
			commands.aclLogReset();
			commands.configResetstat();
		}
	}

	@AfterAll
	static void disconnect() {
		if (adminClient != null) {
			adminClient.shutdown();
		}
	}

	@DynamicPropertySource
	static void cacheUser(DynamicPropertyRegistry registry) {
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
		AclIntegrationTests.exerciseEveryOperation(this.service, this.orders,
				this.healthIndicators.get("orderCacheHealthIndicator"), PREFIX, admin);
		for (String node : cluster.nodes()) {
			assertThat(cluster.commands(node).aclLog()).as("commands or keys denied to the cache user on " + node)
				.isEmpty();
		}
		Map<String, Long> used = commandStats();
		assertThat(allowed).as("allowed commands the cache used (commandstats %s)", used)
			.allMatch((command) -> used.getOrDefault(command, 0L) > 0 || used.getOrDefault(command.split("\\|")[0], 0L) > 0);
		assertThat(admin.hexists(PREFIX + "20241201_003", "X")).isFalse();
	}

	private static Map<String, Long> commandStats() {
		Map<String, Long> calls = new TreeMap<>();
		for (String node : cluster.nodes()) {
			AclIntegrationTests.addCommandStats(cluster.commands(node).info("commandstats"), calls);
		}
		return calls;
	}

}
