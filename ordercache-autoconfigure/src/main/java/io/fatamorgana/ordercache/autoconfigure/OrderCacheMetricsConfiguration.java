package io.fatamorgana.ordercache.autoconfigure;

import io.fatamorgana.ordercache.actuate.OrderCacheMetrics;
import io.fatamorgana.ordercache.redis.CircuitBreakers;
import io.fatamorgana.ordercache.redis.OrderHashStore;
import io.fatamorgana.ordercache.support.OrderCacheCounters;
import io.fatamorgana.ordercache.support.OrderCacheEngine;
import io.fatamorgana.ordercache.warmup.OrderCacheWarmUp;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The order cache's Micrometer meters, when Micrometer is on the classpath; Spring Boot binds them to
 * every registry.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(MeterBinder.class)
class OrderCacheMetricsConfiguration {

	@Bean
	@ConditionalOnMissingBean
	OrderCacheMetrics orderCacheMetrics(OrderCacheEngine engine, OrderHashStore store, CircuitBreakers circuitBreakers,
			OrderCacheCounters counters, ObjectProvider<OrderCacheWarmUp> warmUp) {
		return new OrderCacheMetrics(engine, store, circuitBreakers, counters, warmUp.getIfAvailable());
	}

}
