package io.fatamorgana.ordercache.autoconfigure;

import io.fatamorgana.ordercache.actuate.NearCacheMetrics;
import io.fatamorgana.ordercache.near.NearCache;
import io.fatamorgana.ordercache.redis.CircuitBreakers;
import io.fatamorgana.ordercache.redis.OrderHashStore;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;

/**
 * The near cache, when {@code ordercache.near-cache.enabled} is {@code true}: the cache engine
 * then reads and writes through it. Its channel is {@code <key-prefix>!near}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("ordercache.near-cache.enabled")
class OrderCacheNearCacheConfiguration {

	@Bean
	NearCache orderCacheNearCache(OrderHashStore store, CircuitBreakers circuitBreakers,
			OrderCacheProperties properties, ResourceLoader resourceLoader) {
		if (!ClassUtils.isPresent("com.github.benmanes.caffeine.cache.Caffeine", resourceLoader.getClassLoader())) {
			throw new InvalidOrderCachePropertyException("ordercache.near-cache.enabled", true,
					"needs Caffeine on the classpath (com.github.ben-manes.caffeine:caffeine, which"
							+ " ordercache-starter brings)");
		}
		OrderCacheProperties.NearCache near = properties.getNearCache();
		return new NearCache(store, circuitBreakers, new NearCache.Settings(properties.getKeyPrefix() + "!near",
				near.getMaximumSize(), near.getMaximumAge(), near.getHeartbeatInterval(), near.getHeartbeatTimeout()));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class Metrics {

		@Bean
		NearCacheMetrics orderCacheNearCacheMetrics(NearCache nearCache) {
			return new NearCacheMetrics(nearCache);
		}

	}

}
