package io.fatamorgana.ordercache.autoconfigure;

import io.fatamorgana.ordercache.support.OrderCacheEngine;
import io.fatamorgana.ordercache.warmup.HotPeriods;
import io.fatamorgana.ordercache.warmup.OrderCacheWarmUp;
import io.fatamorgana.ordercache.warmup.OrderWarmUpSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The warm-up of hot periods, when the application defines an {@link OrderWarmUpSource}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBean(OrderWarmUpSource.class)
@ConditionalOnBooleanProperty(name = "ordercache.warm-up.enabled", matchIfMissing = true)
class OrderCacheWarmUpConfiguration {

	@Bean
	@ConditionalOnMissingBean
	OrderCacheWarmUp orderCacheWarmUp(OrderCacheEngine engine, OrderWarmUpSource source,
			ObjectProvider<HotPeriods> hotPeriods, OrderCacheProperties properties) {
		return new OrderCacheWarmUp(engine, source, properties.getWarmUp().getPeriods(), hotPeriods.getIfAvailable(),
				properties.getWarmUp().isBackground(), properties.getWarmUp().getRetryDelay());
	}

}
