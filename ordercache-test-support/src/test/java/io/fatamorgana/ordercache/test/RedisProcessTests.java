package io.fatamorgana.ordercache.test;

import java.io.IOException;
import java.time.Duration;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The Redis processes fault tests rely on, including the embedded binary a machine without
 * {@code redis-server} on its PATH falls back to.
 */
class RedisProcessTests {

	@Test
	void theEmbeddedBinaryStartsStopsAndRestartsOnTheSamePort() throws IOException {
		try (RedisProcess redis = RedisProcess.start(RedisProcess.embeddedExecutable())) {
			assertThat(info(redis)).contains("redis_version:6.2");
			int port = redis.port();
			redis.stop();
			assertThat(redis.isRunning()).isFalse();
			assertThatException().isThrownBy(() -> info(redis));
			redis.restart();
			assertThat(redis.port()).isEqualTo(port);
			assertThat(info(redis)).contains("redis_version:");
		}
	}

	@Test
	void aFrozenServerAnswersNothingUntilThawed() {
		try (RedisProcess redis = RedisProcess.start()) {
			redis.freeze();
			assertThatException().isThrownBy(() -> info(redis));
			redis.thaw();
			assertThat(info(redis)).contains("redis_version:");
			redis.kill();
			assertThat(redis.isRunning()).isFalse();
		}
	}

	@Test
	void theSharedTestRedisAnswersAndKeysArePrefixed() {
		String prefix = TestRedis.uniquePrefix(RedisProcessTests.class);
		assertThat(prefix).matches("oc_it_redisprocesstests_[0-9a-f]+_");
		TestRedis.commands().set(prefix + "k", "v");
		assertThat(TestRedis.keys(prefix)).containsExactly(prefix + "k");
		assertThat(TestRedis.deleteKeys(prefix)).isEqualTo(1);
		assertThat(TestRedis.keys(prefix)).isEmpty();
	}

	private static String info(RedisProcess redis) {
		RedisURI uri = RedisURI.create(redis.url());
		uri.setTimeout(Duration.ofMillis(500));
		try (RedisClient client = RedisClient.create(uri);
				StatefulRedisConnection<String, String> connection = client.connect()) {
			return connection.sync().info("server");
		}
	}

}
