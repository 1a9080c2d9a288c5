package io.fatamorgana.ordercache.benchmarks;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.fatamorgana.ordercache.redis.OrderHashStore;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.interceptor.CacheErrorHandler;
import org.springframework.cache.interceptor.LoggingCacheErrorHandler;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.serializer.JacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;

/**
 * The application every benchmark runs in: Spring Boot's auto-configuration (Redis, ordercache,
 * Micrometer), one service annotated with ordercache's annotations and one with Spring's
 * {@code @Cacheable} on a {@link RedisCacheManager} that stores the same JSON, so that both run on
 * the same connection factory in the same JVM.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableCaching
public class BenchApplication implements CachingConfigurer {

	/** Where benchmark keys start: never the application's {@code fataMorgana_}. */
	public static final String KEY_PREFIX = "ocbench_";

	/** Boot's auto-configuration of an observation per Lettuce command. */
	static final String LETTUCE_OBSERVATION = "org.springframework.boot.data.redis.autoconfigure.observation."
			+ "LettuceObservationAutoConfiguration";

	/** The cache name of the {@code @Cacheable} peer, which is its key prefix too. */
	public static final String SPRING_CACHE = "ocbench-spring";

	/**
	 * Starts the application.
	 * @param redisUrl the Redis to use
	 * @param noRedisStore whether ordercache writes to and reads from a store that does nothing
	 * (aspect overhead with Redis taken out)
	 * @param properties more properties, overriding the defaults
	 * @return the running context
	 */
	public static ConfigurableApplicationContext start(String redisUrl, boolean noRedisStore,
			Map<String, Object> properties) {
		Map<String, Object> defaults = new HashMap<>();
		defaults.put("spring.data.redis.url", redisUrl);
		defaults.put("spring.main.banner-mode", "off");
		defaults.put("logging.level.root", "WARN");
		defaults.put("ordercache.key-prefix", KEY_PREFIX);
		defaults.put("bench.no-redis-store", noRedisStore);
		// Boot's Lettuce observation times every command of the application's connection factory, so
		// ordercache's and @Cacheable's, but not the raw peers' own clients: off, so that all run on
		// clients configured alike (docs/benchmarks.md gives what it costs).
		defaults.put("spring.autoconfigure.exclude", LETTUCE_OBSERVATION);
		// Two cores run the benchmark, Redis and GC: a stall must not count as a failed call. The
		// timeouts only bound calls that do not answer; they do not change the speed of those that do.
		defaults.put("ordercache.resilience.command-timeout", "2s");
		defaults.put("ordercache.resilience.bulk-timeout", "10s");
		defaults.putAll(properties);
		return new SpringApplicationBuilder(BenchApplication.class).web(WebApplicationType.NONE)
			.properties(defaults)
			.run();
	}

	@Bean
	AnnotatedOrders annotatedOrders() {
		return new AnnotatedOrders();
	}

	@Bean
	SpringCachedOrders springCachedOrders() {
		return new SpringCachedOrders();
	}

	@Bean
	RedisCacheManager cacheManager(RedisConnectionFactory connectionFactory) {
		RedisCacheConfiguration configuration = RedisCacheConfiguration.defaultCacheConfig()
			.entryTtl(Duration.ofHours(24))
			.disableCachingNullValues()
			.serializeValuesWith(
					SerializationPair.fromSerializer(new JacksonJsonRedisSerializer<>(Orders.MAPPER, BenchOrder.class)));
		return RedisCacheManager.builder(connectionFactory).cacheDefaults(configuration).build();
	}

	@Override
	public CacheErrorHandler errorHandler() {
		// What Spring's reference documentation suggests for a cache that must not break the caller.
		return new LoggingCacheErrorHandler();
	}

	@Bean
	@ConditionalOnBooleanProperty("bench.no-redis-store")
	OrderHashStore noRedisStore() {
		return new NoRedisStore();
	}

}
