package io.fatamorgana.ordercache.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The Redis that integration tests share, found once per JVM in this order: the environment
 * variable {@value #URL_VARIABLE}; a {@code redis:7} container when a Docker engine answers; an
 * embedded {@code redis-server} process. Tests isolate themselves by key prefix and never flush.
 */
public final class TestRedis {

	/** Environment variable naming a Redis to use, for example {@code redis://127.0.0.1:6379}. */
	public static final String URL_VARIABLE = "ORDERCACHE_TEST_REDIS_URL";

	private static final Logger logger = LoggerFactory.getLogger(TestRedis.class);

	private static @Nullable String url;

	private static @Nullable RedisClient client;

	private static @Nullable StatefulRedisConnection<String, String> connection;

	private TestRedis() {
	}

	/**
	 * The URL of the shared test Redis, found on first use.
	 * @return a {@code redis://} URL
	 */
	public static synchronized String url() {
		String found = url;
		if (found == null) {
			found = find();
			url = found;
		}
		return found;
	}

	/**
	 * Synchronous raw commands on the shared test Redis, to check what a user would see with
	 * {@code redis-cli}.
	 * @return commands on a connection that stays open for the JVM's lifetime
	 */
	public static synchronized RedisCommands<String, String> commands() {
		StatefulRedisConnection<String, String> current = connection;
		if (current == null) {
			RedisClient created = RedisClient.create(url());
			client = created;
			current = created.connect();
			connection = current;
		}
		return current.sync();
	}

	/**
	 * A key prefix no other test class uses, such as {@code oc_it_servicetests_4f2a_}.
	 * @param testClass the test class that owns the prefix
	 * @return a prefix made of characters valid in an ordercache key prefix
	 */
	public static String uniquePrefix(Class<?> testClass) {
		String name = testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
		return "oc_it_" + name + "_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff))
				+ "_";
	}

	/**
	 * Removes every key starting with {@code prefix} with SCAN and UNLINK, never FLUSHALL.
	 * @param prefix a prefix from {@link #uniquePrefix(Class)}
	 * @return the number of keys removed
	 */
	public static long deleteKeys(String prefix) {
		RedisCommands<String, String> redis = commands();
		List<String> keys = keys(prefix);
		return keys.isEmpty() ? 0 : redis.unlink(keys.toArray(String[]::new));
	}

	/**
	 * Lists the keys starting with {@code prefix} with SCAN.
	 * @param prefix the key prefix
	 * @return the keys found
	 */
	public static List<String> keys(String prefix) {
		RedisCommands<String, String> redis = commands();
		List<String> keys = new ArrayList<>();
		ScanArgs args = ScanArgs.Builder.matches(prefix + "*").limit(500);
		KeyScanCursor<String> cursor = redis.scan(ScanCursor.INITIAL, args);
		keys.addAll(cursor.getKeys());
		while (!cursor.isFinished()) {
			cursor = redis.scan(cursor, args);
			keys.addAll(cursor.getKeys());
		}
		return keys;
	}

	private static String find() {
		String configured = System.getenv(URL_VARIABLE);
		if (configured != null && !configured.isBlank()) {
			logger.info("Tests use the Redis at {} (from {})", configured, URL_VARIABLE);
			return configured;
		}
		if (dockerAvailable()) {
			GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse("redis:7"))
				.withExposedPorts(6379);
			container.start();
			Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "ordercache-test-redis-container"));
			String containerUrl = "redis://" + container.getHost() + ":" + container.getMappedPort(6379);
			logger.info("Tests use a Testcontainers Redis at {}", containerUrl);
			return containerUrl;
		}
		RedisProcess embedded = RedisProcess.start();
		Runtime.getRuntime().addShutdownHook(new Thread(embedded::close, "ordercache-test-redis-process"));
		logger.info("Tests use a redis-server process at {} (no {} and no Docker)", embedded.url(), URL_VARIABLE);
		return embedded.url();
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

}
