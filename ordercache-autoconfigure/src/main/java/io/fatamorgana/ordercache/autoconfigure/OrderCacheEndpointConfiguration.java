package io.fatamorgana.ordercache.autoconfigure;

import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.actuate.OrderCacheEndpoint;
import io.fatamorgana.ordercache.actuate.OrderCacheEndpointWebExtension;
import io.fatamorgana.ordercache.near.NearCache;
import io.fatamorgana.ordercache.redis.CircuitBreakers;
import io.fatamorgana.ordercache.support.OrderCacheEngine;
import io.fatamorgana.ordercache.warmup.OrderCacheWarmUp;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code ordercache} Actuator endpoint, when Actuator is on the classpath and the endpoint is
 * enabled and exposed ({@code management.endpoints.web.exposure.include=ordercache}), read-only unless
 * {@code management.endpoint.ordercache.access=unrestricted}; over HTTP its failures are problem answers.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnAvailableEndpoint(OrderCacheEndpoint.class)
class OrderCacheEndpointConfiguration {

	@Bean
	@ConditionalOnMissingBean
	OrderCacheEndpoint orderCacheEndpoint(OrderCacheService service, OrderCacheEngine engine,
			ObjectProvider<OrderCacheWarmUp> warmUp, CircuitBreakers circuitBreakers, ObjectProvider<NearCache> nearCache) {
		return new OrderCacheEndpoint(service, engine, warmUp.getIfAvailable(), circuitBreakers,
				nearCache.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(OrderCacheEndpoint.class)
	OrderCacheEndpointWebExtension orderCacheEndpointWebExtension(OrderCacheEndpoint endpoint) {
		return new OrderCacheEndpointWebExtension(endpoint);
	}

}
