package io.fatamorgana.ordercache.sample.order;

import io.fatamorgana.ordercache.warmup.OrderWarmUpSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Where the starter's warm-up reads hot periods from: the orders table, streamed. Which periods are
 * hot is {@code ordercache.warm-up.periods} in application.yml.
 */
@Configuration(proxyBeanMethods = false)
class WarmUpConfiguration {

	@Bean
	OrderWarmUpSource orderWarmUpSource(OrderRepository repository) {
		return repository::streamByPeriod;
	}

}
