package io.fatamorgana.ordercache.autoconfigure;

import io.fatamorgana.ordercache.actuate.OrderCacheHealthIndicator;
import io.fatamorgana.ordercache.redis.CircuitBreakers;
import io.fatamorgana.ordercache.redis.OrderHashStore;
import io.fatamorgana.ordercache.support.OrderCacheEngine;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code orderCache} health contributor, when Spring Boot's health support is on the classpath
 * and {@code management.health.ordercache.enabled} is not false.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnEnabledHealthIndicator("ordercache")
class OrderCacheHealthConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "orderCacheHealthIndicator")
	OrderCacheHealthIndicator orderCacheHealthIndicator(OrderHashStore store, OrderCacheEngine engine,
			OrderCacheProperties properties, CircuitBreakers circuitBreakers) {
		return new OrderCacheHealthIndicator(store, engine, properties.getHealth().isDownWhenUnavailable(),
				circuitBreakers);
	}

}
