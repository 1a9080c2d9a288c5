package io.fatamorgana.ordercache.redis;

import java.util.LinkedHashMap;
import java.util.Map;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.aop.AnnotatedOrders;
import io.fatamorgana.ordercache.test.RedisProcess;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application of the tests that stop, freeze or slow down a Redis of their own: the annotated
 * orders on that Redis, with a short cool-down and maintenance interval so that recovery is quick.
 */
final class PrivateRedisApplications {

	private PrivateRedisApplications() {
	}

	/**
	 * Starts the application on a Redis.
	 * @param redis the test's own Redis
	 * @param keyPrefix the test's key prefix
	 * @param properties {@code name=value} settings of the test, which replace the defaults here (a
	 * property given twice would be bound as both values joined)
	 * @return the running context
	 */
	static ConfigurableApplicationContext start(RedisProcess redis, String keyPrefix, String... properties) {
		Map<String, String> all = new LinkedHashMap<>();
		all.put("spring.data.redis.url", redis.url());
		all.put("ordercache.key-prefix", keyPrefix);
		all.put("ordercache.resilience.open-duration", "200ms");
		all.put("ordercache.resilience.maintenance-interval", "50ms");
		for (String property : properties) {
			int equals = property.indexOf('=');
			all.put(property.substring(0, equals), property.substring(equals + 1));
		}
		return IntegrationTestApplication.run(all, AnnotatedOrders.class);
	}

}
